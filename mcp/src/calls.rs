//! The calls once paired: what each names (a tool, a resource, a prompt), whether a tool call
//! failed (`isError`) or was cancelled (its client closed its stream first), a modern request's
//! metadata headers beside its body, and a multi round-trip request's retries folded into it
//! as its rounds.

use std::collections::HashMap;

use serde_json::Value;

use crate::call::{Call, CallKind, Round};
use crate::era::Era;
use crate::exchange::HttpExchange;
use crate::message::{naming_field, Direction, Via};
use crate::metadata::{self, ParamHeaders};

/// The JSON a call kept (its params, its result), if it was kept whole.
fn json(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

/// Whether a result is an `input_required` one.
pub(crate) fn asks_input(result: &Value) -> bool {
    result.get("resultType").and_then(Value::as_str) == Some("input_required")
}

/// Finishes the paired `calls` of `exchanges` (each call knows its era).
pub(crate) fn finish(calls: &mut Vec<Call>, exchanges: &[&HttpExchange]) {
    let by_id: HashMap<u64, &HttpExchange> =
        exchanges.iter().map(|exchange| (exchange.id, *exchange)).collect();
    let mut params = ParamHeaders::default();
    for call in calls.iter_mut() {
        let request = json(&call.params);
        call.name = naming_field(&call.method)
            .and_then(|field| request.as_ref()?.get(field)?.as_str().map(str::to_owned));
        let result = call.reply.as_ref().filter(|reply| reply.ok).and_then(|reply| json(&reply.value));
        call.failed = call.method == "tools/call"
            && result.as_ref().and_then(|result| result.get("isError")).and_then(Value::as_bool)
                == Some(true);
        if call.method == "tools/list" {
            if let Some(result) = &result {
                params.learn(result);
            }
        }
        let exchange = by_id.get(&call.exchange);
        call.cancelled = call.kind == CallKind::Request
            && call.reply.is_none()
            && call.via == Via::PostBody
            && exchange.is_some_and(|exchange| exchange.client_closed);
        if call.era == Era::Modern && call.via == Via::PostBody && call.direction == Direction::ClientToServer
        {
            let body = exchange.and_then(|exchange| json(exchange.request_body.trim()));
            if let (Some(exchange), Some(body)) = (exchange, body) {
                call.headers = metadata::headers_of(exchange, &body, &params);
            }
        }
    }
    fold_rounds(calls);
}

/// A request retried with `inputResponses` (or `requestState`) after an `input_required`
/// answer to the same method and name becomes a round of the first request.
fn fold_rounds(calls: &mut Vec<Call>) {
    // The requests waiting for their retry, by method and name.
    let mut open: HashMap<(String, String), usize> = HashMap::new();
    let mut folded = vec![false; calls.len()];
    for at in 0..calls.len() {
        let call = &calls[at];
        let Some(name) = call.name.clone() else { continue };
        let key = (call.method.clone(), name);
        let params = json(&call.params);
        let retries = params
            .as_ref()
            .is_some_and(|p| p.get("inputResponses").is_some() || p.get("requestState").is_some());
        if let Some(head) = open.get(&key).copied().filter(|_| retries) {
            let retry = calls[at].clone();
            let asked = calls[head].reply.as_ref().and_then(|reply| json(&reply.value));
            let asked = asked
                .and_then(|result| result.get("inputRequests").cloned())
                .map_or_else(String::new, |r| r.to_string());
            let answered = params.as_ref().and_then(|p| p.get("inputResponses")).map(Value::to_string);
            let first = &mut calls[head];
            first.rounds.push(Round {
                asked,
                answered,
                retry_id: retry.id.clone(),
                retry_exchange: retry.exchange,
                retry_at_ms: retry.at_ms,
                headers: retry.headers,
            });
            first.latency_ms = retry.reply.as_ref().map(|reply| reply.at_ms - first.at_ms);
            first.reply = retry.reply;
            first.failed = retry.failed;
            first.cancelled = retry.cancelled;
            first.notes.extend(retry.notes);
            folded[at] = true;
            if !first.reply.as_ref().is_some_and(|reply| reply.input_required) {
                open.remove(&key);
            }
            continue;
        }
        if calls[at].reply.as_ref().is_some_and(|reply| reply.input_required) {
            open.insert(key, at);
        }
    }
    let mut at = 0;
    calls.retain(|_| {
        at += 1;
        !folded[at - 1]
    });
}
