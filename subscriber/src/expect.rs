//! `sse-sub --expect`: a live stream checked against an expectations file (`sse_expect`). The
//! checker decides; this drives it with the subscription's updates and the clock, and does
//! the drop and resume that `reconnect_after_events` asks for.

use std::time::{Duration, SystemTime};

use sse_expect::{Checker, End, Event, Expectations, Head, Tally};
use tokio::time::Instant;

use crate::error::SubscribeError;
use crate::request::header_pairs;
use crate::request::SubscribeRequest;
use crate::subscription::{Subscription, Update};

/// How long a check may take, and whether it stops at the first failure.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    pub timeout: Duration,
    pub keep_going: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(60), keep_going: false }
    }
}

/// How a check's outcomes map to `sse-sub`'s exit code: 0 all passed, 1 a failure, 3 some
/// undecided (2, a bad file, and 4, an unreadable stream, come before there are outcomes).
pub fn exit_code(checker: &Checker) -> u8 {
    let tally = Tally::of(checker.outcomes());
    if tally.fail > 0 {
        1
    } else if tally.undecided + tally.pending > 0 {
        3
    } else {
        0
    }
}

/// Subscribes with `request` (never reconnecting on its own: the stream ending is the end) and
/// decides `expectations`. An error only when no response ever came (no connection, TLS, a
/// bad URL); a response that is not a stream is decided by the response expectations.
pub async fn check_stream(
    request: SubscribeRequest,
    expectations: Expectations,
    options: CheckOptions,
) -> Result<Checker, SubscribeError> {
    let request = request.reconnect(false);
    let started = Instant::now();
    let sent = SystemTime::now();
    let deadline = started + options.timeout;
    let mut checker = Checker::new(expectations);
    let mut subscription = Subscription::new(request.clone());
    let mut answered = false;
    loop {
        let wake = checker.next_deadline().map_or(deadline, |due| deadline.min(started + due));
        let update = tokio::select! {
            update = subscription.next() => update,
            () = tokio::time::sleep_until(wake) => {
                let now = started.elapsed();
                if Instant::now() >= deadline {
                    checker.end(now, End::TimedOut);
                    break;
                }
                checker.tick(now);
                if stop(&mut checker, &options, now) {
                    break;
                }
                continue;
            }
        };
        let now = started.elapsed();
        match update {
            None | Some(Update::Closed { .. }) => checker.end(now, End::Ended),
            Some(Update::Open { status, headers, .. }) => {
                answered = true;
                checker.response(Head { status, headers: &header_pairs(&headers) });
            }
            Some(Update::Event(event)) => {
                let at = event.received_at.duration_since(sent).unwrap_or(now);
                checker.event(Event {
                    event_type: &event.event,
                    data: &event.data,
                    id: &event.id,
                    id_set: event.id_set,
                    at,
                });
                if checker.wants_reconnect() {
                    let last = subscription.last_event_id().to_owned();
                    tracing::info!(last_event_id = %last, "dropping the connection to resume");
                    subscription = Subscription::new(request.clone().last_event_id(last));
                    checker.resumed();
                }
            }
            Some(Update::Error { error, .. }) => match error.response() {
                Some(response) => {
                    checker.response(Head { status: response.status, headers: &response.headers });
                    checker.end(now, End::Refused);
                }
                None if !answered => return Err(error),
                // A connection lost mid-stream ends it, as far as the expectations go.
                None => {
                    tracing::info!(%error, "the stream ended with an error");
                    checker.end(now, End::Ended);
                }
            },
            Some(_) => {}
        }
        if stop(&mut checker, &options, now) {
            break;
        }
    }
    Ok(checker)
}

/// Whether checking is over: everything decided, the end reached, or a failure when it stops
/// at the first one.
fn stop(checker: &mut Checker, options: &CheckOptions, now: Duration) -> bool {
    if !options.keep_going && checker.any_failed() {
        checker.end(now, End::Stopped);
    }
    checker.is_finished() || checker.all_decided()
}
