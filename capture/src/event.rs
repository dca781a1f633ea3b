use std::borrow::Cow;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{parse_rfc3339, rfc3339};

/// One event of a capture: the fields of `sse-sub --json`, and when it was received if that
/// was recorded. Writers borrow their strings; readers get owned ones (`CapturedEvent<'static>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedEvent<'a> {
    /// The event type; `message` when the line names none.
    #[serde(default = "message")]
    pub event: Cow<'a, str>,
    pub data: Cow<'a, str>,
    /// The last event id as EventSource defines it (`""` when none was set).
    #[serde(default)]
    pub id: Cow<'a, str>,
    /// The reconnection time in ms, when this event's block set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<u64>,
    /// The receive time, RFC 3339 in UTC with microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional_time")]
    pub time: Option<SystemTime>,
}

fn message() -> Cow<'static, str> {
    Cow::Borrowed("message")
}

impl CapturedEvent<'_> {
    /// A `message` event with `data` and nothing else.
    pub fn message(data: impl Into<String>) -> CapturedEvent<'static> {
        CapturedEvent {
            event: message(),
            data: Cow::Owned(data.into()),
            id: Cow::Borrowed(""),
            retry: None,
            time: None,
        }
    }

    /// The same event owning its strings.
    pub fn into_owned(self) -> CapturedEvent<'static> {
        CapturedEvent {
            event: Cow::Owned(self.event.into_owned()),
            data: Cow::Owned(self.data.into_owned()),
            id: Cow::Owned(self.id.into_owned()),
            retry: self.retry,
            time: self.time,
        }
    }
}

/// An optional time as RFC 3339 text, for `#[serde(with = ...)]`.
pub(crate) mod optional_time {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        time: &Option<SystemTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => serializer.serialize_str(&rfc3339(*time)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        let Some(text) = Option::<Cow<'de, str>>::deserialize(deserializer)? else { return Ok(None) };
        parse_rfc3339(&text).map(Some).ok_or_else(|| {
            let shown: String = text.chars().take(64).collect();
            serde::de::Error::custom(format!("bad time `{shown}`"))
        })
    }
}
