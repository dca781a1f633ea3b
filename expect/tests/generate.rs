//! Expectations generated from a capture pass on that capture and fail on the same stream with
//! an event removed, reordered or slowed, or a field's type changed.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use sse_capture::{Capture, CaptureHead, CapturedEvent, RecordedRequest, RecordedResponse};
use sse_expect::{check_capture, generate, Expectations, GenerateOptions, Tally, Verdict};

fn at(ms: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000) + Duration::from_millis(ms)
}

fn event(event_type: &str, data: &str, id: &str, ms: u64) -> CapturedEvent<'static> {
    CapturedEvent {
        event: Cow::Owned(event_type.to_owned()),
        data: Cow::Owned(data.to_owned()),
        id: Cow::Owned(id.to_owned()),
        retry: None,
        time: Some(at(ms)),
    }
}

/// A chat-like stream: start, four deltas, a usage line, done; ids 1 to 7, 20 ms apart.
fn chat() -> Capture {
    let head = CaptureHead {
        version: 1,
        request: Some(RecordedRequest {
            method: "GET".into(),
            url: "http://127.0.0.1:1/chat".into(),
            headers: vec![],
            time: Some(at(0)),
        }),
        response: Some(RecordedResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/event-stream; charset=utf-8".into()),
                ("cache-control".into(), "no-cache".into()),
            ],
            time: Some(at(5)),
        }),
    };
    let mut events = vec![event("start", r#"{"model":"m","created":1733200000}"#, "1", 20)];
    for (n, text) in ["Hel", "lo", ", wor", "ld"].iter().enumerate() {
        let data = format!(r#"{{"index":{n},"text":"{text}"}}"#);
        events.push(event("delta", &data, &(n + 2).to_string(), 40 + 20 * n as u64));
    }
    events.push(event("usage", "tokens 4 of 4096", "6", 120));
    events.push(event("done", "[DONE]", "7", 140));
    Capture { head: Some(head), events }
}

fn check(file: &str, capture: &Capture) -> Vec<(String, Verdict, String)> {
    let expectations = Expectations::parse(file).unwrap_or_else(|e| panic!("{e}\n{file}"));
    let checker = check_capture(expectations, capture);
    checker.outcomes().iter().map(|o| (o.name.clone(), o.verdict, o.detail.clone())).collect()
}

fn failures(file: &str, capture: &Capture) -> Vec<String> {
    check(file, capture)
        .into_iter()
        .filter(|(_, verdict, _)| *verdict != Verdict::Pass)
        .map(|(name, verdict, detail)| format!("{} {name}: {detail}", verdict.label()))
        .collect()
}

/// The generated file describes the stream with types, patterns and bounds, not its values.
#[test]
fn a_whole_stream_becomes_counts_schemas_patterns_order_times_and_ids() {
    let file = generate(&chat(), &GenerateOptions::default()).unwrap();
    for line in [
        "status = 200",
        "content_type = 'text/event-stream'",
        "\"Cache-Control\" = 'no-cache'",
        "type = 'delta'\nexactly = 4",
        r#""index":{"type":"integer"}"#,
        r#""required":["index","text"]"#,
        r"data_matches = '^tokens \d+ of \d+$'",
        "data = '[DONE]'",
        "types = ['start', 'delta', 'usage', 'done']",
        "[terminal]\ntype = 'done'",
        "first_event_within_ms = 80",
        "whole_within_ms = 260",
        "no_gap_over_ms = 80",
        "present = true\nincreasing = true\nno_gap = true\nunique = true",
    ] {
        assert!(file.contains(line), "missing {line:?} in\n{file}");
    }
    assert!(!file.contains("events ="), "a whole stream has no scope:\n{file}");
    assert!(!file.contains("Hel") && !file.contains("1733200000"), "no values:\n{file}");
    assert_eq!(failures(&file, &chat()), Vec::<String>::new(), "\n{file}");
}

/// Removing, reordering or slowing one event, or changing a field's type, fails it.
#[test]
fn the_same_stream_changed_in_one_event_fails() {
    let file = generate(&chat(), &GenerateOptions::default()).unwrap();
    let changed = |change: &dyn Fn(&mut Vec<CapturedEvent<'static>>)| {
        let mut capture = chat();
        change(&mut capture.events);
        failures(&file, &capture)
    };
    let removed = changed(&|events| {
        events.remove(3);
    });
    assert!(removed.iter().any(|f| f.contains("exactly 4")), "{removed:#?}");
    assert!(removed.iter().any(|f| f.contains("no gap") && f.contains("id 5 after 3")), "{removed:#?}");

    let reordered = changed(&|events| events.swap(5, 6));
    assert!(reordered.iter().any(|f| f.contains("in order")), "{reordered:#?}");
    assert!(reordered.iter().any(|f| f.contains("ends with")), "{reordered:#?}");

    let slowed = changed(&|events| {
        for (n, event) in events.iter_mut().enumerate().skip(4) {
            event.time = Some(at(40 + 20 * n as u64 + 150));
        }
    });
    assert!(slowed.iter().any(|f| f.starts_with("fail no gap over 80 ms")), "{slowed:#?}");

    let retyped = changed(&|events| events[2].data = Cow::Borrowed(r#"{"index":"1","text":"lo"}"#));
    assert!(retyped.iter().any(|f| f.contains("schema") && f.contains("/index")), "{retyped:#?}");
}

/// From a longer capture, only the first N events are described, and checking stops there.
#[test]
fn a_capture_longer_than_n_events_gives_a_file_decided_at_n() {
    let mut capture = chat();
    let counter: Vec<_> =
        (1..=30).map(|n| event("message", &n.to_string(), &n.to_string(), 100 * n)).collect();
    capture.events = counter;
    let options =
        GenerateOptions { events: 10, tolerance: 2.0, whole: None, source: "counter.ndjson".into() };
    let file = generate(&capture, &options).unwrap();
    assert!(file.contains("events = 10\n"), "{file}");
    assert!(file.contains("at_least = 1") && file.contains(r#"schema = '{"type":"integer"}'"#), "{file}");
    assert!(file.contains("whole_within_ms = 2050") && file.contains("no_gap_over_ms = 250"), "{file}");
    assert!(!file.contains("[terminal]") && !file.contains("[[sequence]]"), "{file}");
    let expectations = Expectations::parse(&file).unwrap();
    let checker = check_capture(expectations, &capture);
    assert_eq!(checker.events(), 10);
    let tally = Tally::of(checker.outcomes());
    assert_eq!((tally.fail, tally.undecided, tally.pending), (0, 0, 0), "{:#?}", checker.outcomes());
}

/// A capture without head or times still gives a file, with the unknowable left out, and
/// checking such a capture says what it could not decide.
#[test]
fn a_bare_capture_leaves_out_what_it_did_not_record() {
    let mut capture = chat();
    capture.head = None;
    capture.events.iter_mut().for_each(|event| event.time = None);
    let file = generate(&capture, &GenerateOptions::default()).unwrap();
    assert!(!file.contains("[time]") && file.contains("no receive times"), "{file}");
    let with_time = "[time]\nno_gap_over_ms = 10\n[ids]\nreconnect_after_events = 2";
    let outcomes = check(with_time, &capture);
    let undecided: Vec<_> =
        outcomes.iter().filter(|o| o.1 == Verdict::Undecided).map(|o| o.2.as_str()).collect();
    assert_eq!(undecided.len(), 4, "{outcomes:#?}");
    assert!(undecided.iter().any(|why| why.contains("no response head")));
    assert!(undecided.iter().any(|why| why.contains("no receive times")));
    assert!(undecided.iter().any(|why| why.contains("cannot be resumed")));
}

/// Nothing to generate from, or options that mean nothing, are refused.
#[test]
fn empty_captures_and_bad_options_are_refused() {
    let empty = Capture::default();
    assert!(generate(&empty, &GenerateOptions::default()).unwrap_err().to_string().contains("no event"));
    let zero = GenerateOptions { events: 0, ..GenerateOptions::default() };
    assert!(generate(&chat(), &zero).is_err());
    let loose = GenerateOptions { tolerance: 0.5, ..GenerateOptions::default() };
    assert!(generate(&chat(), &loose).unwrap_err().to_string().contains("at least 1"));
}
