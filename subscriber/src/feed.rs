use std::time::UNIX_EPOCH;

use serde::Serialize;

use crate::error::FailedResponse;
use crate::event::SseEvent;
use crate::request::header_pairs;
use crate::request::SubscribeRequest;
use crate::subscription::{Subscription, Update};

/// A subscription's updates in the shape a UI reads over IPC:
/// `{"kind": "event", ...}` with camelCase fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FeedUpdate {
    Connecting {
        url: String,
        attempt: u32,
    },
    /// `headers` as `[name, value]` pairs, in the order received.
    Open {
        status: u16,
        content_type: String,
        headers: Vec<(String, String)>,
    },
    /// `id_set`: this event's block set the id (else `id` is carried over from earlier ones).
    Event {
        event: String,
        data: String,
        id: String,
        id_set: bool,
        size: usize,
        received_at_ms: u64,
    },
    /// Body bytes as received (invalid UTF-8 replaced), when the request asked for them.
    Raw {
        text: String,
    },
    /// `response`: the response refused (a 4xx, a wrong Content-Type), when there was one.
    Error {
        message: String,
        will_retry: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "ts", ts(optional))]
        response: Option<FailedResponse>,
    },
    Retrying {
        in_ms: u64,
    },
    Closed {
        reason: String,
    },
}

impl From<SseEvent> for FeedUpdate {
    fn from(event: SseEvent) -> Self {
        let received_at_ms = event
            .received_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
        FeedUpdate::Event {
            event: event.event,
            data: event.data,
            id: event.id,
            id_set: event.id_set,
            size: event.size,
            received_at_ms,
        }
    }
}

impl FeedUpdate {
    /// The feed's form of `update`; none for the body's first byte (a timing the feed does
    /// not show).
    pub fn from_update(update: Update) -> Option<Self> {
        Some(match update {
            Update::Connecting { url, attempt, .. } => FeedUpdate::Connecting { url, attempt },
            Update::Open { status, headers, .. } => {
                let content_type = headers
                    .get(reqwest::header::CONTENT_TYPE)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default();
                FeedUpdate::Open { status, content_type, headers: header_pairs(&headers) }
            }
            Update::Event(event) => event.into(),
            Update::Raw(read) => FeedUpdate::Raw { text: String::from_utf8_lossy(&read.bytes).into_owned() },
            Update::Error { error, will_retry } => FeedUpdate::Error {
                message: error.to_string(),
                will_retry,
                response: error.response().cloned(),
            },
            Update::Retrying { delay } => {
                FeedUpdate::Retrying { in_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) }
            }
            Update::Closed { reason, .. } => FeedUpdate::Closed { reason },
            Update::FirstByte { .. } => return None,
        })
    }
}

/// Runs a subscription and hands every update to `emit` until the subscription closes or
/// `emit` returns `false` (its receiver is gone).
pub async fn watch(request: SubscribeRequest, mut emit: impl FnMut(FeedUpdate) -> bool) {
    let mut subscription = Subscription::new(request);
    while let Some(update) = subscription.next().await {
        if let Some(update) = FeedUpdate::from_update(update) {
            if !emit(update) {
                return;
            }
        }
    }
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
            id_set: true,
            retry: None,
            size: 9,
            stream_offset: 9,
            received_at: UNIX_EPOCH + Duration::from_millis(1500),
        };
        let json = serde_json::to_string(&FeedUpdate::from(event)).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"event","event":"message","data":"1","id":"2","idSet":true,"size":9,"receivedAtMs":1500}"#
        );
        let json = serde_json::to_string(&FeedUpdate::Retrying { in_ms: 3000 }).unwrap();
        assert_eq!(json, r#"{"kind":"retrying","inMs":3000}"#);
        let json = serde_json::to_string(&FeedUpdate::Error {
            message: "x".into(),
            will_retry: true,
            response: None,
        })
        .unwrap();
        assert_eq!(json, r#"{"kind":"error","message":"x","willRetry":true}"#);
    }
}
