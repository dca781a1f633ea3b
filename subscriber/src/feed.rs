use std::time::UNIX_EPOCH;

use serde::Serialize;

use crate::event::SseEvent;
use crate::request::SubscribeRequest;
use crate::subscription::connect;

/// What a watched stream reports to a UI: lifecycle changes and events, in order.
///
/// Serialised as `{"kind": "event", ...}` with camelCase fields, the shape the app's UI reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FeedUpdate {
    Connecting {
        url: String,
    },
    Open {
        status: u16,
        content_type: String,
    },
    Event {
        event: String,
        data: String,
        id: String,
        received_at_ms: u64,
    },
    Error {
        message: String,
    },
    /// The server ended the stream.
    Closed,
}

impl From<SseEvent> for FeedUpdate {
    fn from(event: SseEvent) -> Self {
        let received_at_ms = event
            .received_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
        FeedUpdate::Event { event: event.event, data: event.data, id: event.id, received_at_ms }
    }
}

/// Connects and reports every change to `emit` until the stream ends, fails, or `emit`
/// returns `false` (its receiver is gone). Ends with `Closed` or `Error`.
pub async fn watch(request: &SubscribeRequest, mut emit: impl FnMut(FeedUpdate) -> bool) {
    if !emit(FeedUpdate::Connecting { url: request.url().to_string() }) {
        return;
    }
    let mut subscription = match connect(request).await {
        Ok(subscription) => subscription,
        Err(error) => {
            emit(FeedUpdate::Error { message: error.to_string() });
            return;
        }
    };
    let content_type = subscription
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    if !emit(FeedUpdate::Open { status: subscription.status().as_u16(), content_type }) {
        return;
    }
    while let Some(item) = subscription.next_event().await {
        match item {
            Ok(event) => {
                if !emit(event.into()) {
                    return;
                }
            }
            Err(error) => {
                emit(FeedUpdate::Error { message: error.to_string() });
                return;
            }
        }
    }
    emit(FeedUpdate::Closed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn updates_serialise_as_tagged_camel_case() {
        let event = SseEvent {
            event: "message".into(),
            data: "1".into(),
            id: "2".into(),
            retry: None,
            received_at: UNIX_EPOCH + Duration::from_millis(1500),
        };
        let json = serde_json::to_string(&FeedUpdate::from(event)).unwrap();
        assert_eq!(json, r#"{"kind":"event","event":"message","data":"1","id":"2","receivedAtMs":1500}"#);
        let json =
            serde_json::to_string(&FeedUpdate::Open { status: 200, content_type: "x".into() }).unwrap();
        assert_eq!(json, r#"{"kind":"open","status":200,"contentType":"x"}"#);
    }
}
