//! What is kept of each exchange through the tap, and the bounded store that keeps them.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::{broadcast, watch};

use bytes::Bytes;

use sse_report_card::{AttemptKey, ClientBook, ClientReport, Delivered};

use crate::applied::AppliedFault;
use crate::config::{MAX_CHUNK_TIMINGS, MAX_RAW_BYTES};
pub use crate::ending::Ending;

/// Events kept per exchange (the newest); the rest are counted.
const MAX_EVENTS: usize = 100_000;
/// Finished exchanges waiting for a slow reader of [`Recorder::finished`].
const FINISHED_BACKLOG: usize = 1024;

/// One chunk of the response body: when it came from upstream and when the next was asked
/// for (by then hyper had handed this one to the client's socket), both since the exchange
/// began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub received: Duration,
    pub written: Option<Duration>,
    pub len: usize,
}

/// An event of a `text/event-stream` response (or a line of an NDJSON one), as it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TappedEvent {
    /// Since the exchange began.
    pub at: Duration,
    pub event: String,
    pub data: String,
    /// The last event ID, as EventSource keeps it (carried over from earlier events).
    pub id: String,
    /// Whether this event's own block set the id.
    pub id_set: bool,
    /// The reconnection time its block set, if it set one.
    pub retry: Option<Duration>,
}

/// One request through the tap and its response, as far as they got.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub id: u64,
    pub started: Option<SystemTime>,
    pub method: String,
    /// As the client sent it.
    pub target: String,
    /// Who sent it: its `client` query parameter or `X-SSE-Client` header, else its address and
    /// User-Agent (as the report card names clients).
    pub client: String,
    /// As it was sent upstream.
    pub upstream_target: String,
    /// The upstream's URL for it (`upstream_target` on the upstream's scheme and authority).
    pub url: String,
    /// As sent upstream (hop-by-hop headers removed, `Host` the upstream's).
    pub request_headers: Vec<(String, String)>,
    /// Its first bytes (up to the body limit); `request_bytes` counts them all.
    pub request_body: Vec<u8>,
    pub request_bytes: u64,
    pub status: Option<u16>,
    /// As sent to the client.
    pub response_headers: Vec<(String, String)>,
    pub head_after: Option<Duration>,
    /// When the response body's first bytes came from upstream.
    pub first_byte_after: Option<Duration>,
    /// A body that is not a stream: its first bytes (up to the body limit).
    pub response_body: Vec<u8>,
    pub response_bytes: u64,
    pub chunks: VecDeque<Chunk>,
    pub chunks_dropped: u64,
    pub events: VecDeque<TappedEvent>,
    pub events_dropped: u64,
    /// A stream's newest decoded bytes, as they came chunk by chunk (since the exchange began),
    /// at most [`MAX_RAW_BYTES`] of them; `raw_dropped` counts the bytes let go before.
    pub raw: VecDeque<(Duration, Bytes)>,
    pub raw_kept: usize,
    pub raw_dropped: u64,
    /// Bytes of the response body once decoded (its `Content-Encoding` undone); equal to
    /// `response_bytes` when it was not compressed.
    pub decoded_bytes: u64,
    /// `text/event-stream` or NDJSON: parsed into `events` instead of kept as a body.
    pub is_stream: bool,
    /// A WebSocket (or other) upgrade: the bytes were tunnelled, counted and not decoded.
    pub tunnel: bool,
    /// `HTTP/1.1` or `HTTP/2`, as spoken to the upstream.
    pub upstream_version: Option<String>,
    /// What the record could not do or wants the user to know (compression, say).
    pub warnings: Vec<String>,
    pub ending: Option<Ending>,
    pub duration: Option<Duration>,
    /// A fault rule selected it: what the rule did.
    pub fault: Option<AppliedFault>,
    /// A breakpoint holds one of its events now.
    pub held: bool,
    /// The events breakpoints held (and what became of them) and those injected, in order.
    pub breakpoints: Vec<sse_breakpoints::HoldMark>,
    /// What reached the client, as the report card counts it: events, the first and last id,
    /// the last `retry` (after any fault).
    pub delivered: Delivered,
    /// Its attempt on the report card, and whether it was answered with a stream.
    pub attempt: Option<(AttemptKey, bool)>,
    /// A stream's reading as an LLM's (`llm.rs`), from its head on.
    pub llm: Option<Box<sse_llm::LlmReading>>,
}

impl Exchange {
    pub(crate) fn push_chunk(&mut self, chunk: Chunk) {
        if self.chunks.len() == MAX_CHUNK_TIMINGS {
            self.chunks.pop_front();
            self.chunks_dropped += 1;
        }
        self.chunks.push_back(chunk);
    }

    /// Keeps a copy of a stream's decoded chunk (a copy: the chunk is a slice of a read buffer
    /// many times its size), letting the oldest go past [`MAX_RAW_BYTES`].
    pub(crate) fn push_raw(&mut self, at: Duration, data: &[u8]) {
        let data = &data[data.len().saturating_sub(MAX_RAW_BYTES)..];
        while self.raw_kept + data.len() > MAX_RAW_BYTES {
            let Some((_, oldest)) = self.raw.pop_front() else { break };
            self.raw_kept -= oldest.len();
            self.raw_dropped += oldest.len() as u64;
        }
        self.raw_kept += data.len();
        self.raw.push_back((at, Bytes::copy_from_slice(data)));
    }

    pub(crate) fn push_event(&mut self, event: TappedEvent) {
        self.delivered.events += 1;
        if event.id_set {
            self.delivered.first_id.get_or_insert_with(|| event.id.clone());
            self.delivered.last_id = Some(event.id.clone());
        }
        if let Some(retry) = event.retry {
            self.delivered.retry_ms = Some(u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
        }
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
            self.events_dropped += 1;
        }
        self.events.push_back(event);
    }

    /// The response's `Content-Type`, `""` when it had none.
    pub fn content_type(&self) -> &str {
        crate::headers::header(&self.response_headers, "content-type").unwrap_or("")
    }

    /// Events (or NDJSON lines) it had, kept or dropped.
    pub fn event_count(&self) -> u64 {
        self.events.len() as u64 + self.events_dropped
    }

    /// The one line the CLI prints for it.
    pub fn summary(&self) -> ExchangeSummary {
        ExchangeSummary {
            id: self.id,
            method: self.method.clone(),
            target: self.target.clone(),
            status: self.status,
            bytes: self.response_bytes,
            events: self.event_count(),
            duration: self.duration.unwrap_or_default(),
            ending: self.ending.clone().unwrap_or(Ending::Completed),
            is_stream: self.is_stream,
            warnings: self.warnings.clone(),
            fault: self.fault.as_ref().map(AppliedFault::line),
        }
    }
}

/// A finished exchange in one line: `GET /events 200 1234 B 12 events 3.20 s completed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeSummary {
    pub id: u64,
    pub method: String,
    pub target: String,
    pub status: Option<u16>,
    pub bytes: u64,
    pub events: u64,
    pub duration: Duration,
    pub ending: Ending,
    pub is_stream: bool,
    /// Not in the line: what the record could not do (see [`Exchange::warnings`]).
    pub warnings: Vec<String>,
    /// What a fault rule did, last in the line (see [`AppliedFault::line`]).
    pub fault: Option<String>,
}

impl fmt::Display for ExchangeSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.map_or_else(|| "---".to_owned(), |s| s.to_string());
        write!(f, "{} {} {} {} B", self.method, self.target, status, self.bytes)?;
        if self.events > 0 {
            write!(f, " {} events", self.events)?;
        }
        write!(f, " {:.2} s {}", self.duration.as_secs_f64(), self.ending)?;
        match &self.fault {
            Some(fault) => write!(f, "; {fault}"),
            None => Ok(()),
        }
    }
}

struct Store {
    exchanges: VecDeque<Arc<Mutex<Exchange>>>,
    next_id: u64,
    keep: usize,
}

/// The exchanges of one tap, the newest `keep` of them; cheap to clone (one store).
#[derive(Clone)]
pub struct Recorder {
    store: Arc<Mutex<Store>>,
    finished: broadcast::Sender<ExchangeSummary>,
    /// Bumped when an exchange begins, gets its response head or ends (not per chunk).
    changes: watch::Sender<u64>,
    /// Its clients' attempts at event streams, for the report card.
    clients: ClientBook,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Recorder {
    pub fn new(keep: usize) -> Self {
        let (finished, _) = broadcast::channel(FINISHED_BACKLOG);
        Self {
            store: Arc::new(Mutex::new(Store { exchanges: VecDeque::new(), next_id: 1, keep: keep.max(1) })),
            finished,
            changes: watch::Sender::new(0),
            clients: ClientBook::default(),
        }
    }

    /// Every client's attempts at event streams through the tap.
    pub fn clients(&self) -> ClientBook {
        self.clients.clone()
    }

    /// Every client graded: what `sse-tap --report` writes (the same JSON as the embedded
    /// server's `--report`).
    pub fn report(&self) -> ClientReport {
        sse_report_card::report(self.clients.histories(), self.clients.now_ms())
    }

    /// Tells the watchers of [`Recorder::changes`] that an exchange moved on.
    pub(crate) fn touched(&self) {
        self.changes.send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    /// Changes whenever an exchange begins, gets its response head or ends; a watcher that
    /// falls behind sees only the latest (a body's chunks do not count: poll for those).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Looks at every kept exchange, oldest first, without copying them (their events stay
    /// where they are); the store is held meanwhile, so `look` should be quick.
    pub fn visit(&self, mut look: impl FnMut(&Exchange)) {
        let store = lock(&self.store);
        for exchange in &store.exchanges {
            look(&lock(exchange));
        }
    }

    /// Starts the record of a new exchange.
    pub(crate) fn begin(&self, mut exchange: Exchange) -> Arc<Mutex<Exchange>> {
        let mut store = lock(&self.store);
        exchange.id = store.next_id;
        store.next_id += 1;
        let handle = Arc::new(Mutex::new(exchange));
        if store.exchanges.len() == store.keep {
            store.exchanges.pop_front();
        }
        store.exchanges.push_back(handle.clone());
        drop(store);
        self.touched();
        handle
    }

    /// Ends an exchange's record (once: a later ending is ignored), and its attempt on the
    /// report card, and tells the listeners.
    pub(crate) fn finish(&self, exchange: &Mutex<Exchange>, ending: Ending, duration: Duration) {
        let (summary, attempt) = {
            let mut exchange = lock(exchange);
            if exchange.ending.is_some() {
                return;
            }
            let attempt = exchange.attempt.take().map(|(key, stream)| {
                let end = ending.attempt_end(stream);
                let last_chunk = exchange.chunks.back().map_or(Duration::ZERO, |chunk| chunk.received);
                let silent = stream.then(|| duration.saturating_sub(last_chunk));
                (key, exchange.delivered.clone(), end, silent)
            });
            exchange.ending = Some(ending);
            exchange.duration = Some(duration);
            exchange.llm_end(duration);
            (exchange.summary(), attempt)
        };
        if let Some((key, delivered, end, silent)) = attempt {
            self.clients.finish(key, delivered, end, silent);
        }
        let _ = self.finished.send(summary);
        self.touched();
    }

    /// Every kept exchange, oldest first, as it is now.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.store).exchanges.iter().map(|e| lock(e).clone()).collect()
    }

    /// One kept exchange, as it is now.
    pub fn exchange(&self, id: u64) -> Option<Exchange> {
        self.with_exchange(id, Exchange::clone)
    }

    /// Looks at one kept exchange without copying it (its events stay where they are).
    pub fn with_exchange<R>(&self, id: u64, look: impl FnOnce(&Exchange) -> R) -> Option<R> {
        let found = {
            let store = lock(&self.store);
            // Ids rise by one from the oldest kept.
            let oldest = store.exchanges.front().map(|e| lock(e).id)?;
            store.exchanges.get(usize::try_from(id.checked_sub(oldest)?).ok()?)?.clone()
        };
        let exchange = lock(&found);
        Some(look(&exchange))
    }

    /// Forgets every kept exchange; ids go on rising (an exchange still open records on, out
    /// of the record).
    pub fn clear(&self) {
        lock(&self.store).exchanges.clear();
        self.touched();
    }

    /// Each exchange as it finishes.
    pub fn finished(&self) -> broadcast::Receiver<ExchangeSummary> {
        self.finished.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_keeps_the_newest_and_an_exchange_ends_once() {
        let recorder = Recorder::new(2);
        let mut finished = recorder.finished();
        let handles: Vec<_> = (0..3)
            .map(|n| recorder.begin(Exchange { target: format!("/{n}"), ..Exchange::default() }))
            .collect();
        let kept: Vec<String> = recorder.exchanges().into_iter().map(|e| e.target).collect();
        assert_eq!(kept, ["/1", "/2"]);
        recorder.finish(&handles[2], Ending::ClientHungUp { after_bytes: 7 }, Duration::from_millis(1500));
        recorder.finish(&handles[2], Ending::Completed, Duration::from_secs(9));
        let line = finished.try_recv().unwrap();
        assert_eq!(line.to_string(), " /2 --- 0 B 1.50 s client hung up after 7 bytes");
        assert!(finished.try_recv().is_err(), "ended once");
    }

    /// A stream's raw bytes are kept chunk by chunk up to the bound, the oldest let go first.
    #[test]
    fn raw_chunks_are_kept_up_to_the_bound() {
        let mut exchange = Exchange::default();
        let chunk = vec![b'x'; MAX_RAW_BYTES / 4];
        for n in 0..6 {
            exchange.push_raw(Duration::from_millis(n), &chunk);
        }
        assert_eq!(exchange.raw.len(), 4);
        assert_eq!(exchange.raw_kept, MAX_RAW_BYTES);
        assert_eq!(exchange.raw_dropped, 2 * chunk.len() as u64);
        assert_eq!(exchange.raw.front().map(|(at, _)| *at), Some(Duration::from_millis(2)));
        exchange.push_raw(Duration::from_millis(9), &vec![b'y'; MAX_RAW_BYTES * 2]);
        assert_eq!((exchange.raw.len(), exchange.raw_kept), (1, MAX_RAW_BYTES), "a huge chunk keeps its end");
    }

    /// Beginning and ending an exchange is news for the watchers; `visit` sees the kept ones.
    #[test]
    fn watchers_hear_of_exchanges_beginning_and_ending() {
        let recorder = Recorder::new(5);
        let mut changes = recorder.changes();
        assert!(!changes.has_changed().unwrap());
        let handle = recorder.begin(Exchange { target: "/a".into(), ..Exchange::default() });
        assert!(changes.has_changed().unwrap());
        changes.mark_unchanged();
        recorder.finish(&handle, Ending::Completed, Duration::from_millis(3));
        assert!(changes.has_changed().unwrap());
        let mut seen = Vec::new();
        recorder.visit(|e| seen.push((e.id, e.target.clone(), e.ending.clone())));
        assert_eq!(seen, [(1, "/a".to_owned(), Some(Ending::Completed))]);
    }
}
