//! Entry points for the fuzz targets in `fuzz/`, shared with the corpus replay test so CI runs
//! the same code on every kept input. Not part of the API.

use crate::event::Event;
use crate::lean_sse::recognise;
use sse_wire::is_loopback_host;

/// Looks at arbitrary bytes as a connection's first request head, as the server does before
/// choosing the lean path or hyper, and at its `Host`. Must never panic.
pub fn request_head(input: &[u8]) -> bool {
    let recognised = recognise(input);
    if let Some(request) = &recognised {
        if let Some(host) = request.headers.get("host").and_then(|h| h.to_str().ok()) {
            let _ = is_loopback_host(host);
        }
    }
    let _ = is_loopback_host(&String::from_utf8_lossy(input));
    recognised.is_some()
}

/// The wire encoding of an event: `input` is split into an event type (up to the first NUL;
/// no line breaks allowed, as publishing refuses them) and data.
pub fn encode(input: &[u8]) -> Option<(Option<String>, String, bytes::Bytes)> {
    let text = String::from_utf8_lossy(input);
    let (event, data) = match text.split_once('\0') {
        Some((event, data)) if !event.contains(['\r', '\n']) && !event.is_empty() => {
            (Some(event.to_owned()), data.to_owned())
        }
        Some(_) => return None,
        None => (None, text.into_owned()),
    };
    let encoded = Event::new(1, event.clone(), data.clone(), None).encoded().clone();
    Some((event, data, encoded))
}
