//! The legacy era's transport rules, each checked on the legacy exchanges and named with the one
//! that broke it. The quotes are from the specification's Transports page: revision 2025-06-18
//! for Streamable HTTP (<https://modelcontextprotocol.io/specification/2025-06-18/basic/transports>),
//! 2024-11-05 for HTTP+SSE. The modern era's are in `modern_rules.rs`.

use std::collections::HashMap;

use serde::Serialize;

use crate::exchange::HttpExchange;
use crate::message::{self, Message, Transport, Travelled, Via};

/// The most violations listed; a client that breaks a rule on every request says so enough.
const MAX_VIOLATIONS: usize = 200;

/// A rule of the transport that an exchange broke.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    /// A short name: `get-stream`, `session-id`, `protocol-version`, `response-on-get`,
    /// `resume`, `post-answer`, `endpoint-event`.
    pub rule: String,
    /// The specification's sentence.
    pub quote: String,
    /// What happened.
    pub detail: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    /// The revision whose page the quote is from (`2025-06-18`, `2024-11-05`, `2026-07-28`).
    pub revision: String,
}

/// Violations found so far, bounded.
pub(crate) struct Found {
    pub(crate) list: Vec<Violation>,
    revision: &'static str,
}

impl Found {
    pub(crate) fn new(revision: &'static str) -> Self {
        Self { list: Vec::new(), revision }
    }

    pub(crate) fn add(&mut self, rule: &str, quote: &str, exchange: &HttpExchange, detail: String) {
        if self.list.len() < MAX_VIOLATIONS {
            self.list.push(Violation {
                rule: rule.into(),
                quote: quote.into(),
                detail: format!("{}: {detail}", exchange.label()),
                exchange: exchange.id,
                revision: self.revision.into(),
            });
        }
    }
}

const GET_STREAM: &str = "The server MUST either return Content-Type: text/event-stream in response to this HTTP GET, or else return HTTP 405 Method Not Allowed, indicating that the server does not offer an SSE stream at this endpoint.";
const SESSION_ID: &str = "If an Mcp-Session-Id is returned by the server during initialization, clients using the Streamable HTTP transport MUST include it in the Mcp-Session-Id header on all of their subsequent HTTP requests.";
const PROTOCOL_VERSION: &str = "If using HTTP, the client MUST include the MCP-Protocol-Version: <protocol-version> HTTP header on all subsequent requests to the MCP server, allowing the MCP server to respond based on the MCP protocol version.";
const RESPONSE_ON_GET: &str = "The server MUST NOT send a JSON-RPC response on the stream unless resuming a stream associated with a previous client request.";
const RESUME: &str = "The server MAY use this header to replay messages that would have been sent after the last event ID, on the stream that was disconnected, and to resume the stream from that point. The server MUST NOT replay messages that would have been delivered on a different stream.";
const POST_ACCEPTED: &str = "If the input is a JSON-RPC response or notification: If the server accepts the input, the server MUST return HTTP status code 202 Accepted with no body.";
const POST_REQUEST: &str = "If the input is a JSON-RPC request, the server MUST either return Content-Type: text/event-stream, to initiate an SSE stream, or Content-Type: application/json, to return one JSON object.";
const ENDPOINT_EVENT: &str = "When a client connects, the server MUST send an endpoint event containing a URI for the client to use for sending messages.";

/// Statuses a server may answer a GET with besides its stream or 405: a missing or unknown
/// session (400, 404) and authorization (401, 403).
const GET_REFUSALS: [u16; 4] = [400, 401, 403, 404];

/// The violations in `exchanges` (the legacy MCP ones, in order) and the `messages` they carried.
pub(crate) fn check(
    exchanges: &[&HttpExchange],
    messages: &[&Travelled],
    transport: Option<Transport>,
) -> Vec<Violation> {
    match transport {
        Some(Transport::StreamableHttp) => {
            let mut found = Found::new("2025-06-18");
            get_streams(exchanges, &mut found);
            session_headers(exchanges, messages, &mut found);
            responses_on_get(exchanges, messages, &mut found);
            resumptions(exchanges, &mut found);
            post_answers(exchanges, &mut found);
            found.list
        }
        Some(Transport::HttpSse) => {
            let mut found = Found::new("2024-11-05");
            endpoint_events(exchanges, &mut found);
            found.list
        }
        None => Vec::new(),
    }
}

fn get_streams(exchanges: &[&HttpExchange], found: &mut Found) {
    for exchange in exchanges.iter().filter(|e| e.method == "GET") {
        let Some(status) = exchange.status else { continue };
        let streams = status == 200 && exchange.content_type() == "text/event-stream";
        if !streams && status != 405 && !GET_REFUSALS.contains(&status) {
            let content_type = exchange.content_type();
            found.add("get-stream", GET_STREAM, exchange, format!("answered {status} {content_type}"));
        }
    }
}

/// One initialization: where it was answered, the session id it gave, the revision it agreed.
struct Session<'a> {
    answered_at: f64,
    id: Option<&'a str>,
    version: Option<String>,
}

/// The initializations among `messages`, each with what its exchange answered.
fn sessions<'a>(exchanges: &[&'a HttpExchange], messages: &[&Travelled]) -> Vec<Session<'a>> {
    let initializations = messages.iter().filter_map(|m| match &m.message {
        Message::Request { id, method, .. } if method == "initialize" => Some((m.exchange, id)),
        _ => None,
    });
    initializations
        .filter_map(|(exchange, asked)| {
            let on = exchanges.iter().find(|e| e.id == exchange)?;
            let version = messages.iter().find_map(|m| match &m.message {
                Message::Response { id, outcome: Ok(result) } if id == asked && m.exchange == exchange => {
                    result.get("protocolVersion")?.as_str().map(str::to_owned)
                }
                _ => None,
            });
            Some(Session { answered_at: on.head_ms?, id: on.response_header("mcp-session-id"), version })
        })
        .collect()
}

/// Every request after an initialize response carries the session id it gave, and the revision
/// it agreed (from 2025-06-18, the revision that made the header a rule). A tap may see several
/// clients, each with its session: a request is held to the session whose id it carries, or,
/// carrying none (or an id the server accepted though no initialization here gave it), to the
/// one session there is (with several, whose it is cannot be told).
fn session_headers(exchanges: &[&HttpExchange], messages: &[&Travelled], found: &mut Found) {
    let sessions = sessions(exchanges, messages);
    for exchange in exchanges.iter().filter(|e| !message::requests(&e.request_body, "initialize")) {
        let established: Vec<&Session> =
            sessions.iter().filter(|s| s.answered_at <= exchange.started_ms).collect();
        let only = (established.len() == 1).then(|| established.first()).flatten();
        let accepted = exchange.status.is_some_and(|status| (200..300).contains(&status));
        let session = match exchange.request_header("mcp-session-id") {
            // An id no initialization here gave: another client's, unless there is one session
            // and the server took the request as its.
            Some(sent) => established.iter().find(|s| s.id == Some(sent)).or(only.filter(|_| accepted)),
            None => only,
        };
        let Some(session) = session else { continue };
        if let Some(id) = session.id {
            let rule = HeaderRule { rule: "session-id", quote: SESSION_ID, header: "Mcp-Session-Id" };
            rule.check(exchange, id, "the session is", "the session's", found);
        }
        if let Some(version) = session.version.as_deref().filter(|version| *version >= "2025-06-18") {
            let rule = HeaderRule {
                rule: "protocol-version",
                quote: PROTOCOL_VERSION,
                header: "MCP-Protocol-Version",
            };
            rule.check(exchange, version, "agreed:", "the agreed", found);
        }
    }
}

/// A header every request after initialization must carry, with the value it agreed.
struct HeaderRule {
    rule: &'static str,
    quote: &'static str,
    header: &'static str,
}

impl HeaderRule {
    /// Reports `exchange` if it lacks the header or sends another value than `expected`
    /// (`missing` and `other` say what `expected` is, in the report).
    fn check(&self, exchange: &HttpExchange, expected: &str, missing: &str, other: &str, found: &mut Found) {
        let header = self.header;
        match exchange.request_header(header) {
            None => found.add(self.rule, self.quote, exchange, format!("no {header} ({missing} {expected})")),
            Some(sent) if sent != expected => {
                found.add(self.rule, self.quote, exchange, format!("{header} {sent}, not {other} {expected}"))
            }
            Some(_) => {}
        }
    }
}

fn responses_on_get(exchanges: &[&HttpExchange], messages: &[&Travelled], found: &mut Found) {
    for travelled in messages.iter().filter(|m| m.via == Via::GetStream) {
        let Message::Response { id, .. } = &travelled.message else { continue };
        let Some(exchange) = exchanges.iter().find(|e| e.id == travelled.exchange) else { continue };
        if exchange.request_header("last-event-id").is_none() {
            found.add(
                "response-on-get",
                RESPONSE_ON_GET,
                exchange,
                format!("the response to request {id} came on a GET stream that is not a resumption"),
            );
        }
    }
}

/// A GET with `Last-Event-ID` resumes the stream that sent that id: it replays nothing
/// already delivered, and nothing of another stream.
fn resumptions(exchanges: &[&HttpExchange], found: &mut Found) {
    // Each event id seen, and the exchange (the stream) that first sent it.
    let mut sent_on: HashMap<&str, u64> = HashMap::new();
    for exchange in exchanges {
        let resumed = exchange.request_header("last-event-id").filter(|id| !id.is_empty());
        if let Some(last) = resumed {
            match sent_on.get(last).copied() {
                None => found.add(
                    "resume",
                    RESUME,
                    exchange,
                    format!("Last-Event-ID {last} was never sent on any stream"),
                ),
                Some(stream) => {
                    for event in exchange.events.iter().filter(|event| !event.id.is_empty()) {
                        match sent_on.get(event.id.as_str()) {
                            Some(first) if *first != stream => found.add(
                                "resume",
                                RESUME,
                                exchange,
                                format!("resuming #{stream}'s stream after {last}, it replayed event {} of #{first}'s", event.id),
                            ),
                            Some(_) => found.add(
                                "resume",
                                RESUME,
                                exchange,
                                format!("resuming after {last}, it replayed event {}, delivered before", event.id),
                            ),
                            None => {}
                        }
                    }
                }
            }
        }
        // A resumed stream goes on as the stream it resumed.
        let stream = resumed.and_then(|last| sent_on.get(last).copied()).unwrap_or(exchange.id);
        for event in exchange.events.iter().filter(|event| !event.id.is_empty()) {
            sent_on.entry(event.id.as_str()).or_insert(stream);
        }
    }
}

/// A POST of only notifications and responses is accepted with 202; one with a request is
/// answered with a JSON object or an SSE stream.
fn post_answers(exchanges: &[&HttpExchange], found: &mut Found) {
    for exchange in exchanges.iter().filter(|e| e.method == "POST") {
        let (Some(status), Some(messages)) = (exchange.status, message::parse(&exchange.request_body)) else {
            continue;
        };
        if !(200..300).contains(&status) {
            continue; // refused: an error status is what the rules ask for
        }
        let content_type = exchange.content_type();
        if messages.iter().any(Message::is_request) {
            if content_type != "application/json" && content_type != "text/event-stream" {
                found.add(
                    "post-answer",
                    POST_REQUEST,
                    exchange,
                    format!("a request answered {status} with Content-Type `{content_type}`"),
                );
            }
        } else if status != 202 {
            found.add(
                "post-answer",
                POST_ACCEPTED,
                exchange,
                format!("only notifications or responses, answered {status}"),
            );
        }
    }
}

fn endpoint_events(exchanges: &[&HttpExchange], found: &mut Found) {
    for exchange in exchanges.iter().filter(|e| e.method == "GET" && e.status == Some(200)) {
        if let Some(first) = exchange.events.first().filter(|event| event.event != "endpoint") {
            found.add(
                "endpoint-event",
                ENDPOINT_EVENT,
                exchange,
                format!("the stream began with a `{}` event", first.event),
            );
        }
    }
}
