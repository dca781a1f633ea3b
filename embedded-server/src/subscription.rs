use std::convert::Infallible;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

use crate::broker::{FilePage, Receiver};
use crate::clients::{AttemptEnd, AttemptRecord, Delivered};
use crate::event::{comment, lost_notice, Event};

/// Most bytes sent as one chunk when a subscriber has events queued.
const MAX_BATCH_BYTES: usize = 64 * 1024;
/// A busy subscription checks for shutdown outright once per this many chunks.
const SHUTDOWN_CHECK_EVERY: u32 = 32;

/// The first bytes of every stream, so clients see it open at once.
pub(crate) fn greeting() -> Bytes {
    comment("ok")
}

/// One subscriber's response body: its events, keep-alive comments while idle, and a clean end
/// on shutdown or when it falls too far behind.
pub(crate) struct Subscription {
    receiver: Receiver,
    keep_alive_period: Duration,
    /// Fires at the earliest time a keep-alive may be due; moved on only when it fires, so
    /// sending an event costs no timer update.
    keep_alive: Pin<Box<Sleep>>,
    last_sent: Instant,
    shutdown: CancellationToken,
    /// Registered once, polled last: waiting on shutdown costs nothing per event.
    shutdown_signal: Pin<Box<WaitForCancellationFutureOwned>>,
    /// Chunks sent since shutdown was last checked, see `SHUTDOWN_CHECK_EVERY`.
    unchecked_chunks: u32,
    /// Events missed, found while batching; the subscription ends with the reason next.
    lagged: Option<u64>,
    /// Events handed out, the last one's id and the last `retry`, for the client record.
    handed: Handed,
    /// Why the subscription ended, once it has: after that it gives nothing more.
    end: Option<AttemptEnd>,
}

/// What a subscription handed out; numbers, with [`NONE`] for none (every connection keeps
/// one, so it is kept small and counting costs no allocation).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Handed {
    events: u64,
    first_id: u64,
    last_id: u64,
    retry_ms: u64,
}

const NONE: u64 = u64::MAX;

impl Default for Handed {
    fn default() -> Self {
        Self { events: 0, first_id: NONE, last_id: NONE, retry_ms: NONE }
    }
}

impl Handed {
    fn note(&mut self, event: &Event) {
        self.events += 1;
        if self.first_id == NONE {
            self.first_id = event.id;
        }
        self.last_id = event.id;
        if let Some(retry) = event.retry_ms {
            self.retry_ms = retry;
        }
    }

    pub(crate) fn delivered(self) -> Delivered {
        Delivered {
            events: self.events,
            first_id: (self.first_id != NONE).then(|| self.first_id.to_string()),
            last_id: (self.last_id != NONE).then(|| self.last_id.to_string()),
            retry_ms: (self.retry_ms != NONE).then_some(self.retry_ms),
        }
    }
}

impl Subscription {
    pub(crate) fn new(receiver: Receiver, keep_alive: Duration, shutdown: CancellationToken) -> Self {
        let now = Instant::now();
        Self {
            receiver,
            keep_alive_period: keep_alive,
            keep_alive: Box::pin(tokio::time::sleep_until(now + keep_alive)),
            last_sent: now,
            shutdown_signal: Box::pin(shutdown.clone().cancelled_owned()),
            shutdown,
            unchecked_chunks: 0,
            lagged: None,
            handed: Handed::default(),
            end: None,
        }
    }

    /// What it handed out so far.
    pub(crate) fn handed(&self) -> Handed {
        self.handed
    }

    /// How long since it last gave something to send (an event or a comment).
    pub(crate) fn silence(&self) -> Duration {
        self.last_sent.elapsed()
    }

    /// Why it ended (none while it has not).
    pub(crate) fn end(&self) -> Option<AttemptEnd> {
        self.end
    }

    /// The next bytes to send; `None` once the stream has ended. Cancel-safe.
    pub(crate) async fn next_chunk(&mut self) -> Option<Bytes> {
        if self.end.is_some() {
            return None;
        }
        // Events are polled first, so a subscription that always has events ready would not
        // see shutdown in the select below: check it outright every so often.
        self.unchecked_chunks += 1;
        if self.unchecked_chunks >= SHUTDOWN_CHECK_EVERY {
            self.unchecked_chunks = 0;
            if self.shutdown.is_cancelled() {
                self.end = Some(AttemptEnd::ServerStopped);
                return None;
            }
            if self.receiver.kicks.has_changed().unwrap_or(false) {
                return Some(self.end_kicked());
            }
        }
        if let Some(missed) = self.lagged.take() {
            return Some(self.disconnect_lagging(missed));
        }
        // What the subscriber missed comes first: the lost-events notice, then the backlog.
        if self.receiver.lost > 0 {
            let lost = std::mem::take(&mut self.receiver.lost);
            return Some(lost_notice(lost));
        }
        // Then, for a subscriber from further back than memory, the durable log's pages.
        match self.receiver.next_file_page() {
            FilePage::Events(events) => {
                let mut chunk = BytesMut::with_capacity(events.iter().map(|e| e.encoded().len()).sum());
                for event in &events {
                    chunk.extend_from_slice(event.encoded());
                    self.handed.note(event);
                }
                self.last_sent = Instant::now();
                return Some(chunk.freeze());
            }
            FilePage::Lost(lost) => return Some(lost_notice(lost)),
            FilePage::Done => {}
        }
        if let Some(event) = self.receiver.backlog.pop_front() {
            self.last_sent = Instant::now();
            self.handed.note(&event);
            return Some(event.encoded().clone());
        }
        loop {
            tokio::select! {
                biased;
                received = self.receiver.events.recv() => {
                    return match received {
                        Ok(event) => {
                            self.last_sent = Instant::now();
                            self.handed.note(&event);
                            Some(self.with_queued(event.encoded().clone()))
                        }
                        Err(RecvError::Lagged(missed)) => Some(self.disconnect_lagging(missed)),
                        Err(RecvError::Closed) => {
                            self.end = Some(AttemptEnd::ServerStopped);
                            None
                        }
                    };
                }
                () = self.keep_alive.as_mut() => {
                    let due = self.last_sent + self.keep_alive_period;
                    let now = Instant::now();
                    if due > now {
                        // Something was sent since: wait out the rest of the period.
                        self.keep_alive.as_mut().reset(due);
                        continue;
                    }
                    self.last_sent = now;
                    self.keep_alive.as_mut().reset(now + self.keep_alive_period);
                    return Some(comment("keep-alive"));
                }
                // Kicked: say so, then end the response (the sender lives as long as the stream).
                Ok(()) = self.receiver.kicks.changed() => return Some(self.end_kicked()),
                () = self.shutdown_signal.as_mut() => {
                    self.end = Some(AttemptEnd::ServerStopped);
                    return None;
                }
            }
        }
    }

    /// Kicked: say so, then end the response.
    fn end_kicked(&mut self) -> Bytes {
        self.end = Some(AttemptEnd::Kicked);
        comment("kicked: the server ended this response")
    }

    /// Its queue overflowed: say why, then end the response; the client can resume with
    /// `Last-Event-ID`. Memory stays bounded whatever the client does.
    fn disconnect_lagging(&mut self, missed: u64) -> Bytes {
        self.end = Some(AttemptEnd::FellBehind);
        tracing::warn!(missed, "disconnecting a subscriber that fell behind");
        comment(&format!("disconnected: fell {missed} events behind"))
    }

    /// `first` plus the events already queued behind it, as one chunk: a subscriber that is
    /// behind catches up with one write instead of one per event. A lag found here (reported
    /// only once by the channel) is kept for the next call to act on.
    fn with_queued(&mut self, first: Bytes) -> Bytes {
        let mut batch: Option<BytesMut> = None;
        while batch.as_ref().map_or(first.len(), BytesMut::len) < MAX_BATCH_BYTES {
            let event = match self.receiver.events.try_recv() {
                Ok(event) => event,
                Err(TryRecvError::Lagged(missed)) => {
                    self.lagged = Some(missed);
                    break;
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            };
            let batch = batch.get_or_insert_with(|| {
                let mut buf = BytesMut::with_capacity(MAX_BATCH_BYTES.min(first.len() * 16));
                buf.extend_from_slice(&first);
                buf
            });
            batch.extend_from_slice(event.encoded());
            self.handed.note(&event);
        }
        batch.map_or(first, BytesMut::freeze)
    }

    /// The body stream: a greeting comment first, so clients see the stream open at once.
    /// The attempt's end is recorded when the body is dropped (ended, or the client gone).
    pub(crate) fn into_body_stream(
        self,
        record: AttemptRecord,
    ) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
        let greeting = futures_util::stream::once(async { Ok(greeting()) });
        let recorded = Recorded { subscription: self, record: Some(record) };
        let events = futures_util::stream::unfold(recorded, |mut recorded| async move {
            let chunk = recorded.subscription.next_chunk().await?;
            Some((Ok(chunk), recorded))
        });
        futures_util::StreamExt::chain(greeting, events)
    }
}

/// A body's subscription with its attempt, recorded as it ends.
struct Recorded {
    subscription: Subscription,
    record: Option<AttemptRecord>,
}

impl Drop for Recorded {
    fn drop(&mut self) {
        if let Some(record) = self.record.take() {
            let end = self.subscription.end().unwrap_or(AttemptEnd::ClientLeft);
            record.finish(self.subscription.handed().delivered(), end, Some(self.subscription.silence()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::{Broker, Start};
    use crate::config::BrokerConfig;

    fn subscription(queue: usize) -> (Broker, Subscription) {
        let broker = Broker::new(BrokerConfig { subscriber_queue: queue, ..BrokerConfig::default() });
        broker.create_stream("s").unwrap();
        let receiver = broker.subscribe("s", Start::Now).unwrap();
        (broker, Subscription::new(receiver, Duration::from_secs(60), CancellationToken::new()))
    }

    #[tokio::test]
    async fn queued_events_go_out_as_one_chunk_in_order() {
        let (broker, mut subscription) = subscription(16);
        for n in 1..=3 {
            broker.publish("s", crate::broker::Publish::data(n.to_string())).unwrap();
        }
        let chunk = subscription.next_chunk().await.unwrap();
        assert_eq!(&chunk[..], b"id: 1\ndata: 1\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3\n\n");
    }

    /// Even a subscription that always has an event ready ends soon after shutdown.
    #[tokio::test]
    async fn shutdown_ends_a_flooded_subscription() {
        let (broker, mut subscription) = subscription(16);
        subscription.shutdown.cancel();
        for n in 0..=SHUTDOWN_CHECK_EVERY {
            broker.publish("s", crate::broker::Publish::data(n.to_string())).unwrap();
            if subscription.next_chunk().await.is_none() {
                return;
            }
        }
        panic!("still streaming after shutdown");
    }

    /// A keep-alive goes out one period after the last bytes sent, not on a fixed beat.
    #[tokio::test(start_paused = true)]
    async fn keep_alives_follow_the_last_event_by_one_period() {
        let (broker, mut subscription) = subscription(16);
        let started = Instant::now();
        tokio::time::sleep(Duration::from_secs(40)).await;
        broker.publish("s", crate::broker::Publish::data("x")).unwrap();
        assert_eq!(&subscription.next_chunk().await.unwrap()[..], b"id: 1\ndata: x\n\n");
        assert_eq!(&subscription.next_chunk().await.unwrap()[..], b": keep-alive\n\n");
        assert_eq!(started.elapsed(), Duration::from_secs(100), "40 s, then one 60 s period");
        assert_eq!(&subscription.next_chunk().await.unwrap()[..], b": keep-alive\n\n");
        assert_eq!(started.elapsed(), Duration::from_secs(160));
    }

    #[tokio::test]
    async fn an_overflowed_queue_ends_the_stream_with_the_reason() {
        let (broker, mut subscription) = subscription(4);
        for n in 1..=10 {
            broker.publish("s", crate::broker::Publish::data(n.to_string())).unwrap();
        }
        let chunk = subscription.next_chunk().await.unwrap();
        assert_eq!(&chunk[..], b": disconnected: fell 6 events behind\n\n");
        assert_eq!(subscription.next_chunk().await, None);
    }
}
