//! What the window shows of the exchanges through a tap: a row each in its list, one whole
//! (heads with credentials masked, bodies readable, how it ended), and the timings its
//! waterfall draws.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sse_tap::{redact_headers, redact_url, Exchange, Secrets};

use sse_inspector::{split_lines, RawLine};

use crate::command_line::request_curl;
use crate::spec::TlsOptions;

/// Chunk marks per exchange in the waterfall: a stream's chunks beyond this share marks.
pub const MAX_CHUNK_MARKS: usize = 240;

/// One exchange through a tap, as its list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExchangeRow {
    pub id: u64,
    pub method: String,
    /// As the client sent it: path and query.
    pub target: String,
    /// None until the response head (or the tap's own answer).
    pub status: Option<u16>,
    pub content_type: String,
    /// Milliseconds since the Unix epoch.
    pub started_ms: f64,
    /// Until it ended, or so far while it is open.
    pub duration_ms: f64,
    /// Of the response body, as sent to the client.
    pub bytes: u64,
    /// Events (or NDJSON lines) of a stream.
    pub events: u64,
    pub is_stream: bool,
    pub tunnel: bool,
    /// How it ended, in words; none while it is open.
    pub ending: Option<String>,
    /// It ended other than completed (or a closed tunnel): who cut it is in `ending`.
    pub failed: bool,
    /// A fault rule selected it: what the rule did (`rule 1: cut after 5 events at byte 1,234`).
    pub fault: Option<String>,
    /// A breakpoint holds one of its events now.
    pub held: bool,
    /// What breakpoints did to it (`held event 3: edited; 1 injected`), when they did anything.
    pub breakpoints: Option<String>,
}

/// When an exchange started (ms since the Unix epoch) and how long it took, or has taken so far.
fn timing(exchange: &Exchange, now: SystemTime) -> (f64, f64) {
    let started = exchange.started.unwrap_or(now);
    let duration = exchange.duration.unwrap_or_else(|| now.duration_since(started).unwrap_or_default());
    (ms(started.duration_since(UNIX_EPOCH).unwrap_or_default()), ms(duration))
}

/// It ended, cut (see [`sse_tap::Ending::is_cut`]).
fn cut(exchange: &Exchange) -> bool {
    exchange.ending.as_ref().is_some_and(sse_tap::Ending::is_cut)
}

impl ExchangeRow {
    pub fn of(exchange: &Exchange, now: SystemTime) -> Self {
        let (started_ms, duration_ms) = timing(exchange, now);
        let content_type = exchange.content_type().to_owned();
        Self {
            id: exchange.id,
            method: exchange.method.clone(),
            target: exchange.target.clone(),
            status: exchange.status,
            content_type,
            started_ms,
            duration_ms,
            bytes: exchange.response_bytes,
            events: exchange.event_count(),
            is_stream: exchange.is_stream,
            tunnel: exchange.tunnel,
            ending: exchange.ending.as_ref().map(ToString::to_string),
            failed: cut(exchange),
            fault: exchange.fault.as_ref().map(sse_tap::AppliedFault::line),
            held: exchange.held,
            breakpoints: sse_breakpoints::marks_line(&exchange.breakpoints),
        }
    }
}

/// A body as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BodyView {
    None,
    /// Parsed as JSON: pretty-printed.
    Json {
        text: String,
        kept: u64,
        total: u64,
    },
    Text {
        text: String,
        kept: u64,
        total: u64,
    },
    /// Not UTF-8: only its size.
    Binary {
        total: u64,
    },
    /// A stream: its events are the body.
    Stream {
        events: u64,
    },
}

impl BodyView {
    /// `kept` bytes of a body of `total`, read as JSON, text or binary.
    pub fn of(kept: &[u8], total: u64) -> Self {
        if total == 0 {
            return Self::None;
        }
        let Ok(text) = std::str::from_utf8(kept) else { return Self::Binary { total } };
        let kept_len = kept.len() as u64;
        if kept_len == total {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
                if let Ok(pretty) = serde_json::to_string_pretty(&value) {
                    return Self::Json { text: pretty, kept: kept_len, total };
                }
            }
        }
        Self::Text { text: text.to_owned(), kept: kept_len, total }
    }
}

/// One exchange, whole, for the screen: credentials masked (headers by name, query parameters
/// such as `key=`), bodies readable.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExchangeDetail {
    pub row: ExchangeRow,
    /// The upstream's URL for it.
    pub url: String,
    /// `HTTP/1.1` or `HTTP/2`, as spoken to the upstream.
    pub upstream_version: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: BodyView,
    pub response_headers: Vec<(String, String)>,
    pub response_body: BodyView,
    /// Until the response head, since the exchange began.
    pub head_ms: Option<f64>,
    /// Bytes of the body once its `Content-Encoding` is undone.
    pub decoded_bytes: u64,
    pub chunks: u64,
    pub warnings: Vec<String>,
    /// The request again as curl, for the clipboard (with its credentials, or it would not work).
    pub curl: String,
    /// The same with credentials masked, for the screen.
    pub curl_shown: String,
    /// Why the command does not send the very same request, when it cannot.
    pub curl_note: Option<String>,
    /// A stream's last bytes (decoded), chunk by chunk as they came, as lines.
    pub raw: Vec<RawChunk>,
    /// A stream's bytes not in `raw` (older, or past what the view shows).
    pub raw_left_out: u64,
    /// The events breakpoints held (and what became of them) and those injected, in order.
    pub breakpoints: Vec<sse_breakpoints::HoldMark>,
}

/// One chunk of a stream as the raw view shows it: when it came, its size, its lines (a line
/// may go on in the next chunk: its ending is then `none`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RawChunk {
    /// Since the exchange began.
    pub at_ms: f64,
    pub bytes: u64,
    pub lines: Vec<RawLine>,
}

/// Bytes of a stream the detail shows at most, its newest chunks.
pub const RAW_SHOWN_BYTES: usize = 64 * 1024;

/// The newest chunks within [`RAW_SHOWN_BYTES`] (a chunk larger than that alone: its end), as
/// lines; and how many bytes of the stream they leave out.
fn raw_chunks(exchange: &Exchange) -> (Vec<RawChunk>, u64) {
    let mut shown = Vec::new();
    let mut room = RAW_SHOWN_BYTES;
    for (at, bytes) in exchange.raw.iter().rev() {
        if room == 0 {
            break;
        }
        let part = &bytes[bytes.len().saturating_sub(room)..];
        room -= part.len();
        shown.push(RawChunk { at_ms: ms(*at), bytes: bytes.len() as u64, lines: split_lines(part, 0) });
    }
    shown.reverse();
    let shown_bytes = (RAW_SHOWN_BYTES - room) as u64;
    (shown, exchange.decoded_bytes.saturating_sub(shown_bytes))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

impl ExchangeDetail {
    /// `tls`: the tap's options towards its upstream (the command needs them too).
    pub fn of(exchange: &Exchange, tls: &TlsOptions, now: SystemTime) -> Self {
        let body = std::str::from_utf8(&exchange.request_body).ok();
        let complete = exchange.request_body.len() as u64 == exchange.request_bytes;
        let curl_note = match (body, complete) {
            (Some(_), true) => None,
            (None, _) => Some("its body is not text: the command leaves it out".to_owned()),
            (Some(_), false) => Some(format!(
                "the tap kept the first {} of its {} body bytes: the command sends those",
                exchange.request_body.len(),
                exchange.request_bytes
            )),
        };
        let (raw, raw_left_out) = if exchange.is_stream { raw_chunks(exchange) } else { (Vec::new(), 0) };
        let curl_for = |secrets| {
            request_curl(
                &exchange.method,
                &redact_url(&exchange.url, secrets),
                &redact_headers(&exchange.request_headers, secrets),
                body,
                exchange.is_stream,
                tls,
            )
        };
        let response_body = if exchange.is_stream {
            BodyView::Stream { events: exchange.event_count() }
        } else {
            BodyView::of(
                &exchange.response_body,
                exchange.decoded_bytes.max(exchange.response_body.len() as u64),
            )
        };
        Self {
            row: ExchangeRow::of(exchange, now),
            url: redact_url(&exchange.url, Secrets::Redact),
            upstream_version: exchange.upstream_version.clone(),
            request_headers: redact_headers(&exchange.request_headers, Secrets::Redact),
            request_body: BodyView::of(&exchange.request_body, exchange.request_bytes),
            response_headers: redact_headers(&exchange.response_headers, Secrets::Redact),
            response_body,
            head_ms: exchange.head_after.map(ms),
            decoded_bytes: exchange.decoded_bytes,
            chunks: exchange.chunks.len() as u64 + exchange.chunks_dropped,
            warnings: exchange.warnings.clone(),
            curl: curl_for(Secrets::Keep),
            curl_shown: curl_for(Secrets::Redact),
            curl_note,
            raw,
            raw_left_out,
            breakpoints: exchange.breakpoints.clone(),
        }
    }
}

/// One exchange in the waterfall: when it started, got its head, each chunk, and ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TimelineRow {
    pub id: u64,
    /// Milliseconds since the Unix epoch.
    pub started_ms: f64,
    /// The rest since it started.
    pub head_ms: Option<f64>,
    /// Chunks' arrivals; past [`MAX_CHUNK_MARKS`], one mark per stretch of time that had any.
    pub chunk_ms: Vec<f64>,
    /// When it ended, or how long it has been open so far.
    pub end_ms: f64,
    pub open: bool,
    pub failed: bool,
}

impl TimelineRow {
    /// (Read under the record's lock for every kept exchange: it copies none of their text.)
    pub fn of(exchange: &Exchange, now: SystemTime) -> Self {
        let (started_ms, duration_ms) = timing(exchange, now);
        let arrivals = exchange.chunks.iter().map(|chunk| ms(chunk.received));
        Self {
            id: exchange.id,
            started_ms,
            head_ms: exchange.head_after.map(ms),
            chunk_ms: marks(arrivals, exchange.chunks.len(), duration_ms),
            end_ms: duration_ms,
            open: exchange.ending.is_none(),
            failed: cut(exchange),
        }
    }
}

/// `count` arrival times (ascending, within `0..=span`) as at most [`MAX_CHUNK_MARKS`] marks:
/// all of them when few, else the middle of each stretch of `span / MAX_CHUNK_MARKS` that had
/// any (so a burst stays a burst and a stall stays a gap).
fn marks(arrivals: impl Iterator<Item = f64>, count: usize, span: f64) -> Vec<f64> {
    if count <= MAX_CHUNK_MARKS {
        return arrivals.collect();
    }
    let stretch = (span / MAX_CHUNK_MARKS as f64).max(f64::MIN_POSITIVE);
    let mut marks = Vec::with_capacity(MAX_CHUNK_MARKS);
    let mut last = None;
    for at in arrivals {
        let bucket = ((at / stretch) as usize).min(MAX_CHUNK_MARKS - 1);
        if last != Some(bucket) {
            marks.push((bucket as f64 + 0.5) * stretch);
            last = Some(bucket);
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON is pretty-printed, text stays text, a cut body says so, binary is a size.
    #[test]
    fn bodies_read_as_json_text_or_a_size() {
        assert_eq!(BodyView::of(b"", 0), BodyView::None);
        let json = BodyView::of(br#"{"a":[1,2]}"#, 11);
        assert!(matches!(&json, BodyView::Json { text, .. } if text.contains("\n  \"a\"")), "{json:?}");
        // Cut at the body limit: not parsed (it would not be), shown as the text kept.
        let cut = BodyView::of(br#"{"a":"#, 4000);
        assert_eq!(cut, BodyView::Text { text: r#"{"a":"#.into(), kept: 5, total: 4000 });
        assert_eq!(BodyView::of(&[0xff, 0xfe, 0], 3), BodyView::Binary { total: 3 });
    }

    /// The raw view shows the newest chunks within its budget, each split into lines, and
    /// counts the rest.
    #[test]
    fn raw_chunks_show_the_newest_within_the_budget() {
        let mut exchange = Exchange { is_stream: true, ..Exchange::default() };
        let mut total = 0;
        for n in 0..3u64 {
            let chunk = format!("data: {n}\r\n\r");
            total += chunk.len() as u64;
            exchange.raw.push_back((Duration::from_millis(n * 10), bytes::Bytes::from(chunk)));
        }
        exchange.decoded_bytes = total + 1_000_000; // more came than is kept
        let (chunks, left_out) = raw_chunks(&exchange);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[1].at_ms, 10.0);
        let texts: Vec<&str> = chunks[0].lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["data: 0", ""]);
        assert_eq!(chunks[0].lines[0].ending, sse_inspector::LineEnding::Crlf);
        assert_eq!(left_out, 1_000_000);
    }

    /// Few chunks are marked each; many share marks per stretch of time, keeping the gaps.
    #[test]
    fn chunk_marks_keep_bursts_and_stalls() {
        let few = [1.0, 2.0, 3.0];
        assert_eq!(marks(few.into_iter(), 3, 3.0), few);
        // 10,000 chunks in the first second, then a stall, then 10,000 in the last second.
        let arrivals: Vec<f64> = (0..10_000)
            .map(|n| n as f64 / 10.0)
            .chain((0..10_000).map(|n| 9_000.0 + n as f64 / 10.0))
            .collect();
        let shown = marks(arrivals.iter().copied(), arrivals.len(), 10_000.0);
        assert!(shown.len() <= MAX_CHUNK_MARKS);
        assert!(shown.iter().all(|at| !(1_000.0..9_000.0).contains(at)), "no mark in the stall");
        assert!(shown.iter().any(|&at| at < 1_000.0) && shown.iter().any(|&at| at >= 9_000.0));
    }
}
