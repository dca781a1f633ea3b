//! The capture format end to end: written lines read back, older files without a head line,
//! bad lines named by number, bounded lines, and the fuzzing corpus replayed.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use sse_capture::{
    read_capture, write_event, write_head, CaptureError, CaptureHead, CaptureLine, CaptureReader,
    CapturedEvent, LineError, RecordedRequest, RecordedResponse, CAPTURE_VERSION,
};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,4}",
        "[\\PC\n\r\t\"\\\\]{0,40}",
        Just("é漢🙂\0\u{FFFD}".to_owned())
    ]
}

fn event() -> impl Strategy<Value = CapturedEvent<'static>> {
    let time = proptest::option::of((0u64..253_402_300_799, 0u32..1_000_000))
        .prop_map(|t| t.map(|(secs, micros)| UNIX_EPOCH + Duration::new(secs, micros * 1000)));
    (text(), text(), text(), proptest::option::of(any::<u64>()), time).prop_map(
        |(event, data, id, retry, time)| CapturedEvent {
            event: Cow::Owned(event),
            data: Cow::Owned(data),
            id: Cow::Owned(id),
            retry,
            time,
        },
    )
}

proptest! {
    /// Any events, with a head line or not, written then read give back exactly those events
    /// (times are kept to the microsecond, and these have no finer part).
    #[test]
    fn written_events_read_back_exactly(events in prop::collection::vec(event(), 0..20), with_head in any::<bool>()) {
        let head = CaptureHead {
            version: CAPTURE_VERSION,
            request: Some(RecordedRequest { method: "POST".into(), url: "http://h/v1".into(), headers: vec![("A".into(), "1".into()), ("A".into(), "2".into())], time: None }),
            response: Some(RecordedResponse { status: 200, headers: vec![], time: Some(UNIX_EPOCH) }),
        };
        let mut out = Vec::new();
        if with_head {
            write_head(&head, &mut out);
        }
        for event in &events {
            write_event(event, &mut out);
        }
        let capture = read_capture(&out[..]).unwrap();
        prop_assert_eq!(capture.events, events);
        prop_assert_eq!(capture.head, with_head.then_some(head));
    }
}

/// A file as `sse-sub --json` wrote it before the head line existed: defaults fill in, other
/// fields are ignored, blank lines skipped, CRLF endings read.
#[test]
fn files_without_a_head_line_still_read() {
    let file = "{\"event\":\"message\",\"data\":\"a\",\"id\":\"1\"}\n\n{\"data\":\"b\\nc\",\"extra\":true}\r\n   \n{\"event\":\"x\",\"data\":\"\",\"id\":\"2\",\"retry\":5,\"time\":\"2026-11-27T00:00:00.5Z\"}";
    let capture = read_capture(file.as_bytes()).unwrap();
    assert_eq!(capture.head, None);
    let events: Vec<_> = capture.events.iter().map(|e| (&*e.event, &*e.data, &*e.id, e.retry)).collect();
    assert_eq!(events, [("message", "a", "1", None), ("message", "b\nc", "", None), ("x", "", "2", Some(5))]);
    assert_eq!(capture.events[2].time, Some(UNIX_EPOCH + Duration::new(1_795_737_600, 500_000_000)));
}

/// What `sse-sub --json --time` and the inspector's export write, to the byte.
#[test]
fn an_event_line_has_the_sse_sub_fields_in_order() {
    let event = CapturedEvent {
        event: "update".into(),
        data: "a\nb".into(),
        id: "7".into(),
        retry: None,
        time: Some(UNIX_EPOCH + Duration::from_micros(1_795_764_600_123_456)),
    };
    let mut out = Vec::new();
    write_event(&event, &mut out);
    write_event(&CapturedEvent { retry: Some(3000), time: None, ..event }, &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"event\":\"update\",\"data\":\"a\\nb\",\"id\":\"7\",\"time\":\"2026-11-27T07:30:00.123456Z\"}\n\
         {\"event\":\"update\",\"data\":\"a\\nb\",\"id\":\"7\",\"retry\":3000}\n"
    );
}

fn line_error(file: &str) -> (usize, String) {
    match read_capture(file.as_bytes()) {
        Err(CaptureError::Line { number, source }) => (number, source.to_string()),
        other => panic!("expected a line error, got {other:?}"),
    }
}

/// Each kind of bad line is reported with its number and what is wrong.
#[test]
fn bad_lines_are_named_by_number() {
    let (number, reason) = line_error("{\"data\":\"ok\"}\nnot json\n");
    assert_eq!(number, 2, "{reason}");
    let (number, reason) = line_error("{\"data\":\"x\",\"time\":\"yesterday\"}");
    assert_eq!(number, 1);
    assert!(reason.starts_with("bad time `yesterday`"), "{reason}");
    let (_, reason) = line_error("{\"data\":\"x\",\"time\":\"2026-11-27T00:00:00é1234\"}");
    assert!(reason.starts_with("bad time `2026-11-27T00:00:00é1234`"), "{reason}");
    let (number, reason) = line_error("{\"data\":\"x\"}\n{\"capture\":{\"version\":1}}\n");
    assert_eq!((number, reason.as_str()), (2, "the head line (`capture`) must be the first line"));
    let (_, reason) = line_error("{\"capture\":{\"version\":99}}\n");
    assert!(reason.contains("newer"), "{reason}");
    let (_, reason) = line_error("{\"event\":\"x\"}");
    assert!(reason.contains("missing field `data`"), "{reason}");
}

/// A line over the limit is an error naming the limit, and reading stops there.
#[test]
fn an_endless_line_is_refused_not_buffered() {
    let file = format!("{{\"data\":\"{}\"}}\n{{\"data\":\"after\"}}\n", "x".repeat(200));
    let mut reader = CaptureReader::with_line_limit(file.as_bytes(), 100);
    match reader.next() {
        Some(Err(CaptureError::Line { number: 1, source: LineError::TooLong { limit: 100 } })) => {}
        other => panic!("{other:?}"),
    }
    assert!(reader.next().is_none(), "reading stops at the first error");
    let fits = CaptureReader::with_line_limit(file.as_bytes(), 300).filter_map(Result::ok);
    assert_eq!(fits.filter(|line| matches!(line, CaptureLine::Event(_))).count(), 2);
}

/// Every input the capture reader's fuzzer keeps reads without a panic and rewrites to a fixed point.
#[test]
fn the_capture_reader_corpus_replays_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/capture_reader");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let input = std::fs::read(&path).unwrap();
        let replay = std::panic::catch_unwind(|| sse_capture::fuzzing::read_then_rewrite(&input));
        assert!(replay.is_ok(), "{} fails", path.display());
        count += 1;
    }
    assert!(count >= 4, "corpus in {}", dir.display());
}

/// Receive times survive the trip exactly to the microsecond, at any time of day.
#[test]
fn times_round_trip_to_the_microsecond() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let time = UNIX_EPOCH + Duration::from_micros(now.as_micros() as u64);
    assert_eq!(sse_capture::parse_rfc3339(&sse_capture::rfc3339(time)), Some(time));
}
