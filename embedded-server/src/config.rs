use std::time::Duration;

/// The stream the demo counter publishes on.
pub const COUNTER_STREAM: &str = "messages";

/// How the server behaves. `Default` gives the classic demo: a counter every 100 ms.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Time between two counter events on [`COUNTER_STREAM`]; `None` disables the counter.
    pub counter_interval: Option<Duration>,
    /// Time between keep-alive comments on an idle subscription.
    pub keep_alive: Duration,
    /// Events a subscriber may fall behind before it is disconnected.
    pub subscriber_queue: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            counter_interval: Some(Duration::from_millis(100)),
            keep_alive: Duration::from_secs(15),
            subscriber_queue: 1024,
        }
    }
}
