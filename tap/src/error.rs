/// What stops a tap from starting, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum TapError {
    #[error("invalid upstream URL `{url}`: {reason}")]
    Upstream { url: String, reason: String },
    #[error("invalid header `{line}`: {reason}")]
    Header { line: String, reason: String },
    #[error("TLS towards the upstream: {0}")]
    Tls(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
}

/// An error a body sent to the client ends with (hyper then closes the connection without
/// ending the body).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
