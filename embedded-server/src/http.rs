use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{Any, CorsLayer};

use crate::broker::Broker;
use crate::error::BrokerError;
use crate::subscription::Subscription;

const DEMO_PAGE: &str = include_str!("../assets/index.html");
const DEMO_SCRIPT: &str = include_str!("../assets/demo.js");

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) broker: Broker,
    pub(crate) keep_alive: Duration,
    pub(crate) shutdown: CancellationToken,
}

#[derive(serde::Deserialize)]
struct EventsQuery {
    stream: Option<String>,
}

pub(crate) fn router(state: AppState) -> Router {
    // Any origin may read the streams: the Tauri webview's origin is `tauri://localhost`
    // (or `http://tauri.localhost`), and an EventSource without this header closes at once.
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET]).allow_headers(Any);
    Router::new()
        .route("/", get(demo_page))
        .route("/demo.js", get(demo_script))
        .route("/events", get(events))
        .layer(cors)
        .with_state(state)
}

fn plain_error(status: StatusCode, reason: impl Into<String>) -> Response {
    let mut line = reason.into();
    line.push('\n');
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], line).into_response()
}

async fn events(State(state): State<AppState>, Query(query): Query<EventsQuery>) -> Response {
    let Some(stream) = query.stream.filter(|s| !s.is_empty()) else {
        return plain_error(
            StatusCode::BAD_REQUEST,
            "missing `stream` query parameter, e.g. /events?stream=messages",
        );
    };
    let receiver = match state.broker.subscribe(&stream) {
        Ok(receiver) => receiver,
        Err(error @ BrokerError::UnknownStream(_)) => {
            return plain_error(StatusCode::NOT_FOUND, error.to_string())
        }
        Err(error) => return plain_error(StatusCode::BAD_REQUEST, error.to_string()),
    };
    tracing::debug!(stream, "subscriber joined");
    let body = Subscription::new(receiver, state.keep_alive, state.shutdown.clone()).into_body_stream();
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        // Tells nginx-style proxies not to buffer the stream.
        .header("x-accel-buffering", HeaderValue::from_static("no"))
        .body(Body::from_stream(body))
        .unwrap_or_else(|_| plain_error(StatusCode::INTERNAL_SERVER_ERROR, "cannot build response"))
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
