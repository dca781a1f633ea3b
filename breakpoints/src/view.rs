//! A held event as the window shows it: the exchange it belongs to, the breakpoint that
//! stopped it, its fields and bytes, and the stream waiting behind it.

use std::time::Instant;

use serde::Serialize;

use crate::breakpoint::ExchangeKey;
use crate::hold::HeldEvent;

/// One held event, with its exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HeldView {
    /// The tap's exchange id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub exchange: u64,
    pub method: String,
    pub target: String,
    pub client: Option<String>,
    /// Its number among the upstream's events on this exchange, from 1.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub number: u64,
    /// The breakpoint that stopped it (1-based position) and its words.
    pub breakpoint: u32,
    pub breakpoint_text: String,
    /// `message` when it names no type.
    pub event: String,
    pub id: Option<String>,
    pub data: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_ms: Option<u64>,
    /// Its bytes as they came (lossy UTF-8).
    pub text: String,
    /// An NDJSON line: only its data can be edited.
    pub ndjson: bool,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub held_ms: u64,
    pub behind_events: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub behind_bytes: u64,
    pub injected_before: u32,
    pub inject_after: u32,
}

impl HeldView {
    pub fn new(
        exchange: u64,
        key: &ExchangeKey,
        held: &HeldEvent,
        breakpoint_text: String,
        ndjson: bool,
        now: Instant,
    ) -> Self {
        Self {
            exchange,
            method: key.method.clone(),
            target: key.target.clone(),
            client: key.client.clone(),
            number: held.number,
            breakpoint: u32::try_from(held.breakpoint).unwrap_or(u32::MAX),
            breakpoint_text,
            event: held.view.event.clone(),
            id: held.view.id.clone(),
            data: held.view.data.clone(),
            retry_ms: held.view.retry_ms,
            text: held.text.clone(),
            ndjson,
            held_ms: u64::try_from(now.saturating_duration_since(held.since).as_millis()).unwrap_or(u64::MAX),
            behind_events: u32::try_from(held.behind_events).unwrap_or(u32::MAX),
            behind_bytes: held.behind_bytes as u64,
            injected_before: held.injected_before,
            inject_after: held.inject_after,
        }
    }
}
