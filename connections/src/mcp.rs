//! Exchanges as `sse_mcp` reads them: a tap's (as the tap reads its own record,
//! `sse_tap::mcp_exchange`), for the MCP conversation through a tap; or a connection's one
//! exchange (a JSON-RPC request in its body, its stream). Times on the wall clock, so exchanges
//! on different connections line up. Nothing is rewritten.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sse_inspector::Capture;
use sse_mcp::{Conversation, HttpExchange, StreamEvent};
use sse_tap::Recorder;

use crate::expectations::ResponseHead;
use crate::spec::ConnectionSpec;

fn wall_ms(start: Option<SystemTime>, after: Duration) -> f64 {
    let start = start.and_then(|start| start.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    (start + after).as_secs_f64() * 1000.0
}

/// A connection's current stream as one exchange: the request its spec makes, the response
/// head, and the events the log keeps of it.
pub(crate) fn connection_exchange(
    spec: &ConnectionSpec,
    sent: Option<SystemTime>,
    (status, headers): &ResponseHead,
    connection: u32,
    capture: &Capture,
) -> HttpExchange {
    let target = reqwest::Url::parse(spec.url.trim()).map_or_else(
        |_| spec.url.trim().to_owned(),
        |url| format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default()),
    );
    let started_ms = wall_ms(sent, Duration::ZERO);
    let events = capture
        .history()
        .from_seq(0)
        .filter(|event| event.connection == connection)
        .map(|event| StreamEvent {
            at_ms: event.received_at_us as f64 / 1000.0,
            event: event.event.to_string(),
            id: if event.id_set { event.id.to_string() } else { String::new() },
            data: event.data.to_string(),
        })
        .collect();
    HttpExchange {
        id: 1,
        started_ms,
        method: spec.method_name(),
        target,
        request_headers: spec
            .headers
            .iter()
            .chain(&spec.added_headers())
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect(),
        request_body: spec.body.clone(),
        status: Some(*status),
        response_headers: headers.clone(),
        head_ms: Some(started_ms),
        response_body: String::new(),
        events,
        client_closed: false,
        comments: 0,
        duration_ms: None,
    }
}

/// The MCP conversation in what a tap's record keeps (read as `era` says, when it says).
pub(crate) fn conversation(recorder: &Recorder, era: Option<sse_mcp::Era>) -> Conversation {
    sse_tap::mcp_conversation(recorder, era)
}
