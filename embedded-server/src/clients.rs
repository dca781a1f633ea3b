//! What the server saw of each client: its connection attempts to `/events` (when, the request
//! with credentials masked, the `Last-Event-ID` it sent, what it was answered and sent, how the
//! connection ended), as `sse_report_card`'s record, which grades a client from it.
//!
//! A client is its `client` query parameter, else its `X-SSE-Client` header, else its address
//! and User-Agent. Bounded: [`MAX_CLIENTS`] clients and [`MAX_ATTEMPTS`] attempts each, the
//! oldest dropped first. One short lock when an attempt opens and one when it ends.

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Uri};
pub(crate) use sse_report_card::{Answer, Attempt, AttemptEnd, ClientHistory, ClientNamedBy, Delivered};

pub const MAX_CLIENTS: usize = 1_000;
pub const MAX_ATTEMPTS: usize = 100;
/// Request headers kept per attempt, and characters kept of each value.
const MAX_HEADERS: usize = 64;
const MAX_VALUE_CHARS: usize = 256;

/// A request opening an attempt, as the server read it.
pub(crate) struct Opening<'a> {
    pub(crate) method: &'a str,
    pub(crate) target: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) client_parameter: Option<&'a str>,
    pub(crate) peer: Option<IpAddr>,
    /// The request's body, if it had one.
    pub(crate) body: Option<&'a [u8]>,
}

impl<'a> Opening<'a> {
    /// A request to `uri` with no body (its target is the URI's path and query).
    pub(crate) fn new(
        method: &'a str,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        client_parameter: Option<&'a str>,
        peer: Option<IpAddr>,
    ) -> Self {
        let target = uri.path_and_query().map_or("/events", |target| target.as_str());
        Self { method, target, headers, client_parameter, peer, body: None }
    }
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

/// Every client's attempts; shared by the connections and `GET /clients`.
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

/// Who a request is from, as sent.
/// The `stream` query parameter of a target, as sent (percent-encoded).
fn stream_of(target: &str) -> Option<&str> {
    let (_, query) = target.split_once('?')?;
    query.split('&').find_map(|pair| pair.strip_prefix("stream="))
}

fn client_of(opening: &Opening<'_>) -> (String, ClientNamedBy) {
    if let Some(client) = opening.client_parameter.filter(|c| !c.is_empty()) {
        return (client.chars().take(MAX_VALUE_CHARS).collect(), ClientNamedBy::Parameter);
    }
    let header =
        |name: &str| opening.headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if let Some(client) = header("x-sse-client").filter(|c| !c.is_empty()) {
        return (client.chars().take(MAX_VALUE_CHARS).collect(), ClientNamedBy::Header);
    }
    let address = opening.peer.map_or_else(|| "unknown address".to_owned(), |ip| ip.to_string());
    let agent = header("user-agent").unwrap_or_else(|| "no User-Agent".into());
    (
        format!("{address} {}", agent.chars().take(MAX_VALUE_CHARS).collect::<String>()),
        ClientNamedBy::AddressAndAgent,
    )
}

impl ClientBook {
    fn lock(&self) -> MutexGuard<'_, Book> {
        self.0.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> (u64, u64) {
        let at = u64::try_from(self.0.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        (at, wall)
    }

    /// A credential or a body as kept: its length and a fingerprint keyed per process.
    fn masked(&self, bytes: &[u8]) -> String {
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
                String::from_utf8_lossy(value.as_bytes()).chars().take(MAX_VALUE_CHARS).collect()
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

    /// Whether this client's last attempt at the stream `opening` asks for was a stream the
    /// server ended (this attempt is then a reconnect, with or without Last-Event-ID).
    pub(crate) fn ended_there(&self, opening: &Opening<'_>) -> bool {
        let (client, _) = client_of(opening);
        let stream = stream_of(opening.target);
        let book = self.lock();
        let Some(history) = book.clients.iter().rev().find(|history| history.client == client) else {
            return false;
        };
        let there = history.attempts.iter().rev().find(|attempt| stream_of(&attempt.target) == stream);
        there.is_some_and(Attempt::ended_by_the_server)
    }

    /// Records an attempt; its end is recorded through the handle.
    pub(crate) fn open(&self, opening: &Opening<'_>, answer: Answer) -> AttemptRecord {
        let (client, named_by) = client_of(opening);
        let headers = self.kept_headers(opening.headers);
        let last_event_id = opening
            .headers
            .get("last-event-id")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).chars().take(MAX_VALUE_CHARS).collect());
        let (at_ms, wall_ms) = self.now();
        let mut book = self.lock();
        let serial = book.next_serial;
        book.next_serial += 2;
        let index = match book.clients.iter().position(|history| history.client == client) {
            Some(index) => index,
            None => {
                if book.clients.len() == MAX_CLIENTS {
                    book.clients.pop_front();
                }
                let history = ClientHistory {
                    client,
                    named_by,
                    attempts: VecDeque::new(),
                    dropped: 0,
                    serial: serial + 1,
                };
                book.clients.push_back(history);
                book.clients.len() - 1
            }
        };
        let history = &mut book.clients[index];
        // Headers equal to the previous attempt's are shared, not copied.
        let headers = match history.attempts.back() {
            Some(previous) if *previous.headers == headers => Arc::clone(&previous.headers),
            _ => Arc::new(headers),
        };
        if history.attempts.len() == MAX_ATTEMPTS {
            history.attempts.pop_front();
            history.dropped += 1;
        }
        history.attempts.push_back(Attempt {
            at_ms,
            wall_ms,
            method: opening.method.to_owned(),
            target: self.kept_target(opening.target),
            headers,
            last_event_id,
            body: opening.body.map(|body| self.masked(body)),
            answer,
            delivered: Delivered::default(),
            ended_ms: None,
            silent_ms: None,
            end: None,
            serial,
        });
        AttemptRecord { book: Some(self.clone()), client: history.serial, serial }
    }

    /// Records an attempt refused with `status` (and a plain-text reason): answered, ended.
    pub(crate) fn refused(&self, opening: &Opening<'_>, status: u16) {
        let answer = Answer {
            status,
            content_type: Some("text/plain; charset=utf-8".into()),
            location: None,
            fault: None,
        };
        self.open(opening, answer).finish(Delivered::default(), AttemptEnd::Answered, None);
    }

    fn finish(
        &self,
        client: u64,
        serial: u64,
        delivered: Delivered,
        end: AttemptEnd,
        silent: Option<Duration>,
    ) {
        let (ended_ms, _) = self.now();
        let mut book = self.lock();
        // At most MAX_CLIENTS + MAX_ATTEMPTS comparisons; gone if dropped meanwhile.
        let Some(history) = book.clients.iter_mut().rev().find(|history| history.serial == client) else {
            return;
        };
        if let Some(attempt) = history.attempts.iter_mut().rev().find(|attempt| attempt.serial == serial) {
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

    /// Milliseconds since the server started, on the clock of [`Attempt::at_ms`].
    pub fn now_ms(&self) -> u64 {
        self.now().0
    }
}

/// An open attempt: records how it ended once, when finished or dropped.
pub(crate) struct AttemptRecord {
    book: Option<ClientBook>,
    client: u64,
    serial: u64,
}

impl AttemptRecord {
    /// Records how it ended: what it delivered, how, and (for a stream) how long nothing had
    /// been written to it by then.
    pub(crate) fn finish(mut self, delivered: Delivered, end: AttemptEnd, silent: Option<Duration>) {
        if let Some(book) = self.book.take() {
            book.finish(self.client, self.serial, delivered, end, silent);
        }
    }
}

impl Drop for AttemptRecord {
    fn drop(&mut self) {
        // Dropped unfinished: the connection's task ended early (the client went away).
        if let Some(book) = self.book.take() {
            book.finish(self.client, self.serial, Delivered::default(), AttemptEnd::ClientLeft, None);
        }
    }
}
