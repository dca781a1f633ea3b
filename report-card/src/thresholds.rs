//! Every number the rules judge by, in one place (`docs/faults.md` lists them for users).

/// How long after a refusal, a redirect or a server-ended stream the client is watched: an
/// attempt within it counts as not giving up (or as following); none by its end, as giving up.
pub const GIVE_UP_WINDOW_MS: u64 = 5_000;

/// A tagged client's attempt this soon after it left a stream is its own reconnect (a read
/// timeout on a quiet stream), not a new request.
pub const OWN_RECONNECT_WINDOW_MS: u64 = GIVE_UP_WINDOW_MS;

/// Slack for timers and for when the server notes an end: a wait this much short still passes.
pub const TIMER_SLACK_MS: u64 = 20;

/// The longest wait after `retry` that still honours it: half of it again, at least a second.
pub fn longest_retry_wait(retry_ms: u64) -> u64 {
    retry_ms + (retry_ms / 2).max(1_000)
}

/// The shortest wait that honours `retry`: the retry less the timer slack.
pub fn shortest_retry_wait(retry_ms: u64) -> u64 {
    retry_ms.saturating_sub(TIMER_SLACK_MS)
}

/// The `retry` a fault profile's 5xx answer carries in its body (still `text/plain`): a client
/// that waits about this long before its next attempt read the error page as an event stream.
pub const ERROR_PAGE_RETRY_MS: u64 = 2_345;

/// How far past [`ERROR_PAGE_RETRY_MS`] a wait still counts as taken from the error page.
pub const ERROR_PAGE_SLACK_MS: u64 = 300;

/// A run of waits backs off when its last is this much longer than its first (half again).
pub fn backed_off(first_ms: u64, last_ms: u64) -> bool {
    last_ms > first_ms + first_ms / 2
}

/// Attempts of several clients ended by one kick end within this of each other.
pub const SAME_KICK_MS: u64 = 250;

/// Reconnect delays closer than this (or 2 % of their mean) are in lockstep.
pub const LOCKSTEP_MS: u64 = 20;
