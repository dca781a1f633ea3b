//! Each kind of expectation, passing and failing, fed events as a stream would deliver them.

use std::time::Duration;

use sse_expect::{Checker, End, Event, Expectations, Head, Verdict};

/// An event: type, data, id (`""` for none) and receive time in ms.
type Sent<'a> = (&'a str, &'a str, &'a str, u64);

fn head_ok() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "text/event-stream; charset=utf-8".into()),
        ("cache-control".into(), "no-cache".into()),
    ]
}

/// Checks `events` against `file` (after a 200 event-stream head), ends the stream at `end_ms`,
/// and returns the verdict of the expectation whose name contains `name`.
fn verdict_of(file: &str, events: &[Sent<'_>], end_ms: u64, name: &str) -> (Verdict, String) {
    let mut checker = run(file, events);
    checker.end(Duration::from_millis(end_ms), End::Ended);
    pick(&checker, name)
}

fn run(file: &str, events: &[Sent<'_>]) -> Checker {
    let expectations = Expectations::parse(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut checker = Checker::new(expectations);
    let headers = head_ok();
    checker.response(Head { status: 200, headers: &headers });
    let mut last_id = String::new();
    for (event_type, data, id, at) in events {
        if !id.is_empty() {
            last_id = (*id).to_owned();
        }
        checker.event(Event {
            event_type,
            data,
            id: &last_id,
            id_set: !id.is_empty(),
            at: Duration::from_millis(*at),
        });
    }
    checker
}

fn pick(checker: &Checker, name: &str) -> (Verdict, String) {
    let outcome = checker
        .outcomes()
        .iter()
        .find(|outcome| outcome.name.contains(name))
        .unwrap_or_else(|| panic!("no expectation named like {name:?} in {:?}", checker.outcomes()));
    (outcome.verdict, outcome.detail.clone())
}

fn assert_verdict(file: &str, events: &[Sent<'_>], name: &str, verdict: Verdict, detail: &str) {
    let (found, why) = verdict_of(file, events, 10_000, name);
    assert_eq!(found, verdict, "{name}: {why}");
    assert!(why.contains(detail), "{name}: {why:?} does not say {detail:?}");
}

const COUNTER: &[Sent<'static>] =
    &[("message", "1", "1", 10), ("message", "2", "2", 110), ("message", "3", "3", 210)];

/// The response head: status, media type without its parameters, and a required header.
#[test]
fn response_status_content_type_and_headers() {
    let file = "[response]\nheaders = { \"Cache-Control\" = \"no-cache\" }";
    assert_verdict(file, COUNTER, "status is 200", Verdict::Pass, "HTTP 200");
    assert_verdict(file, COUNTER, "Content-Type", Verdict::Pass, "charset");
    assert_verdict(file, COUNTER, "Cache-Control", Verdict::Pass, "no-cache");
    let file =
        "[response]\nstatus = 201\ncontent_type = \"application/json\"\nheaders = { \"X-Trace\" = \"1\" }";
    assert_verdict(file, COUNTER, "status is 201", Verdict::Fail, "HTTP 200");
    assert_verdict(file, COUNTER, "Content-Type", Verdict::Fail, "text/event-stream");
    assert_verdict(file, COUNTER, "X-Trace", Verdict::Fail, "no X-Trace header");
}

/// Data equal, matching a regex, a JSON path equal to a value, and a JSON Schema, per type.
#[test]
fn data_checks_per_type_decide_at_the_first_bad_event_or_at_the_end() {
    let events: &[Sent<'_>] = &[
        ("start", r#"{"model":"m","n":1}"#, "", 5),
        ("delta", r#"{"text":"Hel"}"#, "", 10),
        ("delta", r#"{"text":"lo"}"#, "", 20),
        ("done", "[DONE]", "", 30),
    ];
    let file = r#"
        [[event]]
        type = "done"
        data = "[DONE]"
        [[event]]
        type = "delta"
        data_matches = '"text":"\w+"'
        [[event]]
        type = "start"
        json = { model = "m", "$.n" = 1 }
        [[event]]
        type = "delta"
        schema = { type = "object", required = ["text"], properties = { text = { type = "string" } } }
    "#;
    assert_verdict(file, events, "`done` events: data is", Verdict::Pass, "all 1 checked");
    assert_verdict(file, events, "data matches", Verdict::Pass, "all 2 checked");
    assert_verdict(file, events, "JSON model", Verdict::Pass, "");
    assert_verdict(file, events, "JSON $.n = 1", Verdict::Pass, "");
    assert_verdict(file, events, "schema", Verdict::Pass, "");

    let bad: &[Sent<'_>] = &[
        ("start", r#"{"model":"other","n":"1"}"#, "", 5),
        ("delta", r#"{"text":5}"#, "", 10),
        ("done", "[DONE!]", "", 30),
    ];
    assert_verdict(file, bad, "`done` events: data is", Verdict::Fail, "event #3");
    assert_verdict(file, bad, "data matches", Verdict::Fail, "does not match");
    assert_verdict(file, bad, "JSON model", Verdict::Fail, "model is `\"other\"`");
    assert_verdict(file, bad, "JSON $.n = 1", Verdict::Fail, "$.n is");
    assert_verdict(file, bad, "schema", Verdict::Fail, "/text");
    // A type that never came is no pass.
    assert_verdict(file, &bad[..1], "data matches", Verdict::Fail, "none of `delta` events");
}

/// Position rules check one event: its type and its data.
#[test]
fn position_rules_check_the_nth_event() {
    let file = "[[event]]\nposition = 2\ntype = \"message\"\ndata = \"2\"";
    assert_verdict(file, COUNTER, "event 2 is a `message`", Verdict::Pass, "event #2");
    assert_verdict(file, COUNTER, "event 2: data is", Verdict::Pass, "event #2");
    let file = "[[event]]\nposition = 3\ntype = \"ping\"\ndata = \"x\"";
    assert_verdict(file, COUNTER, "event 3 is a `ping`", Verdict::Fail, "it is a `message`");
    assert_verdict(file, COUNTER, "event 3: data is", Verdict::Fail, "data is `3`");
    let file = "[[event]]\nposition = 9\ndata = \"x\"";
    assert_verdict(file, COUNTER, "event 9", Verdict::Fail, "no event 9");
}

/// Counts: at least passes as soon as it is reached, at most fails as soon as it is passed,
/// exactly is decided at the end.
#[test]
fn counts_at_least_at_most_exactly() {
    let checker = run("[[event]]\ntype = \"message\"\nat_least = 2", COUNTER);
    assert_eq!(
        pick(&checker, "at least 2"),
        (Verdict::Pass, "event #2 (`message`, id `2`) at 110 ms made it 2".into())
    );
    let checker = run("[[event]]\nat_most = 2", COUNTER);
    assert_eq!(pick(&checker, "at most 2").0, Verdict::Fail, "decided before the end");
    assert_verdict("[[event]]\ntype = \"message\"\nexactly = 3", COUNTER, "exactly 3", Verdict::Pass, "3");
    assert_verdict(
        "[[event]]\ntype = \"message\"\nexactly = 4",
        COUNTER,
        "exactly 4",
        Verdict::Fail,
        "3, fewer than 4",
    );
    assert_verdict(
        "[[event]]\ntype = \"message\"\nat_least = 1\nat_most = 3",
        COUNTER,
        "1 to 3",
        Verdict::Pass,
        "",
    );
}

/// Sequences in order with others between, or in a row; the terminal event and none after it.
#[test]
fn order_sequences_and_the_terminal_event() {
    let events: &[Sent<'_>] =
        &[("a", "", "", 1), ("x", "", "", 2), ("b", "", "", 3), ("c", "", "", 4), ("end", "", "", 5)];
    let file = "[[sequence]]\ntypes = [\"a\", \"b\", \"c\"]\n[[sequence]]\ntypes = [\"a\", \"b\"]\ncontiguous = true\n[[sequence]]\ntypes = [\"b\", \"c\"]\ncontiguous = true\n[terminal]\ntype = \"end\"";
    assert_verdict(file, events, "in order: `a`, `b`, `c`", Verdict::Pass, "event #4");
    assert_verdict(file, events, "in a row: `a`, `b`", Verdict::Fail, "never in a row");
    assert_verdict(file, events, "in a row: `b`, `c`", Verdict::Pass, "event #4");
    assert_verdict(file, events, "ends with `end`", Verdict::Pass, "event #5 ended it");
    let reordered: &[Sent<'_>] = &[("a", "", "", 1), ("c", "", "", 2), ("b", "", "", 3), ("end", "", "", 4)];
    assert_verdict(file, reordered, "in order: `a`, `b`, `c`", Verdict::Fail, "saw 2 of 3, then no `c`");
    let after_end: &[Sent<'_>] = &[("a", "", "", 1), ("end", "", "", 2), ("b", "", "", 3)];
    assert_verdict(file, after_end, "ends with", Verdict::Fail, "came after the terminal event #2");
    assert_verdict(file, &events[..4], "ends with", Verdict::Fail, "without it");
}

/// Time bounds decide on events and on the passing of time with no event.
#[test]
fn timing_first_event_gaps_whole_and_between_types() {
    let file = "[time]\nfirst_event_within_ms = 50\nno_gap_over_ms = 150\nwhole_within_ms = 300\n[[time.after]]\nevent = \"pong\"\nafter = \"ping\"\nwithin_ms = 40";
    let events: &[Sent<'_>] =
        &[("ping", "", "", 20), ("pong", "", "", 50), ("ping", "", "", 150), ("pong", "", "", 170)];
    for name in [
        "first event within 50 ms",
        "no gap over 150 ms",
        "whole stream within 300 ms",
        "`pong` within 40 ms",
    ] {
        let (verdict, why) = verdict_of(file, events, 250, name);
        assert_eq!(verdict, Verdict::Pass, "{name}: {why}");
    }
    let slow: &[Sent<'_>] = &[("ping", "", "", 60), ("pong", "", "", 110), ("ping", "", "", 290)];
    assert_verdict(file, slow, "first event", Verdict::Fail, "later than 50 ms");
    assert_verdict(file, slow, "no gap", Verdict::Fail, "180 ms after the event before it");
    assert_verdict(file, slow, "`pong` within", Verdict::Fail, "50 ms after `ping`");
    let (verdict, why) = verdict_of(file, slow, 400, "whole stream");
    assert_eq!((verdict, why.as_str()), (Verdict::Fail, "took 400 ms"));

    // Time alone decides: nothing came at all.
    let mut checker = run(file, &[]);
    assert_eq!(checker.next_deadline(), Some(Duration::from_millis(50)));
    checker.tick(Duration::from_millis(51));
    assert_eq!(pick(&checker, "first event"), (Verdict::Fail, "no event in 50 ms".into()));
    let mut checker = run(file, &events[..1]);
    assert_eq!(checker.next_deadline(), Some(Duration::from_millis(60)), "the pong is due first");
    checker.tick(Duration::from_millis(61));
    assert_eq!(pick(&checker, "`pong` within").0, Verdict::Fail);
    checker.tick(Duration::from_millis(171));
    assert_eq!(pick(&checker, "no gap").0, Verdict::Fail);
}

/// Ids present, increasing, with no gap, never twice.
#[test]
fn ids_present_increasing_no_gap_unique() {
    let file = "[ids]\npresent = true\nincreasing = true\nno_gap = true\nunique = true";
    for name in ["has an id", "increase", "no gap", "no id twice"] {
        assert_verdict(file, COUNTER, name, Verdict::Pass, "3 events");
    }
    let gappy: &[Sent<'_>] = &[("m", "", "1", 1), ("m", "", "3", 2), ("m", "", "", 3), ("m", "", "3", 4)];
    assert_verdict(file, gappy, "has an id", Verdict::Fail, "event #3");
    assert_verdict(file, gappy, "increase", Verdict::Fail, "id 3 after 3");
    assert_verdict(file, gappy, "no gap", Verdict::Fail, "id 3 after 1");
    assert_verdict(file, gappy, "no id twice", Verdict::Fail, "id `3` came before");
    let words: &[Sent<'_>] = &[("m", "", "a", 1)];
    assert_verdict(file, words, "increase", Verdict::Fail, "not a whole number");
}

/// After a drop at event N the next event must carry the next id: not a repeat, not a skip.
#[test]
fn a_resume_must_be_exact() {
    let file = "[ids]\nreconnect_after_events = 2";
    let resumed = |next_id: &str| {
        let mut checker = run(file, &COUNTER[..2]);
        assert!(checker.wants_reconnect());
        checker.resumed();
        assert!(!checker.wants_reconnect());
        checker.event(Event {
            event_type: "message",
            data: "",
            id: next_id,
            id_set: true,
            at: Duration::from_millis(300),
        });
        pick(&checker, "resumes exactly")
    };
    assert_eq!(resumed("3").0, Verdict::Pass);
    assert!(resumed("2").1.contains("was sent again"), "{:?}", resumed("2"));
    assert!(resumed("5").1.contains("at id 5, not 3"), "{:?}", resumed("5"));
    assert_verdict(file, &COUNTER[..1], "resumes exactly", Verdict::Fail, "before the reconnect");
}

/// `events = N` decides everything once N events have arrived, so endless streams finish.
#[test]
fn a_scope_of_n_events_decides_at_the_nth() {
    let file = "events = 2\n[[event]]\ntype = \"message\"\ndata_matches = '^\\d+$'\n[ids]\nincreasing = true\n[time]\nwhole_within_ms = 200";
    let checker = run(file, COUNTER);
    assert!(checker.is_finished() && checker.all_decided());
    assert_eq!(pick(&checker, "data matches").1, "all 2 checked", "the third event is not looked at");
    assert_eq!(pick(&checker, "first 2 events within 200 ms"), (Verdict::Pass, "took 110 ms".into()));
}

/// A timeout leaves what is open undecided; a refused response leaves the events undecided.
#[test]
fn timeouts_and_refusals_leave_the_rest_undecided() {
    let file = "[[event]]\nat_least = 5\n[terminal]\ntype = \"end\"";
    let mut checker = run(file, COUNTER);
    checker.end(Duration::from_secs(60), End::TimedOut);
    assert_eq!(pick(&checker, "at least 5").0, Verdict::Undecided);
    assert!(pick(&checker, "ends with").1.contains("at the timeout"));

    let mut checker = Checker::new(Expectations::parse(file).unwrap());
    let headers = vec![("content-type".to_owned(), "text/html".to_owned())];
    checker.response(Head { status: 404, headers: &headers });
    checker.end(Duration::from_millis(5), End::Refused);
    assert_eq!(pick(&checker, "status is 200"), (Verdict::Fail, "HTTP 404".into()));
    assert_eq!(pick(&checker, "Content-Type").0, Verdict::Fail);
    assert_eq!(
        pick(&checker, "at least 5"),
        (Verdict::Undecided, "no stream: the response was refused".into())
    );
}
