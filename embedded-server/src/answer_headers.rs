//! The headers of every answer to `/events`, kept once. Four places write an answer: the lean
//! path and the faulted path (straight on the socket), the router (hyper, for what the lean
//! path leaves to it) and a fault profile's answer on reconnect. Each carries
//! [`READ_HEADERS`], so a page on another origin (the app's webview) can read every one of them
//! and may follow a redirect; a stream carries [`EVENT_STREAM_HEADERS`] too.

/// Every answer to `/events`: not to be cached, and readable from any origin, exactly as the
/// read router's `CorsLayer` (any origin, its default `Vary`) answers a GET. A test compares the
/// four answers' heads, so they cannot drift apart.
pub(crate) const READ_HEADERS: [(&str, &str); 3] = [
    ("cache-control", "no-cache"),
    ("vary", "origin, access-control-request-method, access-control-request-headers"),
    ("access-control-allow-origin", "*"),
];

/// An event stream's own headers, besides [`READ_HEADERS`] and framing.
pub(crate) const EVENT_STREAM_HEADERS: [(&str, &str); 2] = [
    ("content-type", "text/event-stream"),
    // Tells nginx-style proxies not to buffer the stream.
    ("x-accel-buffering", "no"),
];

/// Writes header lines (`name: value` and CRLF), for the answers written straight on a socket.
pub(crate) fn write_header_lines<'a>(
    out: &mut Vec<u8>,
    fields: impl IntoIterator<Item = &'a (&'a str, &'a str)>,
) {
    for (name, value) in fields {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
}
