//! A tap's exchanges as `sse_mcp` reads them, for the MCP conversation through a tap: each
//! exchange's request and response as the tap recorded them (times on the wall clock, so
//! exchanges on different connections line up). Nothing is rewritten.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sse_mcp::{Conversation, HttpExchange, StreamEvent};
use sse_tap::{Exchange, Recorder};

fn wall_ms(start: Option<SystemTime>, after: Duration) -> f64 {
    let start = start.and_then(|start| start.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    (start + after).as_secs_f64() * 1000.0
}

/// One tapped exchange for `sse_mcp`.
pub(crate) fn http_exchange(exchange: &Exchange) -> HttpExchange {
    let at = |after: Duration| wall_ms(exchange.started, after);
    HttpExchange {
        id: exchange.id,
        started_ms: at(Duration::ZERO),
        method: exchange.method.clone(),
        target: exchange.target.clone(),
        request_headers: exchange.request_headers.clone(),
        request_body: String::from_utf8_lossy(&exchange.request_body).into_owned(),
        status: exchange.status,
        response_headers: exchange.response_headers.clone(),
        head_ms: exchange.head_after.map(at),
        response_body: String::from_utf8_lossy(&exchange.response_body).into_owned(),
        events: exchange
            .events
            .iter()
            .map(|event| StreamEvent {
                at_ms: at(event.at),
                event: event.event.clone(),
                // Its own id only: the rules follow the ids a server set.
                id: if event.id_set { event.id.clone() } else { String::new() },
                data: event.data.clone(),
            })
            .collect(),
    }
}

/// The MCP conversation in what a tap's record keeps.
pub(crate) fn conversation(recorder: &Recorder) -> Conversation {
    let mut exchanges = Vec::new();
    recorder.visit(|exchange| exchanges.push(http_exchange(exchange)));
    Conversation::read(&exchanges)
}
