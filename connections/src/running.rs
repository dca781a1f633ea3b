//! The connections that are open: each runs its subscription on its own task, keeps what it
//! receives in its [`Capture`] (the inspector reads it a page at a time), works out its
//! diagnostics and assembled text, and reports to its own emitter until closed. Events cross
//! to the UI in batches ([`BatchPolicy`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sse_inspector::{
    BatchIds, BatchPolicy, Batcher, Capture, CaptureLimits, Counts, EventDetail, EventFilter, EventRow,
    ExportFormat, Flush, RawView, StatsReport,
};
use sse_subscriber::{FeedUpdate, SubscribeRequest, Subscription, Update};
use tokio::runtime::Handle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::diagnostics::{Diagnostics, DiagnosticsReport};
use crate::error::{InspectError, SpecError};
use crate::json_path::TextAssembler;
use crate::spec::ConnectionSpec;

/// How often an open connection is checked for silence and its figures sent.
const TICK: Duration = Duration::from_secs(1);

/// What one connection reports to the UI.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ConnectionUpdate {
    /// A lifecycle change, as the subscriber reports it (events come in batches).
    Feed {
        update: FeedUpdate,
    },
    /// Events received since the last batch (their ids, for comparing with the browser's
    /// feed; maybe none, as the figures go out every second), the latest event, what the log
    /// holds and the live figures.
    Batch {
        ids: BatchIds,
        /// Event types first seen (since the capture began or was cleared) in this batch.
        new_types: Vec<String>,
        latest: Option<Box<EventRow>>,
        /// The last rows of the (filtered) log when the batch has events, so a log that
        /// follows the newest events needs no round trip.
        tail: Vec<EventRow>,
        counts: Counts,
        stats: StatsReport,
    },
    Diagnostics {
        report: DiagnosticsReport,
    },
    /// When a JSON path is set: the text the batch's events added (maybe none); `used` and
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

type SharedCapture = Arc<Mutex<Capture>>;

fn lock(capture: &SharedCapture) -> MutexGuard<'_, Capture> {
    capture.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Running {
    spec: ConnectionSpec,
    emit: Emitter,
    stop: CancellationToken,
    capture: SharedCapture,
}

/// The open connections, by id. Cheap to share: clones see the same set.
#[derive(Clone)]
pub struct RunningConnections {
    runtime: Handle,
    limits: CaptureLimits,
    batching: BatchPolicy,
    next_id: Arc<AtomicU64>,
    running: Arc<Mutex<BTreeMap<u64, Running>>>,
}

impl RunningConnections {
    /// Connections run their tasks on `runtime`, keep the default history and batch per frame.
    pub fn new(runtime: Handle) -> Self {
        Self {
            runtime,
            limits: CaptureLimits::default(),
            batching: BatchPolicy::default(),
            next_id: Arc::new(AtomicU64::new(1)),
            running: Arc::default(),
        }
    }

    /// How much each connection keeps.
    pub fn with_limits(mut self, limits: CaptureLimits) -> Self {
        self.limits = limits;
        self
    }

    /// How events are grouped for the UI.
    pub fn with_batching(mut self, batching: BatchPolicy) -> Self {
        self.batching = batching;
        self
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Checks `spec` and opens it; its id. Updates go to `emit` until it is closed.
    pub fn open(&self, spec: ConnectionSpec, emit: Emitter) -> Result<u64, SpecError> {
        let plan = Plan::new(&spec)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let stop = CancellationToken::new();
        let capture = Arc::new(Mutex::new(Capture::new(self.limits)));
        // Listed before it starts, so a task that ends at once finds its entry to remove.
        self.lock()
            .insert(id, Running { spec, emit: emit.clone(), stop: stop.clone(), capture: capture.clone() });
        self.start(id, plan, Task { emit, stop, capture, batching: self.batching });
        Ok(id)
    }

    fn start(&self, id: u64, plan: Plan, task: Task) {
        let running = self.running.clone();
        self.runtime.spawn(async move {
            let listening = drive(plan, &task).await;
            if !listening {
                // Nobody listens any more (the window reloaded): forget the connection.
                running.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
            }
        });
    }

    /// Stops a connection but keeps what it captured, for the inspector (a reconnect starts it
    /// again); false if there was none with that id.
    pub fn stop(&self, id: u64) -> bool {
        self.lock().get(&id).map(|running| running.stop.cancel()).is_some()
    }

    /// Stops a connection and forgets it; false if there was none with that id.
    pub fn close(&self, id: u64) -> bool {
        self.lock().remove(&id).map(|running| running.stop.cancel()).is_some()
    }

    /// Drops the current connection and makes a fresh one with the same spec (the resume
    /// state starts over; the kept events stay); false if there was none with that id.
    pub fn reconnect(&self, id: u64) -> Result<bool, SpecError> {
        let mut running = self.lock();
        let Some(current) = running.get_mut(&id) else { return Ok(false) };
        let plan = Plan::new(&current.spec)?;
        current.stop.cancel();
        current.stop = CancellationToken::new();
        let task = Task {
            emit: current.emit.clone(),
            stop: current.stop.clone(),
            capture: current.capture.clone(),
            batching: self.batching,
        };
        drop(running);
        self.start(id, plan, task);
        Ok(true)
    }

    /// Stops every connection.
    pub fn close_all(&self) {
        for (_, running) in std::mem::take(&mut *self.lock()) {
            running.stop.cancel();
        }
    }

    fn capture(&self, id: u64) -> Result<SharedCapture, InspectError> {
        self.lock().get(&id).map(|running| running.capture.clone()).ok_or(InspectError::NotOpen(id))
    }

    /// Rows `start..start + count` of the connection's log (as filtered), and its counts.
    pub fn page(&self, id: u64, start: usize, count: usize) -> Result<Page, InspectError> {
        let capture = self.capture(id)?;
        let capture = lock(&capture);
        Ok(Page { start, rows: capture.history().rows(start, count.min(MAX_PAGE)), counts: capture.counts() })
    }

    /// Everything about one kept event; `None` once it has been dropped or cleared.
    pub fn detail(&self, id: u64, seq: u64) -> Result<Option<EventDetail>, InspectError> {
        Ok(lock(&self.capture(id)?).detail(seq))
    }

    /// Where a kept event stands in the filtered log, if it is in it.
    pub fn position(&self, id: u64, seq: u64) -> Result<Option<usize>, InspectError> {
        Ok(lock(&self.capture(id)?).history().position(seq))
    }

    /// Sets the log's filter; the counts it leaves.
    pub fn set_filter(&self, id: u64, filter: &EventFilter) -> Result<Counts, InspectError> {
        let capture = self.capture(id)?;
        let mut capture = lock(&capture);
        capture.history_mut().set_filter(filter)?;
        Ok(capture.counts())
    }

    /// Event types seen, with their counts.
    pub fn event_types(&self, id: u64) -> Result<Vec<(String, u64)>, InspectError> {
        Ok(lock(&self.capture(id)?).history().types())
    }

    /// Forgets the kept events and raw bytes (the figures go on).
    pub fn clear(&self, id: u64) -> Result<Counts, InspectError> {
        let capture = self.capture(id)?;
        let mut capture = lock(&capture);
        capture.clear();
        Ok(capture.counts())
    }

    /// The last `max_bytes` received, as lines.
    pub fn raw_tail(&self, id: u64, max_bytes: usize) -> Result<RawView, InspectError> {
        Ok(lock(&self.capture(id)?).raw().tail(max_bytes))
    }

    /// Writes the kept events (only those the filter lets through, if `matching_only`) to
    /// `path`; how many bytes were written. Events arriving meanwhile are not included, and
    /// the capture is held only a chunk at a time.
    pub fn export(
        &self,
        id: u64,
        path: &Path,
        format: ExportFormat,
        matching_only: bool,
    ) -> Result<u64, InspectError> {
        let capture = self.capture(id)?;
        let io = |source: std::io::Error| InspectError::Write { path: path.display().to_string(), source };
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        file.write_all(format.header().as_bytes()).map_err(io)?;
        let mut written = format.header().len() as u64;
        let until = lock(&capture).history().next_seq();
        let mut from = Some(0);
        let mut buffer = Vec::new();
        while let Some(start) = from {
            buffer.clear();
            from = lock(&capture).export_chunk(start, until, matching_only, format, &mut buffer);
            file.write_all(&buffer).map_err(io)?;
            written += buffer.len() as u64;
        }
        file.flush().map_err(io)?;
        Ok(written)
    }
}

/// Rows a batch carries from the end of the log: more than the log shows at once.
const TAIL_ROWS: usize = 24;

/// Rows a page holds at most.
const MAX_PAGE: usize = 500;

/// Part of a connection's log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// Where `rows` start in the (filtered) log.
    pub start: usize,
    pub rows: Vec<EventRow>,
    pub counts: Counts,
}

/// What a connection's task needs, checked before it starts.
struct Plan {
    request: SubscribeRequest,
    assembler: Option<TextAssembler>,
}

impl Plan {
    fn new(spec: &ConnectionSpec) -> Result<Self, SpecError> {
        let request = spec.to_request()?.report_raw(true);
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

/// Where a connection's task reports and keeps things.
struct Task {
    emit: Emitter,
    stop: CancellationToken,
    capture: SharedCapture,
    batching: BatchPolicy,
}

/// Events received since the last batch went.
#[derive(Default)]
struct Pending {
    ids: BatchIds,
    new_types: Vec<String>,
    latest: Option<u64>,
    piece: String,
}

impl Task {
    /// Sends the pending events now, and tells the batcher so.
    fn flush_events(
        &self,
        batcher: &mut Batcher,
        pending: &mut Pending,
        assembler: Option<&TextAssembler>,
    ) -> bool {
        batcher.flushed(std::time::Instant::now());
        self.flush(pending, assembler)
    }

    /// Sends the pending events' batch (also with none, for the figures); false if nobody
    /// listens.
    fn flush(&self, pending: &mut Pending, assembler: Option<&TextAssembler>) -> bool {
        let batch = {
            let capture = lock(&self.capture);
            // Unbatched (the benchmark's baseline), each message is one event and no more.
            let tail = if pending.ids.is_empty() || self.batching == BatchPolicy::UNBATCHED {
                Vec::new()
            } else {
                let matching = capture.history().matching();
                capture.history().rows(matching.saturating_sub(TAIL_ROWS), TAIL_ROWS)
            };
            ConnectionUpdate::Batch {
                tail,
                ids: std::mem::take(&mut pending.ids),
                new_types: std::mem::take(&mut pending.new_types),
                latest: pending
                    .latest
                    .take()
                    .and_then(|seq| capture.history().get(seq))
                    .map(|e| Box::new(e.row())),
                counts: capture.counts(),
                stats: capture.stats(SystemTime::now()),
            }
        };
        if !(self.emit)(batch) {
            return false;
        }
        match assembler {
            Some(assembler) => (self.emit)(ConnectionUpdate::Assembled {
                piece: std::mem::take(&mut pending.piece),
                used: assembler.used,
                skipped: assembler.skipped,
                truncated: assembler.truncated,
            }),
            None => true,
        }
    }
}

/// Runs one connection until it closes, is stopped, or nobody listens (then `false`).
async fn drive(plan: Plan, task: &Task) -> bool {
    let Plan { request, mut assembler } = plan;
    let mut subscription = Subscription::new(request);
    let mut diagnostics = Diagnostics::default();
    let mut tick = tokio::time::interval(TICK);
    let mut opened_at: Option<Instant> = None;
    let mut batcher = Batcher::new(task.batching);
    let mut pending = Pending::default();
    let mut flush_at: Option<Instant> = None;
    loop {
        let update = tokio::select! {
            // Whoever stopped it (close, reconnect) tells the UI.
            () = task.stop.cancelled() => return true,
            () = sleep_until(flush_at), if flush_at.is_some() => {
                flush_at = None;
                if !task.flush_events(&mut batcher, &mut pending, assembler.as_ref()) {
                    return false;
                }
                continue;
            }
            update = subscription.next() => update,
            _ = tick.tick() => {
                if let Some(opened_at) = opened_at {
                    let last = subscription.last_received_at().map_or(opened_at, |at| at.max(opened_at));
                    if diagnostics.check_silence(last.elapsed())
                        && !(task.emit)(ConnectionUpdate::Diagnostics { report: diagnostics.report().clone() })
                    {
                        return false;
                    }
                }
                // The figures move every second, events or not; a batch due soon carries them.
                if flush_at.is_none() && !task.flush(&mut pending, assembler.as_ref()) {
                    return false;
                }
                continue;
            }
        };
        let Some(update) = update else {
            return flush_at.is_none() || task.flush(&mut pending, assembler.as_ref());
        };
        let kept = lock(&task.capture).observe(&update);
        let event = match update {
            Update::Raw(_) => continue,
            Update::Event(event) => event,
            lifecycle => {
                // Events before a lifecycle change reach the UI before it.
                if flush_at.take().is_some()
                    && !task.flush_events(&mut batcher, &mut pending, assembler.as_ref())
                {
                    return false;
                }
                let update = FeedUpdate::from(lifecycle);
                opened_at = match &update {
                    FeedUpdate::Open { .. } => Some(Instant::now()),
                    _ => None,
                };
                let changed = diagnostics.observe(&update);
                if !(task.emit)(ConnectionUpdate::Feed { update }) {
                    return false;
                }
                if changed
                    && !(task.emit)(ConnectionUpdate::Diagnostics { report: diagnostics.report().clone() })
                {
                    return false;
                }
                continue;
            }
        };
        if let Some(assembler) = assembler.as_mut() {
            if let Some(piece) = assembler.push(&event.data) {
                pending.piece.push_str(&piece);
            }
        }
        if diagnostics.observe_event(&event.id, event.id_set)
            && !(task.emit)(ConnectionUpdate::Diagnostics { report: diagnostics.report().clone() })
        {
            return false;
        }
        if let Some(kept) = kept {
            if kept.new_type {
                pending.new_types.push(event.event);
            }
            pending.latest = Some(kept.seq);
        }
        pending.ids.push(&event.id);
        match batcher.add(std::time::Instant::now()) {
            Flush::Now => {
                flush_at = None;
                if !task.flush_events(&mut batcher, &mut pending, assembler.as_ref()) {
                    return false;
                }
            }
            Flush::At(at) => flush_at = Some(Instant::from_std(at)),
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
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
