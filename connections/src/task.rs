//! One connection's task: it runs the subscription (or reads a stream through a tap), keeps what arrives in the capture, works
//! out diagnostics and assembled text, and sends batches. Each step returns `Result<_, Gone>`,
//! so "nobody listens any more" leaves the loop by `?`. Time is tokio's clock throughout, so
//! tests can pause it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use sse_inspector::{BatchIds, BatchPolicy, Batcher, Capture, Flush, Kept};
use sse_subscriber::{FeedUpdate, SseEvent, SubscribeRequest, Subscription, Update};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::diagnostics::Diagnostics;
use crate::error::SpecError;
use crate::expectations::{self, SharedExpectations};
use crate::json_path::TextAssembler;
use crate::llm::{self as llm_view, LlmView, SharedLlm};
use crate::spec::ConnectionSpec;
use crate::tapped_feed::TappedFeed;
use crate::update::{ConnectionUpdate, Emitter};
use sse_llm::ReadAs;

/// How often an open connection is checked for silence and its figures sent.
const TICK: Duration = Duration::from_secs(1);

pub(crate) type SharedCapture = Arc<Mutex<Capture>>;

pub(crate) fn lock(capture: &SharedCapture) -> MutexGuard<'_, Capture> {
    capture.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Nobody listens to the connection any more (the window reloaded): it ends and is forgotten.
#[derive(Debug)]
pub(crate) struct Gone;

/// Where a connection's updates come from.
pub(crate) enum Source {
    /// Its own subscription to a server, and the request it was made from (to resume it).
    Subscription(Box<Subscription>, Box<SubscribeRequest>),
    /// A stream through a tap, read from the tap's record.
    Tapped(Box<TappedFeed>),
}

impl Source {
    /// Drops the connection and resumes with `Last-Event-ID`, as a reconnecting client does;
    /// false for a tapped stream, which follows the tap's record.
    fn resume(&mut self) -> bool {
        match self {
            Self::Subscription(subscription, request) => {
                let last = subscription.last_event_id().to_owned();
                **subscription = Subscription::new(request.as_ref().clone().last_event_id(last));
                true
            }
            Self::Tapped(_) => false,
        }
    }

    async fn next(&mut self) -> Option<Update> {
        match self {
            Self::Subscription(subscription, _) => subscription.next().await,
            Self::Tapped(feed) => feed.next().await,
        }
    }
}

/// What a connection's task needs, checked before it starts.
pub(crate) struct Plan {
    source: Source,
    assembler: Option<TextAssembler>,
    /// How the LLM panel reads it, and the provider the request's headers name.
    pub(crate) llm: ReadAs,
    pub(crate) llm_headers: Option<sse_llm::Provider>,
}

impl Plan {
    /// A stream through a tap: nothing to assemble, nothing to check.
    /// The URL and body of its request (none for a tapped stream).
    pub(crate) fn request(&self) -> Option<(String, Vec<u8>)> {
        match &self.source {
            Source::Subscription(_, request) => {
                Some((request.url().to_string(), request.body_bytes().to_vec()))
            }
            Source::Tapped(_) => None,
        }
    }

    pub(crate) fn tapped(feed: TappedFeed) -> Self {
        Self { source: Source::Tapped(Box::new(feed)), assembler: None, llm: ReadAs::Auto, llm_headers: None }
    }

    pub(crate) fn new(spec: &ConnectionSpec) -> Result<Self, SpecError> {
        let request: SubscribeRequest = spec.to_request()?.report_raw(true);
        let path = spec.assemble_path.trim();
        let assembler = if path.is_empty() {
            None
        } else {
            Some(
                TextAssembler::new(path)
                    .map_err(|e| SpecError::Invalid { field: "JSON path", reason: e.reason })?,
            )
        };
        let llm = spec.llm_choice()?;
        let llm_headers = sse_llm::Provider::from_headers(spec.headers.iter().map(|h| h.name.as_str()));
        let subscription = Box::new(Subscription::new(request.clone()));
        Ok(Self {
            source: Source::Subscription(subscription, Box::new(request)),
            assembler,
            llm,
            llm_headers,
        })
    }
}

/// Where a connection's task reports and keeps things.
pub(crate) struct Links {
    pub(crate) emit: Emitter,
    pub(crate) stop: CancellationToken,
    pub(crate) capture: SharedCapture,
    pub(crate) expectations: SharedExpectations,
    pub(crate) llm: SharedLlm,
    /// Where its LLM calls go when the app exports them (a connection of its own; a tapped
    /// stream is the tap's to export).
    pub(crate) export: Option<ExportHook>,
}

/// What the OpenTelemetry export needs of a connection: the app's export and its request.
pub(crate) struct ExportHook {
    pub(crate) export: crate::otlp_export::SharedExport,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) url: String,
    pub(crate) body: Vec<u8>,
}

/// A new connection's LLM reading.
pub(crate) fn new_llm(plan: &Plan) -> SharedLlm {
    Arc::new(Mutex::new(LlmView::new(plan.llm, plan.llm_headers)))
}

/// Events received since the last batch went.
#[derive(Default)]
struct Pending {
    ids: BatchIds,
    new_types: Vec<String>,
    latest: Option<u64>,
    piece: String,
}

struct ConnectionTask {
    links: Links,
    policy: BatchPolicy,
    batcher: Batcher,
    pending: Pending,
    /// When the pending events are due, if any are waiting.
    flush_at: Option<Instant>,
    diagnostics: Diagnostics,
    assembler: Option<TextAssembler>,
    /// Since when the connection is open, and when bytes last came (keep-alives included).
    opened_at: Option<Instant>,
    last_received: Option<Instant>,
    /// The newest row the UI was sent in a batch's tail: later batches send only newer ones.
    tail_sent: Option<u64>,
}

/// Runs one connection until it closes or is stopped (`Ok`), or nobody listens (`Gone`).
pub(crate) async fn run(plan: Plan, links: Links, policy: BatchPolicy) -> Result<(), Gone> {
    let Plan { mut source, assembler, .. } = plan;
    let mut task = ConnectionTask {
        links,
        policy,
        batcher: Batcher::new(policy),
        pending: Pending::default(),
        flush_at: None,
        diagnostics: Diagnostics::default(),
        assembler,
        opened_at: None,
        last_received: None,
        tail_sent: None,
    };
    expectations::lock(&task.links.expectations).set_resumable(matches!(source, Source::Subscription(..)));
    let mut tick = tokio::time::interval(TICK);
    let stop = task.links.stop.clone();
    loop {
        tokio::select! {
            // Whoever stopped it (close, reconnect) tells the UI.
            () = stop.cancelled() => return Ok(()),
            () = sleep_until(task.flush_at), if task.flush_at.is_some() => task.flush_events()?,
            update = source.next() => match update {
                Some(update) => {
                    task.on_update(update)?;
                    // The expectations' `reconnect_after_events`: drop and resume now.
                    if expectations::lock(&task.links.expectations).wants_resume() && source.resume() {
                        expectations::lock(&task.links.expectations).resumed();
                    }
                }
                None => return task.finish(),
            },
            _ = tick.tick() => task.on_tick()?,
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl ConnectionTask {
    fn send(&self, update: ConnectionUpdate) -> Result<(), Gone> {
        if (self.links.emit)(update) {
            Ok(())
        } else {
            Err(Gone)
        }
    }

    fn send_diagnostics(&self) -> Result<(), Gone> {
        self.send(ConnectionUpdate::Diagnostics { report: self.diagnostics.report().clone() })
    }

    /// The stream ended for good: what is pending goes first.
    fn finish(&mut self) -> Result<(), Gone> {
        if self.flush_at.is_some() {
            self.flush()?;
        }
        Ok(())
    }

    /// Every second: the silence check, and the figures (a batch due soon carries them).
    fn on_tick(&mut self) -> Result<(), Gone> {
        expectations::lock(&self.links.expectations).tick();
        if let Some(opened_at) = self.opened_at {
            let last = self.last_received.map_or(opened_at, |at| at.max(opened_at));
            if self.diagnostics.check_silence(last.elapsed()) {
                self.send_diagnostics()?;
            }
        }
        if self.diagnostics.take_body_changed() {
            self.send_diagnostics()?;
        }
        if self.flush_at.is_none() {
            self.flush()?;
        }
        Ok(())
    }

    fn on_update(&mut self, update: Update) -> Result<(), Gone> {
        let (kept, connection) = {
            let mut capture = lock(&self.links.capture);
            (capture.observe(&update), capture.connections())
        };
        expectations::lock(&self.links.expectations).observe(&update, connection, kept.map(|kept| kept.seq));
        let call = {
            let mut llm = llm_view::lock(&self.links.llm);
            let ended = llm.observe(&update, connection);
            let hook = self.links.export.as_ref().filter(|_| ended);
            hook.and_then(|hook| Some((hook, llm.call(&hook.url, &hook.body)?)))
        };
        if let Some((hook, call)) = call {
            hook.export.export(&hook.runtime, call);
        }
        match update {
            Update::Raw(read) => {
                self.last_received = Some(Instant::now());
                if self.diagnostics.observe_read(&read.bytes, read.compressed.as_ref()) {
                    self.send_diagnostics()?;
                }
                Ok(())
            }
            Update::Event(event) => self.on_event(event, kept),
            // The LLM reading took its time; its report goes with the next event.
            Update::FirstByte { .. } => Ok(()),
            lifecycle => self.on_lifecycle(lifecycle),
        }
    }

    fn on_lifecycle(&mut self, lifecycle: Update) -> Result<(), Gone> {
        // Events before a lifecycle change reach the UI before it.
        if self.flush_at.take().is_some() {
            self.flush_events()?;
        }
        let Some(update) = FeedUpdate::from_update(lifecycle) else { return Ok(()) };
        self.opened_at = matches!(update, FeedUpdate::Open { .. }).then(Instant::now);
        let changed = self.diagnostics.observe(&update);
        self.send(ConnectionUpdate::Feed { update })?;
        if changed {
            self.send_diagnostics()?;
        }
        self.send_expectations()?;
        self.send_llm(true)
    }

    /// The LLM reading, if it changed and one is due (`now`: at once).
    fn send_llm(&self, now: bool) -> Result<(), Gone> {
        let report = llm_view::lock(&self.links.llm).take_report(now);
        match report {
            Some(report) => self.send(ConnectionUpdate::Llm { report: Box::new(report) }),
            None => Ok(()),
        }
    }

    /// The expectations' report, if a verdict changed since it was last sent.
    fn send_expectations(&self) -> Result<(), Gone> {
        let changed = expectations::lock(&self.links.expectations).take_changed();
        match changed {
            Some(report) => self.send(ConnectionUpdate::Expectations { report }),
            None => Ok(()),
        }
    }

    fn on_event(&mut self, event: SseEvent, kept: Option<Kept>) -> Result<(), Gone> {
        if let Some(piece) = self.assembler.as_mut().and_then(|assembler| assembler.push(&event.data)) {
            self.pending.piece.push_str(&piece);
        }
        if self.diagnostics.observe_event(&event.id, event.id_set) {
            self.send_diagnostics()?;
        }
        if let Some(kept) = kept {
            if kept.new_type {
                self.pending.new_types.push(event.event);
            }
            self.pending.latest = Some(kept.seq);
        }
        self.pending.ids.push(&event.id);
        match self.batcher.add(Instant::now().into_std()) {
            Flush::Now => {
                self.flush_at = None;
                self.flush_events()
            }
            Flush::At(at) => {
                self.flush_at = Some(Instant::from_std(at));
                Ok(())
            }
        }
    }

    /// Sends the pending events now, and tells the batcher so.
    fn flush_events(&mut self) -> Result<(), Gone> {
        self.flush_at = None;
        self.batcher.flushed(Instant::now().into_std());
        self.flush()
    }

    /// Sends the pending events' batch (also with none, for the figures).
    fn flush(&mut self) -> Result<(), Gone> {
        let pending = std::mem::take(&mut self.pending);
        let batch = {
            let capture = lock(&self.links.capture);
            let history = capture.history();
            let (tail, tail_continues) = if pending.ids.is_empty() {
                (Vec::new(), true)
            } else {
                // One row more than is sent: if it is one the UI already has, the new rows
                // follow on from what it has (most batches: a row or two instead of the lot).
                let wanted = self.policy.tail_rows;
                let mut rows = history.rows(history.matching().saturating_sub(wanted + 1), wanted + 1);
                let sent = self.tail_sent;
                let fresh =
                    rows.iter().position(|row| sent.is_none_or(|sent| row.seq > sent)).unwrap_or(rows.len());
                let continues = fresh > 0;
                rows.drain(..fresh.max(rows.len().saturating_sub(wanted)));
                if let Some(last) = rows.last() {
                    self.tail_sent = Some(last.seq);
                }
                (rows, continues)
            };
            ConnectionUpdate::Batch {
                tail,
                tail_continues,
                ids: pending.ids,
                new_types: pending.new_types,
                latest: pending.latest.and_then(|seq| history.get(seq)).map(|e| Box::new(e.row())),
                counts: capture.counts(),
                stats: capture.stats(SystemTime::now()),
            }
        };
        self.send(batch)?;
        self.send_expectations()?;
        self.send_llm(false)?;
        match &self.assembler {
            Some(assembler) => self.send(ConnectionUpdate::Assembled {
                piece: pending.piece,
                used: assembler.used,
                skipped: assembler.skipped,
                truncated: assembler.truncated,
                done: assembler.done,
            }),
            None => Ok(()),
        }
    }
}
