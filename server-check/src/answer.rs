//! The rules on the response head: what makes EventSource fail the connection (status,
//! Content-Type, no head at all), and what intermediaries and browsers read from it.

use sse_report_card::{CardVerdict, Level};

use crate::observed::Observations;
use crate::rule::{secs, ServerRule};
use crate::watch::Head;

const FAIL_THE_CONNECTION: &str = "HTML, server-sent events: \"if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection.\"";

pub(crate) fn rules(seen: &Observations) -> Vec<ServerRule> {
    vec![
        answers_200(seen),
        answers_an_event_stream(seen),
        answers_within_the_connect_timeout(seen),
        forbids_caching(seen),
        turns_proxy_buffering_off(seen),
        speaks_http_version(seen),
        has_no_content_length(seen),
    ]
}

/// The watched connection's head, or the rule not observed with why.
fn head<'a>(
    seen: &'a Observations,
    rule: &'static str,
    level: Level,
    source: &'static str,
) -> Result<&'a Head, ServerRule> {
    seen.watched.head.as_ref().ok_or_else(|| {
        let (why, failed) = match &seen.watched.failure {
            Some((_, reason)) => (format!("no response: {reason}"), true),
            // Still waiting when the check ended: failed only once --connect-timeout passed.
            None => (
                format!(
                    "no response head within the check ({}; --connect-timeout {})",
                    secs(seen.ran_for_ms),
                    secs(seen.connect_timeout_ms)
                ),
                seen.ran_for_ms >= seen.connect_timeout_ms,
            ),
        };
        let verdict =
            if level == Level::Must && failed { CardVerdict::Fail } else { CardVerdict::NotObserved };
        ServerRule::judged(rule, level, source, verdict, vec![why])
    })
}

/// "answers 200 (after any redirects)"
fn answers_200(seen: &Observations) -> ServerRule {
    const RULE: &str = "answers 200 (after any redirects)";
    let head = match head(seen, RULE, Level::Must, FAIL_THE_CONNECTION) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let ok = head.status == 200;
    let mut evidence = vec![format!("HTTP {} at {}", head.status, secs(head.at_ms))];
    if !ok {
        evidence.push("EventSource fails the connection and never reconnects".into());
    }
    ServerRule::judged(RULE, Level::Must, FAIL_THE_CONNECTION, CardVerdict::of(ok), evidence)
}

/// "answers with Content-Type text/event-stream"
fn answers_an_event_stream(seen: &Observations) -> ServerRule {
    const RULE: &str = "answers with Content-Type text/event-stream";
    let head = match head(seen, RULE, Level::Must, FAIL_THE_CONNECTION) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let content_type = head.header("content-type");
    let ok = content_type.is_some_and(|value| sse_wire::has_essence(value, "text/event-stream"));
    let shown =
        content_type.map_or_else(|| "no Content-Type".to_owned(), |value| format!("Content-Type: {value}"));
    ServerRule::judged(RULE, Level::Must, FAIL_THE_CONNECTION, CardVerdict::of(ok), vec![shown])
}

/// "sends its response head within --connect-timeout"
fn answers_within_the_connect_timeout(seen: &Observations) -> ServerRule {
    const RULE: &str = "sends its response head within --connect-timeout";
    const SOURCE: &str = "HTML, server-sent events: the EventSource stays CONNECTING until the response comes, and \"announces the connection\" only then; no event is seen before it";
    let head = match head(seen, RULE, Level::Must, SOURCE) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let took = head.at_ms.saturating_sub(seen.watched.sent_ms);
    let ok = took <= seen.connect_timeout_ms;
    let evidence =
        vec![format!("the head came {took} ms after the request (limit {} ms)", seen.connect_timeout_ms)];
    ServerRule::judged(RULE, Level::Must, SOURCE, CardVerdict::of(ok), evidence)
}

/// "sends Cache-Control: no-cache or no-store"
fn forbids_caching(seen: &Observations) -> ServerRule {
    const RULE: &str = "sends Cache-Control: no-cache or no-store";
    const SOURCE: &str = "practice: RFC 9111 lets a cache store and reuse a 200 that does not forbid it; MDN's \"Using server-sent events\" and the spec's examples send `Cache-Control: no-cache`";
    let head = match head(seen, RULE, Level::Should, SOURCE) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let value = head.header("cache-control");
    let ok = value.is_some_and(|value| {
        value.split(',').any(|directive| {
            matches!(directive.trim().to_ascii_lowercase().as_str(), "no-cache" | "no-store")
        })
    });
    let shown =
        value.map_or_else(|| "no Cache-Control".to_owned(), |value| format!("Cache-Control: {value}"));
    ServerRule::judged(RULE, Level::Should, SOURCE, CardVerdict::of(ok), vec![shown])
}

/// "sends X-Accel-Buffering: no"
fn turns_proxy_buffering_off(seen: &Observations) -> ServerRule {
    const RULE: &str = "sends X-Accel-Buffering: no";
    const SOURCE: &str = "practice: nginx buffers a proxied response unless `proxy_buffering off`, or the response says `X-Accel-Buffering: no` (nginx docs, proxy_buffering)";
    let head = match head(seen, RULE, Level::Info, SOURCE) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let value = head.header("x-accel-buffering");
    let ok = value.is_some_and(|value| value.trim().eq_ignore_ascii_case("no"));
    let shown = match value {
        Some(value) => format!("X-Accel-Buffering: {value}"),
        None => "none: an nginx in front buffers the stream unless told otherwise".to_owned(),
    };
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(ok), vec![shown])
}

/// "HTTP version and ALPN"
fn speaks_http_version(seen: &Observations) -> ServerRule {
    const RULE: &str = "HTTP version and ALPN";
    const SOURCE: &str = "practice: browsers open at most 6 HTTP/1.1 connections per host, so a page gets at most 6 EventSources to it (fewer beside its other requests); over HTTP/2 they share one connection";
    let head = match head(seen, RULE, Level::Info, SOURCE) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let http2 = head.version.starts_with("HTTP/2") || head.version.starts_with("HTTP/3");
    let mut evidence = vec![head.version.clone()];
    if !http2 {
        evidence
            .push("a page can hold at most 6 connections to this host: EventSources beyond that wait".into());
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(http2), evidence)
}

/// "has no Content-Length"
fn has_no_content_length(seen: &Observations) -> ServerRule {
    const RULE: &str = "has no Content-Length";
    const SOURCE: &str = "RFC 9112, 6.3: a body with a Content-Length ends after that many bytes, so such a stream ends and the client reconnects";
    let head = match head(seen, RULE, Level::Info, SOURCE) {
        Ok(head) => head,
        Err(rule) => return rule,
    };
    let value = head.header("content-length");
    let evidence = vec![value.map_or_else(
        || "none: the stream is open-ended".to_owned(),
        |length| format!("Content-Length: {length}: the stream ends after {length} bytes"),
    )];
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(value.is_none()), evidence)
}
