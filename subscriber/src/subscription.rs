use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::Client;
use tokio::time::Instant;

use crate::connection::{build_client, open, BodyRead, Connection, Opened};
use crate::error::SubscribeError;
use crate::event::SseEvent;
use crate::reader::StreamReader;
use crate::request::SubscribeRequest;

/// What a subscription reports, in order: lifecycle changes and events.
#[derive(Debug)]
pub enum Update {
    /// A connection attempt starts (`attempt` counts from 1 for each subscription); its
    /// request goes at `sent_at`. Observers take the time from here, never their own clock,
    /// so a stream read after the fact (a tap's record) keeps its times.
    Connecting {
        url: String,
        attempt: u32,
        sent_at: SystemTime,
    },
    /// The response is 200 with `Content-Type: text/event-stream`; its head came at
    /// `received_at`.
    Open {
        status: u16,
        headers: HeaderMap,
        received_at: SystemTime,
    },
    /// The response body's first bytes came at `received_at` (once per connection, before
    /// the events and raw bytes they start).
    FirstByte {
        received_at: SystemTime,
    },
    Event(SseEvent),
    /// The bytes of one network read (decoded, when the body is compressed), before the
    /// events they complete; only when the request asked for them
    /// ([`SubscribeRequest::report_raw`]).
    Raw(BodyRead),
    /// Something failed; `will_retry` says whether a `Retrying` follows.
    Error {
        error: SubscribeError,
        will_retry: bool,
    },
    /// The next attempt starts after `delay`.
    Retrying {
        delay: Duration,
    },
    /// The subscription is over for good, at `at`.
    Closed {
        reason: String,
        at: SystemTime,
    },
}

type Opening = Pin<Box<dyn Future<Output = Result<Opened, SubscribeError>> + Send>>;

enum Phase {
    Connect,
    /// The request is under way; kept here so that a caller's `select!` dropping `next()`
    /// does not start the attempt over.
    Opening(Opening),
    Open(Box<Connection>),
    Wait(Instant),
    Done,
}

/// A subscription that reconnects like EventSource: after the stream ends or a network error
/// it waits the reconnection time (the server's `retry`, 3 s by default), sends
/// `Last-Event-ID`, and backs off exponentially, with jitter, while attempts keep failing.
pub struct Subscription {
    request: SubscribeRequest,
    client: Option<Client>,
    /// The events of each connection's body; the last event ID and `retry` carry over.
    reader: StreamReader,
    phase: Phase,
    attempts: u32,
    /// Attempts that failed in a row; 0 once a connection opens.
    failures: u32,
    /// Whether the open connection's body has sent a byte yet.
    body_started: bool,
    outbox: VecDeque<Update>,
}

impl Subscription {
    pub fn new(request: SubscribeRequest) -> Self {
        let reader =
            StreamReader::new(request.max_event_size).with_last_event_id(request.last_event_id.clone());
        Self {
            request,
            client: None,
            reader,
            phase: Phase::Connect,
            attempts: 0,
            failures: 0,
            body_started: false,
            outbox: VecDeque::new(),
        }
    }

    /// The HTTP version of the open connection (`HTTP/1.1`, `HTTP/2.0`), none between them.
    pub fn http_version(&self) -> Option<String> {
        match &self.phase {
            Phase::Open(connection) => Some(format!("{:?}", connection.version)),
            _ => None,
        }
    }

    /// The latest reconnection time a `retry` field set (in an event's block or a block of its
    /// own), if any.
    pub fn reconnection_time(&self) -> Option<Duration> {
        self.reader.reconnection_time()
    }

    /// The last event ID: what the next reconnection sends.
    pub fn last_event_id(&self) -> &str {
        self.reader.last_event_id()
    }

    /// The next update; `None` once the subscription has closed.
    ///
    /// Cancel-safe: dropping the future (say, in `select!` or `timeout`) loses nothing; a
    /// request under way goes on at the next call.
    pub async fn next(&mut self) -> Option<Update> {
        loop {
            if let Some(update) = self.outbox.pop_front() {
                return Some(update);
            }
            match &mut self.phase {
                Phase::Done => return None,
                Phase::Wait(until) => {
                    tokio::time::sleep_until(*until).await;
                    self.phase = Phase::Connect;
                }
                Phase::Connect => return Some(self.connect()),
                Phase::Opening(opening) => {
                    let opened = opening.as_mut().await;
                    self.opened(opened);
                }
                Phase::Open(_) => {
                    if let Some(update) = self.read().await {
                        return Some(update);
                    }
                }
            }
        }
    }

    /// Starts an attempt: its request goes on in `Phase::Opening`.
    fn connect(&mut self) -> Update {
        self.attempts += 1;
        let connecting = Update::Connecting {
            url: self.request.url.to_string(),
            attempt: self.attempts,
            sent_at: SystemTime::now(),
        };
        let client = match &self.client {
            Some(client) => Ok(client.clone()),
            None => build_client(&self.request),
        };
        match client {
            Ok(client) => {
                self.client = Some(client.clone());
                let request = self.request.clone();
                let last_event_id = self.reader.last_event_id().to_owned();
                self.phase =
                    Phase::Opening(Box::pin(async move { open(&client, &request, &last_event_id).await }));
            }
            Err(error) => {
                self.failures += 1;
                self.fail(error);
            }
        }
        connecting
    }

    /// What the attempt's response says: a stream, a 204, or a failure.
    fn opened(&mut self, opened: Result<Opened, SubscribeError>) {
        match opened {
            Ok(Opened::Stream(connection)) => {
                self.failures = 0;
                // "Reestablish the connection" fetches the request again, whose URL is now
                // where its redirects ended (as Chromium does).
                if connection.final_url != self.request.url {
                    self.request.url = connection.final_url.clone();
                }
                self.outbox.push_back(Update::Open {
                    status: connection.status.as_u16(),
                    headers: connection.headers.clone(),
                    received_at: SystemTime::now(),
                });
                self.reader.begin(connection.format);
                self.body_started = false;
                self.phase = Phase::Open(connection);
            }
            Ok(Opened::NoContent) => {
                self.close("HTTP 204 No Content: the server asked not to reconnect");
            }
            Err(error) => {
                self.failures += 1;
                self.fail(error);
            }
        }
    }

    /// Reads until an event (the connection stays open) or a change of phase (`None`).
    async fn read(&mut self) -> Option<Update> {
        loop {
            match self.reader.next_event() {
                Ok(Some((event, offset))) => {
                    return Some(Update::Event(SseEvent::parsed(event, offset, SystemTime::now())));
                }
                Ok(None) => {}
                Err(error) => {
                    self.fail(error.into());
                    return None;
                }
            }
            let Phase::Open(connection) = &mut self.phase else { return None };
            match connection.next_chunk(self.request.idle_timeout).await {
                Ok(Some(read)) => {
                    // The raw bytes go before the events they complete.
                    self.reader.feed(&read.bytes);
                    let first = !std::mem::replace(&mut self.body_started, true);
                    if self.request.report_raw {
                        if !first {
                            return Some(Update::Raw(read));
                        }
                        self.outbox.push_back(Update::Raw(read));
                    }
                    if first {
                        return Some(Update::FirstByte { received_at: SystemTime::now() });
                    }
                }
                Ok(None) => {
                    self.reader.finish();
                    if self.request.reconnect {
                        self.schedule_retry();
                    } else {
                        self.close("the server ended the stream");
                    }
                    return None;
                }
                Err(error) => {
                    self.reader.finish();
                    self.fail(error);
                    return None;
                }
            }
        }
    }

    fn fail(&mut self, error: SubscribeError) {
        let will_retry = self.request.reconnect && error.is_retryable(self.request.retry_server_errors);
        self.outbox.push_back(Update::Error { error, will_retry });
        if will_retry {
            self.schedule_retry();
        } else {
            self.phase = Phase::Done;
        }
    }

    fn close(&mut self, reason: &str) {
        self.outbox.push_back(Update::Closed { reason: reason.to_owned(), at: SystemTime::now() });
        self.phase = Phase::Done;
    }

    fn schedule_retry(&mut self) {
        let base = self.reader.reconnection_time().unwrap_or(self.request.default_retry);
        let delay = backoff(base, self.failures, self.request.max_backoff, fastrand::f64());
        self.outbox.push_back(Update::Retrying { delay });
        self.phase = Phase::Wait(Instant::now() + delay);
    }
}

/// The wait before the next attempt. After an open stream ends, or the first failure, it is
/// exactly the reconnection time, as the spec says; each further failure in a row doubles it,
/// up to `max` (or the reconnection time, if larger), and takes a random half off (`jitter`
/// in 0..1) so that many clients do not retry in step.
pub(crate) fn backoff(base: Duration, failures: u32, max: Duration, jitter: f64) -> Duration {
    if failures <= 1 {
        return base;
    }
    let doublings = (failures - 1).min(20);
    let grown = base.saturating_mul(1 << doublings).min(max.max(base));
    grown.mul_f64(1.0 - jitter.clamp(0.0, 1.0) * 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_the_reconnection_time_and_grows_to_the_cap() {
        let base = Duration::from_secs(3);
        let max = Duration::from_secs(60);
        assert_eq!(backoff(base, 0, max, 0.9), base);
        assert_eq!(backoff(base, 1, max, 0.9), base);
        assert_eq!(backoff(base, 2, max, 0.0), Duration::from_secs(6));
        assert_eq!(backoff(base, 3, max, 0.0), Duration::from_secs(12));
        assert_eq!(backoff(base, 10, max, 0.0), max);
        assert_eq!(backoff(base, 10, max, 1.0), max / 2);
        assert_eq!(backoff(base, u32::MAX, max, 0.0), max);
        // A server-set retry above the cap is still honoured.
        let long = Duration::from_secs(120);
        assert_eq!(backoff(long, 5, max, 0.0), long);
    }
}
