//! JSON-RPC 2.0 messages in bodies and events: a request (`method` and `id`), a notification
//! (`method`, no `id`), a response (`result` or `error`, and the request's `id`). A body can be
//! one message or a batch (an array).

use serde::Serialize;
use serde_json::Value;

use crate::MAX_SHOWN;

/// Which MCP transport the exchanges speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Transport {
    /// Protocol revision 2025-03-26 and later: one endpoint, POST and GET.
    StreamableHttp,
    /// Protocol revision 2024-11-05: `GET /sse`, an `endpoint` event, POSTs to that endpoint.
    HttpSse,
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    pub(crate) fn other(self) -> Self {
        match self {
            Self::ClientToServer => Self::ServerToClient,
            Self::ServerToClient => Self::ClientToServer,
        }
    }
}

/// Where a message travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Via {
    /// A POST's body (the client's messages).
    PostBody,
    /// A POST's `application/json` response.
    PostJson,
    /// A POST's `text/event-stream` response.
    PostStream,
    /// Streamable HTTP's GET stream.
    GetStream,
    /// The HTTP+SSE transport's `/sse` stream.
    SseStream,
}

/// One message where and when it travelled.
pub(crate) struct Travelled {
    pub(crate) message: Message,
    pub(crate) direction: Direction,
    pub(crate) at_ms: f64,
    pub(crate) exchange: u64,
    pub(crate) via: Via,
}

/// One JSON-RPC message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Message {
    Request { id: String, method: String, params: Option<Value> },
    Notification { method: String, params: Option<Value> },
    Response { id: String, outcome: Result<Value, Value> },
}

impl Message {
    pub(crate) fn is_request(&self) -> bool {
        matches!(self, Self::Request { .. })
    }
}

/// An id as its JSON text: `1` and `"1"` are different ids.
fn id_text(id: &Value) -> String {
    id.to_string()
}

fn one(value: &Value) -> Option<Message> {
    let object = value.as_object()?;
    let id = object.get("id").filter(|id| !id.is_null());
    if let Some(method) = object.get("method").and_then(Value::as_str) {
        let params = object.get("params").cloned();
        return Some(match id {
            Some(id) => Message::Request { id: id_text(id), method: method.to_owned(), params },
            None => Message::Notification { method: method.to_owned(), params },
        });
    }
    let outcome = match (object.get("result"), object.get("error")) {
        (Some(result), _) => Ok(result.clone()),
        (None, Some(error)) => Err(error.clone()),
        (None, None) => return None,
    };
    // An error about a message that could not be read has a null id: it answers nothing.
    Some(Message::Response { id: id.map_or_else(|| "null".into(), id_text), outcome })
}

/// The messages in `text` (one, or a batch); `None` when it is not JSON-RPC at all.
pub(crate) fn parse(text: &str) -> Option<Vec<Message>> {
    let value: Value = serde_json::from_str(text.trim()).ok()?;
    match &value {
        Value::Array(items) => {
            let messages: Vec<Message> = items.iter().filter_map(one).collect();
            (!messages.is_empty()).then_some(messages)
        }
        _ => one(&value).map(|message| vec![message]),
    }
}

/// The requests that name what they act on, and the params field that names it: a tool
/// (`tools/call`), a resource (`resources/read`), a prompt (`prompts/get`). Revision 2026-07-28
/// mirrors that name in `Mcp-Name`, and lets a server answer only these with `input_required`.
pub(crate) const NAMED: [(&str, &str); 3] =
    [("tools/call", "name"), ("resources/read", "uri"), ("prompts/get", "name")];

/// The params field naming what a request for `method` acts on, if it names one.
pub(crate) fn naming_field(method: &str) -> Option<&'static str> {
    NAMED.iter().find(|(named, _)| *named == method).map(|(_, field)| *field)
}

/// Whether `body` holds a JSON-RPC request for `method`.
pub(crate) fn requests(body: &str, method: &str) -> bool {
    parse(body).is_some_and(|messages| {
        messages.iter().any(|m| matches!(m, Message::Request { method: asked, .. } if asked == method))
    })
}

/// A value as compact JSON, cut at [`MAX_SHOWN`] bytes (on a character boundary).
pub(crate) fn shown(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > MAX_SHOWN {
        let mut end = MAX_SHOWN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
    text
}

/// A request's progress token (`params._meta.progressToken`), as JSON text.
pub(crate) fn progress_token(params: Option<&Value>) -> Option<String> {
    params?.get("_meta")?.get("progressToken").map(id_text)
}

/// A progress notification's token (`params.progressToken`), as JSON text.
pub(crate) fn notified_token(params: Option<&Value>) -> Option<String> {
    params?.get("progressToken").map(id_text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests, notifications, responses and batches are told apart; ids keep their type.
    #[test]
    fn messages_are_classified() {
        let batch = r#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#;
        let messages = parse(batch).unwrap();
        assert_eq!(messages.len(), 2);
        assert!(
            matches!(&messages[0], Message::Request { id, method, .. } if id == "1" && method == "tools/list")
        );
        assert!(
            matches!(&messages[1], Message::Notification { method, .. } if method == "notifications/initialized")
        );
        let response = parse(r#"{"jsonrpc":"2.0","id":"1","error":{"code":-32601,"message":"no"}}"#).unwrap();
        assert!(matches!(&response[0], Message::Response { id, outcome: Err(_) } if id == "\"1\""));
        assert_eq!(parse("hello"), None);
        assert_eq!(parse(r#"{"jsonrpc":"2.0"}"#), None);
    }
}
