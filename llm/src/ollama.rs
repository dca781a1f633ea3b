//! Ollama's native API, NDJSON: `/api/chat` objects with `message.content`,
//! `message.thinking` and whole `message.tool_calls`; `/api/generate` objects with `response`
//! and `thinking`; the last object has `done: true`, `done_reason` and the counts; an `error`
//! string is an error.
//! <https://github.com/ollama/ollama/blob/main/docs/api.md>
//!
//! Carries content: a line with non-empty `content`/`response`, `thinking`, or `tool_calls`
//! (they come whole). Not the last line's empty `content` with `done: true`.

use std::time::Duration;

use serde_json::Value;

use crate::answer::{Answer, BlockKind, Usage};
use crate::shared::Fit;

const GROUP: &str = "message";

pub(crate) fn apply(answer: &mut Answer, json: &Value, at: Duration) -> Fit {
    if let Some(error) = json.get("error") {
        answer.fail(error.as_str().map_or_else(|| error.to_string(), str::to_owned));
        return Fit::Expected;
    }
    let Some(done) = json.get("done").and_then(Value::as_bool) else { return Fit::Unexpected };
    if let Some(model) = json.get("model").and_then(Value::as_str) {
        answer.model.get_or_insert_with(|| model.to_owned());
    }
    let message = json.get("message");
    let text =
        message.and_then(|m| m.get("content")).or_else(|| json.get("response")).and_then(Value::as_str);
    answer.piece(GROUP, BlockKind::Text, GROUP, GROUP, text.unwrap_or(""), at);
    let thinking =
        message.and_then(|m| m.get("thinking")).or_else(|| json.get("thinking")).and_then(Value::as_str);
    if let Some(thinking) = thinking {
        answer.piece("thinking", BlockKind::Reasoning, GROUP, GROUP, thinking, at);
    }
    for call in message.and_then(|m| m.get("tool_calls")).and_then(Value::as_array).into_iter().flatten() {
        let number = answer.blocks.iter().filter(|b| b.kind == BlockKind::ToolCall).count();
        let key = format!("tool call {number}");
        let arguments = call.pointer("/function/arguments").map(Value::to_string).unwrap_or_default();
        answer.piece(&key, BlockKind::ToolCall, &key, GROUP, &arguments, at);
        if let Some(block) = answer.block(&key, BlockKind::ToolCall, &key, GROUP) {
            block.name = call.pointer("/function/name").and_then(Value::as_str).map(str::to_owned);
        }
        answer.close(&key);
    }
    if done {
        if let Some(reason) = json.get("done_reason").and_then(Value::as_str) {
            answer.finish.push(reason.to_owned());
        }
        answer.usage = Some(Usage {
            input: json.get("prompt_eval_count").and_then(Value::as_u64),
            output: json.get("eval_count").and_then(Value::as_u64),
            reasoning: None,
            total: json
                .get("prompt_eval_count")
                .and_then(Value::as_u64)
                .zip(json.get("eval_count").and_then(Value::as_u64))
                .map(|(a, b)| a + b),
        });
        answer.terminal = Some("done: true".into());
        answer.close_all();
    }
    Fit::Expected
}
