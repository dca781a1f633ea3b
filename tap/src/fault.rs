//! Fault rules on the request side (`sse-tap --faults`): which rule an exchange takes (by the
//! shared rules of `sse_faults`: its method, path, client tag, and whether it is a reconnect),
//! the client tag taken off before the request goes upstream, and a reconnect answered by the
//! tap itself.

use hyper::header::{HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};
use hyper::header::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE, LOCATION, ORIGIN};
use hyper::{HeaderMap, Response, StatusCode};
use sse_faults::{is_reconnect, FaultRules, ReconnectAnswer, Selected};
use sse_report_card::{client_tag, CLIENT_HEADER, CLIENT_PARAMETER};

use crate::applied::AppliedFault;
use crate::to_client::{Answer, ProxyBody};

/// The value of the `client` query parameter in `target`, decoded.
pub(crate) fn client_parameter(target: &str) -> Option<String> {
    let (_, query) = target.split_once('?')?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == CLIENT_PARAMETER)
        .map(|(_, value)| value.into_owned())
}

/// `target` without the `client=` pairs whose value a rule names (they are the tap's); any
/// other query is left byte for byte (an upstream's own `client=` passes untouched).
pub(crate) fn without_client_tag(target: &str, rules: &FaultRules) -> String {
    let Some((path, query)) = target.split_once('?') else { return target.to_owned() };
    if rules.is_empty() {
        return target.to_owned();
    }
    let ours = |pair: &&str| {
        url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .is_some_and(|(name, value)| name == CLIENT_PARAMETER && rules.names_client(&value))
    };
    let kept: Vec<&str> = query.split('&').filter(|pair| !ours(pair)).collect();
    match kept.is_empty() {
        true => path.to_owned(),
        false => format!("{path}?{}", kept.join("&")),
    }
}

/// The rule this request takes, if the tap has rules and one selects it; the `X-SSE-Client`
/// header is removed either way once the tap has rules (it is the tap's). `after_an_end_there`:
/// the client's last exchange for this target ended other than by the client leaving.
pub(crate) fn select(
    rules: &FaultRules,
    method: &str,
    client_target: &str,
    headers: &mut HeaderMap,
    after_an_end_there: bool,
) -> Option<Selected> {
    if rules.is_empty() {
        return None;
    }
    let client = tag(client_target, headers);
    headers.remove(CLIENT_HEADER);
    let client = client.as_deref();
    let reconnect = is_reconnect(headers.get("last-event-id").map(HeaderValue::as_bytes), after_an_end_there);
    rules.select(method, client_target, client, reconnect)
}

/// The client tag a request names (`client=` parameter, else `X-SSE-Client` header), which
/// fault rules and breakpoints select by.
pub(crate) fn tag(client_target: &str, headers: &HeaderMap) -> Option<String> {
    let header = headers.get(CLIENT_HEADER).and_then(|value| value.to_str().ok());
    let parameter = client_parameter(client_target);
    client_tag(parameter.as_deref(), header).map(|(tag, _)| tag.to_owned())
}

/// The record of a rule taken: its position and profile.
pub(crate) fn applied(selected: &Selected) -> AppliedFault {
    AppliedFault {
        rule: selected.position,
        profile: serde_json::to_string(&selected.profile).unwrap_or_default(),
        ..AppliedFault::default()
    }
}

/// A rule's answer to a reconnect, as the broker gives it (`sse_faults`'s whole answer): the
/// connection closes after it. A request from a page (with an `Origin`) may read it, so that
/// the page's EventSource acts on the answer as it would on the upstream's.
pub(crate) fn instead_response(
    answer: &ReconnectAnswer,
    origin: Option<&HeaderValue>,
) -> (Response<ProxyBody>, String) {
    let instead = answer.instead();
    let mut response = Response::new(ProxyBody::Answer(Answer::text(instead.body.clone())));
    *response.status_mut() = StatusCode::from_u16(instead.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let headers = response.headers_mut();
    let mut set = |name, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    if let Some(content_type) = &instead.content_type {
        set(CONTENT_TYPE, content_type);
    }
    if let Some(location) = &instead.location {
        set(LOCATION, location);
    }
    set(CACHE_CONTROL, "no-cache");
    set(CONNECTION, "close");
    if let Some(origin) = origin.and_then(|origin| origin.to_str().ok()) {
        set(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        set(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    let did = match &instead.location {
        Some(location) => {
            format!("answered the reconnect with a 307 to {location} instead of going upstream")
        }
        None => format!("answered the reconnect with {} instead of going upstream", instead.status),
    };
    (response, did)
}

/// The `Origin` a request came with.
pub(crate) fn origin(headers: &HeaderMap) -> Option<HeaderValue> {
    headers.get(ORIGIN).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a `client=` pair whose value a rule names is taken off; everything else stays as sent.
    #[test]
    fn only_a_client_tag_a_rule_names_is_taken_off() {
        let rules = FaultRules::parse(br#"[{"client": "ui under test", "retryMs": 5}]"#).expect("parses");
        assert_eq!(without_client_tag("/events?client=ui+under+test", &rules), "/events");
        assert_eq!(without_client_tag("/events?a=%2F&client=ui%20under%20test&b", &rules), "/events?a=%2F&b");
        assert_eq!(without_client_tag("/events?client=theirs&x=1", &rules), "/events?client=theirs&x=1");
        assert_eq!(without_client_tag("/plain", &rules), "/plain");
        assert_eq!(client_parameter("/e?x=1&client=a%20b").as_deref(), Some("a b"));
    }

    /// The header is the tap's once it has rules; the parameter wins over it; a reconnect takes
    /// the rule's answer.
    #[test]
    fn the_client_tag_selects_and_its_header_is_removed() {
        let rules =
            FaultRules::parse(br#"[{"client": "a", "onReconnect": {"status": 204}}, {"retryMs": 1}]"#)
                .expect("parses");
        let mut headers = HeaderMap::new();
        headers.insert(CLIENT_HEADER, HeaderValue::from_static("a"));
        headers.insert("last-event-id", HeaderValue::from_static("3"));
        let taken = select(&rules, "GET", "/events?client=b", &mut headers, false).expect("a rule");
        assert_eq!((taken.position, taken.answer.is_none()), (2, true), "the parameter names b");
        assert!(headers.get(CLIENT_HEADER).is_none(), "the header does not go upstream");
        headers.insert(CLIENT_HEADER, HeaderValue::from_static("a"));
        let taken = select(&rules, "GET", "/events", &mut headers, false).expect("a rule");
        assert_eq!((taken.position, taken.answer.map(|a| a.status)), (1, Some(Some(204))));
        let none = FaultRules::default();
        headers.insert(CLIENT_HEADER, HeaderValue::from_static("a"));
        assert_eq!(select(&none, "GET", "/", &mut headers, false), None);
        assert!(headers.get(CLIENT_HEADER).is_some(), "a tap without rules changes nothing");
    }
}
