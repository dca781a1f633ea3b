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
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("HTTP {status}{}", reason_suffix(.reason))]
    Status { status: u16, reason: String },
    #[error("expected Content-Type text/event-stream, got {}", .found.as_deref().unwrap_or("none"))]
    ContentType { found: Option<String> },
    #[error("connection lost: {0}")]
    Read(String),
    #[error("malformed event stream: {0}")]
    Parse(String),
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
