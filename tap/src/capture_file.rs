//! A tapped stream as a capture file (the format `sse-sub --json --time` writes and the
//! inspector imports): the head line with the request and response, then one event per line.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sse_capture::{write_event, write_head, CaptureHead, CapturedEvent, RecordedRequest, RecordedResponse};

use crate::har::{self, Secrets};
use crate::record::Exchange;

/// The capture of a stream exchange: its head line and its events with their receive times.
pub fn capture(exchange: &Exchange, secrets: Secrets) -> Vec<u8> {
    let started = exchange.started.unwrap_or(UNIX_EPOCH);
    let head = CaptureHead {
        version: sse_capture::CAPTURE_VERSION,
        request: Some(RecordedRequest {
            method: exchange.method.clone(),
            url: har::redact_url(&exchange.url, secrets),
            headers: har::redact_headers(&exchange.request_headers, secrets),
            time: exchange.started,
        }),
        response: exchange.status.map(|status| RecordedResponse {
            status,
            headers: har::redact_headers(&exchange.response_headers, secrets),
            time: exchange.head_after.map(|after| started + after),
        }),
    };
    let mut out = Vec::new();
    write_head(&head, &mut out);
    for event in &exchange.events {
        write_event(
            &CapturedEvent {
                event: Cow::Borrowed(&event.event),
                data: Cow::Borrowed(&event.data),
                id: Cow::Borrowed(&event.id),
                retry: event.retry.map(|r| r.as_millis() as u64),
                time: Some(started + event.at),
            },
            &mut out,
        );
    }
    out
}

/// `0007-GET-v1-chat-completions.ndjson`: the exchange's number, method and path, in
/// characters any file system takes.
pub fn capture_file_name(exchange: &Exchange) -> String {
    let path = exchange.target.split('?').next().unwrap_or("");
    let mut name: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' { c } else { '-' })
        .collect();
    name = name.trim_matches('-').chars().take(80).collect();
    if name.is_empty() {
        name.push_str("root");
    }
    format!("{:04}-{}-{name}.ndjson", exchange.id, exchange.method.to_ascii_uppercase())
}

/// Writes the exchange's capture into `dir`; the file's path.
pub fn write_capture(dir: &Path, exchange: &Exchange, secrets: Secrets) -> std::io::Result<PathBuf> {
    let path = dir.join(capture_file_name(exchange));
    std::fs::write(&path, capture(exchange, secrets))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::TappedEvent;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_capture_reads_back_with_its_head_and_event_times() {
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let exchange = Exchange {
            id: 7,
            method: "POST".into(),
            target: "/v1/chat/completions?x=1".into(),
            url: "http://h/v1/chat/completions?x=1".into(),
            started: Some(started),
            status: Some(200),
            request_headers: vec![("authorization".into(), "Bearer sk".into())],
            events: [TappedEvent {
                at: Duration::from_millis(250),
                event: "message".into(),
                data: "{}".into(),
                id: "1".into(),
                id_set: true,
                retry: Some(Duration::from_secs(3)),
            }]
            .into(),
            ..Exchange::default()
        };
        assert_eq!(capture_file_name(&exchange), "0007-POST-v1-chat-completions.ndjson");
        let bytes = capture(&exchange, Secrets::Redact);
        let read = sse_capture::read_capture(&bytes[..]).unwrap();
        let head = read.head.unwrap();
        assert_eq!(head.request.unwrap().headers[0].1, har::REDACTED);
        assert_eq!(read.events.len(), 1);
        assert_eq!(read.events[0].retry, Some(3000));
        assert_eq!(read.events[0].time, Some(started + Duration::from_millis(250)));
    }
}
