//! Google Gemini `streamGenerateContent?alt=sse` chunks: each a `GenerateContentResponse`
//! whose `candidates[].content.parts[]` carry `text` (with `thought: true`, reasoning) or a
//! whole `functionCall`; a candidate's `finishReason` ends it; `usageMetadata`; an `error`
//! object, or a prompt blocked (`promptFeedback.blockReason`), is an error.
//! <https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent>
//!
//! Carries content: a chunk with a part of non-empty `text` (a `thought` one is reasoning) or
//! a `functionCall` (it comes whole). Not a chunk of only `usageMetadata`, nor a candidate
//! with only its `finishReason`.

use std::time::Duration;

use serde_json::Value;

use crate::answer::{Answer, BlockKind, Usage};
use crate::shared::{error_message, Fit};

pub(crate) fn apply(answer: &mut Answer, json: &Value, at: Duration) -> Fit {
    if let Some(error) = json.get("error").filter(|error| !error.is_null()) {
        answer.fail(error_message(error));
        return Fit::Expected;
    }
    if let Some(reason) = json.pointer("/promptFeedback/blockReason").and_then(Value::as_str) {
        answer.fail(format!("the prompt was blocked: {reason}"));
        return Fit::Expected;
    }
    let candidates = json.get("candidates").and_then(Value::as_array);
    if candidates.is_none() && json.get("usageMetadata").is_none() {
        return Fit::Unexpected;
    }
    if let Some(model) = json.get("modelVersion").and_then(Value::as_str) {
        answer.model = Some(model.to_owned());
    }
    answer.response_id(json.get("responseId").and_then(Value::as_str));
    if let Some(usage) = json.get("usageMetadata") {
        answer.usage = Some(Usage {
            input: usage.get("promptTokenCount").and_then(Value::as_u64),
            output: usage.get("candidatesTokenCount").and_then(Value::as_u64),
            reasoning: usage.get("thoughtsTokenCount").and_then(Value::as_u64),
            total: usage.get("totalTokenCount").and_then(Value::as_u64),
        });
    }
    for candidate in candidates.into_iter().flatten() {
        let index = candidate.get("index").and_then(Value::as_u64).unwrap_or(0);
        let group = format!("candidate {index}");
        for part in candidate.pointer("/content/parts").and_then(Value::as_array).into_iter().flatten() {
            if let Some(text) = part.get("text").and_then(Value::as_str) {
                let thought = part.get("thought").and_then(Value::as_bool).unwrap_or(false);
                let (key, kind) = if thought {
                    (format!("{group} thought"), BlockKind::Reasoning)
                } else {
                    (group.clone(), BlockKind::Text)
                };
                answer.piece(&key, kind, &group, &group, text, at);
            }
            if let Some(call) = part.get("functionCall") {
                // A function call comes whole: its arguments are an object already.
                let number = answer.blocks.iter().filter(|b| b.kind == BlockKind::ToolCall).count();
                let key = format!("{group} call {number}");
                let place = format!("{group}, function call {number}");
                let arguments = call.get("args").map(Value::to_string).unwrap_or_default();
                answer.piece(&key, BlockKind::ToolCall, &place, &group, &arguments, at);
                if let Some(block) = answer.block(&key, BlockKind::ToolCall, &place, &group) {
                    block.name = call.get("name").and_then(Value::as_str).map(str::to_owned);
                    block.id = call.get("id").and_then(Value::as_str).map(str::to_owned);
                }
                answer.close(&key);
            }
        }
        if let Some(reason) = candidate.get("finishReason").and_then(Value::as_str) {
            answer.finish.push(reason.to_owned());
            answer.terminal = Some(format!("finishReason {reason}"));
            answer.close_group(&group);
        }
    }
    Fit::Expected
}
