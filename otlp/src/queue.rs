//! Calls waiting to be exported, for a tap that exports each call as it ends: at most
//! [`MAX_UNSENT`], the oldest dropped (and counted) when a slow or absent collector lets
//! them pile up. One task sends them in order.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use crate::call::LlmCall;

/// The most calls kept unsent.
pub const MAX_UNSENT: usize = 1_000;

#[derive(Default)]
struct Waiting {
    calls: VecDeque<LlmCall>,
    dropped: u64,
    closed: bool,
}

/// The queue, shared by the tap (which pushes) and the sending task (which takes).
#[derive(Clone, Default)]
pub struct ExportQueue {
    waiting: Arc<Mutex<Waiting>>,
    ready: Arc<Notify>,
}

impl ExportQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a call; past [`MAX_UNSENT`] the oldest goes.
    pub fn push(&self, call: LlmCall) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        if waiting.calls.len() == MAX_UNSENT {
            waiting.calls.pop_front();
            waiting.dropped += 1;
        }
        waiting.calls.push_back(call);
        drop(waiting);
        self.ready.notify_one();
    }

    /// The next call, waiting for one; `None` once closed and empty.
    pub async fn next(&self) -> Option<LlmCall> {
        loop {
            let notified = self.ready.notified();
            {
                let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(call) = waiting.calls.pop_front() {
                    return Some(call);
                }
                if waiting.closed {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// No more calls will come: [`ExportQueue::next`] ends once the queue is empty.
    pub fn close(&self) {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.ready.notify_waiters();
        self.ready.notify_one();
    }

    /// Calls dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).dropped
    }

    /// Calls waiting.
    pub fn len(&self) -> usize {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner).calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn call(n: u64) -> LlmCall {
        let mut reading = sse_llm::LlmReading::new(sse_llm::ReadAs::Auto, None);
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(n);
        reading.observe(sse_llm::Lifecycle::RequestSent { url: "http://h/v1/chat/completions", at });
        reading.observe(sse_llm::Lifecycle::HeadReceived { at });
        LlmCall::from_reading(&reading, "http://h/v1/chat/completions", b"").expect("a call")
    }

    /// Past 1,000 unsent calls the oldest go, counted; the rest come out in order, then none
    /// once closed.
    #[tokio::test]
    async fn the_oldest_calls_go_past_the_bound_and_are_counted() {
        let queue = ExportQueue::new();
        for n in 0..(MAX_UNSENT as u64 + 5) {
            queue.push(call(n));
        }
        assert_eq!((queue.len(), queue.dropped()), (MAX_UNSENT, 5));
        queue.close();
        let first = queue.next().await.expect("a call");
        assert_eq!(first.request_sent, SystemTime::UNIX_EPOCH + Duration::from_secs(5), "calls 0 to 4 went");
        let mut rest = 0;
        while queue.next().await.is_some() {
            rest += 1;
        }
        assert_eq!(rest, MAX_UNSENT - 1);
    }
}
