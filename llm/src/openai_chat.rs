//! OpenAI Chat Completions chunks (and compatible APIs): `choices[].delta` with `content`,
//! `reasoning_content` or `reasoning` (compatible APIs' reasoning), `refusal`, `tool_calls[]`
//! assembled by `index`; `finish_reason` per choice; `usage` in a last chunk with empty
//! `choices`; an `error` object in band; `data: [DONE]` ends the stream.
//! <https://platform.openai.com/docs/api-reference/chat-streaming>
//!
//! Carries content: a chunk whose delta has a non-empty `content`, reasoning, `refusal` or
//! tool call `arguments`. Not the first chunk's `role` with `content: ""`, a tool call's name
//! alone, a finish reason or the usage chunk.

use std::time::Duration;

use serde_json::Value;

use crate::answer::{Answer, BlockKind, Usage};
use crate::shared::{error_message, Fit};

pub(crate) fn apply(answer: &mut Answer, json: &Value, at: Duration) -> Fit {
    if let Some(error) = json.get("error").filter(|error| !error.is_null()) {
        answer.fail(error_message(error));
        return Fit::Expected;
    }
    let Some(choices) = json.get("choices").and_then(Value::as_array) else { return Fit::Unexpected };
    if let Some(model) = json.get("model").and_then(Value::as_str) {
        answer.model.get_or_insert_with(|| model.to_owned());
    }
    answer.response_id(json.get("id").and_then(Value::as_str));
    if let Some(usage) = json.get("usage").filter(|usage| usage.is_object()) {
        answer.usage = Some(Usage {
            input: usage.get("prompt_tokens").and_then(Value::as_u64),
            output: usage.get("completion_tokens").and_then(Value::as_u64),
            reasoning: usage.pointer("/completion_tokens_details/reasoning_tokens").and_then(Value::as_u64),
            total: usage.get("total_tokens").and_then(Value::as_u64),
        });
    }
    for choice in choices {
        let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
        let group = format!("choice {index}");
        if let Some(delta) = choice.get("delta") {
            if let Some(text) = delta.get("content").and_then(Value::as_str) {
                answer.piece(&group, BlockKind::Text, &group, &group, text, at);
            }
            if let Some(text) = delta.get("refusal").and_then(Value::as_str) {
                let key = format!("{group} refusal");
                answer.piece(&key, BlockKind::Refusal, &group, &group, text, at);
            }
            for field in ["reasoning_content", "reasoning"] {
                if let Some(text) = delta.get(field).and_then(Value::as_str) {
                    let key = format!("{group} reasoning");
                    answer.piece(&key, BlockKind::Reasoning, &group, &group, text, at);
                }
            }
            for call in delta.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                let tool = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                let key = format!("{group} tool {tool}");
                let place = format!("{group}, tool call {tool}");
                if let Some(block) = answer.block(&key, BlockKind::ToolCall, &place, &group) {
                    if let Some(id) = call.get("id").and_then(Value::as_str) {
                        block.id = Some(id.to_owned());
                    }
                    if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                        block.name = Some(name.to_owned());
                    }
                }
                let arguments = call.pointer("/function/arguments").and_then(Value::as_str).unwrap_or("");
                answer.piece(&key, BlockKind::ToolCall, &place, &group, arguments, at);
            }
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            answer.finish.push(reason.to_owned());
            answer.close_group(&group);
        }
    }
    Fit::Expected
}
