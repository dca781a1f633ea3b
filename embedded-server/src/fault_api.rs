//! `PUT`, `GET` and `DELETE /streams/NAME/faults`: a stream's fault profile set, read and
//! cleared over HTTP, under the publish API's rules (JSON only, no CORS for other origins, the
//! publish token when one is set). A profile that does not parse is a 400 naming the field.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::access::{check_publish_token, check_write, json, HttpState, Refusal};
use crate::error::BrokerError;
use sse_faults::FaultProfile;

fn known_stream(state: &HttpState, name: &str) -> Result<(), Refusal> {
    if state.broker.has_stream(name) {
        Ok(())
    } else {
        Err(BrokerError::UnknownStream(name.to_owned()).into())
    }
}

/// Sets the stream's profile (replacing one set before); it applies to subscriptions opened
/// from now on. Answers the profile as it will apply.
pub(crate) async fn set_faults(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    check_write(
        &state,
        &headers,
        "set a fault profile with Content-Type: application/json (see docs/faults.md)",
    )?;
    known_stream(&state, &name)?;
    let profile = FaultProfile::parse(&body).map_err(|error| Refusal(StatusCode::BAD_REQUEST, error.0))?;
    state.faults.set(&name, profile.clone());
    tracing::info!(stream = name, ?profile, "fault profile set");
    json(StatusCode::OK, &profile)
}

/// The stream's profile, or 404 when none is set.
pub(crate) async fn get_faults(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    check_publish_token(&state, &headers)?;
    known_stream(&state, &name)?;
    match state.faults.get(&name) {
        Some(profile) => json(StatusCode::OK, &profile),
        None => Err(Refusal(StatusCode::NOT_FOUND, format!("no fault profile is set on `{name}`"))),
    }
}

/// Clears the stream's profile; `{"cleared": bool}` says whether one was set.
pub(crate) async fn clear_faults(
    State(state): State<HttpState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    check_publish_token(&state, &headers)?;
    known_stream(&state, &name)?;
    let cleared = state.faults.clear(&name);
    json(StatusCode::OK, &serde_json::json!({ "cleared": cleared }))
}
