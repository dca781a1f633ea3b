//! One call of a conversation: a request with its response, its notifications, its rounds,
//! or a message that belongs to no request.

use serde::Serialize;

use crate::era::Era;
use crate::message::{Direction, Via};
use crate::metadata::MetadataHeader;

/// What a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CallKind {
    Request,
    /// A notification that belongs to no request.
    Notification,
    /// A response to no request seen (its request came before the record, or never).
    StrayResponse,
}

/// A request's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// A `result` (else an `error`).
    pub ok: bool,
    /// The result or error as JSON (cut at 16 KiB).
    pub value: String,
    pub at_ms: f64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    pub via: Via,
    /// An error's code and name (`-32020 HeaderMismatch`), or its code and message when the
    /// specification names no such code.
    pub error: Option<String>,
    /// A result that asks the client for input (`resultType: "input_required"`, revision
    /// 2026-07-28): the request is to be retried with the answers.
    pub input_required: bool,
}

/// The name the specification (JSON-RPC's and MCP's schema) gives an error code.
pub fn error_name(code: i64) -> Option<&'static str> {
    Some(match code {
        -32700 => "Parse error",
        -32600 => "Invalid Request",
        -32601 => "Method not found",
        -32602 => "Invalid params",
        -32603 => "Internal error",
        -32020 => "HeaderMismatch",
        -32021 => "MissingRequiredClientCapability",
        -32022 => "UnsupportedProtocolVersion",
        _ => return None,
    })
}

/// An error object in words: its code and name, or its code and message.
pub(crate) fn error_words(error: &serde_json::Value) -> String {
    let code = error.get("code").and_then(serde_json::Value::as_i64);
    let message = error.get("message").and_then(serde_json::Value::as_str).unwrap_or("");
    match (code, code.and_then(error_name)) {
        (Some(code), Some(name)) => format!("{code} {name}"),
        (Some(code), None) => format!("{code} {message}").trim_end().to_owned(),
        (None, _) => message.to_owned(),
    }
}

/// A notification under the request it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub method: String,
    pub params: String,
    pub at_ms: f64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    pub via: Via,
}

/// One request (with its response and notifications), or a message that belongs to none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub kind: CallKind,
    pub direction: Direction,
    /// The JSON-RPC id as JSON text (`1`, `"a"`), for requests and responses.
    pub id: Option<String>,
    /// Empty for a stray response.
    pub method: String,
    pub params: String,
    pub at_ms: f64,
    /// The exchange it travelled on, and how.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    pub via: Via,
    pub reply: Option<Reply>,
    /// From the request to its response.
    pub latency_ms: Option<f64>,
    pub notes: Vec<Note>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notes_dropped: u64,
    /// The era of the exchange it travelled on.
    pub era: Era,
    /// The tool (`tools/call`, `prompts/get`: `params.name`) or resource (`resources/read`:
    /// `params.uri`) it names.
    pub name: Option<String>,
    /// A `tools/call` answered with a result whose `isError` is true.
    pub failed: bool,
    /// Its client closed its response stream before the response came (revision 2026-07-28:
    /// that cancels it).
    pub cancelled: bool,
    /// A modern request's metadata headers, each beside the body field it mirrors.
    pub headers: Vec<MetadataHeader>,
    /// A multi round-trip request's rounds before its last answer: what the server asked, what
    /// the client answered, the retry that carried it.
    pub rounds: Vec<Round>,
}

/// One round of a multi round-trip request (revision 2026-07-28): the server's
/// `input_required` result and the client's retry with the answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Round {
    /// The `inputRequests` the server sent (JSON).
    pub asked: String,
    /// The `inputResponses` the retry carried (JSON), if any.
    pub answered: Option<String>,
    /// The retry: its id, exchange and time.
    pub retry_id: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub retry_exchange: u64,
    pub retry_at_ms: f64,
    /// The retry's metadata headers.
    pub headers: Vec<MetadataHeader>,
}
