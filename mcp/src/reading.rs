//! Which exchanges carry MCP (POSTs of JSON-RPC, and the HTTP+SSE transport's `/sse` stream),
//! the transport they speak, and every JSON-RPC message they carried, in the order it travelled.

use crate::exchange::HttpExchange;
use crate::message::{self, Direction, Transport, Travelled, Via};

/// The MCP exchanges among `all` (in the order they began), and the transport they speak.
pub(crate) fn mcp_exchanges(all: &[HttpExchange]) -> (Vec<&HttpExchange>, Option<Transport>, Option<String>) {
    let endpoint_event = |exchange: &HttpExchange| {
        exchange
            .events
            .iter()
            .find(|event| event.event == "endpoint")
            .map(|event| event.data.trim().to_owned())
    };
    let sse_paths: Vec<&str> =
        all.iter().filter(|e| e.method == "GET" && endpoint_event(e).is_some()).map(|e| e.path()).collect();
    let posted: Vec<&str> = all
        .iter()
        .filter(|e| e.method == "POST" && message::parse(&e.request_body).is_some())
        .map(HttpExchange::path)
        .collect();
    let transport = if !sse_paths.is_empty() {
        Some(Transport::HttpSse)
    } else if !posted.is_empty() {
        Some(Transport::StreamableHttp)
    } else {
        None
    };
    let endpoint = posted.first().map(|path| (*path).to_owned());
    let mut mine: Vec<&HttpExchange> = all
        .iter()
        .filter(|e| posted.contains(&e.path()) || (e.method == "GET" && sse_paths.contains(&e.path())))
        .collect();
    mine.sort_by(|a, b| a.started_ms.total_cmp(&b.started_ms).then(a.id.cmp(&b.id)));
    (mine, transport, endpoint)
}

/// Every message of `exchanges`, in the order it travelled.
pub(crate) fn travelled(exchanges: &[&HttpExchange], transport: Option<Transport>) -> Vec<Travelled> {
    let mut out = Vec::new();
    for exchange in exchanges {
        let mut push = |text: &str, direction, at_ms, via| {
            for message in message::parse(text).unwrap_or_default() {
                out.push(Travelled { message, direction, at_ms, exchange: exchange.id, via });
            }
        };
        if exchange.method == "POST" {
            push(&exchange.request_body, Direction::ClientToServer, exchange.started_ms, Via::PostBody);
        }
        let head = exchange.head_ms.unwrap_or(exchange.started_ms);
        if exchange.content_type() == "application/json" {
            push(&exchange.response_body, Direction::ServerToClient, head, Via::PostJson);
        }
        let via = match (exchange.method.as_str(), transport) {
            ("POST", _) => Via::PostStream,
            (_, Some(Transport::HttpSse)) => Via::SseStream,
            _ => Via::GetStream,
        };
        for event in exchange.events.iter().filter(|event| event.event == "message") {
            push(&event.data, Direction::ServerToClient, event.at_ms, via);
        }
    }
    // Stable: what travelled at the same time keeps the exchanges' order.
    out.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    out
}
