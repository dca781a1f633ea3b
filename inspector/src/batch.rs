//! When a connection sends its events to the UI. Sending each event as its own IPC message
//! floods the webview at thousands per second; holding events back delays them at low rates.
//! So: an event after a quiet spell goes at once, and events that follow within the interval
//! wait for the interval's end (or until a batch is full) and go together.

use std::time::{Duration, Instant};

/// How events are grouped for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchPolicy {
    /// At most one batch per interval.
    pub interval: Duration,
    /// A batch this full goes at once.
    pub max_events: usize,
    /// Rows from the end of the log each batch with events carries, so a log that follows
    /// the newest events needs no round trip (more than the log shows at once).
    pub tail_rows: usize,
}

impl BatchPolicy {
    /// About one batch per display frame.
    pub const PER_FRAME: Self = Self { interval: Duration::from_millis(16), max_events: 2000, tail_rows: 24 };
    /// Every event on its own and nothing more (the benchmark's baseline).
    pub const UNBATCHED: Self = Self { interval: Duration::ZERO, max_events: 1, tail_rows: 0 };
}

impl Default for BatchPolicy {
    fn default() -> Self {
        Self::PER_FRAME
    }
}

/// What to do after an event is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    Now,
    /// Send what is pending at this time, unless more events make it go sooner.
    At(Instant),
}

/// Decides when pending events go.
#[derive(Debug)]
pub struct Batcher {
    policy: BatchPolicy,
    last_flush: Option<Instant>,
    pending: usize,
}

impl Batcher {
    pub fn new(policy: BatchPolicy) -> Self {
        Self { policy, last_flush: None, pending: 0 }
    }

    /// Events waiting to go.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// One more event at `now`.
    pub fn add(&mut self, now: Instant) -> Flush {
        self.pending += 1;
        if self.pending >= self.policy.max_events {
            return Flush::Now;
        }
        match self.last_flush {
            Some(last) if now < last + self.policy.interval => Flush::At(last + self.policy.interval),
            _ => Flush::Now,
        }
    }

    /// The pending events went at `now`.
    pub fn flushed(&mut self, now: Instant) {
        self.pending = 0;
        self.last_flush = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_after_a_quiet_spell_goes_at_once() {
        let start = Instant::now();
        let mut batcher = Batcher::new(BatchPolicy::PER_FRAME);
        assert_eq!(batcher.add(start), Flush::Now);
        batcher.flushed(start);
        let later = start + Duration::from_millis(100);
        assert_eq!(batcher.add(later), Flush::Now);
    }

    #[test]
    fn events_within_the_interval_wait_for_its_end() {
        let start = Instant::now();
        let mut batcher = Batcher::new(BatchPolicy::PER_FRAME);
        batcher.add(start);
        batcher.flushed(start);
        let end = start + Duration::from_millis(16);
        assert_eq!(batcher.add(start + Duration::from_millis(1)), Flush::At(end));
        assert_eq!(batcher.add(start + Duration::from_millis(5)), Flush::At(end));
        assert_eq!(batcher.pending(), 2);
    }

    #[test]
    fn a_full_batch_goes_at_once() {
        let start = Instant::now();
        let policy = BatchPolicy { interval: Duration::from_secs(1), max_events: 3, tail_rows: 0 };
        let mut batcher = Batcher::new(policy);
        batcher.add(start);
        batcher.flushed(start);
        assert!(matches!(batcher.add(start), Flush::At(_)));
        assert!(matches!(batcher.add(start), Flush::At(_)));
        assert_eq!(batcher.add(start), Flush::Now);
    }

    #[test]
    fn unbatched_sends_every_event() {
        let start = Instant::now();
        let mut batcher = Batcher::new(BatchPolicy::UNBATCHED);
        for _ in 0..3 {
            assert_eq!(batcher.add(start), Flush::Now);
            batcher.flushed(start);
        }
    }
}
