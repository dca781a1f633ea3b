//! The modern era's rules (revision 2026-07-28), each checked on the modern exchanges and named
//! with the one that broke it, quoting the specification: the Streamable HTTP page
//! (<https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http>),
//! Subscriptions and Multi Round-Trip Requests. What a SHOULD advises against is `advice`.

use serde_json::Value;

use crate::call::Call;
use crate::exchange::HttpExchange;
use crate::message::{self, Direction, Message, Travelled, Via};
use crate::metadata::MetadataHeader;
use crate::rules::{Found, Violation};

const REQUEST_METADATA: &str = "The client MUST include the request metadata headers on each POST request.";
const VALUE_ENCODING: &str = "When a value cannot be safely represented as a plain ASCII header value (e.g., it contains non-ASCII characters, control characters, or has leading/trailing whitespace), clients MUST use Base64 encoding of the UTF-8 representation";
const MISMATCH_ANSWER: &str = "Servers MUST reject requests with a 400 Bad Request HTTP status and JSON-RPC error code -32020 (HeaderMismatch) if any validation fails.";
const REQUEST_ON_STREAM: &str = "The server MUST NOT send independent JSON-RPC requests on this stream.";
const LISTEN_ACK: &str = "The server MUST send notifications/subscriptions/acknowledged as the first message carrying the subscription's ID in _meta under io.modelcontextprotocol/subscriptionId, and MUST NOT send any notification on the subscription before it.";
const LISTEN_SCOPED: &str = "Request-scoped notifications like notifications/progress and notifications/message are not delivered on the listen stream — they flow only on the response stream of the request they relate to.";
const AFTER_CANCEL: &str = "The server SHOULD stop work on the cancelled request as soon as practical and MUST NOT send any further messages for it.";
const UNKNOWN_METHOD: &str = "If the server does not implement the requested RPC method, it MUST respond with 404 Not Found and a JSON-RPC error with code -32601 (Method not found).";
const POST_REQUEST: &str = "If the body is a JSON-RPC request, the server MUST return either Content-Type: application/json (a single JSON object) or Content-Type: text/event-stream (an SSE response stream).";
const POST_NOTIFICATION: &str =
    "If the server accepts it, the server MUST return HTTP status code 202 Accepted with no body.";
const CLIENT_RESPONSE: &str = "The body of the HTTP POST MUST be a single JSON-RPC request or notification. The client MUST NOT send JSON-RPC responses.";
const INPUT_REQUIRED_ON: &str =
    "Servers MUST NOT send InputRequiredResult responses on any other client requests.";
const RETRY_ID: &str = "The JSON-RPC id MUST be different between the initial request and the retry, as they are independent requests.";
const X_ACCEL: &str = "When initiating an SSE stream, servers SHOULD include the X-Accel-Buffering: no header in the HTTP response.";
const FINAL_RESPONSE: &str = "The final JSON-RPC response SHOULD terminate the stream.";
const KEEP_ALIVE: &str = "For long-lived streams — in particular the subscriptions/listen response stream — servers are encouraged to periodically emit an SSE comment line (a line beginning with a colon, e.g. :\\r\\n) as a keep-alive.";
/// A listen stream quiet this long with no keep-alive comment is advised one.
const KEEP_ALIVE_AFTER_MS: f64 = 30_000.0;

/// The modern rules' findings.
pub(crate) struct Findings {
    pub(crate) violations: Vec<Violation>,
    pub(crate) advice: Vec<Violation>,
}

/// The rules on the modern `exchanges`, the `messages` (all, filtered here) and the `calls`.
pub(crate) fn check(exchanges: &[&HttpExchange], messages: &[Travelled], calls: &[Call]) -> Findings {
    let mut found = Found::new("2026-07-28");
    let mut advice = Found::new("2026-07-28");
    if exchanges.is_empty() {
        return Findings { violations: Vec::new(), advice: Vec::new() };
    }
    let exchange = |id: u64| exchanges.iter().copied().find(|exchange| exchange.id == id);
    let modern: Vec<&Travelled> = messages.iter().filter(|m| exchange(m.exchange).is_some()).collect();
    for call in calls {
        let Some(on) = exchange(call.exchange) else { continue };
        metadata(on, &call.headers, &mut found);
        for round in &call.rounds {
            if let Some(retried) = exchange(round.retry_exchange) {
                metadata(retried, &round.headers, &mut found);
                if round.retry_id.is_some() && round.retry_id == call.id {
                    found.add(
                        "retry-id",
                        RETRY_ID,
                        retried,
                        format!("the retry reuses id {}", call.id.as_deref().unwrap_or("")),
                    );
                }
            }
        }
        input_required_on(call, on, &mut found);
    }
    for travelled in &modern {
        let Some(on) = exchange(travelled.exchange) else { continue };
        match (&travelled.message, travelled.direction, travelled.via) {
            (Message::Request { method, .. }, Direction::ServerToClient, _) => found.add(
                "request-on-stream",
                REQUEST_ON_STREAM,
                on,
                format!("the server sent a `{method}` request on a response"),
            ),
            (Message::Response { .. }, Direction::ClientToServer, Via::PostBody) => found.add(
                "client-response",
                CLIENT_RESPONSE,
                on,
                "the POST's body holds a JSON-RPC response".into(),
            ),
            (Message::Response { outcome: Err(error), .. }, Direction::ServerToClient, _) => {
                let code = error.get("code").and_then(Value::as_i64);
                if code == Some(-32601) && on.status != Some(404) {
                    let status = on.status.map_or_else(|| "no status".to_owned(), |s| s.to_string());
                    found.add("unknown-method", UNKNOWN_METHOD, on, format!("-32601 answered with {status}"));
                }
            }
            _ => {}
        }
    }
    for on in exchanges {
        post_answer(on, &mut found);
        let streams =
            on.status.is_some_and(|s| (200..300).contains(&s)) && on.content_type() == "text/event-stream";
        let unbuffered = on
            .response_header("x-accel-buffering")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("no"));
        if streams && !unbuffered {
            advice.add(
                "x-accel-buffering",
                X_ACCEL,
                on,
                "an SSE response without X-Accel-Buffering: no".into(),
            );
        }
    }
    listen_streams(exchanges, &modern, &mut found);
    keep_alives(exchanges, &mut advice);
    final_responses(calls, &modern, exchange, &mut advice);
    after_cancel(calls, &modern, exchange, &mut found);
    Findings { violations: found.list, advice: advice.list }
}

/// A request's headers: each problem is the client's.
fn metadata(on: &HttpExchange, headers: &[MetadataHeader], found: &mut Found) {
    let mut refusable = false;
    for header in headers {
        let Some(problem) = &header.problem else { continue };
        let encoding = problem.contains("Base64") || problem.contains("plain ASCII");
        let rule = if encoding {
            ("header-encoding", VALUE_ENCODING)
        } else {
            ("metadata-headers", REQUEST_METADATA)
        };
        found.add(rule.0, rule.1, on, format!("{}: {problem}", header.name));
        refusable |= !header.field.starts_with("an argument");
    }
    if refusable {
        let refused = on.status == Some(400) && error_code(on) == Some(-32020);
        if !refused && on.status.is_some() {
            let status = on.status.map_or_else(String::new, |s| s.to_string());
            let answered = match error_code(on) {
                Some(code) => format!("answered {status} with error {code}"),
                None => format!("answered {status}"),
            };
            found.add(
                "header-mismatch-answer",
                MISMATCH_ANSWER,
                on,
                format!("headers that do not match the body {answered}"),
            );
        }
    }
}

/// The JSON-RPC error code of a JSON answer.
fn error_code(on: &HttpExchange) -> Option<i64> {
    let body: Value = serde_json::from_str(on.response_body.trim()).ok()?;
    body.get("error")?.get("code")?.as_i64()
}

fn input_required_on(call: &Call, on: &HttpExchange, found: &mut Found) {
    let allowed = message::naming_field(&call.method).is_some();
    let asked = call.reply.as_ref().is_some_and(|reply| reply.input_required);
    if asked && !allowed && call.rounds.is_empty() {
        found.add(
            "input-required-on",
            INPUT_REQUIRED_ON,
            on,
            format!("`{}` answered with input_required", call.method),
        );
    }
}

/// A request's POST is answered with JSON or an event stream; an accepted notification, 202.
fn post_answer(on: &HttpExchange, found: &mut Found) {
    let (Some(status), Some(messages)) = (on.status, message::parse(&on.request_body)) else { return };
    if on.method != "POST" || !(200..300).contains(&status) {
        return;
    }
    let content_type = on.content_type();
    if messages.iter().any(Message::is_request) {
        if content_type != "application/json" && content_type != "text/event-stream" {
            found.add(
                "post-answer",
                POST_REQUEST,
                on,
                format!("a request answered {status} with Content-Type `{content_type}`"),
            );
        }
    } else if messages.iter().all(|m| matches!(m, Message::Notification { .. })) && status != 202 {
        found.add("post-answer", POST_NOTIFICATION, on, format!("a notification answered {status}"));
    }
}

/// A `subscriptions/listen` stream begins with its acknowledgement and carries no
/// request-scoped notification.
fn listen_streams(exchanges: &[&HttpExchange], messages: &[&Travelled], found: &mut Found) {
    for on in exchanges {
        let listens = message::requests(&on.request_body, "subscriptions/listen");
        if !listens {
            continue;
        }
        let sent: Vec<&&Travelled> = messages
            .iter()
            .filter(|m| m.exchange == on.id && m.direction == Direction::ServerToClient)
            .collect();
        if let Some(Message::Notification { method, .. }) = sent.first().map(|m| &m.message) {
            if method != "notifications/subscriptions/acknowledged" {
                found.add("listen-ack", LISTEN_ACK, on, format!("the stream began with `{method}`"));
            }
        }
        for travelled in sent {
            if let Message::Notification { method, .. } = &travelled.message {
                if method == "notifications/progress" || method == "notifications/message" {
                    found.add(
                        "listen-scoped",
                        LISTEN_SCOPED,
                        on,
                        format!("a `{method}` on the listen stream"),
                    );
                }
            }
        }
    }
}

/// A listen stream that lasted 30 s without a single comment line is advised keep-alives.
fn keep_alives(exchanges: &[&HttpExchange], advice: &mut Found) {
    for on in exchanges.iter().filter(|on| on.content_type() == "text/event-stream" && on.comments == 0) {
        let listens = message::requests(&on.request_body, "subscriptions/listen");
        let lasted = on.duration_ms.unwrap_or(0.0);
        if listens && lasted >= KEEP_ALIVE_AFTER_MS {
            advice.add(
                "keep-alive",
                KEEP_ALIVE,
                on,
                format!("a listen stream of {:.0} s with no comment line", lasted / 1000.0),
            );
        }
    }
}

/// After a request's response, its stream ends: nothing more on it.
fn final_responses<'a>(
    calls: &[Call],
    messages: &[&Travelled],
    exchange: impl Fn(u64) -> Option<&'a HttpExchange>,
    advice: &mut Found,
) {
    for call in calls.iter().filter(|call| call.via == Via::PostBody) {
        let Some(reply) = call
            .reply
            .as_ref()
            .filter(|reply| reply.exchange == call.exchange && reply.via == Via::PostStream)
        else {
            continue;
        };
        let after = messages.iter().filter(|m| m.exchange == call.exchange && m.at_ms > reply.at_ms).count();
        if let (true, Some(on)) = (after > 0, exchange(call.exchange)) {
            advice.add(
                "final-response",
                FINAL_RESPONSE,
                on,
                format!("{after} message(s) after the response"),
            );
        }
    }
}

/// Nothing more for a request once its client closed its stream: no progress with its token,
/// no response to it, on any other stream.
fn after_cancel<'a>(
    calls: &[Call],
    messages: &[&Travelled],
    exchange: impl Fn(u64) -> Option<&'a HttpExchange>,
    found: &mut Found,
) {
    for call in calls.iter().filter(|call| call.cancelled) {
        let token = serde_json::from_str::<Value>(&call.params)
            .ok()
            .and_then(|params| params.get("_meta")?.get("progressToken").map(Value::to_string));
        for travelled in messages
            .iter()
            .filter(|m| m.exchange != call.exchange && m.direction == Direction::ServerToClient)
        {
            let about_it = match &travelled.message {
                Message::Notification { params, .. } => {
                    token.is_some() && message::notified_token(params.as_ref()) == token
                }
                Message::Response { id, .. } => call.id.as_ref() == Some(id) && travelled.at_ms > call.at_ms,
                Message::Request { .. } => false,
            };
            if let (true, Some(on)) = (about_it, exchange(travelled.exchange)) {
                let id = call.id.as_deref().unwrap_or("");
                found.add(
                    "after-cancel",
                    AFTER_CANCEL,
                    on,
                    format!(
                        "a message for request {id}, cancelled when its client closed #{}",
                        call.exchange
                    ),
                );
            }
        }
    }
}
