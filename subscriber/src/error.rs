use std::error::Error as StdError;

/// Every way a subscription can fail, each with a message a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("invalid header `{line}`: {reason}")]
    InvalidHeader { line: String, reason: String },
    #[error("cannot create the HTTP client: {0}")]
    Client(String),
    #[error("TLS setup: {0}")]
    Tls(String),
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("HTTP {status}{}", reason_suffix(.reason))]
    Status { status: u16, reason: String, response: Box<FailedResponse> },
    #[error("expected Content-Type text/event-stream, got {}", .found.as_deref().unwrap_or("none"))]
    ContentType { found: Option<String>, response: Box<FailedResponse> },
    #[error("connection lost: {0}")]
    Read(String),
    #[error("no data for {secs} s (idle timeout)")]
    Idle { secs: f64 },
    #[error("cannot read the stream: {0}")]
    Encoding(#[source] crate::UnknownEncoding),
    #[error("the {encoding}-compressed stream cannot be decoded after {decoded} decoded bytes: {source}")]
    Decode {
        encoding: &'static str,
        decoded: u64,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// A response that was not an event stream, as far as it was read: what a user needs to see
/// why (a 401's `WWW-Authenticate`, a proxy's HTML error page).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FailedResponse {
    pub status: u16,
    /// `[name, value]` in the order received.
    pub headers: Vec<(String, String)>,
    /// The body's first lines as text (invalid UTF-8 replaced), bounded; shown as text, never
    /// rendered.
    pub body_start: String,
}

/// What the sans-I/O parser refuses: a line or an event over the size limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{what} larger than the {} limit", describe_limit(*.limit))]
    TooLarge { what: &'static str, limit: usize },
}

fn describe_limit(limit: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if limit >= MIB && limit % MIB == 0 {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit}-byte")
    }
}

impl SubscribeError {
    /// The response that was refused, for the errors that had one.
    pub fn response(&self) -> Option<&FailedResponse> {
        match self {
            Self::Status { response, .. } | Self::ContentType { response, .. } => Some(response),
            _ => None,
        }
    }

    /// Whether EventSource would reconnect after this error: network failures yes; HTTP
    /// answers only when `retry_server_errors` is set and the status is 5xx or 429.
    pub fn is_retryable(&self, retry_server_errors: bool) -> bool {
        match self {
            Self::Connect { .. } | Self::Read(_) | Self::Idle { .. } => true,
            Self::Status { status, .. } => retry_server_errors && (*status >= 500 || *status == 429),
            _ => false,
        }
    }
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// The innermost cause of an error: reqwest's own message ("error sending request") says
/// less than the OS error under it ("Connection refused").
pub(crate) fn root_cause(error: &(dyn StdError + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
