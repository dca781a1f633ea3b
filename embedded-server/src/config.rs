use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};

/// The stream the demo counter publishes on.
pub const COUNTER_STREAM: &str = "messages";

/// How the server behaves. `Default` gives the classic demo: a counter every 100 ms.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Time between two counter events on [`COUNTER_STREAM`]; `None` disables the counter.
    pub counter_interval: Option<Duration>,
    /// Time between keep-alive comments on an idle subscription.
    pub keep_alive: Duration,
    /// A connection that has not sent a complete first request within this time is closed.
    pub request_timeout: Duration,
    /// A connection whose client takes no bytes for this long is closed.
    pub write_stall_timeout: Duration,
    /// Subscribers must send this header with this value, or get a 401.
    pub required_header: Option<(HeaderName, HeaderValue)>,
    /// Publishing and creating streams need `Authorization: Bearer TOKEN`. Without a token,
    /// a server bound to a non-loopback address refuses them.
    pub publish_token: Option<String>,
    pub broker: BrokerConfig,
    /// A load publisher for benchmarks.
    pub load: Option<LoadConfig>,
}

/// Publish `rate` events/s on `stream`, each event's data its publish time in nanoseconds
/// since the Unix epoch.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub stream: String,
    pub rate: u64,
}

/// How streams keep and hand out events.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Events a subscriber may fall behind before it is disconnected.
    pub subscriber_queue: usize,
    /// Events kept per stream for `Last-Event-ID` resume (0 keeps none).
    pub replay_log_size: usize,
    /// Events older than this leave the replay log; `None` keeps them until the size limit.
    pub replay_log_age: Option<Duration>,
    /// Subscribing to an unknown stream creates it (off, as in r3labs/sse).
    pub auto_stream: bool,
    /// New subscribers without `Last-Event-ID` first get the whole replay log (off).
    pub auto_replay: bool,
    /// The largest event data accepted, in bytes.
    pub max_event_size: usize,
    /// Open subscriptions allowed across all streams.
    pub max_subscribers: usize,
    /// With a durable log: events per stream the file keeps (at least `replay_log_size`), so
    /// a subscriber resuming from further back than the in-memory log is served from the
    /// file. Neither memory nor start-up grows with it: only `replay_log_size` is loaded.
    pub durable_window: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            counter_interval: Some(Duration::from_millis(100)),
            keep_alive: Duration::from_secs(15),
            request_timeout: Duration::from_secs(10),
            write_stall_timeout: Duration::from_secs(30),
            required_header: None,
            publish_token: None,
            broker: BrokerConfig::default(),
            load: None,
        }
    }
}

impl Default for BrokerConfig {
    fn default() -> Self {
        Self {
            subscriber_queue: 1024,
            replay_log_size: 1024,
            replay_log_age: None,
            auto_stream: false,
            auto_replay: false,
            max_event_size: 1024 * 1024,
            max_subscribers: 10_000,
            durable_window: 1_000_000,
        }
    }
}
