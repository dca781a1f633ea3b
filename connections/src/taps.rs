//! The taps that are open: each a [`Tap`] listening on a loopback port, with a task that tells
//! its emitter which exchanges changed (a row each), at most a few times a second.

use std::collections::{BTreeMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sse_faults::FaultRules;
use sse_tap::{Recorder, Tap, TapBreakpoints, TapError};
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use crate::error::InspectError;
use crate::otlp_export::SharedExport;
use crate::tap_detail::{ExchangeDetail, ExchangeRow, TimelineRow};
use crate::tap_spec::TapSpec;

/// Rows go out at most this often; an open stream's row (its bytes, its duration) as often.
const REPORT_EVERY: Duration = Duration::from_millis(250);

/// Where a tap's updates go; false once nobody listens (the window reloaded).
pub type TapEmitter = Arc<dyn Fn(TapUpdate) -> bool + Send + Sync>;

/// What a tap tells the window: the exchanges that changed since the last update.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TapUpdate {
    /// New or changed rows, oldest first.
    pub rows: Vec<ExchangeRow>,
    /// Exchanges with a lower id are no longer kept (the tap keeps the newest 1,000).
    pub oldest_kept: u64,
    /// Exchanges still open.
    pub open: u32,
    /// Fault rules the tap has (a `once` rule goes once it applied).
    pub fault_rules: u32,
    /// Breakpoints it has (switched off ones too), and events they hold now.
    pub breakpoints: u32,
    pub held: u32,
}

/// A tap's fault rules, as a rule file (`sse-tap --faults`) holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TapFaults {
    /// The JSON array, one rule a line; `[]` for none.
    pub rules: String,
    pub count: u32,
}

impl TapFaults {
    fn of(rules: &FaultRules) -> Self {
        Self { rules: rules.to_json(), count: u32::try_from(rules.len()).unwrap_or(u32::MAX) }
    }
}

/// A tap as it was opened.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TapOpened {
    pub id: u64,
    /// `http://127.0.0.1:PORT`: where the user points their app.
    pub listen_url: String,
    pub port: u16,
    /// Why it listens elsewhere than the port asked for, if it does.
    pub note: Option<String>,
}

struct RunningTap {
    recorder: Recorder,
    /// The fault rules and breakpoints, shared with each run's tap: set here, taken by the
    /// exchanges. Never saved, so a tap that starts with the app breaks nothing unasked.
    shared: Shared,
    /// Towards the upstream: a request copied as curl needs them too.
    tls: crate::spec::TlsOptions,
    /// While it listens; a stopped tap keeps its record.
    run: Option<TapRun>,
    /// Its LLM calls exported, while the app's OpenTelemetry export is on.
    export: Option<sse_tap::LlmExport>,
}

/// One run of a tap, from Start to Stop.
struct TapRun {
    stop: CancellationToken,
    /// The listener's task: done once the port is free again.
    listening: tokio::task::JoinHandle<()>,
}

impl TapRun {
    /// Stops listening; returns once the port is free.
    async fn end(self) {
        self.stop.cancel();
        let _ = self.listening.await;
    }
}

/// The open taps, by id. Cheap to share: clones see the same set.
#[derive(Clone)]
pub struct RunningTaps {
    runtime: Handle,
    next_id: Arc<AtomicU64>,
    taps: Arc<Mutex<BTreeMap<u64, RunningTap>>>,
    /// The app's OpenTelemetry export, off unless set.
    export: SharedExport,
}

impl RunningTaps {
    /// Taps run on `runtime`.
    pub fn new(runtime: Handle) -> Self {
        Self {
            runtime,
            next_id: Arc::new(AtomicU64::new(1)),
            taps: Arc::default(),
            export: SharedExport::default(),
        }
    }

    /// Exports each tap's LLM calls while `export` is set.
    pub fn with_export(mut self, export: SharedExport) -> Self {
        self.export = export;
        self
    }

    /// The export was set or turned off: each tap's export follows.
    pub fn apply_export(&self) {
        for tap in self.lock().values_mut() {
            tap.export = self.export.tap_export(&self.runtime, &tap.recorder);
        }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, RunningTap>> {
        self.taps.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a tap on 127.0.0.1: on the spec's port when it is free, else on any free port
    /// (and says so). Its exchanges are reported to `emit` until it is stopped.
    pub fn open(&self, spec: &TapSpec, emit: TapEmitter) -> Result<TapOpened, TapError> {
        let mut config = spec.to_config()?;
        let recorder = Recorder::new(config.keep_exchanges);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let shared = Shared { faults: config.faults.clone(), breakpoints: TapBreakpoints::default() };
        config.breakpoints = Some(shared.breakpoints.clone());
        self.start(id, spec, Tap::with_recorder(config, recorder.clone())?, shared, emit)
    }

    /// Starts tap `id` again with `spec` (stopping it first if it runs), recording after what
    /// it kept. Its exchanges, those kept too, are reported to `emit`.
    pub async fn restart(
        &self,
        id: u64,
        spec: &TapSpec,
        emit: TapEmitter,
    ) -> Result<TapOpened, InspectError> {
        let (recorder, shared) = self.recorder_and_shared(id)?;
        let running = self.lock().get_mut(&id).and_then(|tap| tap.run.take());
        if let Some(run) = running {
            run.end().await;
        }
        let mut config = spec.to_config()?;
        config.faults = shared.faults.clone();
        config.breakpoints = Some(shared.breakpoints.clone());
        let tap = Tap::with_recorder(config, recorder)?;
        Ok(self.start(id, spec, tap, shared, emit)?)
    }

    fn start(
        &self,
        id: u64,
        spec: &TapSpec,
        tap: Tap,
        shared: Shared,
        emit: TapEmitter,
    ) -> Result<TapOpened, TapError> {
        let (listener, note) = self.listen(spec.port)?;
        let port = listener.local_addr().map_err(|source| listen_error(0, source))?.port();
        let stop = CancellationToken::new();
        let recorder = tap.recorder();
        let shutdown = stop.clone().cancelled_owned();
        let listening = self.runtime.spawn(async move {
            if let Err(error) = tap.run(listener, shutdown).await {
                tracing::warn!(%error, "a tap stopped");
            }
        });
        let run = Some(TapRun { stop: stop.clone(), listening });
        let export = self.export.tap_export(&self.runtime, &recorder);
        let tap = RunningTap {
            recorder: recorder.clone(),
            shared: shared.clone(),
            tls: spec.tls.clone(),
            run,
            export,
        };
        self.lock().insert(id, tap);
        let taps = self.taps.clone();
        self.runtime.spawn(async move {
            if report(recorder, shared, emit, stop).await.is_err() {
                // Nobody listens any more: the tap goes too.
                if let Some(run) =
                    taps.lock().unwrap_or_else(PoisonError::into_inner).remove(&id).and_then(|t| t.run)
                {
                    run.stop.cancel();
                }
            }
        });
        Ok(TapOpened { id, listen_url: format!("http://127.0.0.1:{port}"), port, note })
    }

    fn listen(&self, port: Option<u16>) -> Result<(tokio::net::TcpListener, Option<String>), TapError> {
        let bind = |port: u16| -> Result<tokio::net::TcpListener, std::io::Error> {
            let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
            listener.set_nonblocking(true)?;
            let _runtime = self.runtime.enter();
            tokio::net::TcpListener::from_std(listener)
        };
        match port.filter(|&port| port != 0) {
            None => Ok((bind(0).map_err(|source| listen_error(0, source))?, None)),
            Some(port) => match bind(port) {
                Ok(listener) => Ok((listener, None)),
                Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
                    let listener = bind(0).map_err(|source| listen_error(0, source))?;
                    let now = listener.local_addr().map(|a| a.port()).unwrap_or_default();
                    Ok((listener, Some(format!("Port {port} is taken (by another program?), so this tap listens on port {now}: point your app there."))))
                }
                Err(source) => Err(listen_error(port, source)),
            },
        }
    }

    /// Stops a tap listening, keeping its record; returns once its port is free. False if
    /// there was none with that id.
    pub async fn stop(&self, id: u64) -> bool {
        let run = {
            let mut taps = self.lock();
            let Some(tap) = taps.get_mut(&id) else { return false };
            tap.run.take()
        };
        if let Some(run) = run {
            run.end().await;
        }
        true
    }

    /// Forgets every exchange a tap kept (it listens on if it did). False if there was none
    /// with that id.
    pub fn clear(&self, id: u64) -> bool {
        self.recorder(id).map(|recorder| recorder.clear()).is_ok()
    }

    /// Stops a tap and forgets it and its record; returns once its port is free. False if
    /// there was none with that id.
    pub async fn close(&self, id: u64) -> bool {
        let Some(tap) = self.lock().remove(&id) else { return false };
        if let Some(run) = tap.run {
            run.end().await;
        }
        true
    }

    /// Stops every tap.
    pub fn close_all(&self) {
        for (_, tap) in std::mem::take(&mut *self.lock()) {
            if let Some(run) = tap.run {
                run.stop.cancel();
            }
        }
    }

    /// The record of a tap (running or stopped).
    pub fn recorder(&self, id: u64) -> Result<Recorder, InspectError> {
        self.lock().get(&id).map(|tap| tap.recorder.clone()).ok_or(InspectError::NoTap(id))
    }

    fn recorder_and_shared(&self, id: u64) -> Result<(Recorder, Shared), InspectError> {
        let taps = self.lock();
        let tap = taps.get(&id).ok_or(InspectError::NoTap(id))?;
        Ok((tap.recorder.clone(), tap.shared.clone()))
    }

    /// Tap `id`'s breakpoints (the window's Breakpoints tab works on them, `tap_breakpoints.rs`).
    pub fn breakpoints(&self, id: u64) -> Result<TapBreakpoints, InspectError> {
        Ok(self.recorder_and_shared(id)?.1.breakpoints)
    }

    /// Puts the rules of `json` (a rule file's array, `docs/faults.md`) in place of tap `id`'s:
    /// new exchanges take them. A list with a mistake changes nothing and names the rule and
    /// field.
    pub fn set_faults(&self, id: u64, json: &str) -> Result<TapFaults, InspectError> {
        let faults = self.recorder_and_shared(id)?.1.faults;
        let text = if json.trim().is_empty() { "[]" } else { json };
        faults.replace(FaultRules::parse(text.as_bytes())?.rules());
        Ok(TapFaults::of(&faults))
    }

    /// Tap `id`'s fault rules as they are now.
    pub fn faults(&self, id: u64) -> Result<TapFaults, InspectError> {
        Ok(TapFaults::of(&self.recorder_and_shared(id)?.1.faults))
    }

    /// Tap `id`'s clients graded (`sse_report_card`, as the embedded server grades its own):
    /// every client that asked for an event stream or was answered with one.
    pub fn client_report(&self, id: u64) -> Result<sse_report_card::ClientReport, InspectError> {
        Ok(self.recorder(id)?.report())
    }

    /// The MCP conversation through a tap: its JSON-RPC exchanges paired, the session
    /// followed, the transport's rules checked (`sse_mcp`).
    pub fn mcp_conversation(
        &self,
        id: u64,
        era: Option<sse_mcp::Era>,
    ) -> Result<sse_mcp::Conversation, InspectError> {
        Ok(crate::mcp::conversation(&self.recorder(id)?, era))
    }

    /// One exchange of a tap, whole, credentials masked; none once it is no longer kept.
    pub fn exchange(&self, id: u64, exchange: u64) -> Result<Option<ExchangeDetail>, InspectError> {
        let now = SystemTime::now();
        let (recorder, tls) = {
            let taps = self.lock();
            let tap = taps.get(&id).ok_or(InspectError::NoTap(id))?;
            (tap.recorder.clone(), tap.tls.clone())
        };
        Ok(recorder.with_exchange(exchange, |e| ExchangeDetail::of(e, &tls, now)))
    }

    /// The waterfall of a tap's newest `max` exchanges, oldest first.
    pub fn timeline(&self, id: u64, max: usize) -> Result<Vec<TimelineRow>, InspectError> {
        let now = SystemTime::now();
        let mut rows = std::collections::VecDeque::with_capacity(max.min(1024));
        self.recorder(id)?.visit(|exchange| {
            if rows.len() == max {
                rows.pop_front();
            }
            if max > 0 {
                rows.push_back(TimelineRow::of(exchange, now));
            }
        });
        Ok(rows.into())
    }

    /// Writes a tap's kept exchanges to `path` as HAR 1.2 (the format of `sse-tap --har`),
    /// credentials redacted unless `secrets` keeps them; how many bytes.
    pub fn write_har(
        &self,
        id: u64,
        path: &std::path::Path,
        secrets: sse_tap::Secrets,
    ) -> Result<u64, InspectError> {
        let har = sse_tap::har(&self.recorder(id)?.exchanges(), secrets);
        let io = |source: std::io::Error| InspectError::Write { path: path.display().to_string(), source };
        let text = serde_json::to_vec_pretty(&har).map_err(|e| io(std::io::Error::other(e)))?;
        std::fs::write(path, &text).map_err(io)?;
        Ok(text.len() as u64)
    }

    /// A stream exchange as a capture file's bytes (credentials redacted), to replay; none
    /// when it is not kept or not a stream.
    pub fn capture(&self, id: u64, exchange: u64) -> Result<Option<Vec<u8>>, InspectError> {
        let recorder = self.recorder(id)?;
        Ok(recorder
            .with_exchange(exchange, |e| e.is_stream.then(|| sse_tap::capture(e, sse_tap::Secrets::Redact)))
            .flatten())
    }
}

fn listen_error(port: u16, source: std::io::Error) -> TapError {
    TapError::Listen { addr: format!("127.0.0.1:{port}"), source }
}

/// What a tap's exchanges share with the window besides its record: the fault rules and the
/// breakpoints, kept across the tap's runs.
#[derive(Clone)]
struct Shared {
    faults: FaultRules,
    breakpoints: TapBreakpoints,
}

/// Nobody listens to the tap's updates any more.
struct Gone;

/// Sends the rows that changed, whenever an exchange begins, gets its head or ends, and every
/// [`REPORT_EVERY`] while one is open (its bytes and duration move), until `stop`.
async fn report(
    recorder: Recorder,
    shared: Shared,
    emit: TapEmitter,
    stop: CancellationToken,
) -> Result<(), Gone> {
    let mut changes = recorder.changes();
    // Ended exchanges whose last row went out: an ended exchange changes no more.
    let mut ended_sent = HashSet::new();
    loop {
        let mut update = changed_rows(&recorder, &mut ended_sent);
        update.fault_rules = u32::try_from(shared.faults.len()).unwrap_or(u32::MAX);
        update.breakpoints = u32::try_from(shared.breakpoints.list().breakpoints().len()).unwrap_or(u32::MAX);
        update.held = u32::try_from(shared.breakpoints.holding()).unwrap_or(u32::MAX);
        let open = update.open;
        if !update.rows.is_empty() && !emit(update) {
            return Err(Gone);
        }
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            changed = changes.changed() => if changed.is_err() { return Ok(()) },
            () = tokio::time::sleep(REPORT_EVERY), if open > 0 => {}
        }
        // News in a burst (a client opening many requests) goes out together.
        tokio::select! {
            () = stop.cancelled() => return Ok(()),
            () = tokio::time::sleep(REPORT_EVERY) => {}
        }
    }
}

/// The rows to send: every open exchange's (its bytes and duration move), and each ended one's
/// once more, as it ended.
fn changed_rows(recorder: &Recorder, ended_sent: &mut HashSet<u64>) -> TapUpdate {
    let now = SystemTime::now();
    let mut update = TapUpdate {
        rows: Vec::new(),
        oldest_kept: u64::MAX,
        open: 0,
        fault_rules: 0,
        breakpoints: 0,
        held: 0,
    };
    recorder.visit(|exchange| {
        update.oldest_kept = update.oldest_kept.min(exchange.id);
        let ended = exchange.ending.is_some();
        if !ended {
            update.open += 1;
        }
        if !ended || ended_sent.insert(exchange.id) {
            update.rows.push(ExchangeRow::of(exchange, now));
        }
    });
    if update.oldest_kept == u64::MAX {
        update.oldest_kept = 0;
    }
    let oldest = update.oldest_kept;
    ended_sent.retain(|&id| id >= oldest);
    update
}
