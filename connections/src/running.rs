//! The connections that are open: each runs its subscription (or reads a stream through a tap,
//! `tapped_feed.rs`) on its own task (`task.rs`),
//! keeps what it receives in its [`Capture`] (the inspector reads it a page at a time) and
//! reports to its own emitter until closed. Events cross to the UI in batches ([`BatchPolicy`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use sse_inspector::{
    BatchPolicy, Capture, CaptureLimits, Counts, EventDetail, EventFilter, EventRow, ExportFormat, RawView,
};
use sse_subscriber::FeedUpdate;
use sse_tap::Recorder;
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use crate::error::{InspectError, SpecError};
use crate::expectations::{self, ExpectationsReport, SharedExpectations};
use crate::llm::{self as llm_view, parse_read_as, LlmReport, SharedLlm};
use crate::otlp_export::SharedExport;
use crate::spec::ConnectionSpec;
use crate::tapped_feed::TappedFeed;
use crate::task::{self, lock, ExportHook, Links, Plan, SharedCapture};
use crate::update::{ConnectionUpdate, Emitter};

/// What a connection reads.
enum Origin {
    /// Its own subscription, made from the spec (again on a reconnect).
    Spec(Box<ConnectionSpec>),
    /// A stream through a tap: it follows the tap's record, so there is nothing to reconnect.
    Tapped,
}

struct Running {
    origin: Origin,
    emit: Emitter,
    stop: CancellationToken,
    capture: SharedCapture,
    expectations: SharedExpectations,
    llm: SharedLlm,
}

/// The open connections, by id. Cheap to share: clones see the same set.
#[derive(Clone)]
pub struct RunningConnections {
    runtime: Handle,
    limits: CaptureLimits,
    batching: BatchPolicy,
    next_id: Arc<AtomicU64>,
    running: Arc<Mutex<BTreeMap<u64, Running>>>,
    /// The app's OpenTelemetry export, off unless set.
    export: SharedExport,
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
            export: SharedExport::default(),
        }
    }

    /// Exports its connections' LLM calls while `export` is set.
    pub fn with_export(mut self, export: SharedExport) -> Self {
        self.export = export;
        self
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
        Ok(self.add(Origin::Spec(Box::new(spec)), plan, emit))
    }

    /// Opens exchange `exchange` of a tap's record in the inspector like a connection: the
    /// bytes the tap kept of the stream, then what comes while it stays open; its id.
    pub fn open_tapped(&self, recorder: Recorder, exchange: u64, emit: Emitter) -> Result<u64, InspectError> {
        let feed = TappedFeed::new(recorder, exchange).ok_or(InspectError::NotAStream(exchange))?;
        Ok(self.add(Origin::Tapped, Plan::tapped(feed), emit))
    }

    fn add(&self, origin: Origin, plan: Plan, emit: Emitter) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let stop = CancellationToken::new();
        let capture = Arc::new(Mutex::new(Capture::new(self.limits)));
        let expectations = SharedExpectations::default();
        let llm = task::new_llm(&plan);
        // Listed before it starts, so a task that ends at once finds its entry to remove.
        let running = Running {
            origin,
            emit: emit.clone(),
            stop: stop.clone(),
            capture: capture.clone(),
            expectations: expectations.clone(),
            llm: llm.clone(),
        };
        self.lock().insert(id, running);
        let export = self.export_hook(&plan);
        self.start(id, plan, Links { emit, stop, capture, expectations, llm, export });
        id
    }

    /// What a connection's task needs to export its LLM calls (a tapped stream's are the
    /// tap's).
    fn export_hook(&self, plan: &Plan) -> Option<ExportHook> {
        let (url, body) = plan.request()?;
        Some(ExportHook { export: self.export.clone(), runtime: self.runtime.clone(), url, body })
    }

    fn start(&self, id: u64, plan: Plan, links: Links) {
        let (running, batching) = (self.running.clone(), self.batching);
        let emit = links.emit.clone();
        // The task runs in a task of its own so that a panic in it (a bug) is told to the
        // window as the connection's failure instead of leaving it silent.
        let task = self.runtime.spawn(task::run(plan, links, batching));
        self.runtime.spawn(async move {
            match task.await {
                Ok(Ok(())) => {}
                // Nobody listens any more (the window reloaded): forget the connection.
                Ok(Err(_)) => {
                    running.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
                }
                Err(failure) if failure.is_panic() => {
                    let message = "internal error: the connection's task panicked (logged)".to_owned();
                    emit(ConnectionUpdate::Feed {
                        update: FeedUpdate::Error { message, will_retry: false, response: None },
                    });
                    emit(ConnectionUpdate::Feed {
                        update: FeedUpdate::Closed { reason: "internal error".to_owned() },
                    });
                }
                Err(_) => {}
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
    /// state starts over; the kept events stay); false if there was none with that id. A
    /// tapped stream cannot be: it follows the tap's record.
    pub fn reconnect(&self, id: u64) -> Result<bool, SpecError> {
        let mut running = self.lock();
        let Some(current) = running.get_mut(&id) else { return Ok(false) };
        let plan = match &current.origin {
            Origin::Spec(spec) => Plan::new(spec)?,
            Origin::Tapped => {
                return Err(SpecError::Invalid {
                    field: "connection",
                    reason: "a tapped stream follows the tap's record: it cannot be reconnected".into(),
                })
            }
        };
        current.stop.cancel();
        current.stop = CancellationToken::new();
        let links = Links {
            emit: current.emit.clone(),
            stop: current.stop.clone(),
            capture: current.capture.clone(),
            expectations: current.expectations.clone(),
            llm: current.llm.clone(),
            export: self.export_hook(&plan),
        };
        drop(running);
        self.start(id, plan, links);
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

    fn shared(&self, id: u64) -> Result<(SharedCapture, SharedExpectations), InspectError> {
        self.lock()
            .get(&id)
            .map(|running| (running.capture.clone(), running.expectations.clone()))
            .ok_or(InspectError::NotOpen(id))
    }

    /// Checks the expectations in `text` (a file named `source`) on the connection's current
    /// stream: the events its log keeps of it, then each new one (reported to its emitter
    /// when a verdict changes). A file with a mistake is refused with its line and column.
    pub fn load_expectations(
        &self,
        id: u64,
        source: &str,
        text: String,
    ) -> Result<ExpectationsReport, InspectError> {
        let (capture, shared) = self.shared(id)?;
        let capture = lock(&capture);
        let report = expectations::lock(&shared).load(source.to_owned(), text, &capture);
        report
    }

    /// Expectations generated from the connection's current stream (its first `events` kept
    /// events), loaded as if from a file; their text, to save, and where they stand.
    pub fn generate_expectations(
        &self,
        id: u64,
        events: u64,
    ) -> Result<(String, ExpectationsReport), InspectError> {
        let (capture, shared) = self.shared(id)?;
        let capture = lock(&capture);
        let mut expectations = expectations::lock(&shared);
        let text = expectations.generate(&capture, events, "the window's log")?;
        let report =
            expectations.load(format!("generated from the first {events} events"), text.clone(), &capture)?;
        Ok((text, report))
    }

    /// The loaded expectations' text.
    pub fn expectations_text(&self, id: u64) -> Result<String, InspectError> {
        let (_, shared) = self.shared(id)?;
        let text = expectations::lock(&shared).text().map(str::to_owned);
        text.ok_or(InspectError::NoExpectations(id))
    }

    /// Where the loaded expectations stand, if any are loaded.
    pub fn expectations(&self, id: u64) -> Result<Option<ExpectationsReport>, InspectError> {
        let (_, shared) = self.shared(id)?;
        let report = expectations::lock(&shared).report();
        Ok(report)
    }

    /// Stops checking expectations on the connection.
    pub fn clear_expectations(&self, id: u64) -> Result<(), InspectError> {
        let (_, shared) = self.shared(id)?;
        expectations::lock(&shared).clear();
        Ok(())
    }

    /// Reads the connection's current stream again as `choice` says (the spec's `llm` text:
    /// empty to guess, `off`, or a provider's key): the events its log keeps, then new ones.
    pub fn choose_llm(&self, id: u64, choice: &str) -> Result<LlmReport, InspectError> {
        let choice = parse_read_as(choice)?;
        let (capture, llm) = self
            .lock()
            .get(&id)
            .map(|running| (running.capture.clone(), running.llm.clone()))
            .ok_or(InspectError::NotOpen(id))?;
        let capture = lock(&capture);
        let report = llm_view::lock(&llm).choose(choice, &capture);
        Ok(report)
    }

    /// The MCP conversation of a connection whose body is a JSON-RPC request: its request and
    /// the stream's messages the log keeps, paired; none before its response came, and for a
    /// tapped stream (the tap's MCP tab reads the whole conversation).
    pub fn mcp_conversation(&self, id: u64) -> Result<Option<sse_mcp::Conversation>, InspectError> {
        let (spec, capture, expectations) = {
            let running = self.lock();
            let current = running.get(&id).ok_or(InspectError::NotOpen(id))?;
            let Origin::Spec(spec) = &current.origin else { return Ok(None) };
            (spec.clone(), current.capture.clone(), current.expectations.clone())
        };
        let capture = lock(&capture);
        let expectations = expectations::lock(&expectations);
        let Some((sent, head, connection)) = expectations.current_stream() else { return Ok(None) };
        let exchange = crate::mcp::connection_exchange(&spec, sent, head, connection, &capture);
        Ok(Some(sse_mcp::Conversation::read(&[exchange])))
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

    /// A kept event's whole data (the detail has only its start); none once it is dropped.
    pub fn event_data(&self, id: u64, seq: u64) -> Result<Option<String>, InspectError> {
        Ok(lock(&self.capture(id)?).event_data(seq).map(str::to_owned))
    }

    /// Writes a kept event's whole data to `path`; how many bytes, none once it is dropped.
    pub fn write_event_data(&self, id: u64, seq: u64, path: &Path) -> Result<Option<u64>, InspectError> {
        let Some(data) = self.event_data(id, seq)? else { return Ok(None) };
        let io = |source: std::io::Error| InspectError::Write { path: path.display().to_string(), source };
        std::fs::write(path, &data).map_err(io)?;
        Ok(Some(data.len() as u64))
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

/// Rows a page holds at most.
const MAX_PAGE: usize = 500;

/// Part of a connection's log.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// Where `rows` start in the (filtered) log.
    pub start: usize,
    pub rows: Vec<EventRow>,
    pub counts: Counts,
}
