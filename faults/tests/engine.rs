//! The fault engine fed blocks as a source writes them: the bytes and steps it gives back.

use std::time::Duration;

use sse_faults::{FaultEngine, FaultLineEnding, FaultProfile, IdFault, SourceBlock, Step};

/// An event block of the embedded server's shape.
fn event(id: &str, data: &str) -> Vec<u8> {
    format!("id: {id}\ndata: {data}\n\n").into_bytes()
}

/// Opens an engine (with the embedded server's greeting), feeds it `events` and a comment
/// after the first, and drains every step.
fn run(profile: FaultProfile, events: &[(&str, &str)]) -> (Vec<Step>, FaultEngine) {
    let mut engine = FaultEngine::new(profile, 0);
    let mut steps = Vec::new();
    engine.open(Some(SourceBlock::comment(b": ok\n\n")));
    steps.extend(std::iter::from_fn(|| engine.next_step()));
    for (i, (id, data)) in events.iter().enumerate() {
        let bytes = event(id, data);
        engine.push(SourceBlock { bytes: &bytes, is_event: true, id: Some(id), retry_ms: None });
        if i == 0 {
            engine.push(SourceBlock::comment(b": keep-alive\n\n"));
        }
        steps.extend(std::iter::from_fn(|| engine.next_step()));
    }
    (steps, engine)
}

/// Every byte written, in order.
fn written(steps: &[Step]) -> String {
    let bytes: Vec<u8> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Write(bytes) => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

const TWO: [(&str, &str); 2] = [("7", "a"), ("8", "b")];

/// A profile that rewrites nothing passes every byte through unchanged, with no wait or cut.
#[test]
fn a_profile_that_rewrites_nothing_passes_every_byte_through() {
    let (steps, engine) = run(FaultProfile { client: Some("x".into()), ..FaultProfile::default() }, &TWO);
    assert_eq!(written(&steps), ": ok\n\nid: 7\ndata: a\n\n: keep-alive\n\nid: 8\ndata: b\n\n");
    assert!(steps.iter().all(|step| matches!(step, Step::Write(_))), "{steps:?}");
    assert_eq!((engine.given().events, engine.given().last_id.as_deref()), (2, Some("8")));
}

/// Ids are repeated or reset and line endings changed, block by block; comments are not
/// events; the record keeps the id as written.
#[test]
fn blocks_are_rewritten_as_the_profile_says() {
    let repeat = FaultProfile { ids: Some(IdFault::Repeat), ..FaultProfile::default() };
    let (steps, engine) = run(repeat, &TWO);
    assert_eq!(written(&steps), ": ok\n\nid: 7\ndata: a\n\n: keep-alive\n\nid: 7\ndata: b\n\n");
    assert_eq!(engine.given().last_id.as_deref(), Some("7"));
    let reset = FaultProfile {
        ids: Some(IdFault::Reset),
        line_ending: Some(FaultLineEnding::Crlf),
        bom: true,
        retry_ms: Some(50),
        ..FaultProfile::default()
    };
    let (steps, engine) = run(reset, &TWO);
    assert_eq!(
        written(&steps),
        "\u{feff}retry: 50\r\n\r\n: ok\r\n\r\nid: 1\r\ndata: a\r\n\r\n: keep-alive\r\n\r\nid: 2\r\ndata: b\r\n\r\n"
    );
    assert_eq!((engine.given().last_id.as_deref(), engine.given().retry_ms), (Some("2"), Some(50)));
}

/// A cut after N events comes right after the Nth, and nothing is written after it; a byte cut
/// falls inside a block, whose id the client was then not given.
#[test]
fn cuts_fall_after_n_events_or_inside_a_block_at_n_bytes() {
    let (steps, engine) = run(FaultProfile { cut_after_events: Some(1), ..FaultProfile::default() }, &TWO);
    assert_eq!(steps.last(), Some(&Step::Cut));
    assert_eq!(written(&steps), ": ok\n\nid: 7\ndata: a\n\n");
    assert_eq!(engine.given().events, 1);
    let (steps, engine) = run(FaultProfile { cut_after_bytes: Some(12), ..FaultProfile::default() }, &TWO);
    assert_eq!((written(&steps), steps.last()), (": ok\n\nid: 7\n".to_owned(), Some(&Step::Cut)));
    assert_eq!((engine.given().events, engine.given().last_id.as_deref()), (0, None));
    assert_eq!(engine.bytes_written(), 12);
    let (steps, _) = run(FaultProfile { cut_after_events: Some(0), ..FaultProfile::default() }, &TWO);
    assert_eq!((written(&steps), steps.last()), (": ok\n\n".to_owned(), Some(&Step::Cut)));
}

/// A stall waits once before event `afterEvents + 1`; the error event and comment floods go
/// before the events they precede; an oversized event follows the greeting.
#[test]
fn stalls_floods_and_the_error_event_go_where_the_profile_says() {
    let profile = FaultProfile {
        stall: Some(sse_faults::FaultStall { after_events: 1, ms: 300 }),
        error_event_after: Some(1),
        comment_flood: Some(2),
        oversized_event_bytes: Some(5),
        ..FaultProfile::default()
    };
    let (steps, _) = run(profile, &TWO);
    let wait = steps.iter().position(|step| *step == Step::Wait(Duration::from_millis(300)));
    assert_eq!(wait, Some(5), "after the keep-alive, before the second event: {steps:?}");
    assert_eq!(
        written(&steps),
        ": ok\n\nevent: oversized\ndata: xxxxx\n\n: flood\n\n: flood\n\nid: 7\ndata: a\n\n: keep-alive\n\n\
         : flood\n\n: flood\n\nevent: error\ndata: a fault profile sent this error event\n\nid: 8\ndata: b\n\n"
    );
}

/// A drip writes a tenth of a second's bytes at a time, each followed by its pause; the bytes
/// are the same.
#[test]
fn a_drip_writes_small_pieces_with_pauses() {
    let (steps, _) = run(FaultProfile { drip_bytes_per_second: Some(40), ..FaultProfile::default() }, &TWO);
    assert_eq!(written(&steps), ": ok\n\nid: 7\ndata: a\n\n: keep-alive\n\nid: 8\ndata: b\n\n");
    for pair in steps.chunks(2) {
        assert!(matches!(&pair[0], Step::Write(bytes) if bytes.len() <= 4), "{pair:?}");
        assert_eq!(pair[1], Step::Wait(Duration::from_millis(100)));
    }
}

/// What the client was given counts only steps asked past: a write handed out but not
/// followed by another ask (it failed) gives nothing.
#[test]
fn the_client_is_given_only_what_was_asked_past() {
    let mut engine = FaultEngine::new(FaultProfile::default(), 0);
    engine.open(None);
    let bytes = event("7", "a");
    engine.push(SourceBlock { bytes: &bytes, is_event: true, id: Some("7"), retry_ms: Some(10) });
    assert!(matches!(engine.next_step(), Some(Step::Write(_))));
    assert_eq!(engine.given().events, 0, "the write was not yet done");
    assert_eq!(engine.next_step(), None);
    assert_eq!((engine.given().events, engine.given().retry_ms), (1, Some(10)));
}

/// What the profile did is said in the order it was done, with numbers grouped; a cut says
/// how many events were given whole and at which byte.
#[test]
fn what_the_profile_did_is_said() {
    let profile = FaultProfile {
        retry_ms: Some(100),
        stall: Some(sse_faults::FaultStall { after_events: 1, ms: 2000 }),
        error_event_after: Some(2),
        cut_after_events: Some(3),
        ids: Some(IdFault::Reset),
        ..FaultProfile::default()
    };
    let (_, engine) = run(profile, &[("7", "a"), ("8", "b"), ("9", "c"), ("10", "d")]);
    let bytes = engine.bytes_written();
    assert_eq!(
        engine.did(),
        [
            "reset 3 ids".to_owned(),
            "sent retry: 100".to_owned(),
            "stalled 2,000 ms after 1 event".to_owned(),
            "sent an error event after 2 events".to_owned(),
            format!("cut after 3 events at byte {bytes}"),
        ]
    );
    assert!(engine.skipped().is_empty());
    let comment_only = FaultProfile { ids: Some(IdFault::Repeat), ..FaultProfile::default() };
    let mut engine = FaultEngine::new(comment_only, 0);
    engine.open(None);
    engine.push(SourceBlock { bytes: b"data: no id\n\n", is_event: true, id: None, retry_ms: None });
    while engine.next_step().is_some() {}
    let skipped: Vec<String> = engine.skipped().iter().map(ToString::to_string).collect();
    assert_eq!(skipped, ["`ids` skipped: no event of the stream carried an `id:`"]);
}
