//! `sse-sub --expect`: a live stream checked against an expectations file (`sse_expect`). The
//! checker's one driver decides; this feeds it the subscription's updates and the passing of
//! time, and does the drop and resume that `reconnect_after_events` asks for.

use std::time::{Duration, SystemTime};

use sse_expect::{Checker, End, Expectations, Lifecycle, StreamCheck, Tally};
use tokio::time::Instant;

use crate::analyzers::expect_lifecycle;
use crate::error::SubscribeError;
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
/// decides `expectations`, through the checker's one driver (`sse_expect::StreamCheck`) as the
/// window does. An error only when no response ever came (no connection, TLS, a bad URL); a
/// response that is not a stream is decided by the response expectations.
pub async fn check_stream(
    request: SubscribeRequest,
    expectations: Expectations,
    options: CheckOptions,
) -> Result<Checker, SubscribeError> {
    let request = request.reconnect(false);
    // The time limit on the monotonic clock (a wall clock stepping back must not stretch it);
    // the checker's deadlines are times of the stream's, on the wall clock.
    let deadline = Instant::now() + options.timeout;
    let mut check = StreamCheck::new(expectations);
    let mut subscription = Subscription::new(request.clone());
    let mut answered = false;
    loop {
        let due = check.next_deadline().map(|due| due.duration_since(SystemTime::now()).unwrap_or_default());
        let wake = due.map_or(deadline, |wait| deadline.min(Instant::now() + wait));
        let update = tokio::select! {
            update = subscription.next() => update,
            () = tokio::time::sleep_until(wake) => {
                let now = SystemTime::now();
                if Instant::now() >= deadline {
                    check.end(now, End::TimedOut);
                    break;
                }
                check.tick(now);
                if stop(&mut check, &options, now) {
                    break;
                }
                continue;
            }
        };
        let Some(update) = update else {
            check.observe(Lifecycle::Ended { at: SystemTime::now() });
            break;
        };
        match update {
            Update::Open { .. } => answered = true,
            Update::Error { ref error, .. } if error.response().is_some() => answered = true,
            Update::Error { error, .. } if !answered => return Err(error),
            // A connection lost mid-stream ends it, as far as the expectations go.
            Update::Error { ref error, .. } => tracing::info!(%error, "the stream ended with an error"),
            _ => {}
        }
        if let Some(lifecycle) = expect_lifecycle(&update) {
            check.observe(lifecycle);
        }
        if matches!(update, Update::Event(_)) && check.checker().wants_reconnect() {
            let last = subscription.last_event_id().to_owned();
            tracing::info!(last_event_id = %last, "dropping the connection to resume");
            subscription = Subscription::new(request.clone().last_event_id(last));
            check.checker_mut().resumed();
        }
        if stop(&mut check, &options, SystemTime::now()) {
            break;
        }
    }
    Ok(check.into_checker())
}

/// Whether checking is over: everything decided, the end reached, or a failure when it stops
/// at the first one.
fn stop(check: &mut StreamCheck, options: &CheckOptions, now: SystemTime) -> bool {
    if !options.keep_going && check.checker().any_failed() {
        check.end(now, End::Stopped);
    }
    check.checker().is_finished() || check.checker().all_decided()
}
