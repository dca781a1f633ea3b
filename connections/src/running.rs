//! The connections that are open: each runs its subscription on its own task, with its
//! diagnostics and assembled text, and reports to its own emitter until closed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use sse_subscriber::{FeedUpdate, SubscribeRequest, Subscription};
use tokio::runtime::Handle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::diagnostics::{Diagnostics, DiagnosticsReport};
use crate::error::SpecError;
use crate::json_path::TextAssembler;
use crate::spec::ConnectionSpec;

/// How often an open connection is checked for silence.
const SILENCE_CHECK: Duration = Duration::from_secs(1);

/// What one connection reports to the UI.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ConnectionUpdate {
    /// A lifecycle change or an event, as the subscriber reports it.
    Feed {
        update: FeedUpdate,
    },
    Diagnostics {
        report: DiagnosticsReport,
    },
    /// After each event when a JSON path is set: the text it added (maybe none); `used` and
    /// `skipped` count events with and without text so far.
    Assembled {
        piece: String,
        used: u64,
        skipped: u64,
        truncated: bool,
    },
}

/// Receives a connection's updates; returns `false` once nobody listens (the connection then
/// closes itself).
pub type Emitter = Arc<dyn Fn(ConnectionUpdate) -> bool + Send + Sync>;

struct Running {
    spec: ConnectionSpec,
    emit: Emitter,
    stop: CancellationToken,
}

/// The open connections, by id. Cheap to share: clones see the same set.
#[derive(Clone)]
pub struct RunningConnections {
    runtime: Handle,
    next_id: Arc<AtomicU64>,
    running: Arc<Mutex<BTreeMap<u64, Running>>>,
}

impl RunningConnections {
    /// Connections run their tasks on `runtime`.
    pub fn new(runtime: Handle) -> Self {
        Self { runtime, next_id: Arc::new(AtomicU64::new(1)), running: Arc::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Checks `spec` and opens it; its id. Updates go to `emit` until it is closed.
    pub fn open(&self, spec: ConnectionSpec, emit: Emitter) -> Result<u64, SpecError> {
        let plan = Plan::new(&spec)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let stop = CancellationToken::new();
        // Listed before it starts, so a task that ends at once finds its entry to remove.
        self.lock().insert(id, Running { spec, emit: emit.clone(), stop: stop.clone() });
        self.start(id, plan, emit, stop);
        Ok(id)
    }

    fn start(&self, id: u64, plan: Plan, emit: Emitter, stop: CancellationToken) {
        let running = self.running.clone();
        self.runtime.spawn(async move {
            let listening = drive(plan, &emit, &stop).await;
            if !listening {
                // Nobody listens any more (the window reloaded): forget the connection.
                running.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
            }
        });
    }

    /// Stops a connection and forgets it; false if there was none with that id.
    pub fn close(&self, id: u64) -> bool {
        match self.lock().remove(&id) {
            Some(running) => {
                running.stop.cancel();
                true
            }
            None => false,
        }
    }

    /// Drops the current connection and makes a fresh one with the same spec (the resume
    /// state starts over too); false if there was none with that id.
    pub fn reconnect(&self, id: u64) -> Result<bool, SpecError> {
        let mut running = self.lock();
        let Some(current) = running.get_mut(&id) else { return Ok(false) };
        let plan = Plan::new(&current.spec)?;
        current.stop.cancel();
        current.stop = CancellationToken::new();
        let (emit, stop) = (current.emit.clone(), current.stop.clone());
        drop(running);
        self.start(id, plan, emit, stop);
        Ok(true)
    }

    /// The ids open now, oldest first.
    pub fn ids(&self) -> Vec<u64> {
        self.lock().keys().copied().collect()
    }

    /// Stops every connection.
    pub fn close_all(&self) {
        for (_, running) in std::mem::take(&mut *self.lock()) {
            running.stop.cancel();
        }
    }
}

/// What a connection's task needs, checked before it starts.
struct Plan {
    request: SubscribeRequest,
    assembler: Option<TextAssembler>,
}

impl Plan {
    fn new(spec: &ConnectionSpec) -> Result<Self, SpecError> {
        let request = spec.to_request()?;
        let path = spec.assemble_path.trim();
        let assembler = if path.is_empty() {
            None
        } else {
            Some(
                TextAssembler::new(path)
                    .map_err(|e| SpecError::Invalid { field: "JSON path", reason: e.reason })?,
            )
        };
        Ok(Self { request, assembler })
    }
}

/// Runs one connection until it closes, is stopped, or nobody listens (then `false`).
async fn drive(plan: Plan, emit: &Emitter, stop: &CancellationToken) -> bool {
    let Plan { request, mut assembler } = plan;
    let mut subscription = Subscription::new(request);
    let mut diagnostics = Diagnostics::default();
    let mut silence_check = tokio::time::interval(SILENCE_CHECK);
    let mut opened_at: Option<Instant> = None;
    loop {
        let update = tokio::select! {
            // Whoever stopped it (close, reconnect) tells the UI.
            () = stop.cancelled() => return true,
            update = subscription.next() => update,
            _ = silence_check.tick() => {
                if let Some(opened_at) = opened_at {
                    let last = subscription.last_received_at().map_or(opened_at, |at| at.max(opened_at));
                    if diagnostics.check_silence(last.elapsed())
                        && !emit(ConnectionUpdate::Diagnostics { report: diagnostics.report().clone() })
                    {
                        return false;
                    }
                }
                continue;
            }
        };
        let Some(update) = update else { return true };
        let update = FeedUpdate::from(update);
        opened_at = match &update {
            FeedUpdate::Open { .. } => Some(Instant::now()),
            FeedUpdate::Event { .. } => opened_at,
            _ => None,
        };
        // Every event updates the counts, with or without a piece of text.
        let piece = match (&update, assembler.as_mut()) {
            (FeedUpdate::Event { data, .. }, Some(assembler)) => Some(ConnectionUpdate::Assembled {
                piece: assembler.push(data).unwrap_or_default(),
                used: assembler.used,
                skipped: assembler.skipped,
                truncated: assembler.truncated,
            }),
            _ => None,
        };
        let changed = diagnostics.observe(&update);
        if !emit(ConnectionUpdate::Feed { update }) {
            return false;
        }
        if changed && !emit(ConnectionUpdate::Diagnostics { report: diagnostics.report().clone() }) {
            return false;
        }
        if let Some(piece) = piece {
            if !emit(piece) {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_serialise_with_a_type_tag_around_the_feed() {
        let update = ConnectionUpdate::Feed { update: FeedUpdate::Retrying { in_ms: 5 } };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"type":"feed","update":{"kind":"retrying","inMs":5}}"#
        );
        let piece = ConnectionUpdate::Assembled { piece: "Hi".into(), used: 1, skipped: 0, truncated: false };
        assert_eq!(
            serde_json::to_string(&piece).unwrap(),
            r#"{"type":"assembled","piece":"Hi","used":1,"skipped":0,"truncated":false}"#
        );
    }
}
