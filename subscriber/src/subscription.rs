use std::pin::Pin;
use std::time::{Duration, SystemTime};

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};

use crate::error::{root_cause, SubscribeError};
use crate::event::SseEvent;
use crate::request::SubscribeRequest;

type EventStream = Pin<Box<dyn Stream<Item = Result<SseEvent, SubscribeError>> + Send>>;

/// An open event stream: the response was 200 with `Content-Type: text/event-stream`.
pub struct Subscription {
    status: StatusCode,
    headers: HeaderMap,
    events: EventStream,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("status", &self.status).finish_non_exhaustive()
    }
}

/// How long to wait for a TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of an error response's body is read for its reason.
const ERROR_BODY_LIMIT: usize = 4096;

/// Sends the request and checks the response. Events are read from the returned
/// [`Subscription`]; this does not reconnect.
pub async fn connect(request: &SubscribeRequest) -> Result<Subscription, SubscribeError> {
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|e| SubscribeError::Client(root_cause(&e)))?;
    let response = client
        .get(request.url.clone())
        .header(header::ACCEPT, HeaderValue::from_static("text/event-stream"))
        .header(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))
        .headers(request.headers.clone())
        .send()
        .await
        .map_err(|e| SubscribeError::Connect { url: request.url.to_string(), reason: root_cause(&e) })?;

    let status = response.status();
    if status != StatusCode::OK {
        let reason = error_reason(status, response).await;
        return Err(SubscribeError::Status { status: status.as_u16(), reason });
    }
    let content_type = response.headers().get(header::CONTENT_TYPE);
    if !content_type.is_some_and(is_event_stream) {
        let found = content_type.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return Err(SubscribeError::ContentType { found });
    }

    let headers = response.headers().clone();
    let events = response.bytes_stream().eventsource().map(|item| match item {
        Ok(event) => Ok(SseEvent {
            event: event.event,
            data: event.data,
            id: event.id,
            retry: event.retry,
            received_at: SystemTime::now(),
        }),
        Err(EventStreamError::Transport(e)) => Err(SubscribeError::Read(root_cause(&e))),
        Err(EventStreamError::Utf8(e)) => Err(SubscribeError::Parse(format!("invalid UTF-8: {e}"))),
        Err(EventStreamError::Parser(e)) => Err(SubscribeError::Parse(e.to_string())),
    });
    Ok(Subscription { status, headers, events: Box::pin(events) })
}

/// `text/event-stream`, ignoring case and parameters such as `; charset=utf-8`.
fn is_event_stream(value: &HeaderValue) -> bool {
    let Ok(value) = value.to_str() else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}

/// The status's name and the first line of the body, read with a size and time limit.
async fn error_reason(status: StatusCode, response: Response) -> String {
    let mut reason = status.canonical_reason().unwrap_or_default().to_owned();
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    let read = async {
        while let Some(Ok(chunk)) = chunks.next().await {
            body.extend_from_slice(&chunk);
            if body.len() >= ERROR_BODY_LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), read).await;
    let text = String::from_utf8_lossy(&body[..body.len().min(ERROR_BODY_LIMIT)]).into_owned();
    if let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
        let line: String = line.chars().take(200).collect();
        if reason.is_empty() {
            reason = line;
        } else {
            reason = format!("{reason}: {line}");
        }
    }
    reason
}

impl Subscription {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next event; `None` when the server ended the stream.
    pub async fn next_event(&mut self) -> Option<Result<SseEvent, SubscribeError>> {
        self.events.next().await
    }
}

impl Stream for Subscription {
    type Item = Result<SseEvent, SubscribeError>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.events.as_mut().poll_next(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parameters_and_case_are_ignored() {
        for ok in ["text/event-stream", "text/event-stream; charset=utf-8", "Text/Event-Stream ;x=y"] {
            assert!(is_event_stream(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in ["text/plain", "text/event-streams", "application/json"] {
            assert!(!is_event_stream(&HeaderValue::from_static(bad)), "{bad}");
        }
    }
}
