//! Anthropic Messages events: `message_start`, `content_block_start` / `_delta` / `_stop`
//! (`text_delta`, `thinking_delta`, `input_json_delta`; `signature_delta` carries no text),
//! `message_delta` (the stop reason, output tokens), `message_stop` (the end), `ping`, and
//! `error` in band (such as `overloaded_error`).
//! <https://docs.anthropic.com/en/docs/build-with-claude/streaming>
//!
//! Carries content: a `content_block_delta` with non-empty `text_delta`, `thinking_delta` or
//! `input_json_delta` (or a block started with text already in it). Not `message_start`, an
//! empty block's start, `signature_delta`, `ping`, `message_delta` or `message_stop`.

use std::time::Duration;

use serde_json::Value;

use crate::answer::{Answer, BlockKind, Usage};
use crate::shared::{error_message, Fit};

pub(crate) fn apply(answer: &mut Answer, event_type: &str, json: &Value, at: Duration) -> Fit {
    let kind = json.get("type").and_then(Value::as_str).unwrap_or(event_type);
    let index = json.get("index").and_then(Value::as_u64).unwrap_or(0);
    let key = format!("block {index}");
    match kind {
        "message_start" => {
            let message = json.get("message");
            if let Some(model) = message.and_then(|m| m.get("model")).and_then(Value::as_str) {
                answer.model = Some(model.to_owned());
            }
            answer.response_id(message.and_then(|m| m.get("id")).and_then(Value::as_str));
            if let Some(usage) = message.and_then(|m| m.get("usage")) {
                usage_from(answer, usage);
            }
        }
        "content_block_start" => {
            let Some(block) = json.get("content_block") else { return Fit::Unexpected };
            let block_type = block.get("type").and_then(Value::as_str).unwrap_or("");
            let block_kind = match block_type {
                "text" => BlockKind::Text,
                "thinking" | "redacted_thinking" => BlockKind::Reasoning,
                "tool_use" | "server_tool_use" => BlockKind::ToolCall,
                _ => return Fit::Unexpected,
            };
            if let Some(made) = answer.block(&key, block_kind, &key, &key) {
                made.id = block.get("id").and_then(Value::as_str).map(str::to_owned);
                made.name = block.get("name").and_then(Value::as_str).map(str::to_owned);
            }
            let initial = block.get("text").or_else(|| block.get("thinking")).and_then(Value::as_str);
            answer.piece(&key, block_kind, &key, &key, initial.unwrap_or(""), at);
        }
        "content_block_delta" => {
            let Some(delta) = json.get("delta") else { return Fit::Unexpected };
            let (block_kind, text) = match delta.get("type").and_then(Value::as_str).unwrap_or("") {
                "text_delta" => (BlockKind::Text, delta.get("text")),
                "thinking_delta" => (BlockKind::Reasoning, delta.get("thinking")),
                "input_json_delta" => (BlockKind::ToolCall, delta.get("partial_json")),
                "signature_delta" | "citations_delta" => return Fit::Expected,
                _ => return Fit::Unexpected,
            };
            let Some(text) = text.and_then(Value::as_str) else { return Fit::Unexpected };
            answer.piece(&key, block_kind, &key, &key, text, at);
        }
        "content_block_stop" => answer.close(&key),
        "message_delta" => {
            if let Some(reason) = json.pointer("/delta/stop_reason").and_then(Value::as_str) {
                answer.finish.push(reason.to_owned());
            }
            if let Some(usage) = json.get("usage") {
                usage_from(answer, usage);
            }
        }
        "message_stop" => {
            answer.terminal = Some("message_stop".into());
            answer.close_all();
        }
        "ping" => {}
        "error" => answer.fail(error_message(json.get("error").unwrap_or(json))),
        _ => return Fit::Unknown,
    }
    Fit::Expected
}

/// Usage comes in parts: input tokens at the start, output tokens (cumulative) at the end.
fn usage_from(answer: &mut Answer, usage: &Value) {
    let known = answer.usage.get_or_insert_with(Usage::default);
    if let Some(input) = usage.get("input_tokens").and_then(Value::as_u64) {
        known.input = Some(input);
    }
    if let Some(output) = usage.get("output_tokens").and_then(Value::as_u64) {
        known.output = Some(output);
    }
    known.total = known.input.zip(known.output).map(|(input, output)| input + output);
}
