//! OpenAI Responses events, each with a `type` and a `sequence_number`:
//! `response.output_item.added` (a message, a function call, reasoning), `.output_text.delta`,
//! `.reasoning_summary_text.delta` / `.reasoning_text.delta`, `.function_call_arguments.delta`
//! and their `.done`, `.output_item.done`; the end is `response.completed` (or
//! `response.incomplete`, with its reason); `response.failed` and `error` are errors.
//! <https://platform.openai.com/docs/api-reference/responses-streaming>
//!
//! Carries content: a non-empty `delta` of `response.output_text`, `.refusal`,
//! `.reasoning_summary_text`, `.reasoning_text` or `.function_call_arguments`. Not
//! `response.created`, `.in_progress`, an item or part added, nor any `.done` (their text
//! came in the deltas).

use std::time::Duration;

use serde_json::Value;

use crate::answer::{Answer, BlockKind, Usage};
use crate::shared::{error_message, Fit};

pub(crate) fn apply(answer: &mut Answer, event_type: &str, json: &Value, at: Duration) -> Fit {
    let kind = json.get("type").and_then(Value::as_str).unwrap_or(event_type);
    let output = json.get("output_index").and_then(Value::as_u64).unwrap_or(0);
    let group = format!("output {output}");
    let content = json.get("content_index").and_then(Value::as_u64).unwrap_or(0);
    let delta = json.get("delta").and_then(Value::as_str).unwrap_or("");
    match kind {
        "response.created" | "response.in_progress" => {
            if let Some(model) = json.pointer("/response/model").and_then(Value::as_str) {
                answer.model = Some(model.to_owned());
            }
            answer.response_id(json.pointer("/response/id").and_then(Value::as_str));
        }
        "response.output_item.added" => {
            let item = json.get("item");
            if item.and_then(|item| item.get("type")).and_then(Value::as_str) == Some("function_call") {
                if let Some(block) = answer.block(&group, BlockKind::ToolCall, &group, &group) {
                    block.name = item.and_then(|i| i.get("name")).and_then(Value::as_str).map(str::to_owned);
                    block.id = item.and_then(|i| i.get("call_id")).and_then(Value::as_str).map(str::to_owned);
                }
            }
        }
        "response.output_text.delta" => {
            let key = format!("{group} content {content}");
            answer.piece(&key, BlockKind::Text, &group, &group, delta, at);
        }
        "response.refusal.delta" => {
            let key = format!("{group} content {content}");
            answer.piece(&key, BlockKind::Refusal, &group, &group, delta, at);
        }
        "response.output_text.done" | "response.refusal.done" => {
            answer.close(&format!("{group} content {content}"))
        }
        "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
            let key = format!("{group} reasoning");
            answer.piece(&key, BlockKind::Reasoning, &group, &group, delta, at);
        }
        "response.function_call_arguments.delta" => {
            answer.piece(&group, BlockKind::ToolCall, &group, &group, delta, at);
        }
        "response.function_call_arguments.done" => answer.close(&group),
        "response.output_item.done" => answer.close_group(&group),
        "response.completed" | "response.incomplete" => {
            let response = json.get("response");
            if let Some(usage) = response.and_then(|r| r.get("usage")).filter(|u| u.is_object()) {
                answer.usage = Some(Usage {
                    input: usage.get("input_tokens").and_then(Value::as_u64),
                    output: usage.get("output_tokens").and_then(Value::as_u64),
                    reasoning: usage
                        .pointer("/output_tokens_details/reasoning_tokens")
                        .and_then(Value::as_u64),
                    total: usage.get("total_tokens").and_then(Value::as_u64),
                });
            }
            let status =
                response.and_then(|r| r.get("status")).and_then(Value::as_str).unwrap_or("completed");
            let reason =
                response.and_then(|r| r.pointer("/incomplete_details/reason")).and_then(Value::as_str);
            answer.finish.push(match reason {
                Some(reason) => format!("{status}: {reason}"),
                None => status.to_owned(),
            });
            answer.terminal = Some(kind.to_owned());
            answer.close_all();
        }
        "response.failed" => {
            let error = json.pointer("/response/error").filter(|e| !e.is_null());
            answer.fail(error.map_or_else(|| "the response failed".to_owned(), error_message));
        }
        "error" => answer.fail(error_message(json)),
        other if other.starts_with("response.") => {}
        _ => return Fit::Unknown,
    }
    Fit::Expected
}
