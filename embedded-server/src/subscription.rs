use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, Interval};
use tokio_util::sync::CancellationToken;

use crate::broker::Receiver;
use crate::event::{comment, lost_notice};

/// One subscriber's response body: its events, keep-alive comments while idle, and a clean end
/// on shutdown or when it falls too far behind.
pub(crate) struct Subscription {
    receiver: Receiver,
    keep_alive: Interval,
    shutdown: CancellationToken,
    finished: bool,
}

impl Subscription {
    pub(crate) fn new(receiver: Receiver, keep_alive: Duration, shutdown: CancellationToken) -> Self {
        let keep_alive = tokio::time::interval_at(Instant::now() + keep_alive, keep_alive);
        Self { receiver, keep_alive, shutdown, finished: false }
    }

    async fn next_chunk(&mut self) -> Option<Bytes> {
        if self.finished {
            return None;
        }
        // What the subscriber missed comes first: the lost-events notice, then the backlog.
        if self.receiver.lost > 0 {
            let lost = std::mem::take(&mut self.receiver.lost);
            return Some(lost_notice(lost));
        }
        if let Some(event) = self.receiver.backlog.pop_front() {
            return Some(event.encoded().clone());
        }
        tokio::select! {
            biased;
            _ = self.shutdown.cancelled() => None,
            received = self.receiver.events.recv() => match received {
                Ok(event) => {
                    self.keep_alive.reset();
                    Some(event.encoded().clone())
                }
                Err(RecvError::Lagged(missed)) => {
                    // Its queue overflowed: say why, then end the response; the client can
                    // reconnect. Memory stays bounded whatever the client does.
                    self.finished = true;
                    tracing::warn!(missed, "disconnecting a subscriber that fell behind");
                    Some(comment(&format!("disconnected: fell {missed} events behind")))
                }
                Err(RecvError::Closed) => None,
            },
            _ = self.keep_alive.tick() => Some(comment("keep-alive")),
        }
    }

    /// The body stream: a greeting comment first, so clients see the stream open at once.
    pub(crate) fn into_body_stream(self) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
        let greeting = futures_util::stream::once(async { Ok(comment("ok")) });
        let events = futures_util::stream::unfold(self, |mut subscription| async move {
            let chunk = subscription.next_chunk().await?;
            Some((Ok(chunk), subscription))
        });
        futures_util::StreamExt::chain(greeting, events)
    }
}
