//! A call as the conventions' inference span: named `{gen_ai.operation.name}
//! {gen_ai.request.model}`, kind CLIENT, from the request being sent to the stream's end,
//! with the request and response attributes the stream shows, the time to first chunk (the
//! first event, whatever it carries) and ours to the first content beside it; an error
//! status when the stream failed or was cut.

use std::borrow::Cow;
use std::time::Duration;

use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceState};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator, SpanData, SpanEvents, SpanLinks};
use sse_llm::Completeness;

use crate::call::LlmCall;
use crate::conventions as c;

/// The attributes every signal of a call carries: the operation, the provider, the models
/// (`model`: the one asked for, read once from the request), the server.
pub(crate) fn common_attributes(call: &LlmCall, model: Option<&str>) -> Vec<KeyValue> {
    let mut attributes = vec![
        KeyValue::new(c::OPERATION_NAME, c::operation_name(call.summary.provider, &call.url)),
        KeyValue::new(c::PROVIDER_NAME, c::provider_name(call.summary.provider)),
    ];
    if let Some(model) = model {
        attributes.push(KeyValue::new(c::REQUEST_MODEL, model.to_owned()));
    }
    if let Some(model) = &call.summary.model {
        attributes.push(KeyValue::new(c::RESPONSE_MODEL, model.clone()));
    }
    if let Some((address, port)) = call.server() {
        attributes.push(KeyValue::new(c::SERVER_ADDRESS, address));
        attributes.push(KeyValue::new(c::SERVER_PORT, i64::from(port)));
    }
    if let Some(error) = error_type(call) {
        attributes.push(KeyValue::new(c::ERROR_TYPE, error));
    }
    attributes
}

/// "`error.type` ... if the operation ended in an error": the provider's error type when it
/// sent one in band (`overloaded_error: Overloaded` gives `overloaded_error`), `_OTHER`
/// otherwise; `truncated` for a stream cut before its end.
fn error_type(call: &LlmCall) -> Option<String> {
    match call.summary.completeness {
        Completeness::Failed => Some(
            call.summary
                .error
                .as_deref()
                .and_then(|error| error.split_once(": ").map(|(kind, _)| kind))
                .filter(|kind| !kind.contains(' '))
                .unwrap_or("_OTHER")
                .to_owned(),
        ),
        Completeness::Truncated => Some("truncated".to_owned()),
        Completeness::Complete | Completeness::Streaming => None,
    }
}

fn seconds(ms: f64) -> f64 {
    ms / 1000.0
}

/// The call's span, on `common` (its [`common_attributes`]); content (prompts and
/// completions) only when `content`.
pub(crate) fn span_data(
    call: &LlmCall,
    model: Option<&str>,
    common: &[KeyValue],
    content: bool,
    scope: &InstrumentationScope,
) -> SpanData {
    let ids = RandomIdGenerator::default();
    let summary = &call.summary;
    let mut attributes = common.to_vec();
    attributes.push(KeyValue::new(c::REQUEST_STREAM, true));
    if let Some(id) = &summary.response_id {
        attributes.push(KeyValue::new(c::RESPONSE_ID, id.clone()));
    }
    if !summary.finish.is_empty() {
        let reasons: Vec<StringValue> = summary.finish.iter().map(|r| StringValue::from(r.clone())).collect();
        attributes.push(KeyValue::new(c::RESPONSE_FINISH_REASONS, Value::Array(Array::String(reasons))));
    }
    if let Some(usage) = &summary.usage {
        for (key, value) in [
            (c::USAGE_INPUT_TOKENS, usage.input),
            (c::USAGE_OUTPUT_TOKENS, usage.output),
            (c::USAGE_REASONING_OUTPUT_TOKENS, usage.reasoning),
        ] {
            if let Some(value) = value.and_then(|v| i64::try_from(v).ok()) {
                attributes.push(KeyValue::new(key, value));
            }
        }
    }
    if let Some(first_event) = summary.milestones.first_event {
        attributes.push(KeyValue::new(c::RESPONSE_TIME_TO_FIRST_CHUNK, seconds(first_event)));
    }
    if let Some(first_content) = summary.milestones.first_content {
        attributes.push(KeyValue::new(c::TIME_TO_FIRST_CONTENT, seconds(first_content)));
    }
    if content {
        attributes.push(KeyValue::new(c::INPUT_MESSAGES, call.input_messages().to_string()));
        attributes.push(KeyValue::new(c::OUTPUT_MESSAGES, call.output_messages().to_string()));
    }
    let operation = c::operation_name(summary.provider, &call.url);
    let name = match model {
        Some(model) => format!("{operation} {model}"),
        None => operation.to_owned(),
    };
    let status = match summary.completeness {
        Completeness::Failed | Completeness::Truncated => Status::error(summary.detail.clone()),
        Completeness::Complete | Completeness::Streaming => Status::Unset,
    };
    let end = call.request_sent + call.duration().max(Duration::from_micros(1));
    SpanData {
        span_context: SpanContext::new(
            ids.new_trace_id(),
            ids.new_span_id(),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Client,
        name: Cow::Owned(name),
        start_time: call.request_sent,
        end_time: end,
        attributes,
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status,
        instrumentation_scope: scope.clone(),
    }
}
