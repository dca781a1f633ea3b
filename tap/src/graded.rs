//! The tap's clients on the report card (`sse_report_card`, the crate the embedded server
//! grades with): every request that asks for an event stream (`Accept: text/event-stream`) or
//! is answered with one becomes an attempt of its client, its request kept with credentials
//! masked, what reached the client (after any fault) as its delivery, and its ending in the
//! card's words. A tap tells its streams apart by the target it sends upstream.

use hyper::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use hyper::HeaderMap;
use sse_report_card::{Answer, ClientBook, KeptRequest, Opening};

use crate::record::Exchange;

/// A request as the card keeps it, until its answer says whether it is graded.
pub(crate) struct Candidate {
    kept: KeptRequest,
    /// It asked for an event stream.
    asks: bool,
}

impl Candidate {
    /// `headers` as the client sent them; `stream`: the target sent upstream.
    pub(crate) fn new(
        book: &ClientBook,
        method: &str,
        client_target: &str,
        headers: &HeaderMap,
        client_parameter: Option<&str>,
        peer: Option<std::net::IpAddr>,
        stream: &str,
    ) -> Self {
        let opening =
            Opening { method, target: client_target, headers, client_parameter, peer, body: None, stream };
        Self { kept: book.keep(&opening), asks: asks_for_a_stream(headers) }
    }

    /// Its client's name, as the card names clients.
    pub(crate) fn client(&self) -> &str {
        &self.kept.client
    }

    /// Whether its client's last attempt at this stream was one the server (or a rule) ended.
    pub(crate) fn after_an_end_there(&self, book: &ClientBook) -> bool {
        book.ended_there(&self.kept)
    }

    /// Answered (a response head, the tap's own answer or a rule's): opens its attempt when it
    /// is graded, for the exchange's record to finish. `fault`: the rule's profile, as JSON.
    pub(crate) fn answered(
        mut self,
        book: &ClientBook,
        status: u16,
        headers: &HeaderMap,
        fault: Option<String>,
        exchange: &mut Exchange,
    ) {
        let text = |name| headers.get(name).and_then(|v: &hyper::header::HeaderValue| v.to_str().ok());
        let answer = Answer {
            status,
            content_type: text(CONTENT_TYPE).map(str::to_owned),
            location: text(LOCATION).map(str::to_owned),
            fault,
        };
        if !self.asks && !answer.is_stream() {
            return;
        }
        if exchange.request_bytes > 0 {
            self.kept.body = Some(book.masked(&exchange.request_body));
        }
        exchange.attempt = Some((book.open_kept(self.kept, answer.clone()).into_key(), answer.is_stream()));
    }
}

/// Whether a request's `Accept` names `text/event-stream` (what EventSource sends).
fn asks_for_a_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| sse_wire::has_essence(range, "text/event-stream"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    /// EventSource's Accept and a list naming the type ask for a stream; `*/*` does not.
    #[test]
    fn a_stream_is_asked_for_by_its_type() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        assert!(asks_for_a_stream(&headers));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json, Text/Event-Stream;q=0.9"));
        assert!(asks_for_a_stream(&headers));
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        assert!(!asks_for_a_stream(&headers));
    }
}
