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
