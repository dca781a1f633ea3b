//! The session as HAR 1.2 (what browsers' devtools export), each stream's events in its entry
//! as `_eventSourceMessages` (`{time, type, id, data}`, like Chrome's `_webSocketMessages`).
//! Credentials are redacted unless asked: headers by name, and query parameters the same way.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde_json::{json, Value};
use url::Url;

use crate::headers::header;
use crate::record::Exchange;

pub use sse_subscriber::REDACTED;

/// Whether credentials are written as sent or replaced by [`REDACTED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    Redact,
    Keep,
}

/// Headers as `[{name, value}]`, credentials redacted when asked.
pub fn redact_headers(pairs: &[(String, String)], secrets: Secrets) -> Vec<(String, String)> {
    match secrets {
        Secrets::Redact => sse_subscriber::redact_headers(pairs),
        Secrets::Keep => pairs.to_vec(),
    }
}

/// The URL with its credential-like query parameters (`key=`, `token=`) redacted when asked.
pub fn redact_url(text: &str, secrets: Secrets) -> String {
    match secrets {
        Secrets::Redact => sse_subscriber::redact_url(text),
        Secrets::Keep => text.to_owned(),
    }
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

fn epoch_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64()
}

fn name_values(pairs: &[(String, String)]) -> Value {
    pairs.iter().map(|(name, value)| json!({"name": name, "value": value})).collect()
}

/// A body as HAR text: UTF-8 as is, anything else in base64.
fn body_text(bytes: &[u8]) -> (String, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(bytes), Some("base64")),
    }
}

fn entry(exchange: &Exchange, secrets: Secrets) -> Value {
    let started = exchange.started.unwrap_or(UNIX_EPOCH);
    let version = exchange.upstream_version.clone().unwrap_or_else(|| "HTTP/1.1".into());
    let shown_url = redact_url(&exchange.url, secrets);
    let query: Vec<(String, String)> = Url::parse(&shown_url)
        .map(|u| u.query_pairs().map(|(n, v)| (n.into_owned(), v.into_owned())).collect())
        .unwrap_or_default();
    let request_headers = redact_headers(&exchange.request_headers, secrets);
    let response_headers = redact_headers(&exchange.response_headers, secrets);
    let mut request = json!({
        "method": exchange.method,
        "url": shown_url,
        "httpVersion": version,
        "cookies": [],
        "headers": name_values(&request_headers),
        "queryString": name_values(&query),
        "headersSize": -1,
        "bodySize": exchange.request_bytes,
    });
    if exchange.request_bytes > 0 {
        let (text, _) = body_text(&exchange.request_body);
        request["postData"] = json!({
            "mimeType": header(&request_headers, "content-type").unwrap_or(""),
            "text": text,
        });
    }
    let status = exchange.status.unwrap_or(0);
    let mut content = json!({
        "size": exchange.decoded_bytes,
        "mimeType": header(&response_headers, "content-type").unwrap_or("x-unknown"),
    });
    if !exchange.is_stream && !exchange.response_body.is_empty() {
        let (text, encoding) = body_text(&exchange.response_body);
        content["text"] = json!(text);
        if let Some(encoding) = encoding {
            content["encoding"] = json!(encoding);
        }
        if (exchange.response_body.len() as u64) < exchange.decoded_bytes {
            content["comment"] = json!(format!(
                "the first {} of {} bytes (the tap's body limit)",
                exchange.response_body.len(),
                exchange.decoded_bytes
            ));
        }
    }
    let response = json!({
        "status": status,
        "statusText": hyper::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or(""),
        "httpVersion": version,
        "cookies": [],
        "headers": name_values(&response_headers),
        "content": content,
        "redirectURL": header(&response_headers, "location").unwrap_or(""),
        "headersSize": -1,
        "bodySize": exchange.response_bytes,
    });
    let total = exchange.duration.unwrap_or_default();
    let wait = exchange.head_after.unwrap_or(total);
    let mut entry = json!({
        "startedDateTime": sse_capture::rfc3339(started),
        "time": millis(total),
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": millis(wait), "receive": millis(total.saturating_sub(wait))},
        "_ending": exchange.ending.as_ref().map_or_else(|| "still open".to_owned(), ToString::to_string),
    });
    if exchange.is_stream {
        let messages: Vec<Value> = exchange
            .events
            .iter()
            .map(|event| {
                json!({
                    "time": epoch_seconds(started + event.at),
                    "type": event.event,
                    "id": event.id,
                    "data": event.data,
                })
            })
            .collect();
        entry["_eventSourceMessages"] = Value::Array(messages);
        if exchange.events_dropped > 0 {
            entry["_eventSourceMessagesDropped"] = json!(exchange.events_dropped);
        }
    }
    if exchange.tunnel {
        entry["_tunnel"] = json!(true);
    }
    if !exchange.warnings.is_empty() {
        entry["_warnings"] = json!(exchange.warnings);
    }
    if !exchange.breakpoints.is_empty() {
        // Which events breakpoints held, edited, dropped or injected.
        entry["_breakpoints"] = json!(exchange.breakpoints);
    }
    if let Some(fault) = &exchange.fault {
        entry["_fault"] = json!({
            "rule": fault.rule,
            "profile": serde_json::from_str::<Value>(&fault.profile).unwrap_or(Value::Null),
            "did": fault.did,
            "skipped": fault.skipped,
            "decoded": fault.decoded,
            "clientBytes": fault.client_bytes,
            "line": fault.line(),
        });
    }
    entry
}

/// The exchanges as one HAR 1.2 document.
pub fn har(exchanges: &[Exchange], secrets: Secrets) -> Value {
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "sse-tap", "version": env!("CARGO_PKG_VERSION")},
            "entries": exchanges.iter().map(|e| entry(e, secrets)).collect::<Vec<_>>(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_in_headers_and_query_unless_kept() {
        let pairs =
            vec![("Authorization".to_owned(), "Bearer sk-1".to_owned()), ("Accept".into(), "*/*".into())];
        assert_eq!(redact_headers(&pairs, Secrets::Redact)[0].1, REDACTED);
        assert_eq!(redact_headers(&pairs, Secrets::Redact)[1].1, "*/*");
        assert_eq!(redact_headers(&pairs, Secrets::Keep)[0].1, "Bearer sk-1");
        let gemini = "https://g.example/v1beta/models/m:streamGenerateContent?alt=sse&key=AIza123";
        let redacted = redact_url(gemini, Secrets::Redact);
        assert!(redacted.contains("alt=sse") && !redacted.contains("AIza123"), "{redacted}");
        assert_eq!(redact_url(gemini, Secrets::Keep), gemini);
        assert_eq!(redact_url("http://h/x?alt=sse", Secrets::Redact), "http://h/x?alt=sse");
    }
}
