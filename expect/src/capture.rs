//! Checking a capture offline (`sse-sub --expect FILE --capture FILE`), with the times and ids
//! it recorded.

use std::time::{Duration, SystemTime};

use sse_capture::Capture;

use crate::check::{Checker, End, Event, Head};
use crate::expectation::Expectations;

/// Checks a whole capture: its head, then its events, then its end as the stream's end.
///
/// Times count from the recorded request; without it, from the first event (and what counts
/// from the request stays undecided). A capture keeps EventSource's last event id, so an event
/// has an id of its own there when its id is not empty and differs from the one before.
pub fn check_capture(expectations: Expectations, capture: &Capture) -> Checker {
    let mut checker = Checker::new(expectations);
    checker.cannot_resume("a capture cannot be resumed");
    let head = capture.head.as_ref();
    match head.and_then(|head| head.response.as_ref()) {
        Some(response) => checker.response(Head { status: response.status, headers: &response.headers }),
        None => checker.head_unknown("the capture has no response head"),
    }
    let first_time = capture.events.first().and_then(|event| event.time);
    let start = match head.and_then(|head| head.request.as_ref()).and_then(|request| request.time) {
        Some(sent) => Some(sent),
        None => {
            checker.start_unknown("the capture did not record when the request was sent");
            first_time
        }
    };
    if capture.events.iter().any(|event| event.time.is_none()) {
        checker.times_unknown("the capture has no receive times (sse-sub --json --time records them)");
    }
    let since_start = |time: Option<SystemTime>| {
        time.zip(start).and_then(|(time, start)| time.duration_since(start).ok()).unwrap_or(Duration::ZERO)
    };
    let mut previous_id = "";
    for event in &capture.events {
        let id = event.id.as_ref();
        checker.event(Event {
            event_type: &event.event,
            data: &event.data,
            id,
            id_set: !id.is_empty() && id != previous_id,
            at: since_start(event.time),
        });
        previous_id = id;
    }
    let ended = since_start(capture.events.last().and_then(|event| event.time));
    checker.end(ended, End::Ended);
    checker
}
