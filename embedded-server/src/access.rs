//! Who may do what, and how a refusal reads: the server's shared state, the Host check (DNS
//! rebinding), `--require-header`, the publish token, the JSON rule for writes, and refusals
//! as one plain-text line with their status.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio_util::sync::CancellationToken;

use crate::broker::Broker;
use crate::clients::ClientBook;
use crate::error::BrokerError;
use sse_faults::FaultBook;

#[derive(Clone)]
pub(crate) struct HttpState {
    pub(crate) broker: Broker,
    pub(crate) keep_alive: Duration,
    pub(crate) required_header: Option<(HeaderName, HeaderValue)>,
    pub(crate) publish_token: Option<String>,
    /// Bound to a loopback address: requests must name a loopback host (DNS rebinding).
    pub(crate) loopback_only: bool,
    pub(crate) shutdown: CancellationToken,
    /// The fault profiles set, by stream.
    pub(crate) faults: FaultBook,
    /// Every client's connection attempts, for the report card.
    pub(crate) clients: ClientBook,
    /// Streams kicked again and again (`{"everyMs": N}`): each one's stop.
    pub(crate) repeating_kicks: Arc<Mutex<HashMap<String, CancellationToken>>>,
}

impl HttpState {
    /// Kicks `stream` every `every` from now on (none: stops repeating), until shutdown.
    pub(crate) fn repeat_kicks(&self, stream: &str, every: Option<Duration>) {
        let mut kicks = self.repeating_kicks.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(previous) = kicks.remove(stream) {
            previous.cancel();
        }
        let Some(every) = every else { return };
        let stop = self.shutdown.child_token();
        kicks.insert(stream.to_owned(), stop.clone());
        let (broker, stream) = (self.broker.clone(), stream.to_owned());
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(every) => {
                        if broker.kick(&stream).is_err() {
                            return;
                        }
                    }
                }
            }
        });
    }
}

/// The Tauri webview's origins: the only pages that may publish from a browser.
pub(crate) const APP_ORIGINS: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

/// While bound to loopback, a request naming another host is refused: it comes from a page
/// whose domain was made to resolve to 127.0.0.1 (DNS rebinding), not from this machine's user.
pub(crate) fn host_refusal(state: &HttpState, headers: &HeaderMap) -> Option<Refusal> {
    if !state.loopback_only {
        return None;
    }
    let host = headers.get(header::HOST)?.to_str().unwrap_or("\u{FFFD}");
    if sse_wire::is_loopback_host(host) {
        return None;
    }
    let shown: String = host.chars().take(100).collect();
    Some(Refusal(
        StatusCode::FORBIDDEN,
        format!(
            "Host `{shown}` is refused: this server listens on loopback only, so requests must name it \
             localhost or 127.0.0.1 (DNS-rebinding protection)"
        ),
    ))
}

/// Publishing and creating streams: with `--publish-token`, only with that bearer token; with
/// none, only while bound to loopback.
pub(crate) fn check_publish_token(state: &HttpState, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(token) = &state.publish_token else {
        if state.loopback_only {
            return Ok(());
        }
        return Err(Refusal(
            StatusCode::FORBIDDEN,
            "publishing over the network is off: start sse-server with --publish-token TOKEN".into(),
        ));
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if sent.is_some_and(|sent| constant_time_eq(sent.trim().as_bytes(), token.as_bytes())) {
        Ok(())
    } else {
        Err(Refusal(
            StatusCode::UNAUTHORIZED,
            "publishing needs `Authorization: Bearer TOKEN` (--publish-token)".into(),
        ))
    }
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

pub(crate) fn plain_error(status: StatusCode, reason: impl Into<String>) -> Response {
    let mut line = reason.into();
    line.push('\n');
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], line).into_response()
}

impl From<BrokerError> for Refusal {
    fn from(error: BrokerError) -> Self {
        let status = match error {
            BrokerError::UnknownStream(_) => StatusCode::NOT_FOUND,
            BrokerError::InvalidStreamName | BrokerError::InvalidEventType => StatusCode::BAD_REQUEST,
            BrokerError::EventTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            BrokerError::TooManySubscribers { .. }
            | BrokerError::Storage(_)
            | BrokerError::Interrupted(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        Refusal(status, error.to_string())
    }
}

pub(crate) fn json(status: StatusCode, value: &impl serde::Serialize) -> Result<Response, Refusal> {
    let body = serde_json::to_vec(value).map_err(|error| {
        Refusal(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot encode JSON: {error}"))
    })?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A refused request: its status and one-line reason, sent as plain text.
pub(crate) struct Refusal(pub(crate) StatusCode, pub(crate) String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        plain_error(self.0, self.1)
    }
}

/// Checks `--require-header`: subscribers without it get a 401 with the reason.
pub(crate) fn check_required_header(state: &HttpState, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some((name, expected)) = &state.required_header else { return Ok(()) };
    match headers.get(name) {
        Some(value) if value == expected => Ok(()),
        Some(_) => Err(Refusal(StatusCode::UNAUTHORIZED, format!("header `{name}` has the wrong value"))),
        None => Err(Refusal(StatusCode::UNAUTHORIZED, format!("missing required header `{name}`"))),
    }
}

/// Where to start: the `Last-Event-ID` header wins over the `lastEventId` query parameter.
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    sse_wire::has_essence(content_type, "application/json")
}

/// What every writing request must pass: the publish token, and a JSON body (so a page on
/// another origin needs a CORS preflight, which is refused); `usage` is the 415's advice.
pub(crate) fn check_write(state: &HttpState, headers: &HeaderMap, usage: &str) -> Result<(), Refusal> {
    check_publish_token(state, headers)?;
    if !is_json(headers) {
        return Err(Refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, usage.into()));
    }
    Ok(())
}
