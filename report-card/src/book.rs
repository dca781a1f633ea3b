//! The record of every client's connection attempts, as a server keeps it (the embedded server
//! and a tap alike): each attempt's request with credentials masked, the `Last-Event-ID` sent,
//! the answer, what was delivered and how it ended.
//!
//! Bounded: [`MAX_CLIENTS`] clients and [`MAX_ATTEMPTS`] attempts each, the oldest dropped
//! first. One short lock when an attempt opens and one when it ends.

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use http::HeaderMap;

use crate::naming::{client_name, shortened, CLIENT_HEADER, MAX_VALUE_CHARS};
use crate::record::{Answer, Attempt, AttemptEnd, ClientHistory, ClientNamedBy, Delivered};

pub const MAX_CLIENTS: usize = 1_000;
pub const MAX_ATTEMPTS: usize = 100;
/// Request headers kept per attempt.
const MAX_HEADERS: usize = 64;

/// A request opening an attempt, as the server read it.
pub struct Opening<'a> {
    pub method: &'a str,
    /// Its path and query, as sent.
    pub target: &'a str,
    pub headers: &'a HeaderMap,
    /// Its `client` query parameter, decoded.
    pub client_parameter: Option<&'a str>,
    pub peer: Option<IpAddr>,
    /// Its body, if it had one.
    pub body: Option<&'a [u8]>,
    /// The stream it asks for, as the server tells its streams apart (the broker by its
    /// `stream` parameter, a tap by the target it sends upstream).
    pub stream: &'a str,
}

/// A request as the record keeps it (credentials masked), kept when it came and recorded once
/// answered.
#[derive(Debug, Clone)]
pub struct KeptRequest {
    pub client: String,
    pub named_by: ClientNamedBy,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    last_event_id: Option<String>,
    /// Its body as kept (see [`ClientBook::masked`]).
    pub body: Option<String>,
    stream: String,
    at: Instant,
}

#[derive(Default)]
struct Book {
    clients: VecDeque<ClientHistory>,
    /// Serial of the next client and of the next attempt: what an open attempt finds itself by.
    next_serial: u64,
}

struct Shared {
    book: Mutex<Book>,
    started: Instant,
    /// Keyed per process: a masked credential can be compared, not looked up.
    fingerprints: std::collections::hash_map::RandomState,
}

/// Every client's attempts; shared by the connections and whoever reports them.
#[derive(Clone)]
pub struct ClientBook(Arc<Shared>);

impl Default for ClientBook {
    fn default() -> Self {
        Self(Arc::new(Shared {
            book: Mutex::default(),
            started: Instant::now(),
            fingerprints: Default::default(),
        }))
    }
}

impl std::fmt::Debug for ClientBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBook").finish_non_exhaustive()
    }
}

/// Which attempt of which client: what finishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptKey {
    client: u64,
    serial: u64,
}

impl ClientBook {
    fn lock(&self) -> MutexGuard<'_, Book> {
        self.0.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn ms_since_start(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.0.started).as_millis()).unwrap_or(u64::MAX)
    }

    /// A credential or a body as kept: its length and a fingerprint keyed per process (equal
    /// bytes, equal fingerprints; the bytes cannot be found from it).
    pub fn masked(&self, bytes: &[u8]) -> String {
        let fingerprint = self.0.fingerprints.hash_one(bytes) as u32;
        format!("(masked: {} bytes, #{fingerprint:08x})", bytes.len())
    }

    /// The request's headers as kept: credentials (`sse_wire::is_credential_name`) masked,
    /// `Last-Event-ID` apart.
    fn kept_headers(&self, headers: &HeaderMap) -> Vec<(String, String)> {
        let mut kept = Vec::with_capacity(headers.len().min(MAX_HEADERS));
        for (name, value) in headers.iter().filter(|(name, _)| *name != "last-event-id").take(MAX_HEADERS) {
            let value = if sse_wire::is_credential_name(name.as_str()) {
                self.masked(value.as_bytes())
            } else {
                shortened(&String::from_utf8_lossy(value.as_bytes()))
            };
            kept.push((name.as_str().to_owned(), value));
        }
        kept
    }

    /// The request's target as kept: each credential query parameter's value masked (a
    /// credential there is one in a header), the rest as sent.
    fn kept_target(&self, target: &str) -> String {
        let kept = match target.split_once('?') {
            None => target.to_owned(),
            Some((path, query)) => {
                let pieces: Vec<String> = query
                    .split('&')
                    .map(|piece| match piece.split_once('=') {
                        Some((name, value)) if !value.is_empty() && sse_wire::is_credential_name(name) => {
                            format!("{name}={}", self.masked(value.as_bytes()))
                        }
                        _ => piece.to_owned(),
                    })
                    .collect();
                format!("{path}?{}", pieces.join("&"))
            }
        };
        kept.chars().take(2 * MAX_VALUE_CHARS).collect()
    }

    /// The request as the record keeps it, from now (the attempt's start).
    pub fn keep(&self, opening: &Opening<'_>) -> KeptRequest {
        let header = |name: &str| opening.headers.get(name).and_then(|v| v.to_str().ok());
        let (client, named_by) =
            client_name(opening.client_parameter, header(CLIENT_HEADER), opening.peer, header("user-agent"));
        KeptRequest {
            client,
            named_by,
            method: opening.method.to_owned(),
            target: self.kept_target(opening.target),
            headers: self.kept_headers(opening.headers),
            last_event_id: opening
                .headers
                .get("last-event-id")
                .map(|v| shortened(&String::from_utf8_lossy(v.as_bytes()))),
            body: opening.body.map(|body| self.masked(body)),
            stream: opening.stream.to_owned(),
            at: Instant::now(),
        }
    }

    /// Whether the last attempt of `request`'s client at its stream was a stream the server
    /// ended (this one is then a reconnect, with or without Last-Event-ID).
    pub fn ended_there(&self, request: &KeptRequest) -> bool {
        let book = self.lock();
        let Some(history) = book.clients.iter().rev().find(|history| history.client == request.client) else {
            return false;
        };
        let there = history.attempts.iter().rev().find(|attempt| attempt.stream == request.stream);
        there.is_some_and(Attempt::ended_by_the_server)
    }

    /// Records an attempt from now; its end is recorded through the handle.
    pub fn open(&self, opening: &Opening<'_>, answer: Answer) -> AttemptRecord {
        self.open_kept(self.keep(opening), answer)
    }

    /// Records an attempt kept earlier, from when it was kept.
    pub fn open_kept(&self, request: KeptRequest, answer: Answer) -> AttemptRecord {
        let at_ms = self.ms_since_start(request.at);
        let (now, now_wall) = sse_wire::now_on_both_clocks();
        let wall = now_wall.checked_sub(now.saturating_duration_since(request.at)).unwrap_or(now_wall);
        let wall_ms = wall.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let mut book = self.lock();
        let serial = book.next_serial;
        book.next_serial += 2;
        let index = match book.clients.iter().position(|history| history.client == request.client) {
            Some(index) => index,
            None => {
                if book.clients.len() == MAX_CLIENTS {
                    book.clients.pop_front();
                }
                book.clients.push_back(ClientHistory {
                    client: request.client,
                    named_by: request.named_by,
                    attempts: VecDeque::new(),
                    dropped: 0,
                    serial: serial + 1,
                });
                book.clients.len() - 1
            }
        };
        let history = &mut book.clients[index];
        // Headers equal to the previous attempt's are shared, not copied.
        let headers = match history.attempts.back() {
            Some(previous) if *previous.headers == request.headers => Arc::clone(&previous.headers),
            _ => Arc::new(request.headers),
        };
        if history.attempts.len() == MAX_ATTEMPTS {
            history.attempts.pop_front();
            history.dropped += 1;
        }
        history.attempts.push_back(Attempt {
            at_ms,
            wall_ms,
            method: request.method,
            target: request.target,
            headers,
            last_event_id: request.last_event_id,
            body: request.body,
            answer,
            delivered: Delivered::default(),
            ended_ms: None,
            silent_ms: None,
            end: None,
            serial,
            stream: request.stream,
        });
        let key = AttemptKey { client: history.serial, serial };
        AttemptRecord { book: Some(self.clone()), key }
    }

    /// Records an attempt refused with `status` (and a plain-text reason): answered, ended.
    pub fn refused(&self, opening: &Opening<'_>, status: u16) {
        let answer = Answer {
            status,
            content_type: Some("text/plain; charset=utf-8".into()),
            location: None,
            fault: None,
        };
        self.open(opening, answer).finish(Delivered::default(), AttemptEnd::Answered, None);
    }

    /// Records how the attempt `key` ended: what it delivered, how, and (for a stream) how long
    /// nothing had been written to it by then. Once: a later end is ignored.
    pub fn finish(&self, key: AttemptKey, delivered: Delivered, end: AttemptEnd, silent: Option<Duration>) {
        let ended_ms = self.ms_since_start(Instant::now());
        let mut book = self.lock();
        // At most MAX_CLIENTS + MAX_ATTEMPTS comparisons; gone if dropped meanwhile.
        let Some(history) = book.clients.iter_mut().rev().find(|history| history.serial == key.client) else {
            return;
        };
        let attempt = history.attempts.iter_mut().rev().find(|attempt| attempt.serial == key.serial);
        if let Some(attempt) = attempt.filter(|attempt| attempt.end.is_none()) {
            attempt.delivered = delivered;
            attempt.ended_ms = Some(ended_ms);
            attempt.silent_ms = silent.map(|silent| u64::try_from(silent.as_millis()).unwrap_or(u64::MAX));
            attempt.end = Some(end);
        }
    }

    /// Every client's history, oldest client first.
    pub fn histories(&self) -> Vec<ClientHistory> {
        self.lock().clients.iter().cloned().collect()
    }

    /// How many clients it holds.
    pub fn len(&self) -> usize {
        self.lock().clients.len()
    }

    /// Whether it holds no client.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Milliseconds since the book was made, on the clock of [`Attempt::at_ms`].
    pub fn now_ms(&self) -> u64 {
        self.ms_since_start(Instant::now())
    }
}

/// An open attempt: records how it ended once, when finished or dropped (dropped unfinished,
/// the client went away).
pub struct AttemptRecord {
    book: Option<ClientBook>,
    key: AttemptKey,
}

impl AttemptRecord {
    /// Records how it ended (see [`ClientBook::finish`]).
    pub fn finish(mut self, delivered: Delivered, end: AttemptEnd, silent: Option<Duration>) {
        if let Some(book) = self.book.take() {
            book.finish(self.key, delivered, end, silent);
        }
    }

    /// Its key, for a recorder that finishes it through [`ClientBook::finish`] later; dropping
    /// the key records nothing.
    pub fn into_key(mut self) -> AttemptKey {
        self.book = None;
        self.key
    }
}

impl Drop for AttemptRecord {
    fn drop(&mut self) {
        if let Some(book) = self.book.take() {
            book.finish(self.key, Delivered::default(), AttemptEnd::ClientLeft, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    /// Credentials in headers and in the query are masked alike (equal values, equal masks),
    /// Last-Event-ID is kept apart, the rest as sent.
    #[test]
    fn credentials_are_masked_and_comparable() {
        let book = ClientBook::default();
        let sent = headers(&[
            ("authorization", "Bearer s3cret"),
            ("accept", "text/event-stream"),
            ("last-event-id", "7"),
        ]);
        let opening = Opening {
            method: "GET",
            target: "/events?stream=s&token=s3cret&x=1",
            headers: &sent,
            client_parameter: None,
            peer: None,
            body: Some(b"prompt"),
            stream: "s",
        };
        let kept = book.keep(&opening);
        let json = format!("{kept:?}");
        assert!(!json.contains("s3cret") && !json.contains("prompt"), "{json}");
        assert_eq!(kept.last_event_id.as_deref(), Some("7"));
        assert!(kept.target.ends_with("&x=1") && kept.target.contains("token=(masked: 6 bytes"));
        assert_eq!(book.keep(&opening).headers, kept.headers, "the same credential, the same mask");
        assert_eq!(kept.client, "unknown address no User-Agent");
    }

    /// An attempt at a stream the server ended makes the next one there a reconnect; one the
    /// client left, or another stream, does not.
    #[test]
    fn a_stream_the_server_ended_is_ended_there() {
        let book = ClientBook::default();
        let sent = headers(&[("x-sse-client", "ui")]);
        let at = |stream| Opening {
            method: "GET",
            target: "/events",
            headers: &sent,
            client_parameter: None,
            peer: None,
            body: None,
            stream,
        };
        let ended_there = |stream| book.ended_there(&book.keep(&at(stream)));
        book.open(&at("a"), Answer::stream(None)).finish(Delivered::default(), AttemptEnd::Ended, None);
        assert!(ended_there("a"));
        assert!(!ended_there("b"), "another stream");
        drop(book.open(&at("a"), Answer::stream(None)));
        assert!(!ended_there("a"), "dropped unfinished: the client left");
        let key = book.open(&at("a"), Answer::stream(None)).into_key();
        book.finish(key, Delivered::default(), AttemptEnd::Cut, None);
        book.finish(key, Delivered::default(), AttemptEnd::ClientLeft, None);
        assert!(ended_there("a"), "finished once");
        assert_eq!(book.histories()[0].attempts.len(), 3);
    }
}
