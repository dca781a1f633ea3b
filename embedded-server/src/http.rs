use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::broker::{Broker, Publish, Start};
use crate::error::BrokerError;
use crate::subscription::Subscription;

const DEMO_PAGE: &str = include_str!("../assets/index.html");
const DEMO_SCRIPT: &str = include_str!("../assets/demo.js");

#[derive(Clone)]
pub(crate) struct HttpState {
    pub(crate) broker: Broker,
    pub(crate) keep_alive: Duration,
    pub(crate) required_header: Option<(HeaderName, HeaderValue)>,
    pub(crate) publish_token: Option<String>,
    /// Bound to a loopback address: requests must name a loopback host (DNS rebinding).
    pub(crate) loopback_only: bool,
    pub(crate) shutdown: CancellationToken,
}

/// The Tauri webview's origins: the only pages that may publish from a browser.
const APP_ORIGINS: [&str; 2] = ["tauri://localhost", "http://tauri.localhost"];

/// Whether `host` (a `Host` header: name or address, maybe a port) names this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            _ => host,
        },
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// While bound to loopback, a request naming another host is refused: it comes from a page
/// whose domain was made to resolve to 127.0.0.1 (DNS rebinding), not from this machine's user.
pub(crate) fn host_refusal(state: &HttpState, headers: &HeaderMap) -> Option<Refusal> {
    if !state.loopback_only {
        return None;
    }
    let host = headers.get(header::HOST)?.to_str().unwrap_or("\u{FFFD}");
    if is_loopback_host(host) {
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

async fn check_host(
    State(state): State<HttpState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match host_refusal(&state, request.headers()) {
        Some(refusal) => refusal.into_response(),
        None => next.run(request).await,
    }
}

/// Publishing and creating streams: with `--publish-token`, only with that bearer token; with
/// none, only while bound to loopback.
fn check_publish_token(state: &HttpState, headers: &HeaderMap) -> Result<(), Refusal> {
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

#[derive(Debug, serde::Deserialize)]
pub(crate) struct EventsQuery {
    pub(crate) stream: Option<String>,
    /// For a browser's first connection, which cannot set `Last-Event-ID` itself.
    #[serde(rename = "lastEventId")]
    pub(crate) last_event_id: Option<String>,
}

pub(crate) fn router(state: HttpState) -> Router {
    // Any origin may read the streams: the Tauri webview's origin is `tauri://localhost`
    // (or `http://tauri.localhost`), and an EventSource without this header closes at once.
    // Publishing gets no CORS: a page on another origin cannot post JSON to it.
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET]).allow_headers(Any);
    let read = Router::new()
        .route("/", get(demo_page))
        .route("/demo.js", get(demo_script))
        .route("/events", get(events))
        .route("/streams", get(list_streams))
        .layer(cors);
    // Room for the JSON around the largest data; the handler checks the data itself.
    let body_limit = state.broker.config().max_event_size.saturating_mul(2).saturating_add(64 * 1024);
    // Publishing gets CORS for the app's own webview only: no other page may publish.
    let app_origins = AllowOrigin::list(APP_ORIGINS.map(HeaderValue::from_static));
    let write_cors =
        CorsLayer::new().allow_origin(app_origins).allow_methods([Method::POST, Method::PUT]).allow_headers(
            [header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("idempotency-key")],
        );
    let write = Router::new()
        .route("/streams/{name}", put(create_stream))
        .route("/streams/{name}/events", post(publish))
        .route("/streams/{name}/kick", post(kick))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(write_cors);
    read.merge(write).layer(axum::middleware::from_fn_with_state(state.clone(), check_host)).with_state(state)
}

fn plain_error(status: StatusCode, reason: impl Into<String>) -> Response {
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

fn json(status: StatusCode, value: &impl serde::Serialize) -> Result<Response, Refusal> {
    let body = serde_json::to_vec(value).map_err(|error| {
        Refusal(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot encode JSON: {error}"))
    })?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A refused request: its status and one-line reason, sent as plain text.
pub(crate) struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        plain_error(self.0, self.1)
    }
}

/// Checks `--require-header`: subscribers without it get a 401 with the reason.
fn check_required_header(state: &HttpState, headers: &HeaderMap) -> Result<(), Refusal> {
    let Some((name, expected)) = &state.required_header else { return Ok(()) };
    match headers.get(name) {
        Some(value) if value == expected => Ok(()),
        Some(_) => Err(Refusal(StatusCode::UNAUTHORIZED, format!("header `{name}` has the wrong value"))),
        None => Err(Refusal(StatusCode::UNAUTHORIZED, format!("missing required header `{name}`"))),
    }
}

/// Where to start: the `Last-Event-ID` header wins over the `lastEventId` query parameter.
fn start_from(headers: &HeaderMap, query: Option<&str>) -> Result<Start, Refusal> {
    let header = headers.get("last-event-id").map(|v| v.to_str().unwrap_or("\u{FFFD}"));
    let Some(raw) = header.or(query).map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Start::Now);
    };
    raw.parse::<u64>().map(Start::After).map_err(|_| {
        let shown: String = raw.chars().take(64).collect();
        Refusal(
            StatusCode::BAD_REQUEST,
            format!("Last-Event-ID must be an event id (an integer), got `{shown}`"),
        )
    })
}

/// Checks a subscribe request and opens its subscription, or gives the refusal to send.
/// Shared by the router and the lean SSE path (`lean_sse.rs`), so both answer alike.
pub(crate) fn open_subscription(
    state: &HttpState,
    headers: &HeaderMap,
    query: EventsQuery,
) -> Result<Subscription, Refusal> {
    check_required_header(state, headers)?;
    let Some(stream) = query.stream.filter(|s| !s.is_empty()) else {
        return Err(Refusal(
            StatusCode::BAD_REQUEST,
            "missing `stream` query parameter, e.g. /events?stream=messages".into(),
        ));
    };
    let start = start_from(headers, query.last_event_id.as_deref())?;
    let receiver = state.broker.subscribe(&stream, start)?;
    tracing::debug!(stream, ?start, "subscriber joined");
    // A child token per subscription: waiting on it locks its own node, not one shared by all.
    Ok(Subscription::new(receiver, state.keep_alive, state.shutdown.child_token()))
}

/// The headers of an event stream response, besides CORS and framing.
pub(crate) const EVENT_STREAM_HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream"),
    ("cache-control", "no-cache"),
    // Tells nginx-style proxies not to buffer the stream.
    ("x-accel-buffering", "no"),
];

async fn events(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Result<Response, Refusal> {
    let subscription = open_subscription(&state, &headers, query)?;
    let mut response = Response::new(Body::from_stream(subscription.into_body_stream()));
    for (name, value) in EVENT_STREAM_HEADERS {
        response.headers_mut().insert(name, HeaderValue::from_static(value));
    }
    Ok(response)
}

async fn list_streams(State(state): State<HttpState>) -> Result<Response, Refusal> {
    json(StatusCode::OK, &state.broker.streams())
}

async fn create_stream(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    check_publish_token(&state, &headers)?;
    let status =
        if state.broker.create_stream_async(&name).await? { StatusCode::CREATED } else { StatusCode::OK };
    json(status, &serde_json::json!({ "name": name }))
}

fn is_json(headers: &HeaderMap) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// What every writing request must pass: the publish token, and a JSON body (so a page on
/// another origin needs a CORS preflight, which is refused); `usage` is the 415's advice.
fn check_write(state: &HttpState, headers: &HeaderMap, usage: &str) -> Result<(), Refusal> {
    check_publish_token(state, headers)?;
    if !is_json(headers) {
        return Err(Refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, usage.into()));
    }
    Ok(())
}

async fn publish(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    check_write(&state, &headers, "publish with Content-Type: application/json")?;
    let publish: Publish = serde_json::from_slice(&body).map_err(|error| {
        Refusal(
            StatusCode::BAD_REQUEST,
            format!("body must be {{\"event\"?: string, \"data\": string, \"retry\"?: integer}}: {error}"),
        )
    })?;
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(key)) if !key.is_empty() && key.len() <= 256 => Some(key),
        Some(_) => {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                "Idempotency-Key must be 1 to 256 visible ASCII characters".into(),
            ))
        }
    };
    let published = state.broker.publish_async(&name, publish, key).await?;
    let status = if published.replayed { StatusCode::OK } else { StatusCode::CREATED };
    let mut response = json(status, &serde_json::json!({ "id": published.id }))?;
    if published.replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `POST /streams/NAME/kick` with `{}`: every open subscription ends (clients reconnect).
async fn kick(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    check_write(&state, &headers, "kick with Content-Type: application/json and {}")?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Kick {}
    let _: Kick = serde_json::from_slice(&body)
        .map_err(|error| Refusal(StatusCode::BAD_REQUEST, format!("body must be {{}}: {error}")))?;
    let kicked = state.broker.kick(&name)?;
    json(StatusCode::OK, &serde_json::json!({ "kicked": kicked }))
}

async fn demo_page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'self'; style-src 'self' 'unsafe-inline'"),
        ],
        DEMO_PAGE,
    )
        .into_response()
}

async fn demo_script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], DEMO_SCRIPT).into_response()
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn loopback_hosts_are_told_from_others() {
        for host in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.",
            "app.localhost:1",
            "127.0.0.1",
            "127.0.0.1:80",
            "127.8.9.1",
            "[::1]:8080",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "10.0.0.1:80",
            "[::2]",
            "",
            "127.0.0.1.evil",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
