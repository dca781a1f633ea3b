//! What the server saw of each client: its connection attempts to `/events`, kept in
//! `sse_report_card`'s [`ClientBook`] (which names clients, masks credentials and grades). The
//! broker tells its streams apart by the `stream` query parameter.

use std::net::IpAddr;

use axum::http::{HeaderMap, Uri};
pub(crate) use sse_report_card::{Answer, AttemptEnd, AttemptRecord, Delivered, Opening};
pub use sse_report_card::{ClientBook, MAX_ATTEMPTS, MAX_CLIENTS};

/// The `stream` query parameter of a target, as sent (percent-encoded).
fn stream_of(target: &str) -> &str {
    let query = target.split_once('?').map_or("", |(_, query)| query);
    query.split('&').find_map(|pair| pair.strip_prefix("stream=")).unwrap_or("")
}

/// A request to `uri` with no body, opening an attempt at the stream it names.
pub(crate) fn opening<'a>(
    method: &'a str,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    client_parameter: Option<&'a str>,
    peer: Option<IpAddr>,
) -> Opening<'a> {
    let target = uri.path_and_query().map_or("/events", |target| target.as_str());
    Opening { method, target, headers, client_parameter, peer, body: None, stream: stream_of(target) }
}
