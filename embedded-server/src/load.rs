use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use crate::broker::{Broker, Publish};

/// Publishes `rate` events per second on `stream` until `shutdown`, each event's data being
/// its publish time in nanoseconds since the Unix epoch (CLOCK_REALTIME), so any SSE client
/// can measure delivery latency. High rates are published in small batches every millisecond,
/// keeping the average rate exact.
pub(crate) async fn run(broker: Broker, stream: String, rate: u64, shutdown: CancellationToken) {
    if rate == 0 {
        return;
    }
    let period = Duration::from_secs(1).div_f64(rate as f64).max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let started = Instant::now();
    let mut published: u64 = 0;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        let due = (started.elapsed().as_secs_f64() * rate as f64) as u64 + 1;
        while published < due {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
            if let Err(error) = broker.publish_async(&stream, Publish::data(now.to_string()), None).await {
                tracing::error!(%error, stream, "load publisher stopped");
                return;
            }
            published += 1;
        }
    }
    tracing::debug!(stream, published, "load publisher stopped");
}
