//! A capture fed by the real subscriber reading a real HTTP server over loopback.

use std::time::{Duration, SystemTime};

use sse_inspector::{Capture, CaptureLimits, EventFilter, ExportFormat, LineEnding, LineKind};
use sse_subscriber::{SubscribeRequest, Subscription};
use sse_test_support::{RawAnswer, RawServer};

const BODY: &[u8] = b": welcome\r\nid: 1\r\ndata: {\"n\": 1}\r\n\r\n:keep-alive\n\nevent: note\ndata:  \ndata: \n\nid: 3\rdata: three\r\r";

/// A server that answers one request with `BODY` as an event stream, in pieces (so blocks
/// straddle chunks), then closes.
async fn spawn_server() -> String {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\n\r\n",
        BODY.len()
    );
    let answer = RawAnswer::in_pieces(head, BODY, 7, Duration::from_millis(2));
    RawServer::start(answer).await.url("/events")
}

async fn capture_of(url: &str) -> Capture {
    let request = SubscribeRequest::new(url).unwrap().reconnect(false).report_raw(true);
    let mut subscription = Subscription::new(request);
    let mut capture = Capture::new(CaptureLimits::default());
    while let Some(update) = tokio::time::timeout(Duration::from_secs(5), subscription.next()).await.unwrap()
    {
        capture.observe(&update);
    }
    capture
}

/// Events are kept with their own raw bytes; the raw view shows comments and line endings;
/// whitespace-only data is visible; the figures count what came.
#[tokio::test]
async fn events_raw_bytes_and_figures_are_kept() {
    let capture = capture_of(&spawn_server().await).await;
    let rows = capture.history().rows(0, 10);
    let previews: Vec<_> = rows.iter().map(|r| r.preview.as_str()).collect();
    assert_eq!(previews, [r#"{"n": 1}"#, "␣⏎", "three"]);
    assert_eq!(rows[1].event, "note");
    assert_eq!(rows[1].id, "1", "the id carries over");
    assert!(!rows[1].id_set);

    let first = capture.detail(rows[0].seq).unwrap();
    let raw = first.raw.expect("the first event's bytes are kept");
    let texts: Vec<_> = raw.iter().map(|l| (l.text.as_str(), l.ending)).collect();
    assert_eq!(
        texts,
        [
            (": welcome", LineEnding::Crlf),
            ("id: 1", LineEnding::Crlf),
            (r#"data: {"n": 1}"#, LineEnding::Crlf),
            ("", LineEnding::Crlf)
        ]
    );
    let third = capture.detail(rows[2].seq).unwrap().raw.unwrap();
    assert!(third.iter().all(|l| l.ending == LineEnding::Cr), "{third:?}");

    let view = capture.raw().tail(1 << 20);
    assert_eq!(view.total_bytes, BODY.len() as u64);
    assert_eq!(view.lines[0].kind, LineKind::ConnectionStart);
    assert!(view.lines.iter().any(|l| l.kind == LineKind::Comment && l.text == ":keep-alive"));

    let stats = capture.stats(SystemTime::now());
    assert_eq!(stats.events, 3);
    assert_eq!(stats.raw_bytes, BODY.len() as u64);
    assert!(stats.time_to_first_event_ms.is_some());
    assert_eq!(stats.per_second.iter().sum::<u32>(), 3);
}

/// An NDJSON export is read back by the replay's parser with the same events; a filtered
/// export holds only what the filter lets through.
#[tokio::test]
async fn exports_read_back_as_captures() {
    let mut capture = capture_of(&spawn_server().await).await;
    let mut out = Vec::new();
    let until = capture.history().next_seq();
    assert_eq!(capture.export_chunk(0, until, false, ExportFormat::Ndjson, &mut out), None);
    let events = sse_capture::read_capture(&out[..]).unwrap().events;
    let read_back: Vec<_> = events.iter().map(|e| (&*e.event, &*e.data)).collect();
    assert_eq!(read_back, [("message", r#"{"n": 1}"#), ("note", " \n"), ("message", "three")]);
    assert!(events.iter().all(|e| e.time.is_some()));

    let filter = EventFilter { types: vec!["note".into()], ..EventFilter::default() };
    capture.history_mut().set_filter(&filter).unwrap();
    let mut csv = Vec::new();
    capture.export_chunk(0, until, true, ExportFormat::Csv, &mut csv);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 2, "one record, its data over two lines: {csv}");
    assert!(csv.contains(",1,note,"), "{csv}");
}
