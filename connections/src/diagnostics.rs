//! Per-connection diagnostics: the response status and headers, and warnings where the server
//! makes life hard for SSE clients.

use std::time::Duration;

use serde::Serialize;
use sse_subscriber::{Compressed, FeedUpdate};

use crate::body_watch::{BodyWatch, CompressionReport};

/// A server that sends nothing for this long, not even a comment, risks proxies and clients
/// timing the connection out.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(30);
/// Resume checks kept, newest last.
const RESUMES_KEPT: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum WarningKind {
    ContentType,
    CacheControl,
    ContentEncoding,
    NoKeepAlive,
    IdRepeated,
    IdBackwards,
    ResumeGap,
    ResumeDuplicates,
    InvalidUtf8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

/// How a resume went, judged from the ids around a reconnection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Resume {
    /// The first id after is the one after the last id before.
    Clean {
        last_before: String,
        first_after: String,
    },
    Gap {
        last_before: String,
        first_after: String,
        missing: u64,
    },
    Duplicates {
        last_before: String,
        first_after: String,
        replayed: u64,
    },
    /// Ids that are not integers: only an exact repeat can be told.
    Unknown {
        last_before: String,
        first_after: String,
    },
}

/// What the diagnostics pane shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsReport {
    pub status: Option<u16>,
    /// The last response's headers as `[name, value]`.
    pub headers: Vec<(String, String)>,
    /// When the last response was refused (a 4xx, a wrong Content-Type): its body's first
    /// lines, as text.
    pub refused_body: Option<String>,
    /// One per kind, the first occurrence's message; `count` how often it was seen.
    pub warnings: Vec<Warning>,
    pub reconnects: u32,
    pub resumes: Vec<Resume>,
    /// When the body came compressed: how, and whether its events came one per read.
    pub compression: Option<CompressionReport>,
}

/// Watches one connection's updates and keeps its [`DiagnosticsReport`].
#[derive(Debug, Default)]
pub struct Diagnostics {
    report: DiagnosticsReport,
    opened_before: bool,
    last_id: Option<String>,
    /// The last id before a reconnection, until the first id after it arrives.
    resume_from: Option<String>,
    body: BodyWatch,
    /// The body's figures changed since the report was last taken.
    body_changed: bool,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

impl Diagnostics {
    pub fn report(&self) -> &DiagnosticsReport {
        &self.report
    }

    /// Adds a warning unless one of its kind is there; whether it was added.
    fn warn(&mut self, kind: WarningKind, message: String) -> bool {
        if self.report.warnings.iter().any(|w| w.kind == kind) {
            return false;
        }
        self.report.warnings.push(Warning { kind, message });
        true
    }

    /// Takes one update; whether the report changed.
    pub fn observe(&mut self, update: &FeedUpdate) -> bool {
        match update {
            FeedUpdate::Open { status, headers, .. } => {
                self.report.status = Some(*status);
                self.report.headers = headers.clone();
                self.report.refused_body = None;
                if self.opened_before {
                    self.report.reconnects += 1;
                    self.resume_from = self.last_id.clone().filter(|id| !id.is_empty());
                }
                self.opened_before = true;
                self.body.opened();
                self.check_headers();
                true
            }
            FeedUpdate::Error { response: Some(response), .. } => {
                // A refused response is shown whole (status, headers, body); the stream's
                // header checks do not apply to it.
                self.report.status = Some(response.status);
                self.report.headers = response.headers.clone();
                self.report.refused_body = Some(response.body_start.clone());
                true
            }
            FeedUpdate::Event { id, id_set, .. } => self.observe_event(id, *id_set),
            _ => false,
        }
    }

    /// Takes one event's id (`id_set`: its own block set it); whether the report changed
    /// enough to send at once.
    pub fn observe_event(&mut self, id: &str, id_set: bool) -> bool {
        let arrival_changed = self.body.event();
        self.body_changed |= self.body.compression().is_some();
        if arrival_changed {
            self.report.compression = self.body.compression().cloned();
        }
        let id_news = id_set && self.check_id(id);
        arrival_changed || id_news
    }

    /// Takes one network read (decoded, when compressed); whether the report changed enough
    /// to send at once (the body is compressed, or not valid UTF-8).
    pub fn observe_read(&mut self, bytes: &[u8], compressed: Option<&Compressed>) -> bool {
        let news = self.body.read(bytes, compressed);
        self.body_changed |= compressed.is_some();
        if let Some(offset) = self.body.first_invalid_utf8().filter(|_| news) {
            self.warn(
                WarningKind::InvalidUtf8,
                format!(
                    "the stream is not valid UTF-8: the first bad byte is at byte {offset} (Raw shows bad bytes as \\xNN); events carry U+FFFD in their place, as the spec decodes"
                ),
            );
        }
        if news {
            self.report.compression = self.body.compression().cloned();
        }
        news
    }

    /// Whether the body's figures changed since this was last asked, bringing the report up
    /// to date (for a once-a-second refresh rather than one per read).
    pub fn take_body_changed(&mut self) -> bool {
        let changed = std::mem::take(&mut self.body_changed);
        if changed {
            self.report.compression = self.body.compression().cloned();
        }
        changed
    }

    fn check_headers(&mut self) {
        let headers = self.report.headers.clone();
        let content_type = header(&headers, "content-type").unwrap_or("");
        if !sse_wire::has_essence(content_type, "text/event-stream") {
            self.warn(
                WarningKind::ContentType,
                format!("Content-Type is `{content_type}`, not `text/event-stream`: EventSource refuses the stream"),
            );
        }
        let cache_control = header(&headers, "cache-control").unwrap_or("");
        let no_cache = cache_control
            .split(',')
            .any(|d| matches!(d.trim().to_ascii_lowercase().as_str(), "no-cache" | "no-store"));
        if !no_cache {
            let shown =
                if cache_control.is_empty() { "missing".to_owned() } else { format!("`{cache_control}`") };
            self.warn(
                WarningKind::CacheControl,
                format!(
                    "Cache-Control is {shown}, not `no-cache`: a cache or proxy may hold the stream back"
                ),
            );
        }
        if let Some(encoding) =
            header(&headers, "content-encoding").filter(|e| !e.eq_ignore_ascii_case("identity"))
        {
            self.warn(
                WarningKind::ContentEncoding,
                format!("Content-Encoding is `{encoding}` (decoded here): compressors buffer output unless flushed after each event, so events can arrive late and in bursts"),
            );
        }
    }

    fn check_id(&mut self, id: &str) -> bool {
        let previous = self.last_id.replace(id.to_owned());
        if let Some(before) = self.resume_from.take() {
            self.record_resume(before, id.to_owned());
            return true;
        }
        let Some(previous) = previous.filter(|p| !p.is_empty()) else { return false };
        if previous == id {
            return self.warn(WarningKind::IdRepeated, format!("event id `{id}` was sent twice in a row"));
        }
        match (previous.parse::<u64>(), id.parse::<u64>()) {
            (Ok(before), Ok(now)) if now < before => self
                .warn(WarningKind::IdBackwards, format!("event ids went backwards, from {before} to {now}")),
            _ => false,
        }
    }

    fn record_resume(&mut self, last_before: String, first_after: String) {
        let resume = match (last_before.parse::<u64>(), first_after.parse::<u64>()) {
            (Ok(before), Ok(after)) if after == before.saturating_add(1) => {
                Resume::Clean { last_before, first_after }
            }
            (Ok(before), Ok(after)) if after > before => {
                let missing = after - before - 1;
                self.warn(
                    WarningKind::ResumeGap,
                    format!(
                        "after a reconnect the stream resumed at id {after}, not {}: {missing} events missed",
                        before + 1
                    ),
                );
                Resume::Gap { last_before, first_after, missing }
            }
            (Ok(before), Ok(after)) => {
                let replayed = before - after + 1;
                self.warn(
                    WarningKind::ResumeDuplicates,
                    format!("after a reconnect the server sent ids from {after} again: {replayed} events received twice"),
                );
                Resume::Duplicates { last_before, first_after, replayed }
            }
            _ if last_before == first_after => {
                self.warn(
                    WarningKind::ResumeDuplicates,
                    format!("after a reconnect the server sent id `{first_after}` again"),
                );
                Resume::Duplicates { last_before, first_after, replayed: 1 }
            }
            _ => Resume::Unknown { last_before, first_after },
        };
        self.report.resumes.push(resume);
        if self.report.resumes.len() > RESUMES_KEPT {
            self.report.resumes.remove(0);
        }
    }

    /// Called while the connection is open: warns once nothing has arrived for
    /// [`SILENCE_LIMIT`]. Whether the report changed.
    pub fn check_silence(&mut self, silent_for: Duration) -> bool {
        if silent_for < SILENCE_LIMIT {
            return false;
        }
        self.warn(
            WarningKind::NoKeepAlive,
            format!(
                "nothing received for {} s, not even a keep-alive comment: proxies and clients may time the connection out",
                silent_for.as_secs()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(headers: &[(&str, &str)]) -> FeedUpdate {
        FeedUpdate::Open {
            status: 200,
            content_type: header(&owned(headers), "content-type").unwrap_or("").to_owned(),
            headers: owned(headers),
        }
    }

    fn owned(headers: &[(&str, &str)]) -> Vec<(String, String)> {
        headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    fn event(id: &str) -> FeedUpdate {
        FeedUpdate::Event {
            event: "message".into(),
            data: "x".into(),
            id: id.into(),
            id_set: true,
            size: 1,
            received_at_ms: 0,
        }
    }

    const GOOD: [(&str, &str); 2] = [("content-type", "text/event-stream"), ("cache-control", "no-cache")];

    fn kinds(diagnostics: &Diagnostics) -> Vec<WarningKind> {
        diagnostics.report().warnings.iter().map(|w| w.kind).collect()
    }

    #[test]
    fn a_well_behaved_server_gets_no_warning() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.observe(&open(&GOOD));
        for id in ["1", "2", "3"] {
            diagnostics.observe(&event(id));
        }
        assert!(!diagnostics.check_silence(Duration::from_secs(29)));
        assert_eq!(kinds(&diagnostics), []);
        assert_eq!(diagnostics.report().status, Some(200));
    }

    #[test]
    fn unhelpful_headers_are_each_warned_about_once() {
        let mut diagnostics = Diagnostics::default();
        let bad =
            [("Content-Type", "text/plain"), ("Cache-Control", "max-age=60"), ("Content-Encoding", "gzip")];
        diagnostics.observe(&open(&bad));
        diagnostics.observe(&open(&bad));
        assert_eq!(
            kinds(&diagnostics),
            [WarningKind::ContentType, WarningKind::CacheControl, WarningKind::ContentEncoding]
        );
        assert!(diagnostics.report().warnings[2].message.contains("gzip"));
        assert!(diagnostics.check_silence(Duration::from_secs(31)));
        assert!(!diagnostics.check_silence(Duration::from_secs(62)), "warned once");
    }

    #[test]
    fn ids_that_repeat_or_go_backwards_are_flagged_but_carried_ids_are_not() {
        let mut diagnostics = Diagnostics::default();
        diagnostics.observe(&open(&GOOD));
        diagnostics.observe(&event("5"));
        let carried = FeedUpdate::Event {
            event: "message".into(),
            data: "y".into(),
            id: "5".into(),
            id_set: false,
            size: 1,
            received_at_ms: 0,
        };
        diagnostics.observe(&carried);
        assert_eq!(kinds(&diagnostics), []);
        diagnostics.observe(&event("5"));
        diagnostics.observe(&event("3"));
        assert_eq!(kinds(&diagnostics), [WarningKind::IdRepeated, WarningKind::IdBackwards]);
    }

    #[test]
    fn resumes_are_judged_by_the_ids_around_a_reconnect() {
        let mut diagnostics = Diagnostics::default();
        // Connected at 10, then resumed at 11 (clean), 15 (3 missed) and 13 (3 again).
        for id in ["10", "11", "15", "13"] {
            diagnostics.observe(&open(&GOOD));
            diagnostics.observe(&event(id));
        }
        let report = diagnostics.report();
        assert_eq!(report.reconnects, 3);
        assert!(matches!(report.resumes[0], Resume::Clean { .. }));
        assert!(matches!(report.resumes[1], Resume::Gap { missing: 3, .. }));
        assert!(matches!(report.resumes[2], Resume::Duplicates { replayed: 3, .. }));
        assert_eq!(kinds(&diagnostics), [WarningKind::ResumeGap, WarningKind::ResumeDuplicates]);
    }
}
