//! How the rules read a client's attempts: which attempt continues which, what the client had
//! been given before each, and which were reconnects after the server ended a stream.

use crate::record::{Attempt, AttemptEnd, ClientHistory};
use crate::thresholds::{GIVE_UP_WINDOW_MS, OWN_RECONNECT_WINDOW_MS};

/// One client's attempts as the rules read them.
pub(crate) struct Reading<'h> {
    pub(crate) history: &'h ClientHistory,
    pub(crate) attempts: Vec<&'h Attempt>,
    /// The last id and `retry` the client had been given before each attempt.
    pub(crate) given: Vec<(Option<String>, Option<u64>)>,
    /// Each reconnect after a stream the server ended: (index of the new attempt, the
    /// ended one, the new one).
    pub(crate) reconnects: Vec<(usize, &'h Attempt, &'h Attempt)>,
    /// Each reconnect the client made on its own, soon after it left a stream: (index of the
    /// new attempt, the left one, the new one).
    pub(crate) own_reconnects: Vec<(usize, &'h Attempt, &'h Attempt)>,
    /// The server ended its last stream over [`GIVE_UP_WINDOW_MS`] ago, and nothing followed.
    pub(crate) unanswered: bool,
    /// When the card is made, in ms since the server started.
    pub(crate) now_ms: u64,
}

impl<'h> Reading<'h> {
    pub(crate) fn of(history: &'h ClientHistory, now_ms: u64) -> Self {
        let attempts: Vec<&Attempt> = history.attempts.iter().collect();
        let given = (0..attempts.len()).map(|at| given_before(&attempts, at)).collect();
        let reconnects = attempts
            .windows(2)
            .enumerate()
            .filter(|(_, pair)| server_ended(pair[0]))
            .map(|(i, pair)| (i + 1, pair[0], pair[1]))
            .collect();
        let own_reconnects = attempts
            .windows(2)
            .enumerate()
            .filter(|(_, pair)| own_reconnect(pair[0], pair[1]))
            .map(|(i, pair)| (i + 1, pair[0], pair[1]))
            .collect();
        let unanswered = attempts.last().is_some_and(|last| {
            server_ended(last) && now_ms.saturating_sub(last.ended_at_ms()) >= GIVE_UP_WINDOW_MS
        });
        Self { history, attempts, given, reconnects, own_reconnects, unanswered, now_ms }
    }

    /// Whether the client reconnects at all: none until a stream the server ended shows it.
    pub(crate) fn reconnects_at_all(&self) -> Option<bool> {
        if !self.reconnects.is_empty() {
            Some(true)
        } else if self.unanswered {
            Some(false)
        } else {
            None
        }
    }

    /// The evidence of a rule about reconnects when none was seen.
    pub(crate) fn no_reconnect(&self) -> Vec<String> {
        vec![if self.unanswered { "does not reconnect".to_owned() } else { "no reconnect seen yet".into() }]
    }

    /// Whether the watch after something answered at `answered_ms` is over.
    pub(crate) fn watched_long_enough(&self, answered_ms: u64) -> bool {
        self.now_ms.saturating_sub(answered_ms) >= GIVE_UP_WINDOW_MS
    }
}

/// `1.234 s`.
pub(crate) fn secs(ms: u64) -> String {
    format!("{:.3} s", ms as f64 / 1000.0)
}

/// Ended by the server while streaming: a spec client reconnects after it.
pub(crate) fn server_ended(attempt: &Attempt) -> bool {
    attempt.ended_by_the_server()
}

/// Whether `next` continues the request `prev` made (a reconnect, a retry, a redirect
/// followed), rather than being a request of its own: `prev` ended, and not by the client, or
/// the client came back on its own soon after leaving it.
pub(crate) fn continued(prev: &Attempt, next: &Attempt) -> bool {
    prev.end.is_some_and(|end| end != AttemptEnd::ClientLeft) || own_reconnect(prev, next)
}

/// Whether `next` is its client's own reconnect after leaving the stream `prev` (a read
/// timeout on a quiet stream): within [`OWN_RECONNECT_WINDOW_MS`] of leaving it.
pub(crate) fn own_reconnect(prev: &Attempt, next: &Attempt) -> bool {
    prev.left_by_its_client() && next.wait_after(prev) <= OWN_RECONNECT_WINDOW_MS
}

/// The last id and `retry` the EventSource behind attempt `at` had been given: from the
/// attempts it continues, newest first; its chain's first attempt's own Last-Event-ID when none
/// gave an id. (A client named by address and User-Agent may have several EventSources.)
fn given_before(attempts: &[&Attempt], at: usize) -> (Option<String>, Option<u64>) {
    let (mut id, mut retry) = (None, None);
    let (start, mut at) = (at, at);
    while at > 0 && continued(attempts[at - 1], attempts[at]) {
        at -= 1;
        let delivered = &attempts[at].delivered;
        id = id.or_else(|| delivered.last_id.clone());
        retry = retry.or(delivered.retry_ms);
    }
    if at < start {
        id = id.or_else(|| attempts[at].last_event_id.clone());
    }
    (id, retry)
}

/// The path and query of a redirect's target (a URL or a path).
pub(crate) fn path_of(location: &str) -> &str {
    match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => location,
    }
}
