//! How an exchange ended: the question "who cut the stream" answered, in the record's words.

use std::fmt;
use std::time::Duration;

/// How an exchange ended: the question "who cut the stream" answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// The response body ended as its framing says (length reached, last chunk, or the close
    /// that delimits it).
    Completed,
    /// The client went away after `after_bytes` bytes of the response body.
    ClientHungUp { after_bytes: u64 },
    /// The upstream closed before the body's framing said it was done.
    UpstreamClosedEarly { after_bytes: u64 },
    /// The upstream could not be reached or failed mid-way: which, in its words.
    UpstreamError { reason: String },
    /// No response head within the head timeout (the client got a 504).
    TimedOut { after: Duration },
    /// The tap refused the request (not an open proxy, a rebinding Host): why.
    Refused { reason: String },
    /// An upgraded connection (a WebSocket) closed: the bytes each way.
    TunnelClosed { to_upstream: u64, to_client: u64 },
    /// A fault rule cut the client's connection (and the upstream request) after `after_bytes`
    /// bytes to the client.
    CutByFault { after_bytes: u64 },
    /// A fault rule answered the request itself, without going upstream.
    AnsweredByFault,
}

impl Ending {
    /// Someone cut it (the client, the upstream, a timeout) or the tap refused it: it did not end
    /// as its framing says, nor as a tunnel closing.
    pub fn is_cut(&self) -> bool {
        !matches!(self, Self::Completed | Self::TunnelClosed { .. } | Self::AnsweredByFault)
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Completed => f.write_str("completed"),
            Self::ClientHungUp { after_bytes } => write!(f, "client hung up after {after_bytes} bytes"),
            Self::UpstreamClosedEarly { after_bytes } => {
                write!(f, "upstream closed early, after {after_bytes} bytes")
            }
            Self::UpstreamError { reason } => write!(f, "upstream error: {reason}"),
            Self::TimedOut { after } => write!(f, "no response head within {} s", after.as_secs_f64()),
            Self::Refused { reason } => write!(f, "refused: {reason}"),
            Self::TunnelClosed { to_upstream, to_client } => {
                write!(f, "tunnel closed, {to_upstream} bytes up and {to_client} down")
            }
            Self::CutByFault { after_bytes } => write!(f, "cut by the tap after {after_bytes} bytes"),
            Self::AnsweredByFault => f.write_str("answered by the tap"),
        }
    }
}
