use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::access::{
    check_publish_token, check_required_header, check_write, host_refusal, json, HttpState, Refusal,
    APP_ORIGINS,
};
use crate::answer_headers::{EVENT_STREAM_HEADERS, READ_HEADERS};
use crate::broker::{Publish, Start};
use crate::clients::{opening, Answer, Opening};
use crate::fault_api;
use crate::report_card;
use crate::subscription::Subscription;

const DEMO_PAGE: &str = include_str!("../assets/index.html");
const DEMO_SCRIPT: &str = include_str!("../assets/demo.js");

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

#[derive(Debug, serde::Deserialize)]
pub(crate) struct EventsQuery {
    pub(crate) stream: Option<String>,
    /// For a browser's first connection, which cannot set `Last-Event-ID` itself.
    #[serde(rename = "lastEventId")]
    pub(crate) last_event_id: Option<String>,
    /// Names the client for fault profiles (EventSource cannot send `X-SSE-Client`).
    pub(crate) client: Option<String>,
}

pub(crate) fn router(state: HttpState) -> Router {
    // Any origin may read the streams: the Tauri webview's origin is `tauri://localhost`
    // (or `http://tauri.localhost`), and an EventSource without this header closes at once.
    // Publishing gets no CORS: a page on another origin cannot post JSON to it.
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET]).allow_headers(Any);
    let read = Router::new()
        .route("/", get(demo_page))
        .route("/demo.js", get(demo_script))
        .route("/events", get(events).fallback(events_other_method))
        .route("/streams", get(list_streams))
        .layer(cors);
    // Room for the JSON around the largest data; the handler checks the data itself.
    let body_limit = state.broker.config().max_event_size.saturating_mul(2).saturating_add(64 * 1024);
    // Publishing gets CORS for the app's own webview only: no other page may publish.
    let app_origins = AllowOrigin::list(APP_ORIGINS.map(HeaderValue::from_static));
    let write_cors = CorsLayer::new()
        .allow_origin(app_origins)
        .allow_methods([Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
        ]);
    let write = Router::new()
        .route("/streams/{name}", put(create_stream))
        .route("/streams/{name}/events", post(publish))
        .route("/streams/{name}/kick", post(kick))
        .route(
            "/streams/{name}/faults",
            put(fault_api::set_faults).get(fault_api::get_faults).delete(fault_api::clear_faults),
        )
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(write_cors);
    // Other clients' requests: no CORS, so no page can read them.
    let private = Router::new().route("/clients", get(report_card::get_clients));
    read.merge(write)
        .merge(private)
        .layer(axum::middleware::from_fn_with_state(state.clone(), check_host))
        .with_state(state)
}

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

/// The peer's address, put on each request hyper serves (for the client record).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerAddr(pub(crate) Option<std::net::IpAddr>);

async fn events(
    State(state): State<HttpState>,
    peer: Option<axum::Extension<PeerAddr>>,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refusal> {
    let client = query.as_ref().ok().and_then(|Query(query)| query.client.clone());
    let peer = peer.and_then(|axum::Extension(PeerAddr(ip))| ip);
    let opening = opening(method.as_str(), &uri, &headers, client.as_deref(), peer);
    let opened = match query {
        Ok(Query(query)) => open_subscription(&state, &headers, query),
        Err(rejection) => Err(Refusal(StatusCode::BAD_REQUEST, rejection.body_text())),
    };
    let subscription = match opened {
        Ok(subscription) => subscription,
        Err(refusal) => {
            state.clients.refused(&opening, refusal.0.as_u16());
            return Err(refusal);
        }
    };
    let record = state.clients.open(&opening, Answer::stream(None));
    let mut response = Response::new(Body::from_stream(subscription.into_body_stream(record)));
    // The read router's CorsLayer adds the CORS part of READ_HEADERS.
    let [cache_control, ..] = READ_HEADERS;
    for (name, value) in EVENT_STREAM_HEADERS.iter().chain([&cache_control]) {
        response.headers_mut().insert(*name, HeaderValue::from_static(value));
    }
    Ok(response)
}

/// `/events` with another method than GET: recorded (a client that changes its method or body
/// on a reconnect shows on its card), then refused.
async fn events_other_method(
    State(state): State<HttpState>,
    peer: Option<axum::Extension<PeerAddr>>,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client = Query::<EventsQuery>::try_from_uri(&uri).ok().and_then(|Query(query)| query.client);
    let peer = peer.and_then(|axum::Extension(PeerAddr(ip))| ip);
    let opening = Opening {
        body: (!body.is_empty()).then_some(&body[..]),
        ..opening(method.as_str(), &uri, &headers, client.as_deref(), peer)
    };
    state.clients.refused(&opening, StatusCode::METHOD_NOT_ALLOWED.as_u16());
    let reason = format!("{method} is not allowed here: subscribe with GET /events?stream=NAME\n");
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], reason).into_response()
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

/// `POST /streams/NAME/kick` with `{}`: every open subscription ends (clients reconnect);
/// with `{"everyMs": N}` again every N ms (a reconnect storm), until `{"everyMs": 0}`.
async fn kick(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    check_write(&state, &headers, "kick with Content-Type: application/json and {} or {\"everyMs\": N}")?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Kick {
        every_ms: Option<u64>,
    }
    let kick: Kick = serde_json::from_slice(&body).map_err(|error| {
        Refusal(StatusCode::BAD_REQUEST, format!("body must be {{}} or {{\"everyMs\": N}}: {error}"))
    })?;
    let kicked = state.broker.kick(&name)?;
    let every = kick.every_ms.filter(|ms| *ms > 0);
    if let Some(ms) = every {
        if !(MIN_KICK_EVERY_MS..=MAX_KICK_EVERY_MS).contains(&ms) {
            return Err(Refusal(
                StatusCode::BAD_REQUEST,
                format!("`everyMs` is {ms} ms: it must be 0 (stop) or between {MIN_KICK_EVERY_MS} and {MAX_KICK_EVERY_MS}"),
            ));
        }
    }
    state.repeat_kicks(&name, every.map(std::time::Duration::from_millis));
    match kick.every_ms {
        Some(_) => {
            json(StatusCode::OK, &serde_json::json!({ "kicked": kicked, "everyMs": every.unwrap_or(0) }))
        }
        None => json(StatusCode::OK, &serde_json::json!({ "kicked": kicked })),
    }
}

const MIN_KICK_EVERY_MS: u64 = 100;
const MAX_KICK_EVERY_MS: u64 = 10 * 60 * 1000;

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
