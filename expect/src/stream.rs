//! The one driver of the checker for a stream as it arrives: what `sse-sub --expect` and the
//! window's connections both feed a subscription's lifecycle to.
//!
//! # The clock
//! Times count from the checked stream's request: the first [`Lifecycle::RequestSent`] (or the
//! start given), and do not start again when the stream is dropped and resumed
//! (`reconnect_after_events`). Every time comes with the lifecycle, never from this driver's
//! own clock.

use std::time::{Duration, SystemTime};

use crate::check::{Checker, End, Event, Head};
use crate::expectation::Expectations;
use crate::outcome::Verdict;

/// What the checker is told of one subscription, in order.
#[derive(Debug, Clone)]
pub enum Lifecycle<'a> {
    /// An attempt's request went at `at`.
    RequestSent { at: SystemTime },
    /// The response head of a stream.
    HeadReceived { status: u16, headers: Vec<(String, String)> },
    /// An event and when it came.
    Event { event_type: &'a str, data: &'a str, id: &'a str, id_set: bool, received_at: SystemTime },
    /// Answered with something other than a stream (a status, a Content-Type): the response
    /// expectations are decided on it, and the check ends.
    Refused { status: u16, headers: Vec<(String, String)>, at: SystemTime },
    /// The stream ended, or its connection failed, at `at`.
    Ended { at: SystemTime },
}

/// A checker fed a stream's lifecycle.
pub struct StreamCheck {
    checker: Checker,
    /// The checked stream's request: times count from it.
    start: Option<SystemTime>,
}

impl StreamCheck {
    /// A check whose times count from the first request it is told of.
    pub fn new(expectations: Expectations) -> Self {
        Self { checker: Checker::new(expectations), start: None }
    }

    /// A check of `checker` (told already what cannot be decided) whose times count from
    /// `start`, the request of a stream under way.
    pub fn from(checker: Checker, start: Option<SystemTime>) -> Self {
        Self { checker, start }
    }

    fn since_start(&self, time: SystemTime) -> Duration {
        self.start.and_then(|start| time.duration_since(start).ok()).unwrap_or(Duration::ZERO)
    }

    /// The expectations still pending, and whether checking is over: a verdict changes once.
    fn standing(&self) -> (usize, bool) {
        let pending = self.checker.outcomes().iter().filter(|outcome| outcome.verdict == Verdict::Pending);
        (pending.count(), self.checker.is_finished())
    }

    /// Takes the next step of the subscription; whether a verdict changed.
    pub fn observe(&mut self, lifecycle: Lifecycle<'_>) -> bool {
        let before = self.standing();
        match lifecycle {
            Lifecycle::RequestSent { at } => {
                self.start.get_or_insert(at);
            }
            Lifecycle::HeadReceived { status, headers } => {
                self.checker.response(Head { status, headers: &headers });
            }
            Lifecycle::Event { event_type, data, id, id_set, received_at } => {
                let at = self.since_start(received_at);
                self.checker.event(Event { event_type, data, id, id_set, at });
            }
            Lifecycle::Refused { status, headers, at } => {
                self.checker.response(Head { status, headers: &headers });
                self.checker.end(self.since_start(at), End::Refused);
            }
            Lifecycle::Ended { at } => self.checker.end(self.since_start(at), End::Ended),
        }
        self.standing() != before
    }

    /// Time has passed to `now`: bounds that ran out are decided; whether a verdict changed.
    pub fn tick(&mut self, now: SystemTime) -> bool {
        let before = self.standing();
        self.checker.tick(self.since_start(now));
        self.standing() != before
    }

    /// Checking ends at `now` as `end` says (time ran out, stopped at a failure).
    pub fn end(&mut self, now: SystemTime, end: End) {
        self.checker.end(self.since_start(now), end);
    }

    /// When [`StreamCheck::tick`] can next decide something.
    pub fn next_deadline(&self) -> Option<SystemTime> {
        Some(self.start? + self.checker.next_deadline()?)
    }

    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// For the drop and resume (`reconnect_after_events`) and what cannot be decided.
    pub fn checker_mut(&mut self) -> &mut Checker {
        &mut self.checker
    }

    pub fn into_checker(self) -> Checker {
        self.checker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    fn event(data: &str, received_at: SystemTime) -> Lifecycle<'_> {
        Lifecycle::Event { event_type: "message", data, id: "", id_set: false, received_at }
    }

    /// Times count from the first request, not from a later attempt's; a verdict that changes
    /// is said once.
    #[test]
    fn times_count_from_the_first_request() {
        let file = "[[event]]\nat_least = 2\n[time]\nfirst_event_within_ms = 500\n";
        let mut check = StreamCheck::new(Expectations::parse(file).unwrap());
        check.observe(Lifecycle::RequestSent { at: at(1_000) });
        check.observe(Lifecycle::HeadReceived { status: 200, headers: Vec::new() });
        assert!(check.observe(event("a", at(1_300))), "the first event decides the time bound");
        check.observe(Lifecycle::RequestSent { at: at(5_000) });
        assert!(check.observe(event("b", at(5_100))), "the second decides the count");
        assert!(!check.observe(event("c", at(5_200))));
        assert!(check.checker().all_decided());
        assert_eq!(check.next_deadline(), None);
    }

    /// A refusal decides the response expectations and ends the check; a deadline is told as
    /// a time, and ticking past it fails the bound.
    #[test]
    fn refusals_and_deadlines() {
        let file = "[response]\nstatus = 200\n[time]\nfirst_event_within_ms = 500\n";
        let mut check = StreamCheck::new(Expectations::parse(file).unwrap());
        check.observe(Lifecycle::RequestSent { at: at(1_000) });
        assert_eq!(check.next_deadline(), Some(at(1_500)));
        assert!(!check.tick(at(1_400)));
        assert!(check.tick(at(1_600)));
        let headers = vec![("content-type".to_owned(), "text/html".to_owned())];
        assert!(check.observe(Lifecycle::Refused { status: 503, headers, at: at(1_700) }));
        assert!(check.checker().is_finished() && check.checker().any_failed());
    }
}
