//! `sse-sub --check`: the server check's connections, side by side within `--check-for`, each
//! what a browser or a client would open: the one watched throughout (asking for compression as
//! a browser does), one with an id the server never sent, seven at once (one of them from
//! another origin), a resume halfway with an id the watched one saw a second before, and the
//! preflight of a `fetch()` stream. What they see goes into `sse_server_check`, which grades.
//! A request with a body opens the watched connection only.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use sse_server_check::{
    Concurrent, Head, Observations, Preflight, SideConnection, Watch, CHECK_ORIGIN, CONCURRENT_CONNECTIONS,
    RESUME_COMPARED, RESUME_ID_AGE_MS,
};

use crate::connection::build_client;
use crate::error::{FailedResponse, SubscribeError};
use crate::request::SubscribeRequest;
use crate::subscription::{Subscription, Update};

/// Connections the check opens at most: watched, resume, unknown id, seven at once, preflight.
pub const MAX_CONNECTIONS: u32 = 3 + CONCURRENT_CONNECTIONS + 1;

/// The `Accept-Encoding` a browser sends: a server that compresses is seen compressing.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// The check's clock: milliseconds since it started.
#[derive(Clone, Copy)]
struct Clock(Instant);

impl Clock {
    fn ms(self) -> u64 {
        u64::try_from(self.0.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A head from a response that opened a stream.
fn head_of(status: u16, headers: &reqwest::header::HeaderMap, version: Option<String>, at_ms: u64) -> Head {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect();
    Head { status, headers, version: version.unwrap_or_default(), at_ms }
}

/// A head from a refused answer, when the error carries one.
fn refused_head(error: &SubscribeError, at_ms: u64) -> Option<Head> {
    let response: &FailedResponse = match error {
        SubscribeError::Status { response, .. } | SubscribeError::ContentType { response, .. } => response,
        _ => return None,
    };
    let headers =
        response.headers.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.clone())).collect();
    Some(Head { status: response.status, headers, version: String::new(), at_ms })
}

/// Whether the check got no HTTP response at all (DNS, refused, TLS, no head in time).
pub fn is_unreachable(seen: &Observations) -> bool {
    seen.watched.head.is_none() && seen.watched.failure.is_some()
}

/// Runs the check of `request` for `check_for`, or until `stop` resolves (Ctrl-C): what it saw
/// by then.
pub async fn run_check(
    request: &SubscribeRequest,
    check_for: Duration,
    stop: impl Future<Output = ()>,
) -> Observations {
    let clock = Clock(Instant::now());
    let deadline = tokio::time::Instant::now() + check_for;
    let with_body = request.body.is_some();
    let with_credentials =
        request.headers.contains_key("authorization") || request.headers.contains_key("cookie");
    let watch = Arc::new(Mutex::new(Watch::default()));
    let mut seen = Observations {
        url: request.url.to_string(),
        check_for_ms: u64::try_from(check_for.as_millis()).unwrap_or(u64::MAX),
        connect_timeout_ms: u64::try_from(request.connect_timeout.as_millis()).unwrap_or(u64::MAX),
        with_body,
        with_credentials,
        ..Observations::default()
    };
    let single = request.clone().reconnect(false);
    // The others open once the watched one has its answer: it is the first the server sees.
    let (answered, mut heard) = tokio::sync::watch::channel(false);
    let watched = async {
        let watching = watch_stream(single.clone(), clock, watch.clone(), answered);
        let _ = tokio::time::timeout_at(deadline, watching).await;
    };
    let sides = async {
        let _ = tokio::time::timeout_at(deadline, heard.wait_for(|answered| *answered)).await;
        if with_body {
            let why = "the request has a body: the check opens one connection only".to_owned();
            return (None, None, None, None, None, Some(why));
        }
        let unknown_id = format!("sse-monitor-check-{}", std::process::id());
        let unknown = single.clone().last_event_id(unknown_id.clone());
        let (unknown, (concurrent, cors), preflight, resume) = tokio::join!(
            side(unknown, Some(unknown_id), clock, RESUME_COMPARED, deadline),
            at_once(&single, clock, deadline),
            preflight(request, clock, deadline),
            resume(&single, clock, watch.clone(), check_for / 2, deadline),
        );
        let (resume, skipped) = match resume {
            Ok(resume) => (Some(resume), None),
            Err(why) => (None, Some(why)),
        };
        (Some(unknown), Some(concurrent), Some(cors), Some(preflight), resume, skipped)
    };
    tokio::select! {
        ((), (unknown, concurrent, cors, preflight, resume, skipped)) = async { tokio::join!(watched, sides) } => {
            (seen.unknown_id, seen.concurrent, seen.cors) = (unknown, concurrent, cors);
            (seen.preflight, seen.resume, seen.resume_skipped) = (preflight, resume, skipped);
        }
        () = stop => {}
    }
    seen.ran_for_ms = clock.ms();
    let mut watched = lock(&watch).clone();
    watched.finish(seen.ran_for_ms);
    seen.watched = watched;
    seen
}

/// The watched connection, until the stream ends or fails (the caller's deadline ends it
/// otherwise).
async fn watch_stream(
    request: SubscribeRequest,
    clock: Clock,
    watch: Arc<Mutex<Watch>>,
    answered: tokio::sync::watch::Sender<bool>,
) {
    let request = if request.headers.contains_key("accept-encoding") {
        request
    } else {
        request
            .header(HeaderName::from_static("accept-encoding"), HeaderValue::from_static(BROWSER_ENCODINGS))
    };
    let mut subscription = Subscription::new(request.report_raw(true));
    while let Some(update) = subscription.next().await {
        let at = clock.ms();
        let mut watch = lock(&watch);
        match update {
            Update::Connecting { .. } => watch.sent(at),
            Update::Open { status, headers, .. } => {
                watch.head(head_of(status, &headers, subscription.http_version(), at));
                answered.send_replace(true);
            }
            Update::Raw(read) => watch.read(at, read.bytes.len(), read.compressed.map(|c| c.wire_bytes)),
            Update::Event(event) => {
                let retry = event.retry.map(|r| u64::try_from(r.as_millis()).unwrap_or(u64::MAX));
                watch.event(at, &event.id, event.id_set, retry);
            }
            Update::Error { error, .. } => {
                if let Some(head) = refused_head(&error, at) {
                    watch.head(head);
                }
                watch.ended(at, Some(error.to_string()));
                answered.send_replace(true);
                return;
            }
            Update::Closed { .. } => {
                watch.ended(at, None);
                answered.send_replace(true);
                return;
            }
            Update::Retrying { .. } | Update::FirstByte { .. } => {}
        }
        // A `retry` in a block of its own dispatches no event: read from the parser.
        if let Some(retry) = subscription.reconnection_time() {
            watch.reconnection_time(u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
        }
    }
}

/// A connection beside the watched one, kept until it has `events` events, or until the
/// deadline.
async fn side(
    request: SubscribeRequest,
    sent_id: Option<String>,
    clock: Clock,
    events: usize,
    deadline: tokio::time::Instant,
) -> SideConnection {
    let mut connection = SideConnection { sent_id, at_ms: clock.ms(), ..SideConnection::default() };
    let mut subscription = Subscription::new(request);
    while let Ok(Some(update)) = tokio::time::timeout_at(deadline, subscription.next()).await {
        match update {
            Update::Open { status, headers, .. } => {
                connection.head = Some(head_of(status, &headers, subscription.http_version(), clock.ms()));
            }
            Update::Event(event) => {
                connection.first_ids.push(event.id);
                if connection.first_ids.len() >= events {
                    break;
                }
            }
            Update::Error { error, .. } => {
                connection.head = connection.head.take().or_else(|| refused_head(&error, clock.ms()));
                connection.failure = Some(error.to_string());
                break;
            }
            Update::Closed { reason, .. } => {
                connection.failure.get_or_insert(reason);
                break;
            }
            _ => {}
        }
    }
    connection
}

/// Seven connections at once, the first from another origin; each until its first event.
async fn at_once(
    request: &SubscribeRequest,
    clock: Clock,
    deadline: tokio::time::Instant,
) -> (Concurrent, SideConnection) {
    let origin = HeaderValue::from_static(CHECK_ORIGIN);
    let from_elsewhere = request.clone().header(HeaderName::from_static("origin"), origin);
    let cors = side(from_elsewhere, None, clock, 1, deadline);
    let others = (1..CONCURRENT_CONNECTIONS).map(|_| side(request.clone(), None, clock, 1, deadline));
    let (cors, others) = tokio::join!(cors, futures_util::future::join_all(others));
    let mut concurrent = Concurrent { opened: CONCURRENT_CONNECTIONS, ..Concurrent::default() };
    for connection in std::iter::once(&cors).chain(&others) {
        if connection.first_ids.is_empty() {
            let why = connection.failure.clone().unwrap_or_else(|| "no event within the check".into());
            concurrent.failures.push(why);
        } else {
            concurrent.served += 1;
        }
    }
    (concurrent, cors)
}

/// Halfway through, a resume with an id the watched connection saw at least a second before.
async fn resume(
    request: &SubscribeRequest,
    clock: Clock,
    watch: Arc<Mutex<Watch>>,
    halfway: Duration,
    deadline: tokio::time::Instant,
) -> Result<SideConnection, String> {
    // The protocol's own wait: the resume opens halfway through the check.
    tokio::time::sleep_until(tokio::time::Instant::from_std(clock.0 + halfway)).await;
    let id = lock(&watch).id_to_resume(clock.ms(), RESUME_ID_AGE_MS);
    let Some(id) = id else {
        return Err("no event with an id came a second before halfway: nothing to resume from".into());
    };
    Ok(side(request.clone().last_event_id(id.clone()), Some(id), clock, RESUME_COMPARED, deadline).await)
}

/// The `OPTIONS` a browser sends before a cross-origin `fetch()` stream with the request's
/// method and headers.
async fn preflight(request: &SubscribeRequest, clock: Clock, deadline: tokio::time::Instant) -> Preflight {
    let safelisted = ["accept", "accept-language", "content-language", "content-type"];
    let mut asked: Vec<String> = request
        .headers
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| !safelisted.contains(&name.as_str()))
        .collect();
    asked.sort();
    asked.dedup();
    let mut seen = Preflight {
        asked_headers: asked.clone(),
        method: request.method.to_string(),
        ..Preflight::default()
    };
    let client = match build_client(request) {
        Ok(client) => client,
        Err(error) => {
            seen.failure = Some(error.to_string());
            return seen;
        }
    };
    let mut options = client
        .request(reqwest::Method::OPTIONS, request.url.clone())
        .header("origin", CHECK_ORIGIN)
        .header("access-control-request-method", request.method.as_str());
    if !asked.is_empty() {
        options = options.header("access-control-request-headers", asked.join(","));
    }
    let limit =
        (tokio::time::Instant::now() + request.connect_timeout.max(Duration::from_secs(1))).min(deadline);
    match tokio::time::timeout_at(limit, options.send()).await {
        Ok(Ok(response)) => {
            let version = Some(format!("{:?}", response.version()));
            seen.head = Some(head_of(response.status().as_u16(), response.headers(), version, clock.ms()));
        }
        Ok(Err(error)) => seen.failure = Some(crate::error::root_cause(&error)),
        Err(_) => seen.failure = Some("no answer to the OPTIONS request in time".into()),
    }
    seen
}
