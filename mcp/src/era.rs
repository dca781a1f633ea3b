//! Which era of MCP over HTTP an exchange speaks. Revision 2026-07-28 (the modern era) has no
//! sessions, no GET stream and no `initialize`: every request is its own POST carrying the
//! revision in `MCP-Protocol-Version` and in `params._meta["io.modelcontextprotocol/protocolVersion"]`.
//! Revisions 2024-11-05 to 2025-11-25 (the legacy era) begin with `initialize`. A client may try
//! the modern era first and fall back: the conversation then changes era at that exchange.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::exchange::HttpExchange;

/// The first revision of the modern era.
pub const MODERN_REVISION: &str = "2026-07-28";
/// Where a modern request's body names its revision.
pub(crate) const VERSION_META: &str = "io.modelcontextprotocol/protocolVersion";
/// The errors a modern server answers a request it refuses with (HeaderMismatch,
/// MissingRequiredClientCapability, UnsupportedProtocolVersion; the schema's codes).
pub(crate) const MODERN_ERRORS: [i64; 3] = [-32020, -32021, -32022];

/// An era of MCP over HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Era {
    /// 2024-11-05 to 2025-11-25: `initialize`, sessions, the GET stream, resumption.
    Legacy,
    /// 2026-07-28 and later: a request per POST, request metadata headers, no sessions.
    Modern,
}

/// Where a conversation changed era: a client that tried the modern era, was refused without a
/// modern error, and fell back to `initialize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EraChange {
    /// The refused modern attempt.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub refused: u64,
    /// The `initialize` that followed it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub fell_back: u64,
}

/// Whether `version` is a modern revision (they are dates, so they sort).
pub(crate) fn is_modern(version: &str) -> bool {
    version.trim() >= MODERN_REVISION
}

/// The revision a request's body names in `params._meta`.
pub(crate) fn body_version(body: &Value) -> Option<&str> {
    body.get("params")?.get("_meta")?.get(VERSION_META)?.as_str()
}

/// The era `exchange` speaks, as its request says: a modern revision in its
/// `MCP-Protocol-Version` header or its body's `_meta`; anything else is legacy. (`body`: its
/// request body, read once by the caller.)
pub(crate) fn of_exchange(exchange: &HttpExchange, body: Option<&Value>) -> Era {
    let header = exchange.request_header("mcp-protocol-version").is_some_and(is_modern);
    let meta = body.and_then(body_version).is_some_and(is_modern);
    match header || meta {
        true => Era::Modern,
        false => Era::Legacy,
    }
}

/// Whether a refused response body is a modern server's error (one of [`MODERN_ERRORS`], or
/// -32601 answered with 404): a client that gets one stays in the modern era.
pub(crate) fn is_modern_refusal(exchange: &HttpExchange) -> bool {
    let Ok(body) = serde_json::from_str::<Value>(exchange.response_body.trim()) else { return false };
    let code = body.get("error").and_then(|error| error.get("code")).and_then(Value::as_i64);
    code.is_some_and(|code| MODERN_ERRORS.contains(&code) || (code == -32601 && exchange.status == Some(404)))
}

/// Each exchange's era: `forced` for every one (a choice made by hand), else as its request
/// says (a GET or DELETE, which the modern era has none of, is legacy).
pub(crate) fn eras(exchanges: &[&HttpExchange], forced: Option<Era>) -> HashMap<u64, Era> {
    exchanges
        .iter()
        .map(|exchange| {
            let era = forced.unwrap_or_else(|| {
                let body = serde_json::from_str::<Value>(exchange.request_body.trim()).ok();
                of_exchange(exchange, body.as_ref())
            });
            (exchange.id, era)
        })
        .collect()
}

/// The conversation's era (its last exchange's) and, when a refused modern attempt was
/// followed by `initialize`, where it changed.
pub(crate) fn of_conversation(
    exchanges: &[&HttpExchange],
    eras: &HashMap<u64, Era>,
    forced: Option<Era>,
) -> (Option<Era>, Option<EraChange>) {
    if forced.is_some() {
        return (forced, None);
    }
    let era = exchanges.last().and_then(|last| eras.get(&last.id).copied());
    let refused = exchanges.iter().position(|exchange| {
        eras.get(&exchange.id) == Some(&Era::Modern)
            && matches!(exchange.status, Some(400 | 404 | 405))
            && !is_modern_refusal(exchange)
    });
    let change = refused.and_then(|at| {
        let initialize = exchanges[at + 1..].iter().find(|exchange| {
            eras.get(&exchange.id) == Some(&Era::Legacy)
                && crate::message::requests(&exchange.request_body, "initialize")
        })?;
        Some(EraChange { refused: exchanges[at].id, fell_back: initialize.id })
    });
    (era, change)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)], body: &str) -> HttpExchange {
        HttpExchange {
            method: "POST".into(),
            request_headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            request_body: body.into(),
            ..HttpExchange::default()
        }
    }

    /// The header or the body's `_meta` naming 2026-07-28 (or later) makes an exchange modern.
    #[test]
    fn the_revision_named_decides_the_era() {
        let meta = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let body: Value = serde_json::from_str(meta).expect("JSON");
        assert_eq!(of_exchange(&post(&[], meta), Some(&body)), Era::Modern);
        let plain: Value =
            serde_json::from_str(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).expect("JSON");
        assert_eq!(
            of_exchange(&post(&[("MCP-Protocol-Version", "2026-07-28")], ""), Some(&plain)),
            Era::Modern
        );
        assert_eq!(
            of_exchange(&post(&[("MCP-Protocol-Version", "2025-11-25")], ""), Some(&plain)),
            Era::Legacy
        );
        assert_eq!(of_exchange(&post(&[], ""), None), Era::Legacy);
    }

    /// A refusal with a modern error keeps a client modern; any other sends it back to initialize.
    #[test]
    fn modern_refusals_are_recognised() {
        let refused = |status, body: &str| HttpExchange {
            status: Some(status),
            response_body: body.into(),
            ..HttpExchange::default()
        };
        assert!(is_modern_refusal(&refused(
            400,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"m"}}"#
        )));
        assert!(is_modern_refusal(&refused(
            404,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"m"}}"#
        )));
        assert!(!is_modern_refusal(&refused(
            400,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"m"}}"#
        )));
        assert!(!is_modern_refusal(&refused(400, "Bad Request: no session")));
    }
}
