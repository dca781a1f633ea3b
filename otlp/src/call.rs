//! One LLM call as it is exported: what its request said (the URL, the body) and what its
//! stream was (`sse_llm`'s summary, milestones and event times), on the wall clock of the
//! request being sent. Credentials are never read from it: the URL gives only its host and
//! port, the body only its model and (when asked) its messages.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use sse_llm::{BlockKind, LlmReading, Summary};

/// A finished (or failed) call.
#[derive(Debug, Clone)]
pub struct LlmCall {
    pub summary: Summary,
    /// When the request was sent: every milestone counts from it.
    pub request_sent: SystemTime,
    /// When each event came, from the request being sent.
    pub event_times: Vec<Duration>,
    /// The URL the request went to.
    pub url: String,
    /// The request's body (JSON for every provider), or empty.
    pub request_body: Vec<u8>,
}

impl LlmCall {
    /// The call a reading amounts to, once its stream is read: none when it was not read as
    /// an LLM stream, or had no response.
    pub fn from_reading(reading: &LlmReading, url: &str, request_body: &[u8]) -> Option<Self> {
        Some(Self {
            summary: reading.summary()?,
            request_sent: reading.request_sent()?,
            event_times: reading.event_times().to_vec(),
            url: url.to_owned(),
            request_body: request_body.to_vec(),
        })
    }

    fn body(&self) -> Option<Value> {
        serde_json::from_slice(&self.request_body).ok()
    }

    /// The model asked for: the body's `model`, or Gemini's `models/{model}:` in the URL.
    pub fn request_model(&self) -> Option<String> {
        if let Some(model) =
            self.body().and_then(|b| b.get("model").and_then(Value::as_str).map(str::to_owned))
        {
            return Some(model);
        }
        let path = self.url.split(['?', '#']).next().unwrap_or(&self.url);
        let (_, after) = path.rsplit_once("/models/")?;
        let model = after.split(':').next().filter(|m| !m.is_empty())?;
        Some(model.to_owned())
    }

    /// The server's host and port (the scheme's default when the URL names none).
    pub fn server(&self) -> Option<(String, u16)> {
        let url = url::Url::parse(&self.url).ok()?;
        Some((url.host_str()?.to_owned(), url.port_or_known_default()?))
    }

    /// When the call ended, from the request being sent: its end, else its last event.
    pub fn duration(&self) -> Duration {
        let m = &self.summary.milestones;
        let ms = m.end.or(m.last_content).or(m.first_event).unwrap_or(0.0);
        Duration::from_secs_f64(ms.max(0.0) / 1000.0)
    }

    /// The request's messages in the conventions' form (`[{role, parts: [{type, content}]}]`),
    /// from each provider's own fields (`messages`, `input`, `contents`, `prompt`, `system`).
    pub fn input_messages(&self) -> Value {
        let Some(body) = self.body() else { return json!([]) };
        let mut messages = Vec::new();
        if let Some(system) = body.get("system").map(text_of).filter(|t| !t.is_empty()) {
            messages.push(message("system", system));
        }
        let listed = body.get("messages").or_else(|| body.get("contents")).or_else(|| body.get("input"));
        match listed {
            Some(Value::Array(items)) => {
                for item in items {
                    let role = item.get("role").and_then(Value::as_str).unwrap_or("user");
                    let role = if role == "model" { "assistant" } else { role };
                    let content =
                        item.get("content").or_else(|| item.get("parts")).map(text_of).unwrap_or_default();
                    messages.push(message(role, content));
                }
            }
            Some(Value::String(text)) => messages.push(message("user", text.clone())),
            _ => {}
        }
        if let Some(prompt) = body.get("prompt").and_then(Value::as_str) {
            messages.push(message("user", prompt.to_owned()));
        }
        Value::Array(messages)
    }

    /// The answer in the conventions' form: one assistant message whose parts are the
    /// blocks (text, reasoning, tool calls), with its finish reason.
    pub fn output_messages(&self) -> Value {
        let parts: Vec<Value> = self
            .summary
            .blocks
            .iter()
            .map(|block| match block.kind {
                BlockKind::Text | BlockKind::Refusal => json!({"type": "text", "content": block.text}),
                BlockKind::Reasoning => json!({"type": "reasoning", "content": block.text}),
                BlockKind::ToolCall => json!({
                    "type": "tool_call",
                    "id": block.id,
                    "name": block.name,
                    "arguments": serde_json::from_str::<Value>(&block.text).unwrap_or(Value::String(block.text.clone())),
                }),
            })
            .collect();
        let finish = self.summary.finish.first().cloned().unwrap_or_default();
        json!([{"role": "assistant", "parts": parts, "finish_reason": finish}])
    }
}

fn message(role: &str, content: String) -> Value {
    json!({"role": role, "parts": [{"type": "text", "content": content}]})
}

/// A message's text: a string, or the text of its parts (`[{type: "text", text}]`, Gemini's
/// `[{text}]`), joined.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str).or_else(|| part.as_str()))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}
