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
    Storage(String),
}

/// What can stop the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot read the listener's address: {0}")]
    LocalAddr(#[source] io::Error),
}

/// What can go wrong reading a capture to replay.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReplayError {
    #[error("cannot read the capture: {0}")]
    Read(String),
    #[error("line {number}: {reason}")]
    Line { number: usize, reason: String },
}

/// The durable event log failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("event log {path}: {reason}")]
pub struct StoreError {
    pub path: String,
    pub reason: String,
}

impl StoreError {
    pub(crate) fn new(path: &std::path::Path, reason: impl std::fmt::Display) -> Self {
        Self { path: path.display().to_string(), reason: reason.to_string() }
    }
}
