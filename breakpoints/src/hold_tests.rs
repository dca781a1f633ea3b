use std::time::{Duration, Instant};

use sse_faults::{BlockSplitter, BodyKind};

use super::*;

/// Stops at events whose data starts with `stop`.
fn stop_here(event: &EventView) -> Option<usize> {
    event.data.starts_with("stop").then_some(1)
}

fn feed(hold: &mut Hold, bytes: &[u8], now: Instant) -> Result<(), HoldFull> {
    let mut splitter = BlockSplitter::new(BodyKind::EventStream);
    for block in splitter.feed(bytes) {
        hold.push(block, now, Some(&stop_here))?;
    }
    Ok(())
}

fn ready(hold: &mut Hold) -> String {
    let mut out = Vec::new();
    while let Some(block) = hold.take_ready() {
        out.extend_from_slice(&block.bytes);
    }
    String::from_utf8(out).expect("text")
}

fn edited(data: &str) -> WrittenEvent {
    WrittenEvent { event: Some("edited".into()), data: data.into(), ..WrittenEvent::default() }
}

/// Events before the stop pass unchanged; the stream waits behind the held one; sending it on
/// releases it and those behind, byte for byte.
#[test]
fn a_held_event_holds_the_stream_behind_it() {
    let now = Instant::now();
    let mut hold = Hold::new(BodyKind::EventStream);
    feed(&mut hold, b": hi\r\n\r\ndata: a\r\n\r\ndata: stop 1\r\n\r\ndata: b\r\n\r\n", now).expect("room");
    assert_eq!(ready(&mut hold), ": hi\r\n\r\ndata: a\r\n\r\n");
    let held = hold.held().expect("held");
    assert_eq!((held.number, held.view.data.as_str(), held.behind_events), (2, "stop 1", 1));
    hold.act(Action::SendOn, now + Duration::from_millis(1500), Some(&stop_here)).expect("held");
    assert_eq!(ready(&mut hold), "data: stop 1\r\n\r\ndata: b\r\n\r\n");
    assert_eq!(hold.marks()[0].action, MarkAction::SentOn);
    assert_eq!(hold.marks()[0].held_ms, 1500);
    assert_eq!(hold.act(Action::Drop, now, None), Err(ActError::NothingHeld));
}

/// An edit and the injections are written with the stream's line endings, in their places;
/// the next stop behind is held in turn; a drop sends nothing of it.
#[test]
fn edits_drops_and_injections_go_in_their_places() {
    let now = Instant::now();
    let mut hold = Hold::new(BodyKind::EventStream);
    feed(&mut hold, b"data: stop 1\r\n\r\ndata: stop 2\r\n\r\ndata: c\r\n\r\n", now).expect("room");
    hold.act(Action::InjectBefore(edited("before")), now, Some(&stop_here)).expect("held");
    hold.act(Action::InjectAfter(edited("after")), now, Some(&stop_here)).expect("held");
    assert_eq!(ready(&mut hold), "event: edited\r\ndata: before\r\n\r\n");
    hold.act(Action::SendEdited(edited("changed")), now, Some(&stop_here)).expect("held");
    assert_eq!(
        ready(&mut hold),
        "event: edited\r\ndata: changed\r\n\r\nevent: edited\r\ndata: after\r\n\r\n"
    );
    assert_eq!(hold.held().expect("the second stop").number, 2);
    hold.act(Action::Drop, now, Some(&stop_here)).expect("held");
    assert_eq!(ready(&mut hold), "data: c\r\n\r\n");
    let actions: Vec<MarkAction> = hold.marks().iter().map(|mark| mark.action).collect();
    assert_eq!(
        actions,
        [MarkAction::InjectedBefore, MarkAction::InjectedAfter, MarkAction::Edited, MarkAction::Dropped]
    );
    assert_eq!(hold.marks()[2].written.as_deref(), Some("event: edited\r\ndata: changed\r\n\r\n"));
}

/// Resume sends the held event on and stops at nothing more on the exchange.
#[test]
fn resume_stops_no_more() {
    let now = Instant::now();
    let mut hold = Hold::new(BodyKind::EventStream);
    feed(&mut hold, b"data: stop 1\n\ndata: stop 2\n\n", now).expect("room");
    hold.act(Action::Resume, now, Some(&stop_here)).expect("held");
    feed(&mut hold, b"data: stop 3\n\n", now).expect("room");
    assert_eq!(ready(&mut hold), "data: stop 1\n\ndata: stop 2\n\ndata: stop 3\n\n");
    assert!(!hold.is_holding());
}

/// Past 1,000 events behind the held one the hold is full, and says so; a held event whose
/// exchange ends goes with it.
#[test]
fn the_hold_is_bounded() {
    let now = Instant::now();
    let mut hold = Hold::new(BodyKind::EventStream);
    feed(&mut hold, b"data: stop\n\n", now).expect("room");
    let behind = "data: x\n\n".repeat(MAX_HELD_EVENTS);
    feed(&mut hold, behind.as_bytes(), now).expect("exactly the bound fits");
    let full = feed(&mut hold, b"data: one more\n\n", now).expect_err("full");
    assert_eq!(full.to_string(), "breakpoint hold full (1,000 events)");
    let mut big = Hold::new(BodyKind::EventStream);
    feed(&mut big, b"data: stop\n\n", now).expect("room");
    let line = format!("data: {}\n\n", "x".repeat(900 * 1024));
    let mut result = Ok(());
    for _ in 0..10 {
        result = result.and_then(|()| feed(&mut big, line.as_bytes(), now));
    }
    assert_eq!(result.expect_err("full").to_string(), "breakpoint hold full (8 MiB)");
    assert!(big.went(now));
    assert_eq!(big.marks()[0].action, MarkAction::WentWithExchange);
}

/// With no breakpoint watching, nothing is parsed or held.
#[test]
fn without_breakpoints_everything_passes() {
    let now = Instant::now();
    let mut hold = Hold::new(BodyKind::EventStream);
    let mut splitter = BlockSplitter::new(BodyKind::EventStream);
    for block in splitter.feed(b"data: stop\n\nid: 2\ndata: x\n\n") {
        hold.push(block, now, None).expect("room");
    }
    assert_eq!(ready(&mut hold), "data: stop\n\nid: 2\ndata: x\n\n");
}
