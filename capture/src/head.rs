use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::event::optional_time;

/// The head line's format version.
pub const CAPTURE_VERSION: u32 = 1;

/// What a capture's optional first line records: the request that opened the stream and the
/// response head that answered it. Headers keep their order and repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureHead {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RecordedRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
}

/// A request as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    /// `[name, value]` pairs as sent.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// When it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional_time")]
    pub time: Option<SystemTime>,
}

/// A response head as received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    /// `[name, value]` pairs as received.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// When the head arrived.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "optional_time")]
    pub time: Option<SystemTime>,
}
