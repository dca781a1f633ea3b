//! A conversation: every JSON-RPC message of the MCP exchanges in the order it travelled,
//! requests paired with their responses by id (each direction apart), notifications under the
//! request they belong to (a progress notification by its token; any other by the POST
//! response stream it came on), and the session followed.

use std::collections::HashMap;

use serde::Serialize;

use crate::call::{Call, CallKind, Note, Reply};
use crate::calls;
use crate::era::{self, Era, EraChange};
use crate::exchange::HttpExchange;
use crate::message::{self, Direction, Message, Transport, Travelled, Via};
use crate::modern_rules;
use crate::reading::{mcp_exchanges, travelled};
use crate::rules::{self, Violation};
use crate::MAX_CALLS;

/// Notifications kept under one call; later ones are counted.
const MAX_NOTES: usize = 1_000;

/// The session's end: the client's DELETE.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionEnd {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    pub status: Option<u16>,
    pub at_ms: f64,
}

/// The MCP conversation in a set of HTTP exchanges.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub transport: Option<Transport>,
    /// The era it speaks (the last, when it changed); chosen by hand, when it was.
    pub era: Option<Era>,
    /// Where a client that tried the modern era fell back to `initialize`.
    pub era_change: Option<EraChange>,
    /// The path JSON-RPC messages were posted to (the MCP endpoint, or the message endpoint).
    pub endpoint: Option<String>,
    /// The `Mcp-Session-Id` the server gave at initialization (HTTP+SSE: the endpoint's
    /// `sessionId`).
    pub session_id: Option<String>,
    /// The protocol revision the initialization agreed on.
    pub protocol_version: Option<String>,
    pub session_end: Option<SessionEnd>,
    pub calls: Vec<Call>,
    /// Calls past the 10,000 kept.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub calls_dropped: u64,
    /// Requests (either way) with no response yet.
    pub unanswered: usize,
    /// The exchanges that carried MCP, by their numbers.
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub exchanges: Vec<u64>,
    pub violations: Vec<Violation>,
    /// What a SHOULD of the transport advises against (an SSE response without
    /// `X-Accel-Buffering: no`, messages after a stream's final response).
    pub advice: Vec<Violation>,
}

impl Conversation {
    /// The conversation in `exchanges` (any order; those that carry no MCP are left out).
    pub fn read(exchanges: &[HttpExchange]) -> Self {
        Self::read_as(exchanges, None)
    }

    /// The conversation in `exchanges`, read as `era` says (every exchange of that era, a
    /// choice made by hand), or as each exchange's request says when none.
    pub fn read_as(exchanges: &[HttpExchange], era: Option<Era>) -> Self {
        let (mine, transport, endpoint) = mcp_exchanges(exchanges);
        let eras = era::eras(&mine, era);
        let messages = travelled(&mine, transport);
        let mut conversation =
            Self { transport, endpoint, exchanges: mine.iter().map(|e| e.id).collect(), ..Self::default() };
        (conversation.era, conversation.era_change) = era::of_conversation(&mine, &eras, era);
        conversation.pair(&messages, &eras);
        calls::finish(&mut conversation.calls, &mine);
        conversation.follow_session(&mine);
        let legacy: Vec<&HttpExchange> =
            mine.iter().copied().filter(|e| eras.get(&e.id) != Some(&Era::Modern)).collect();
        let legacy_messages: Vec<&Travelled> =
            messages.iter().filter(|m| eras.get(&m.exchange) != Some(&Era::Modern)).collect();
        conversation.violations = rules::check(&legacy, &legacy_messages, transport);
        let modern: Vec<&HttpExchange> =
            mine.iter().copied().filter(|e| eras.get(&e.id) == Some(&Era::Modern)).collect();
        let found = modern_rules::check(&modern, &messages, &conversation.calls);
        conversation.violations.extend(found.violations);
        conversation.advice = found.advice;
        conversation
    }

    fn push(&mut self, call: Call) -> Option<usize> {
        if self.calls.len() >= MAX_CALLS {
            self.calls_dropped += 1;
            return None;
        }
        self.calls.push(call);
        Some(self.calls.len() - 1)
    }

    fn pair(&mut self, messages: &[Travelled], eras: &HashMap<u64, Era>) {
        let mut pending: HashMap<(Direction, String), usize> = HashMap::new();
        let mut by_token: HashMap<String, usize> = HashMap::new();
        // A POST's request: what its response stream's notifications belong to.
        let mut by_post: HashMap<u64, usize> = HashMap::new();
        for travelled in messages {
            let Travelled { message, direction, at_ms, exchange, via } = travelled;
            let (direction, at_ms, exchange, via) = (*direction, *at_ms, *exchange, *via);
            let call = |kind, id: Option<&String>, method: &str, params: String| Call {
                kind,
                direction,
                id: id.cloned(),
                method: method.to_owned(),
                params,
                at_ms,
                exchange,
                via,
                reply: None,
                latency_ms: None,
                notes: Vec::new(),
                notes_dropped: 0,
                era: eras.get(&exchange).copied().unwrap_or(Era::Legacy),
                name: None,
                failed: false,
                cancelled: false,
                headers: Vec::new(),
                rounds: Vec::new(),
            };
            match message {
                Message::Request { id, method, params } => {
                    let shown = params.as_ref().map(message::shown).unwrap_or_default();
                    let Some(index) = self.push(call(CallKind::Request, Some(id), method, shown)) else {
                        continue;
                    };
                    pending.insert((direction, id.clone()), index);
                    if let Some(token) = message::progress_token(params.as_ref()) {
                        by_token.insert(token, index);
                    }
                    if via == Via::PostBody {
                        by_post.entry(exchange).or_insert(index);
                    }
                }
                Message::Notification { method, params } => {
                    let owner = message::notified_token(params.as_ref())
                        .filter(|_| method == "notifications/progress")
                        .and_then(|token| by_token.get(&token).copied())
                        .or_else(|| {
                            (via == Via::PostStream).then(|| by_post.get(&exchange).copied()).flatten()
                        });
                    let params = params.as_ref().map(message::shown).unwrap_or_default();
                    match owner {
                        Some(index) => {
                            let owner = &mut self.calls[index];
                            if owner.notes.len() < MAX_NOTES {
                                owner.notes.push(Note {
                                    method: method.clone(),
                                    params,
                                    at_ms,
                                    exchange,
                                    via,
                                });
                            } else {
                                owner.notes_dropped += 1;
                            }
                        }
                        None => {
                            self.push(call(CallKind::Notification, None, method, params));
                        }
                    }
                }
                Message::Response { id, outcome } => {
                    let (ok, value) = match outcome {
                        Ok(value) => (true, message::shown(value)),
                        Err(value) => (false, message::shown(value)),
                    };
                    let error = outcome.as_ref().err().map(crate::call::error_words);
                    let input_required = outcome.as_ref().is_ok_and(calls::asks_input);
                    let reply = Reply { ok, value, at_ms, exchange, via, error, input_required };
                    // On its own POST's answer, a response answers that POST's request (modern
                    // clients share no session: two of them may use the same id).
                    let on_its_post = matches!(via, Via::PostJson | Via::PostStream)
                        .then(|| by_post.get(&exchange).copied())
                        .flatten()
                        .filter(|index| self.calls[*index].id.as_ref() == Some(id));
                    if let Some(index) = on_its_post {
                        if let Some(asked) = self.calls[index].id.clone() {
                            pending.remove(&(direction.other(), asked));
                        }
                    }
                    match on_its_post.or_else(|| pending.remove(&(direction.other(), id.clone()))) {
                        Some(index) => {
                            let asked = &mut self.calls[index];
                            asked.latency_ms = Some(at_ms - asked.at_ms);
                            asked.reply = Some(reply);
                        }
                        None => {
                            if let Some(index) =
                                self.push(call(CallKind::StrayResponse, Some(id), "", String::new()))
                            {
                                self.calls[index].reply = Some(reply);
                            }
                        }
                    }
                }
            }
        }
        self.unanswered = pending.len();
    }

    /// The session id, the agreed revision, and the DELETE that ended it.
    fn follow_session(&mut self, exchanges: &[&HttpExchange]) {
        let initialize = self.calls.iter().find(|call| call.method == "initialize");
        if let Some(initialize) = initialize {
            let answered_on = exchanges.iter().find(|e| e.id == initialize.exchange);
            self.session_id =
                answered_on.and_then(|e| e.response_header("mcp-session-id")).map(str::to_owned);
            self.protocol_version = initialize
                .reply
                .as_ref()
                .and_then(|reply| serde_json::from_str::<serde_json::Value>(&reply.value).ok())
                .and_then(|result| result.get("protocolVersion")?.as_str().map(str::to_owned));
        }
        if self.transport == Some(Transport::HttpSse) {
            self.session_id = self.session_id.take().or_else(|| {
                let endpoint = self.endpoint_event(exchanges)?;
                let query = endpoint.split_once('?')?.1;
                query.split('&').find_map(|pair| pair.strip_prefix("sessionId=")).map(str::to_owned)
            });
        }
        self.session_end = exchanges.iter().find(|e| e.method == "DELETE").map(|e| SessionEnd {
            exchange: e.id,
            status: e.status,
            at_ms: e.started_ms,
        });
    }

    fn endpoint_event(&self, exchanges: &[&HttpExchange]) -> Option<String> {
        exchanges
            .iter()
            .flat_map(|e| &e.events)
            .find(|event| event.event == "endpoint")
            .map(|e| e.data.clone())
    }
}
