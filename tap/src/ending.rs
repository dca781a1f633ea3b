//! How an exchange ended: the question "who cut the stream" answered, in the record's words.

use std::fmt;
use std::time::Duration;

use sse_report_card::AttemptEnd;

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
    /// A breakpoint's hold filled (`reason`: "breakpoint hold full (1,000 events)"): the tap cut
    /// both sides, after `after_bytes` bytes to the client.
    HoldFull { reason: String, after_bytes: u64 },
}

impl Ending {
    /// How the report card words it: a stream the upstream ended is ended by the server, one
    /// that broke is a network error, the tap's own answers are answers (`stream`: the client
    /// was answered with an event stream).
    pub fn attempt_end(&self, stream: bool) -> AttemptEnd {
        if !stream {
            return AttemptEnd::Answered;
        }
        match self {
            Self::Completed => AttemptEnd::Ended,
            Self::UpstreamClosedEarly { .. } | Self::UpstreamError { .. } => AttemptEnd::Broken,
            Self::ClientHungUp { .. } | Self::TunnelClosed { .. } => AttemptEnd::ClientLeft,
            Self::CutByFault { .. } | Self::HoldFull { .. } => AttemptEnd::Cut,
            Self::TimedOut { .. } | Self::Refused { .. } | Self::AnsweredByFault => AttemptEnd::Answered,
        }
    }

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
            Self::HoldFull { reason, after_bytes } => {
                write!(f, "{reason}: cut by the tap after {after_bytes} bytes")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream's endings are the report card's words; anything but a stream was answered.
    #[test]
    fn endings_are_the_cards_words() {
        assert_eq!(Ending::Completed.attempt_end(true), AttemptEnd::Ended);
        assert_eq!(Ending::UpstreamClosedEarly { after_bytes: 3 }.attempt_end(true), AttemptEnd::Broken);
        assert_eq!(Ending::ClientHungUp { after_bytes: 3 }.attempt_end(true), AttemptEnd::ClientLeft);
        assert_eq!(Ending::CutByFault { after_bytes: 3 }.attempt_end(true), AttemptEnd::Cut);
        assert_eq!(Ending::Completed.attempt_end(false), AttemptEnd::Answered);
    }
}
