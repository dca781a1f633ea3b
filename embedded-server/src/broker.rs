use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::broadcast;

use crate::error::BrokerError;
use crate::event::Event;

/// The named streams. Cloning is cheap: clones share the same streams.
#[derive(Clone)]
pub struct Broker {
    streams: Arc<RwLock<BTreeMap<String, Arc<Stream>>>>,
    subscriber_queue: usize,
}

struct Stream {
    sender: broadcast::Sender<Arc<Event>>,
    /// Serialises id allocation with sending, so subscribers see ids in increasing order.
    last_id: Mutex<u64>,
    subscribers: Arc<AtomicUsize>,
}

/// A snapshot of one stream, for listings and the app's status line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamInfo {
    pub name: String,
    pub subscribers: usize,
    pub last_event_id: u64,
}

/// A live subscription: events published from now on, in order.
pub(crate) struct Receiver {
    pub(crate) events: broadcast::Receiver<Arc<Event>>,
    /// Decrements the stream's subscriber count when the subscription ends.
    pub(crate) _guard: SubscriberGuard,
}

pub(crate) struct SubscriberGuard(Arc<AtomicUsize>);

impl Drop for SubscriberGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn valid_stream_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Broker {
    /// An empty broker; each subscriber may fall `subscriber_queue` events behind.
    pub fn new(subscriber_queue: usize) -> Self {
        Self { streams: Arc::default(), subscriber_queue: subscriber_queue.max(1) }
    }

    /// Creates `name` if it does not exist yet. Returns whether it was created.
    pub fn create_stream(&self, name: &str) -> Result<bool, BrokerError> {
        if !valid_stream_name(name) {
            return Err(BrokerError::InvalidStreamName);
        }
        let mut streams = self.streams.write().unwrap_or_else(PoisonError::into_inner);
        if streams.contains_key(name) {
            return Ok(false);
        }
        let (sender, _) = broadcast::channel(self.subscriber_queue);
        let stream = Stream { sender, last_id: Mutex::new(0), subscribers: Arc::default() };
        streams.insert(name.to_owned(), Arc::new(stream));
        Ok(true)
    }

    fn stream(&self, name: &str) -> Result<Arc<Stream>, BrokerError> {
        let streams = self.streams.read().unwrap_or_else(PoisonError::into_inner);
        streams.get(name).cloned().ok_or_else(|| BrokerError::UnknownStream(name.to_owned()))
    }

    /// Publishes an event on `stream` and returns its id. Never waits for subscribers: one
    /// that is too far behind loses its place and is disconnected (see `subscription.rs`).
    pub fn publish(
        &self,
        stream: &str,
        event: Option<&str>,
        data: &str,
        retry_ms: Option<u64>,
    ) -> Result<u64, BrokerError> {
        if event.is_some_and(|e| e.contains(['\r', '\n'])) {
            return Err(BrokerError::InvalidEventType);
        }
        let stream = self.stream(stream)?;
        let mut last_id = stream.last_id.lock().unwrap_or_else(PoisonError::into_inner);
        *last_id += 1;
        let id = *last_id;
        let event = Event::new(id, event.map(str::to_owned), data.to_owned(), retry_ms);
        // An error only means nobody is subscribed right now.
        let _ = stream.sender.send(Arc::new(event));
        Ok(id)
    }

    /// Subscribes to events published on `stream` from now on.
    pub(crate) fn subscribe(&self, stream: &str) -> Result<Receiver, BrokerError> {
        let stream = self.stream(stream)?;
        stream.subscribers.fetch_add(1, Ordering::Relaxed);
        let guard = SubscriberGuard(stream.subscribers.clone());
        Ok(Receiver { events: stream.sender.subscribe(), _guard: guard })
    }

    /// All streams, sorted by name.
    pub fn streams(&self) -> Vec<StreamInfo> {
        let streams = self.streams.read().unwrap_or_else(PoisonError::into_inner);
        streams
            .iter()
            .map(|(name, stream)| StreamInfo {
                name: name.clone(),
                subscribers: stream.subscribers.load(Ordering::Relaxed),
                last_event_id: *stream.last_id.lock().unwrap_or_else(PoisonError::into_inner),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_monotonic_per_stream() {
        let broker = Broker::new(8);
        broker.create_stream("a").unwrap();
        broker.create_stream("b").unwrap();
        assert_eq!(broker.publish("a", None, "x", None), Ok(1));
        assert_eq!(broker.publish("a", None, "y", None), Ok(2));
        assert_eq!(broker.publish("b", None, "z", None), Ok(1));
    }

    #[test]
    fn publishing_to_an_unknown_stream_is_an_error() {
        let broker = Broker::new(8);
        assert_eq!(broker.publish("nope", None, "x", None), Err(BrokerError::UnknownStream("nope".into())));
    }

    #[test]
    fn event_types_with_line_breaks_are_refused() {
        let broker = Broker::new(8);
        broker.create_stream("a").unwrap();
        assert_eq!(broker.publish("a", Some("x\ny"), "d", None), Err(BrokerError::InvalidEventType));
    }

    #[test]
    fn stream_names_are_checked_and_created_once() {
        let broker = Broker::new(8);
        assert_eq!(broker.create_stream(""), Err(BrokerError::InvalidStreamName));
        assert_eq!(broker.create_stream("a b"), Err(BrokerError::InvalidStreamName));
        assert_eq!(broker.create_stream("ok-1.x_y"), Ok(true));
        assert_eq!(broker.create_stream("ok-1.x_y"), Ok(false));
    }

    #[test]
    fn subscriber_count_follows_subscriptions() {
        let broker = Broker::new(8);
        broker.create_stream("a").unwrap();
        let first = broker.subscribe("a").unwrap();
        let second = broker.subscribe("a").unwrap();
        assert_eq!(broker.streams()[0].subscribers, 2);
        drop(first);
        assert_eq!(broker.streams()[0].subscribers, 1);
        drop(second);
        assert_eq!(broker.streams()[0].subscribers, 0);
    }

    #[tokio::test]
    async fn subscribers_get_events_published_after_they_joined() {
        let broker = Broker::new(8);
        broker.create_stream("a").unwrap();
        broker.publish("a", None, "before", None).unwrap();
        let mut receiver = broker.subscribe("a").unwrap();
        broker.publish("a", None, "after", None).unwrap();
        let event = receiver.events.recv().await.unwrap();
        assert_eq!((event.id, event.data.as_str()), (2, "after"));
    }
}
