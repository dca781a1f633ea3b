use std::time::Duration;

use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::broker::{Broker, Publish};

/// Publishes 0, 1, 2, ... on `stream` every `interval` until `shutdown` is cancelled, like the
/// r3labs/sse demo server.
pub(crate) async fn run(
    broker: Broker,
    stream: &'static str,
    interval: Duration,
    shutdown: CancellationToken,
) {
    // The first value comes one interval after start, so early subscribers see 0.
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    // After a stall, carry on at the normal pace instead of bursting to catch up.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut value: u64 = 0;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        if let Err(error) = broker.publish_async(stream, Publish::data(value.to_string()), None).await {
            tracing::error!(%error, stream, "counter cannot publish; stopping it");
            break;
        }
        value += 1;
    }
    tracing::debug!(stream, last = value, "counter stopped");
}
