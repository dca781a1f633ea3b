//! Fault profiles: a stream made to misbehave on purpose, at the level of events and bytes, for
//! the subscriptions a profile targets. A profile changes only what is written to those
//! connections: the stream's ids, replay log and durable log are untouched, so a resume after
//! any cut gets exactly the missing events. `docs/faults.md` lists every field.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::answer_headers::READ_HEADERS;

/// The bounds of a profile's values, so no profile can make the server hold a connection, a
/// byte count or a timer without end.
pub const MAX_COUNT: u64 = 1_000_000;
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_MS: u64 = 10 * 60 * 1000;
pub const MIN_DRIP_BYTES_PER_SECOND: u64 = 1;
pub const MAX_DRIP_BYTES_PER_SECOND: u64 = 10 * 1024 * 1024;
pub const MAX_CLIENT_CHARS: usize = 128;
pub const MAX_COMMENTS: u64 = 10_000;
pub const MAX_REDIRECT_CHARS: usize = 2048;

impl ReconnectAnswer {
    fn check(&self) -> Result<(), ProfileError> {
        let set = [self.status.is_some(), self.content_type.is_some(), self.redirect.is_some()];
        if set.iter().filter(|set| **set).count() != 1 {
            return Err(ProfileError(
                "`onReconnect` needs exactly one of `status`, `contentType`, `redirect`".into(),
            ));
        }
        if let Some(status) = self.status {
            if status != 204 && !(400..=599).contains(&status) {
                return Err(ProfileError(format!(
                    "`onReconnect.status` is {status}: it must be 204, a 4xx or a 5xx"
                )));
            }
        }
        if let Some(content_type) = &self.content_type {
            if content_type.is_empty()
                || content_type.len() > 200
                || !content_type.bytes().all(|b| (0x20..0x7f).contains(&b))
            {
                return Err(ProfileError(
                    "`onReconnect.contentType` must be 1 to 200 visible ASCII characters".into(),
                ));
            }
        }
        if let Some(redirect) = &self.redirect {
            let visible = redirect.bytes().all(|b| (0x21..0x7f).contains(&b));
            if redirect.is_empty() || redirect.len() > MAX_REDIRECT_CHARS || !visible {
                return Err(ProfileError(format!(
                    "`onReconnect.redirect` must be 1 to {MAX_REDIRECT_CHARS} visible ASCII characters (a URL or a path)"
                )));
            }
        }
        Ok(())
    }

    /// The response: a whole HTTP/1.1 response that closes the connection.
    /// The answer as the client record keeps it.
    pub(crate) fn recorded(&self) -> crate::clients::Answer {
        let fault = serde_json::to_string(&serde_json::json!({ "onReconnect": self })).ok();
        let (status, content_type) = match (&self.redirect, &self.content_type) {
            (Some(_), _) => (307, None),
            (None, Some(content_type)) => (200, Some(content_type.clone())),
            (None, None) => {
                let status = self.status.unwrap_or(503);
                (status, (status != 204).then(|| "text/plain; charset=utf-8".to_owned()))
            }
        };
        crate::clients::Answer { status, content_type, location: self.redirect.clone(), fault }
    }

    pub(crate) fn response(&self) -> Vec<u8> {
        let (status, extra, body) = if let Some(redirect) = &self.redirect {
            (307, format!("location: {redirect}\r\n"), String::new())
        } else if let Some(content_type) = &self.content_type {
            (
                200,
                format!("content-type: {content_type}\r\n"),
                "a fault profile answered this instead of the stream\n".into(),
            )
        } else {
            let status = self.status.unwrap_or(503);
            let body =
                if status == 204 { String::new() } else { format!("a fault profile answered {status}\n") };
            let extra = if status == 204 {
                String::new()
            } else {
                "content-type: text/plain; charset=utf-8\r\n".into()
            };
            (status, extra, body)
        };
        let reason =
            axum::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
        // The headers of every answer to `/events`: a page on another origin (the app's
        // webview) must see this one too, and may follow the redirect.
        let mut answer = format!("HTTP/1.1 {status} {reason}\r\n{extra}").into_bytes();
        let length = body.len().to_string();
        let framing = [("content-length", length.as_str()), ("connection", "close")];
        crate::answer_headers::write_header_lines(&mut answer, READ_HEADERS.iter().chain(&framing));
        answer.extend_from_slice(b"\r\n");
        answer.extend_from_slice(body.as_bytes());
        answer
    }
}

/// Line endings on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FaultLineEnding {
    Lf,
    Cr,
    Crlf,
}

/// What happens to the `id:` fields on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum IdFault {
    /// Every event carries the first faulted event's id.
    Repeat,
    /// Ids start again from 1 on this connection.
    Reset,
}

/// How a reconnect (a subscribe request with `Last-Event-ID`) is answered instead of streamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReconnectAnswer {
    /// 204, or a 4xx or 5xx status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A 200 with this Content-Type instead of `text/event-stream`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// A 307 to this URL or path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// Every reconnect, not only the next one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub every: bool,
}

/// A pause in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultStall {
    /// After this many events (0: before the first).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub after_events: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ms: u64,
}

/// How a stream misbehaves towards the subscriptions it targets. Every field is optional; the
/// faults set apply together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultProfile {
    /// Only subscriptions whose `client` query parameter or `X-SSE-Client` header is this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Only the next matching subscription; the profile is cleared once it is applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub once: bool,
    /// Seeds the random cut point: runs with a seed are reproducible.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seed: Option<u64>,
    /// Close the connection after this many events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_after_events: Option<u64>,
    /// Close the connection after this many bytes of the body: inside a line, a UTF-8
    /// sequence, or between the CR and LF of a CRLF.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_after_bytes: Option<u64>,
    /// Close the connection at a random byte in `1..=N` of the body (by `seed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_randomly_within_bytes: Option<u64>,
    /// Write the body at most this many bytes a second.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub drip_bytes_per_second: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall: Option<FaultStall>,
    /// Send `retry: MS` first.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_ms: Option<u64>,
    /// Send a UTF-8 byte order mark first (the spec says a client skips one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bom: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_ending: Option<FaultLineEnding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<IdFault>,
    /// Send an `error`-typed event after this many events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub error_event_after: Option<u64>,
    /// Send this many comment lines before each event.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub comment_flood: Option<u64>,
    /// Send first an event whose data is this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub oversized_event_bytes: Option<u64>,
    /// Answer the next (or every) reconnect with this instead of the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_reconnect: Option<ReconnectAnswer>,
}

/// A profile that does not parse or is out of bounds: says which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProfileError(pub String);

fn bounded(field: &str, value: Option<u64>, min: u64, max: u64, unit: &str) -> Result<(), ProfileError> {
    match value {
        Some(value) if value < min || value > max => {
            Err(ProfileError(format!("`{field}` is {value} {unit}: it must be between {min} and {max}")))
        }
        _ => Ok(()),
    }
}

impl FaultProfile {
    /// Parses a profile (JSON, the API's camelCase) and checks its bounds.
    pub fn parse(json: &[u8]) -> Result<Self, ProfileError> {
        let profile: Self = serde_json::from_slice(json)
            .map_err(|error| ProfileError(format!("not a fault profile: {error}")))?;
        profile.check()?;
        Ok(profile)
    }

    /// Every value within its bound, named when it is not.
    pub fn check(&self) -> Result<(), ProfileError> {
        bounded("cutAfterEvents", self.cut_after_events, 0, MAX_COUNT, "events")?;
        bounded("cutAfterBytes", self.cut_after_bytes, 1, MAX_BYTES, "bytes")?;
        bounded("cutRandomlyWithinBytes", self.cut_randomly_within_bytes, 1, MAX_BYTES, "bytes")?;
        bounded(
            "dripBytesPerSecond",
            self.drip_bytes_per_second,
            MIN_DRIP_BYTES_PER_SECOND,
            MAX_DRIP_BYTES_PER_SECOND,
            "bytes/s",
        )?;
        if let Some(stall) = self.stall {
            bounded("stall.afterEvents", Some(stall.after_events), 0, MAX_COUNT, "events")?;
            bounded("stall.ms", Some(stall.ms), 1, MAX_MS, "ms")?;
        }
        bounded("retryMs", self.retry_ms, 0, MAX_MS, "ms")?;
        bounded("errorEventAfter", self.error_event_after, 0, MAX_COUNT, "events")?;
        bounded("commentFlood", self.comment_flood, 1, MAX_COMMENTS, "comments")?;
        bounded("oversizedEventBytes", self.oversized_event_bytes, 1, MAX_BYTES, "bytes")?;
        if let Some(answer) = &self.on_reconnect {
            answer.check()?;
        }
        if let Some(client) = &self.client {
            if client.is_empty() || client.chars().count() > MAX_CLIENT_CHARS {
                return Err(ProfileError(format!("`client` must be 1 to {MAX_CLIENT_CHARS} characters")));
            }
        }
        Ok(())
    }

    /// How long a stall lasts, if the profile has one.
    pub fn stall_time(&self) -> Option<(u64, Duration)> {
        self.stall.map(|stall| (stall.after_events, Duration::from_millis(stall.ms)))
    }
}

/// The profiles set, by stream; shared by the HTTP API and the subscriptions it targets.
#[derive(Debug, Clone, Default)]
pub struct FaultBook(Arc<Mutex<HashMap<String, FaultProfile>>>);

impl FaultBook {
    pub fn new(profiles: HashMap<String, FaultProfile>) -> Self {
        Self(Arc::new(Mutex::new(profiles)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, FaultProfile>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set(&self, stream: &str, profile: FaultProfile) {
        self.lock().insert(stream.to_owned(), profile);
    }

    pub fn get(&self, stream: &str) -> Option<FaultProfile> {
        self.lock().get(stream).cloned()
    }

    /// Clears a stream's profile; whether it had one.
    pub fn clear(&self, stream: &str) -> bool {
        self.lock().remove(stream).is_some()
    }

    /// The profile for a new subscription to `stream` by `client` (its `client` parameter or
    /// `X-SSE-Client` header), if one targets it; a `once` profile is taken.
    pub fn take_for(&self, stream: &str, client: Option<&str>) -> Option<FaultProfile> {
        let mut book = self.lock();
        let profile = book.get(stream)?;
        if profile.client.as_deref().is_some_and(|wanted| Some(wanted) != client) {
            return None;
        }
        if profile.once {
            return book.remove(stream);
        }
        Some(profile.clone())
    }

    /// For a reconnect to `stream` by `client`: the answer a profile gives instead of the
    /// stream, if one does (the next reconnect's answer is used up).
    pub fn reconnect_answer(&self, stream: &str, client: Option<&str>) -> Option<ReconnectAnswer> {
        let mut book = self.lock();
        let profile = book.get_mut(stream)?;
        if profile.client.as_deref().is_some_and(|wanted| Some(wanted) != client) {
            return None;
        }
        let answer = profile.on_reconnect.clone()?;
        if !answer.every {
            profile.on_reconnect = None;
        }
        Some(answer)
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile parses from the API's camelCase; unknown fields and values out of bounds are
    /// refused naming the field.
    #[test]
    fn profiles_parse_and_are_bounded() {
        let profile =
            FaultProfile::parse(br#"{"cutAfterBytes": 1234, "seed": 7, "lineEnding": "crlf"}"#).unwrap();
        assert_eq!(
            (profile.cut_after_bytes, profile.seed, profile.line_ending),
            (Some(1234), Some(7), Some(FaultLineEnding::Crlf))
        );
        let unknown = FaultProfile::parse(br#"{"cutAfter": 5}"#).unwrap_err().0;
        assert!(unknown.contains("unknown field `cutAfter`"), "{unknown}");
        let drip = FaultProfile::parse(br#"{"dripBytesPerSecond": 0}"#).unwrap_err().0;
        assert!(drip.contains("`dripBytesPerSecond` is 0 bytes/s"), "{drip}");
        let stall = FaultProfile::parse(br#"{"stall": {"afterEvents": 1, "ms": 86400000}}"#).unwrap_err().0;
        assert!(stall.contains("`stall.ms`"), "{stall}");
        let huge = FaultProfile::parse(br#"{"cutAfterBytes": 10737418240}"#).unwrap_err().0;
        assert!(huge.contains("`cutAfterBytes`"), "{huge}");
    }

    /// A profile for a client targets only that client; a `once` profile is applied once.
    #[test]
    fn profiles_target_clients_and_once_is_taken() {
        let book = FaultBook::default();
        book.set("s", FaultProfile { client: Some("tested".into()), once: true, ..FaultProfile::default() });
        assert_eq!(book.take_for("s", Some("other")), None);
        assert_eq!(book.take_for("s", None), None);
        assert!(book.take_for("s", Some("tested")).is_some());
        assert_eq!(book.take_for("s", Some("tested")), None, "once: taken");
        book.set("s", FaultProfile { cut_after_events: Some(2), ..FaultProfile::default() });
        assert!(book.take_for("s", None).is_some() && book.take_for("s", None).is_some());
    }
}
