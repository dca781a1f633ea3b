//! Conformance with the WHATWG "Interpreting an event stream" rules, end to end over HTTP: a
//! raw server sends exact bytes in chosen chunks (and then once more one byte per chunk), and
//! the subscriber must deliver exactly the expected events. Cases come from the spec's own
//! examples, the web-platform-tests `eventsource/format-*` tests, and each parsing rule.

mod support;

use std::time::{Duration, Instant};

use sse_subscriber::{SubscribeRequest, Subscription, Update};
use support::spawn_chunked;

/// (name, chunks as sent, expected events as (type, data, last event id))
type Case = (&'static str, &'static [&'static [u8]], &'static [(&'static str, &'static str, &'static str)]);

const CASES: &[Case] = &[
    // The spec's examples.
    ("spec: multi-line data", &[b"data: YHOO\ndata: +2\ndata: 10\n\n"], &[("message", "YHOO\n+2\n10", "")]),
    (
        "spec: comments, ids and the space after the colon",
        &[b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"],
        &[("message", "first event", "1"), ("message", "second event", ""), ("message", " third event", "")],
    ),
    ("spec: empty data lines", &[b"data\n\ndata\ndata\n\ndata:"], &[("message", "", ""), ("message", "\n", "")]),
    ("spec: one space removed", &[b"data:test\n\ndata: test\n\n"], &[("message", "test", ""), ("message", "test", "")]),
    // web-platform-tests eventsource/format-*.
    (
        "wpt: format-field-parsing",
        &[b"data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n"],
        &[("message", "\0\n 2\n1\n3\n\n4", "")],
    ),
    ("wpt: format-leading-space", &[b"data:\ttest\rdata: \ndata:test\n\n"], &[("message", "\ttest\n\ntest", "")]),
    ("wpt: format-newlines", &[b"data:test\r\ndata\ndata:test\r\n\r\n"], &[("message", "test\n\ntest", "")]),
    ("wpt: format-null-character", &[b"data:\0\n\n\n\n"], &[("message", "\0", "")]),
    ("wpt: format-utf-8", &["data:ok€\n\n".as_bytes()], &[("message", "ok€", "")]),
    (
        "wpt: format-bom-2 (only one BOM stripped)",
        &["\u{FEFF}\u{FEFF}data:1\n\n\u{FEFF}data:2\n\ndata:3\n\n".as_bytes()],
        &[("message", "3", "")],
    ),
    ("wpt: format-bom", &["\u{FEFF}data:1\n\n\u{FEFF}data:2\n\ndata:3\n\n".as_bytes()], &[("message", "1", ""), ("message", "3", "")]),
    (
        "wpt: format-field-event and event-empty",
        &[b"event:test\ndata:x\n\nevent:\ndata:y\n\ndata:z\n\n"],
        &[("test", "x", ""), ("message", "y", ""), ("message", "z", "")],
    ),
    ("wpt: format-field-unknown", &[b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n"], &[("message", "test\n\ntest", "")]),
    ("wpt: format-comments", &[b"data:1\r:\0\n:\r\ndata:2\n:\ndata:3\n:data:fail\r:\ndata:4\n\n"], &[("message", "1\n2\n3\n4", "")]),
    // Line endings and chunk boundaries.
    ("CRLF split across chunks", &[b"data: a\r", b"\n\r", b"\ndata: b\r\n\r\n"], &[("message", "a", ""), ("message", "b", "")]),
    ("CR only", &[b"data: a\rdata: b\r\rdata: c\r\r"], &[("message", "a\nb", ""), ("message", "c", "")]),
    ("mixed endings", &[b"data: a\r\ndata: b\rdata: c\n\r\n"], &[("message", "a\nb\nc", "")]),
    ("BOM split across chunks", &[b"\xEF\xBB", b"\xBFdata: x\n\n"], &[("message", "x", "")]),
    ("UTF-8 split across chunks", &[b"data: \xE2\x82", b"\xAC\n\n"], &[("message", "€", "")]),
    ("invalid UTF-8 becomes U+FFFD", &[b"data: a\xFFb\n\ndata: c\xC3\n\n"], &[("message", "a\u{FFFD}b", ""), ("message", "c\u{FFFD}", "")]),
    // Field rules.
    ("no data, no dispatch; type resets", &[b"event: lost\n\nid: 3\n\ndata: x\n\n"], &[("message", "x", "3")]),
    ("id persists; NUL ignored; empty resets", &[b"id: 7\ndata: a\n\ndata: b\n\nid: 8\0\ndata: c\n\nid:\ndata: d\n\n"], &[("message", "a", "7"), ("message", "b", "7"), ("message", "c", "7"), ("message", "d", "")]),
    ("field without colon", &[b"data\nevent\ndata: x\n\n"], &[("message", "\nx", "")]),
    ("only one leading space removed", &[b"data:   x  \n\n"], &[("message", "  x  ", "")]),
    ("unterminated event discarded at the end", &[b"data: a\n\ndata: b\n"], &[("message", "a", "")]),
];

async fn run_case(chunks: Vec<(Duration, Vec<u8>)>) -> Vec<(String, String, String)> {
    let addr = spawn_chunked(chunks).await;
    let request = SubscribeRequest::new(&format!("http://{addr}/")).unwrap().reconnect(false);
    let mut subscription = Subscription::new(request);
    let mut events = Vec::new();
    loop {
        let update =
            tokio::time::timeout(Duration::from_secs(10), subscription.next()).await.expect("in time");
        match update {
            Some(Update::Event(e)) => events.push((e.event, e.data, e.id)),
            Some(Update::Error { error, .. }) => panic!("error: {error}"),
            Some(_) => {}
            None => return events,
        }
    }
}

/// Every case gives exactly its events, whether sent as listed or one byte per chunk.
#[tokio::test]
async fn every_case_gives_exactly_its_events() {
    for (name, chunks, expected) in CASES {
        let expected: Vec<_> =
            expected.iter().map(|(t, d, i)| (t.to_string(), d.to_string(), i.to_string())).collect();
        let as_listed = chunks.iter().map(|c| (Duration::ZERO, c.to_vec())).collect();
        assert_eq!(run_case(as_listed).await, expected, "{name}");
        let bytewise = chunks.concat().into_iter().map(|b| (Duration::ZERO, vec![b])).collect();
        assert_eq!(run_case(bytewise).await, expected, "{name}, one byte per chunk");
    }
}

/// An event is delivered as soon as its blank line arrives, even a lone CR at the end of a
/// chunk, without waiting for the next chunk.
#[tokio::test]
async fn events_are_delivered_without_waiting_for_the_next_chunk() {
    for ending in [&b"\n\n"[..], b"\r\r", b"\r\n\r\n"] {
        let first = [&b"data: now"[..], ending].concat();
        let addr = spawn_chunked(vec![
            (Duration::ZERO, first),
            (Duration::from_millis(1500), b"data: later\n\n".to_vec()),
        ])
        .await;
        let request = SubscribeRequest::new(&format!("http://{addr}/")).unwrap().reconnect(false);
        let mut subscription = Subscription::new(request);
        let started = Instant::now();
        loop {
            match subscription.next().await {
                Some(Update::Event(event)) => {
                    assert_eq!(event.data, "now");
                    assert!(
                        started.elapsed() < Duration::from_millis(1000),
                        "held for {:?} ({ending:?})",
                        started.elapsed()
                    );
                    break;
                }
                Some(Update::Error { error, .. }) => panic!("{error}"),
                Some(_) => {}
                None => panic!("ended without an event"),
            }
        }
    }
}
