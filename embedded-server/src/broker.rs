use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Instant, SystemTime};

use tokio::sync::{broadcast, watch};

use crate::config::BrokerConfig;
use crate::durable::{DurableLog, StoredStream};
use crate::error::{BrokerError, StoreError};
use crate::event::Event;

/// Idempotency keys remembered per stream, oldest forgotten first.
const IDEMPOTENCY_KEYS_KEPT: usize = 10_000;

/// Called with a stream's name and its new subscriber count whenever one joins or leaves.
pub type SubscriberHook = Arc<dyn Fn(&str, usize) + Send + Sync>;

/// The named streams. Cloning is cheap: clones share the same streams.
#[derive(Clone)]
pub struct Broker {
    inner: Arc<Inner>,
}

struct Inner {
    config: BrokerConfig,
    /// Where events are stored for good before they are sent, if anywhere.
    durable: Option<DurableLog>,
    streams: RwLock<BTreeMap<String, Arc<Stream>>>,
    subscribers: AtomicUsize,
    hook: RwLock<Option<SubscriberHook>>,
}

struct Stream {
    name: String,
    sender: broadcast::Sender<Arc<Event>>,
    /// Bumped by [`Broker::kick`]: every subscription open then ends.
    kicks: watch::Sender<u64>,
    /// Held while publishing and while a subscriber joins, so that what a new subscriber reads
    /// from the log and what it receives live meet with no gap and no duplicate.
    state: Mutex<StreamState>,
    subscribers: AtomicUsize,
}

#[derive(Default)]
struct StreamState {
    last_id: u64,
    log: VecDeque<(Instant, Arc<Event>)>,
    idempotency: HashMap<String, u64>,
    idempotency_order: VecDeque<String>,
}

/// A snapshot of one stream, for listings and the app's status line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StreamInfo {
    pub name: String,
    pub subscribers: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_event_id: u64,
}

/// What a publisher sends: optional type, data, optional `retry` (ms).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publish {
    pub event: Option<String>,
    pub data: String,
    pub retry: Option<u64>,
}

impl Publish {
    /// A `message` event carrying `data`.
    pub fn data(data: impl Into<String>) -> Self {
        Self { data: data.into(), ..Self::default() }
    }
}

/// The outcome of a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub id: u64,
    /// The idempotency key was seen before: nothing new was published.
    pub replayed: bool,
}

/// Where a new subscriber starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Only events published from now on (or the whole log with `auto_replay`).
    Now,
    /// Right after this event id (`Last-Event-ID`).
    After(u64),
}

/// A live subscription: missed events first, then events as they are published.
pub(crate) struct Receiver {
    /// Events older than the replay log that the subscriber asked for and cannot get.
    pub(crate) lost: u64,
    /// Events older than the replay log still in the durable log, read a page at a time.
    pub(crate) from_file: Option<FileBacklog>,
    pub(crate) backlog: VecDeque<Arc<Event>>,
    pub(crate) events: broadcast::Receiver<Arc<Event>>,
    /// Changes when the stream's subscriptions are kicked.
    pub(crate) kicks: watch::Receiver<u64>,
    pub(crate) _guard: SubscriberGuard,
}

/// Ids `next..until` of a stream, to be read from the durable log before the in-memory backlog.
pub(crate) struct FileBacklog {
    next: u64,
    until: u64,
}

/// Events read from the file at a time: a subscriber far behind never holds them all.
const FILE_PAGE: usize = 512;

/// What the next page of a file backlog gave.
pub(crate) enum FilePage {
    /// Events ids went missing meanwhile (pruned while it read): how many.
    Lost(u64),
    Events(Vec<Event>),
    /// Read to the end (or the file failed: the rest is lost, and said so).
    Done,
}

impl Receiver {
    /// The next page of events from the durable log, if the subscriber resumed from that far back.
    pub(crate) fn next_file_page(&mut self) -> FilePage {
        let Some(file) = &mut self.from_file else { return FilePage::Done };
        let Some(log) = &self._guard.broker.durable else { return FilePage::Done };
        if file.next >= file.until {
            self.from_file = None;
            return FilePage::Done;
        }
        match log.read_range(&self._guard.stream.name, file.next, file.until, FILE_PAGE) {
            Ok(events) if !events.is_empty() => {
                let first = events[0].id;
                if first > file.next {
                    let lost = first - file.next;
                    file.next = first;
                    return FilePage::Lost(lost);
                }
                file.next = events[events.len() - 1].id + 1;
                FilePage::Events(events)
            }
            // Nothing left in the file, or it failed: the rest is lost, and said so.
            read => {
                if let Err(error) = read {
                    tracing::warn!(%error, "cannot read the durable log for a resuming subscriber");
                }
                let lost = file.until - file.next;
                self.from_file = None;
                FilePage::Lost(lost)
            }
        }
    }
}

/// Counts a subscriber in while it lives.
pub(crate) struct SubscriberGuard {
    broker: Arc<Inner>,
    stream: Arc<Stream>,
}

impl Drop for SubscriberGuard {
    fn drop(&mut self) {
        self.broker.subscribers.fetch_sub(1, Ordering::Relaxed);
        let count = self.stream.subscribers.fetch_sub(1, Ordering::Relaxed) - 1;
        self.broker.notify(&self.stream.name, count);
    }
}

fn valid_stream_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Inner {
    fn notify(&self, stream: &str, count: usize) {
        let hook = self.hook.read().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(hook) = hook {
            hook(stream, count);
        }
    }
}

impl StreamState {
    /// Drops what the size and age limits no longer allow.
    fn prune(&mut self, config: &BrokerConfig) {
        while self.log.len() > config.replay_log_size {
            self.log.pop_front();
        }
        if let Some(max_age) = config.replay_log_age {
            while self.log.front().is_some_and(|(at, _)| at.elapsed() > max_age) {
                self.log.pop_front();
            }
        }
    }

    fn remember_key(&mut self, key: String, id: u64) {
        if self.idempotency_order.len() >= IDEMPOTENCY_KEYS_KEPT {
            if let Some(oldest) = self.idempotency_order.pop_front() {
                self.idempotency.remove(&oldest);
            }
        }
        self.idempotency_order.push_back(key.clone());
        self.idempotency.insert(key, id);
    }
}

/// The `Instant` that was `at` (a wall-clock time in the past), for the age limit.
fn instant_of(at: SystemTime) -> Instant {
    let (now, now_wall) = sse_wire::now_on_both_clocks();
    let age = now_wall.duration_since(at).unwrap_or_default();
    now.checked_sub(age).unwrap_or(now)
}

impl Broker {
    pub fn new(config: BrokerConfig) -> Self {
        Self::build(config, None)
    }

    fn build(config: BrokerConfig, durable: Option<DurableLog>) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                durable,
                streams: RwLock::default(),
                subscribers: AtomicUsize::new(0),
                hook: RwLock::new(None),
            }),
        }
    }

    /// A broker whose events are stored in `log` before they are sent: the streams, their ids,
    /// replay logs and idempotency keys come back from the file.
    pub fn with_durable_log(config: BrokerConfig, log: DurableLog) -> Result<Self, StoreError> {
        let stored = log.load(config.replay_log_size, IDEMPOTENCY_KEYS_KEPT)?;
        let broker = Self::build(config, Some(log));
        let mut streams = broker.inner.streams.write().unwrap_or_else(PoisonError::into_inner);
        for StoredStream { name, last_id, events, keys } in stored {
            let mut state = StreamState { last_id, ..StreamState::default() };
            state.log = events.into_iter().map(|(at, event)| (instant_of(at), Arc::new(event))).collect();
            for (key, id) in keys {
                state.remember_key(key, id);
            }
            tracing::info!(
                stream = name,
                last_id,
                kept = state.log.len(),
                "stream restored from the event log"
            );
            let stream = broker.new_stream(&name, state);
            streams.insert(name, Arc::new(stream));
        }
        drop(streams);
        Ok(broker)
    }

    fn new_stream(&self, name: &str, state: StreamState) -> Stream {
        let (sender, _) = broadcast::channel(self.inner.config.subscriber_queue.max(1));
        let (kicks, _) = watch::channel(0);
        Stream {
            name: name.to_owned(),
            sender,
            kicks,
            state: Mutex::new(state),
            subscribers: AtomicUsize::new(0),
        }
    }

    pub fn config(&self) -> &BrokerConfig {
        &self.inner.config
    }

    /// Calls `hook(stream, count)` whenever a subscriber joins or leaves a stream.
    pub fn set_subscriber_hook(&self, hook: impl Fn(&str, usize) + Send + Sync + 'static) {
        *self.inner.hook.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(hook));
    }

    /// Creates `name` if it does not exist yet. Returns whether it was created.
    pub fn create_stream(&self, name: &str) -> Result<bool, BrokerError> {
        if !valid_stream_name(name) {
            return Err(BrokerError::InvalidStreamName);
        }
        let mut streams = self.inner.streams.write().unwrap_or_else(PoisonError::into_inner);
        if streams.contains_key(name) {
            return Ok(false);
        }
        if let Some(log) = &self.inner.durable {
            log.create_stream(name).map_err(BrokerError::Storage)?;
        }
        let stream = self.new_stream(name, StreamState::default());
        streams.insert(name.to_owned(), Arc::new(stream));
        tracing::debug!(stream = name, "stream created");
        Ok(true)
    }

    /// Whether `name` exists.
    pub fn has_stream(&self, name: &str) -> bool {
        self.inner.streams.read().unwrap_or_else(PoisonError::into_inner).contains_key(name)
    }

    fn stream(&self, name: &str) -> Result<Arc<Stream>, BrokerError> {
        let streams = self.inner.streams.read().unwrap_or_else(PoisonError::into_inner);
        streams.get(name).cloned().ok_or_else(|| BrokerError::UnknownStream(name.to_owned()))
    }

    /// Ends every subscription to `stream` that is open now (a reconnect storm on purpose:
    /// clients resume with `Last-Event-ID`); how many there were.
    pub fn kick(&self, stream: &str) -> Result<usize, BrokerError> {
        let stream = self.stream(stream)?;
        stream.kicks.send_modify(|kicks| *kicks += 1);
        Ok(stream.subscribers.load(Ordering::Relaxed))
    }

    /// Publishes on `stream` and returns the event's id. Never waits for subscribers: one that
    /// is too far behind loses its place and is disconnected (see `subscription.rs`). With a
    /// durable log this waits for the disk: async code calls [`Broker::publish_async`].
    pub fn publish(&self, stream: &str, publish: Publish) -> Result<u64, BrokerError> {
        self.publish_with_key(stream, publish, None).map(|published| published.id)
    }

    /// Publishes unless `key` was already used on this stream, in which case the first
    /// publish's id is returned and nothing is sent again.
    pub fn publish_idempotent(
        &self,
        stream: &str,
        publish: Publish,
        key: &str,
    ) -> Result<Published, BrokerError> {
        self.publish_with_key(stream, publish, Some(key))
    }

    /// Publishes from async code: with a durable log, the write and its sync to disk (done
    /// while the stream is locked, so ids and the file agree) run on a blocking thread, never
    /// on a runtime worker.
    pub async fn publish_async(
        &self,
        stream: &str,
        publish: Publish,
        key: Option<&str>,
    ) -> Result<Published, BrokerError> {
        let (stream, key) = (stream.to_owned(), key.map(str::to_owned));
        self.off_worker(move |broker| broker.publish_with_key(&stream, publish, key.as_deref())).await
    }

    /// [`Broker::create_stream`] from async code (a durable log records it on disk).
    pub async fn create_stream_async(&self, name: &str) -> Result<bool, BrokerError> {
        let name = name.to_owned();
        self.off_worker(move |broker| broker.create_stream(&name)).await
    }

    /// Runs `work` at once without a durable log; with one, on a blocking thread, as it
    /// writes and syncs the file.
    async fn off_worker<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Broker) -> Result<T, BrokerError> + Send + 'static,
    ) -> Result<T, BrokerError> {
        if self.inner.durable.is_none() {
            return work(self);
        }
        let broker = self.clone();
        tokio::task::spawn_blocking(move || work(&broker))
            .await
            .map_err(|error| BrokerError::Interrupted(error.to_string()))?
    }

    fn publish_with_key(
        &self,
        stream: &str,
        publish: Publish,
        idempotency_key: Option<&str>,
    ) -> Result<Published, BrokerError> {
        if publish.event.as_deref().is_some_and(|e| e.contains(['\r', '\n'])) {
            return Err(BrokerError::InvalidEventType);
        }
        let limit = self.inner.config.max_event_size;
        if publish.data.len() > limit {
            return Err(BrokerError::EventTooLarge { size: publish.data.len(), limit });
        }
        let name = stream;
        let stream = self.stream(stream)?;
        let mut state = lock(&stream.state);
        if let Some(&id) = idempotency_key.and_then(|key| state.idempotency.get(key)) {
            return Ok(Published { id, replayed: true });
        }
        let id = state.last_id + 1;
        let event = Arc::new(Event::new(id, publish.event, publish.data, publish.retry));
        if let Some(log) = &self.inner.durable {
            // Stored for good before anyone sees it: after a crash, what subscribers got is
            // in the log, and a retried publish finds its key.
            let config = &self.inner.config;
            let window = config.durable_window.max(config.replay_log_size) as u64;
            let keep_from = (id + 1).saturating_sub(window);
            let keys_from = (id + 1).saturating_sub(IDEMPOTENCY_KEYS_KEPT as u64);
            log.append(name, &event, SystemTime::now(), idempotency_key, keep_from, keys_from)
                .map_err(BrokerError::Storage)?;
        }
        state.last_id = id;
        if self.inner.config.replay_log_size > 0 {
            state.log.push_back((Instant::now(), event.clone()));
            state.prune(&self.inner.config);
        }
        if let Some(key) = idempotency_key {
            state.remember_key(key.to_owned(), id);
        }
        // An error only means nobody is subscribed right now.
        let _ = stream.sender.send(event);
        Ok(Published { id, replayed: false })
    }

    /// Subscribes to `stream` from `start`.
    pub(crate) fn subscribe(&self, stream: &str, start: Start) -> Result<Receiver, BrokerError> {
        let config = &self.inner.config;
        if config.auto_stream {
            self.create_stream(stream)?;
        }
        let stream = self.stream(stream)?;
        let limit = config.max_subscribers;
        if self.inner.subscribers.fetch_add(1, Ordering::Relaxed) >= limit {
            self.inner.subscribers.fetch_sub(1, Ordering::Relaxed);
            return Err(BrokerError::TooManySubscribers { limit });
        }
        let count = stream.subscribers.fetch_add(1, Ordering::Relaxed) + 1;
        let guard = SubscriberGuard { broker: self.inner.clone(), stream: stream.clone() };
        self.inner.notify(&stream.name, count);

        let mut state = lock(&stream.state);
        state.prune(config);
        let events = stream.sender.subscribe();
        let kicks = stream.kicks.subscribe();
        let mut from_file = None;
        let (lost, backlog) = match start {
            Start::Now if config.auto_replay => (0, state.log.iter().map(|(_, e)| e.clone()).collect()),
            Start::Now => (0, VecDeque::new()),
            // A client ahead of us (say, after a server restart) can only get what comes next.
            Start::After(after) if after >= state.last_id => (0, VecDeque::new()),
            Start::After(after) => {
                let oldest_kept = state.log.front().map_or(state.last_id + 1, |(_, e)| e.id);
                let mut lost = oldest_kept.saturating_sub(after + 1);
                if lost > 0 {
                    // Older than memory: what the durable log still has comes from the file.
                    let oldest_in_file = self.inner.durable.as_ref().and_then(|log| {
                        log.oldest_id(&stream.name)
                            .inspect_err(|error| tracing::warn!(%error, "cannot read the durable log"))
                            .ok()
                            .flatten()
                    });
                    if let Some(oldest) = oldest_in_file.filter(|&oldest| oldest < oldest_kept) {
                        let next = oldest.max(after + 1);
                        lost = next - (after + 1);
                        from_file = Some(FileBacklog { next, until: oldest_kept });
                    }
                }
                let backlog =
                    state.log.iter().filter(|(_, e)| e.id > after).map(|(_, e)| e.clone()).collect();
                (lost, backlog)
            }
        };
        drop(state);
        Ok(Receiver { lost, from_file, backlog, events, kicks, _guard: guard })
    }

    /// All streams, sorted by name.
    pub fn streams(&self) -> Vec<StreamInfo> {
        let streams = self.inner.streams.read().unwrap_or_else(PoisonError::into_inner);
        streams
            .iter()
            .map(|(name, stream)| StreamInfo {
                name: name.clone(),
                subscribers: stream.subscribers.load(Ordering::Relaxed),
                last_event_id: lock(&stream.state).last_id,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn broker() -> Broker {
        let broker = Broker::new(BrokerConfig { replay_log_size: 3, ..BrokerConfig::default() });
        broker.create_stream("a").unwrap();
        broker
    }

    fn ids(receiver: &Receiver) -> Vec<u64> {
        receiver.backlog.iter().map(|e| e.id).collect()
    }

    #[test]
    fn ids_are_monotonic_per_stream() {
        let broker = broker();
        broker.create_stream("b").unwrap();
        assert_eq!(broker.publish("a", Publish::data("x")), Ok(1));
        assert_eq!(broker.publish("a", Publish::data("y")), Ok(2));
        assert_eq!(broker.publish("b", Publish::data("z")), Ok(1));
    }

    #[test]
    fn publishing_errors() {
        let broker = broker();
        assert_eq!(
            broker.publish("nope", Publish::data("x")),
            Err(BrokerError::UnknownStream("nope".into()))
        );
        assert_eq!(
            broker.publish("a", Publish { event: Some("x\ny".into()), ..Publish::data("d") }),
            Err(BrokerError::InvalidEventType)
        );
        let big = "x".repeat(BrokerConfig::default().max_event_size + 1);
        assert!(matches!(broker.publish("a", Publish::data(big)), Err(BrokerError::EventTooLarge { .. })));
    }

    #[test]
    fn stream_names_are_checked_and_created_once() {
        let broker = broker();
        assert_eq!(broker.create_stream(""), Err(BrokerError::InvalidStreamName));
        assert_eq!(broker.create_stream("a b"), Err(BrokerError::InvalidStreamName));
        assert_eq!(broker.create_stream("ok-1.x_y"), Ok(true));
        assert_eq!(broker.create_stream("ok-1.x_y"), Ok(false));
    }

    #[test]
    fn subscriber_counts_and_hook_follow_subscriptions() {
        let broker = broker();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        broker.set_subscriber_hook(move |stream, count| lock(&record).push((stream.to_owned(), count)));
        let first = broker.subscribe("a", Start::Now).unwrap();
        let second = broker.subscribe("a", Start::Now).unwrap();
        assert_eq!(broker.streams()[0].subscribers, 2);
        drop(first);
        drop(second);
        assert_eq!(broker.streams()[0].subscribers, 0);
        let counts: Vec<usize> = lock(&seen).iter().map(|(_, c)| *c).collect();
        assert_eq!(counts, [1, 2, 1, 0]);
    }

    #[test]
    fn subscriber_limit_is_enforced() {
        let broker = Broker::new(BrokerConfig { max_subscribers: 1, ..BrokerConfig::default() });
        broker.create_stream("a").unwrap();
        let first = broker.subscribe("a", Start::Now).unwrap();
        assert!(matches!(
            broker.subscribe("a", Start::Now),
            Err(BrokerError::TooManySubscribers { limit: 1 })
        ));
        drop(first);
        assert!(broker.subscribe("a", Start::Now).is_ok());
    }

    #[tokio::test]
    async fn subscribers_get_events_published_after_they_joined() {
        let broker = broker();
        broker.publish("a", Publish::data("before")).unwrap();
        let mut receiver = broker.subscribe("a", Start::Now).unwrap();
        assert!(receiver.backlog.is_empty());
        broker.publish("a", Publish::data("after")).unwrap();
        let event = receiver.events.recv().await.unwrap();
        assert_eq!((event.id, event.data.as_str()), (2, "after"));
    }

    #[test]
    fn resume_gets_exactly_the_missed_events() {
        let broker = broker();
        for n in 0..3 {
            broker.publish("a", Publish::data(n.to_string())).unwrap();
        }
        let receiver = broker.subscribe("a", Start::After(1)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (0, vec![2, 3]));
        let receiver = broker.subscribe("a", Start::After(3)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (0, vec![]));
        let receiver = broker.subscribe("a", Start::After(99)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (0, vec![]));
    }

    #[test]
    fn resume_past_the_log_reports_what_was_lost() {
        let broker = broker();
        for n in 0..6 {
            broker.publish("a", Publish::data(n.to_string())).unwrap();
        }
        // The log keeps 4, 5 and 6; after 1, events 2 and 3 are gone.
        let receiver = broker.subscribe("a", Start::After(1)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (2, vec![4, 5, 6]));
        let receiver = broker.subscribe("a", Start::After(0)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (3, vec![4, 5, 6]));
    }

    #[test]
    fn auto_replay_sends_the_log_to_new_subscribers() {
        let broker =
            Broker::new(BrokerConfig { auto_replay: true, replay_log_size: 2, ..BrokerConfig::default() });
        broker.create_stream("a").unwrap();
        for n in 0..3 {
            broker.publish("a", Publish::data(n.to_string())).unwrap();
        }
        assert_eq!(ids(&broker.subscribe("a", Start::Now).unwrap()), [2, 3]);
    }

    #[test]
    fn old_events_leave_the_log_by_age() {
        let config =
            BrokerConfig { replay_log_age: Some(Duration::from_millis(50)), ..BrokerConfig::default() };
        let broker = Broker::new(config);
        broker.create_stream("a").unwrap();
        broker.publish("a", Publish::data("old")).unwrap();
        std::thread::sleep(Duration::from_millis(80));
        broker.publish("a", Publish::data("new")).unwrap();
        let receiver = broker.subscribe("a", Start::After(0)).unwrap();
        assert_eq!((receiver.lost, ids(&receiver)), (1, vec![2]));
    }

    #[test]
    fn idempotency_keys_make_a_retried_publish_count_once() {
        let broker = broker();
        let publish = Publish { data: "x".into(), ..Publish::default() };
        let first = broker.publish_idempotent("a", publish.clone(), "k1").unwrap();
        let again = broker.publish_idempotent("a", publish.clone(), "k1").unwrap();
        let other = broker.publish_idempotent("a", publish, "k2").unwrap();
        assert_eq!(first, Published { id: 1, replayed: false });
        assert_eq!(again, Published { id: 1, replayed: true });
        assert_eq!(other.id, 2);
    }

    /// With a durable log, async publishes (written and synced off the runtime's workers) keep
    /// their order and are in the file when the broker is opened again.
    #[tokio::test]
    async fn async_publishes_reach_the_durable_log_in_order() {
        let path = std::env::temp_dir().join(format!("sse-broker-async-{}.redb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let broker =
            Broker::with_durable_log(BrokerConfig::default(), DurableLog::open(&path).unwrap()).unwrap();
        assert_eq!(broker.create_stream_async("d").await, Ok(true));
        for n in 1..=3u64 {
            let published =
                broker.publish_async("d", Publish::data(n.to_string()), Some(&format!("k{n}"))).await;
            assert_eq!(published, Ok(Published { id: n, replayed: false }));
        }
        let again = broker.publish_async("d", Publish::data("x"), Some("k2")).await;
        assert_eq!(again, Ok(Published { id: 2, replayed: true }));
        drop(broker);
        let reopened =
            Broker::with_durable_log(BrokerConfig::default(), DurableLog::open(&path).unwrap()).unwrap();
        assert_eq!(reopened.streams()[0].last_event_id, 3);
        let receiver = reopened.subscribe("d", Start::After(0)).unwrap();
        let data: Vec<_> = receiver.backlog.iter().map(|e| e.data.clone()).collect();
        assert_eq!(data, ["1", "2", "3"]);
        let _ = std::fs::remove_file(&path);
    }

    /// Restarted on its file, the broker holds only the in-memory window, yet serves a resume
    /// from further back out of the file, in pages, and says how many the file's own window lost.
    #[test]
    fn the_file_serves_resumes_older_than_memory_without_loading_them() {
        let path = std::env::temp_dir().join(format!("sse-broker-window-{}.redb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let config = BrokerConfig { replay_log_size: 16, durable_window: 1000, ..BrokerConfig::default() };
        let broker = Broker::with_durable_log(config.clone(), DurableLog::open(&path).unwrap()).unwrap();
        broker.create_stream("d").unwrap();
        for n in 1..=1200u64 {
            broker.publish("d", Publish::data(n.to_string())).unwrap();
        }
        drop(broker);
        let broker = Broker::with_durable_log(config, DurableLog::open(&path).unwrap()).unwrap();
        let stream = broker.stream("d").unwrap();
        assert_eq!(lock(&stream.state).log.len(), 16, "only the in-memory window is loaded");
        let mut receiver = broker.subscribe("d", Start::After(500)).unwrap();
        assert_eq!(receiver.lost, 0);
        let mut ids = Vec::new();
        while let FilePage::Events(events) = receiver.next_file_page() {
            assert!(events.len() <= FILE_PAGE);
            ids.extend(events.iter().map(|e| e.id));
        }
        ids.extend(receiver.backlog.iter().map(|e| e.id));
        assert_eq!(ids, (501..=1200).collect::<Vec<_>>());
        // The file keeps about its window (pruned two at a time): from before it, some are lost.
        let receiver = broker.subscribe("d", Start::After(0)).unwrap();
        assert!((100..=200).contains(&receiver.lost), "lost {}", receiver.lost);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn auto_stream_creates_streams_on_subscribe() {
        let broker = Broker::new(BrokerConfig { auto_stream: true, ..BrokerConfig::default() });
        assert!(broker.subscribe("fresh", Start::Now).is_ok());
        assert_eq!(broker.streams()[0].name, "fresh");
        assert!(matches!(broker.subscribe("bad name", Start::Now), Err(BrokerError::InvalidStreamName)));
    }
}
