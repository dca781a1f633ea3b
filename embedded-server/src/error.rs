use std::io;

/// What can go wrong when publishing to or subscribing to a stream.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BrokerError {
    #[error("stream `{0}` does not exist")]
    UnknownStream(String),
    #[error("stream name must be 1 to 128 characters of letters, digits, `-`, `_` or `.`")]
    InvalidStreamName,
    #[error("event type must not contain a line break")]
    InvalidEventType,
    #[error("event data is {size} bytes; the limit is {limit}")]
    EventTooLarge { size: usize, limit: usize },
    #[error("too many subscribers (limit {limit})")]
    TooManySubscribers { limit: usize },
    #[error("cannot store the event: {0}")]
    Storage(#[source] StoreError),
    #[error("the publish was interrupted: {0}")]
    Interrupted(String),
}

/// What can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot read the listener's address: {0}")]
    LocalAddr(#[source] io::Error),
}

/// What can go wrong replaying a capture.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {source}")]
    Capture {
        path: String,
        #[source]
        source: sse_capture::CaptureError,
    },
    #[error("cannot create the replay's stream: {0}")]
    Stream(#[from] BrokerError),
}

type Cause = Box<dyn std::error::Error + Send + Sync>;

/// The durable event log failed: which file, and the storage engine's error.
#[derive(Debug, thiserror::Error)]
#[error("event log {path}: {source}")]
pub struct StoreError {
    pub path: String,
    #[source]
    pub source: Cause,
}

impl StoreError {
    pub(crate) fn new(path: &std::path::Path, source: impl Into<Cause>) -> Self {
        Self { path: path.display().to_string(), source: source.into() }
    }
}

/// Equal when they name the same file and the same failure (the causes' types differ).
impl PartialEq for StoreError {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.source.to_string() == other.source.to_string()
    }
}

impl Eq for StoreError {}
