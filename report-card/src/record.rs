//! The record a report card is graded from: each client's connection attempts, as the server
//! (the embedded server, or a tap) saw them. Filled through the book, read by the rules.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

/// How a client was told apart from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ClientNamedBy {
    /// Its `client` query parameter.
    Parameter,
    /// Its `X-SSE-Client` header.
    Header,
    /// Its address and User-Agent.
    AddressAndAgent,
}

/// How a connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum AttemptEnd {
    /// Answered with a whole response instead of a stream (a refusal, a profile's answer).
    Answered,
    /// The client closed the connection.
    ClientLeft,
    /// A fault profile cut it.
    Cut,
    /// The server ended the response (a tap saw its upstream end it).
    Ended,
    /// The server's side broke mid-stream (a tap saw its upstream fail).
    Broken,
    /// `POST /streams/NAME/kick` ended it.
    Kicked,
    /// It fell too far behind and was ended.
    FellBehind,
    /// It stopped taking bytes for longer than the write-stall limit.
    WriteStalled,
    /// The server shut down.
    ServerStopped,
}

impl AttemptEnd {
    /// How the evidence says it ended: "cut", "kicked", ...
    pub fn word(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::ClientLeft => "left by the client",
            Self::Cut => "cut",
            Self::Ended => "ended by the server",
            Self::Broken => "broken (network error)",
            Self::Kicked => "kicked",
            Self::FellBehind => "ended (fell behind)",
            Self::WriteStalled => "ended (stopped reading)",
            Self::ServerStopped => "ended (server stopped)",
        }
    }
}

/// What an attempt was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    /// A redirect's target.
    pub location: Option<String>,
    /// The fault profile applied (its JSON), if one was.
    pub fault: Option<String>,
}

impl Answer {
    /// The event stream, maybe faulted.
    pub fn stream(fault: Option<String>) -> Self {
        Self { status: 200, content_type: Some("text/event-stream".into()), location: None, fault }
    }

    /// Whether the client was given an event stream: status 200 and a Content-Type whose
    /// essence is `text/event-stream` (`Text/Event-Stream; charset=utf-8` is one), as the spec
    /// compares it.
    pub fn is_stream(&self) -> bool {
        self.status == 200
            && self
                .content_type
                .as_deref()
                .is_some_and(|value| sse_wire::has_essence(value, "text/event-stream"))
    }
}

/// What a connection delivered: events written whole, the first and last `id` and the last
/// `retry` in them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Delivered {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    /// The id of the first event given that had one (to see what a resume skipped).
    pub first_id: Option<String>,
    pub last_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_ms: Option<u64>,
}

/// One connection attempt to `/events`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Milliseconds since the server started (for waits), and since the Unix epoch (to show).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub wall_ms: u64,
    pub method: String,
    /// The request's path and query.
    pub target: String,
    /// Request headers as sent, credentials masked, `Last-Event-ID` apart.
    #[serde(serialize_with = "shared_headers")]
    #[cfg_attr(feature = "ts", ts(type = "Array<[string, string]>"))]
    pub headers: Arc<Vec<(String, String)>>,
    /// The `Last-Event-ID` header sent, if any.
    pub last_event_id: Option<String>,
    /// The request's body, if it had one, kept as its length and fingerprint (a body may hold
    /// a prompt or a key): enough to see it was sent the same again.
    pub body: Option<String>,
    pub answer: Answer,
    pub delivered: Delivered,
    /// When it ended (ms since the server started) and how; none while it is open.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ended_ms: Option<u64>,
    /// How long nothing (no event, no comment) had been written to it when it ended: a client
    /// that leaves a quiet stream after a read timeout shows it here.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub silent_ms: Option<u64>,
    pub end: Option<AttemptEnd>,
    /// The recorder's own numbering of its attempts (not in the JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub serial: u64,
    /// The stream it asked for, as its server tells streams apart (not in the JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub stream: String,
}

fn shared_headers<S: serde::Serializer>(
    headers: &Arc<Vec<(String, String)>>,
    to: S,
) -> Result<S::Ok, S::Error> {
    headers.as_slice().serialize(to)
}

impl Attempt {
    /// When it ended (when it started, while it is open), in ms since the server started.
    pub fn ended_at_ms(&self) -> u64 {
        self.ended_ms.unwrap_or(self.at_ms)
    }

    /// Milliseconds from the end of `earlier` to this attempt.
    pub fn wait_after(&self, earlier: &Attempt) -> u64 {
        self.at_ms.saturating_sub(earlier.ended_at_ms())
    }

    /// It was a stream the server ended (cut, kicked, stopped, the client fell behind): a spec
    /// client reconnects after it.
    pub fn ended_by_the_server(&self) -> bool {
        self.answer.is_stream()
            && matches!(
                self.end,
                Some(
                    AttemptEnd::Cut
                        | AttemptEnd::Kicked
                        | AttemptEnd::ServerStopped
                        | AttemptEnd::FellBehind
                        | AttemptEnd::Ended
                        | AttemptEnd::Broken
                )
            )
    }

    /// It was a stream its client left (it may come back on its own: a read timeout).
    pub fn left_by_its_client(&self) -> bool {
        self.answer.is_stream() && self.end == Some(AttemptEnd::ClientLeft)
    }

    /// Answered with a redirect.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.answer.status)
    }

    /// Answered with something that fails the connection: not a stream, not a redirect.
    pub fn was_refused(&self) -> bool {
        self.end == Some(AttemptEnd::Answered) && !self.answer.is_stream() && !self.is_redirect()
    }
}

/// One client's attempts, oldest first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClientHistory {
    pub client: String,
    pub named_by: ClientNamedBy,
    #[cfg_attr(feature = "ts", ts(as = "Vec<Attempt>"))]
    pub attempts: VecDeque<Attempt>,
    /// Attempts dropped to keep within the recorder's bound.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dropped: u64,
    /// The recorder's own numbering of its clients (not in the JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub serial: u64,
}

#[cfg(test)]
impl Attempt {
    pub(crate) fn for_tests(at_ms: u64, answer: Answer) -> Self {
        Self {
            at_ms,
            wall_ms: at_ms,
            method: "GET".into(),
            target: "/events?stream=s".into(),
            headers: Arc::default(),
            last_event_id: None,
            body: None,
            answer,
            delivered: Delivered::default(),
            ended_ms: None,
            silent_ms: None,
            end: None,
            serial: 0,
            stream: "s".into(),
        }
    }
}

#[cfg(test)]
impl ClientHistory {
    pub(crate) fn for_tests(client: &str, named_by: ClientNamedBy, attempts: VecDeque<Attempt>) -> Self {
        Self { client: client.into(), named_by, attempts, dropped: 0, serial: 0 }
    }
}
