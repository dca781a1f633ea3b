//! Revision 2026-07-28's request metadata headers: `MCP-Protocol-Version`, `Mcp-Method`,
//! `Mcp-Name` and the `Mcp-Param-{Name}` headers a tool's `x-mcp-header` annotations ask for,
//! each read beside the body field it mirrors, a `=?base64?…?=` sentinel value decoded.

use std::collections::HashMap;

use base64::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::era::{body_version, VERSION_META};
use crate::exchange::HttpExchange;
use crate::message::naming_field;

const SENTINEL_START: &str = "=?base64?";
const SENTINEL_END: &str = "?=";
const PARAM_PREFIX: &str = "mcp-param-";

/// One metadata header of a request, as sent, beside the body field it mirrors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MetadataHeader {
    pub name: String,
    /// As sent; none when it is missing.
    pub sent: Option<String>,
    /// A Base64 sentinel's value, decoded.
    pub decoded: Option<String>,
    /// The body field it mirrors (`method`, `params.name`, `params.arguments.region`).
    pub field: String,
    /// That field's value, as the header would carry it; none when the body has none.
    pub body_value: Option<String>,
    /// What is wrong with it, if anything: missing, differs from the body, badly encoded.
    pub problem: Option<String>,
    /// The rule that problem breaks (`metadata-headers`, `header-encoding`).
    pub rule: Option<String>,
}

/// The rule a header's problem breaks: its encoding, or its mirroring of the body.
fn rule_of(problem: &str) -> &'static str {
    match problem.contains("Base64") || problem.contains("plain ASCII") {
        true => "header-encoding",
        false => "metadata-headers",
    }
}

/// A header value decoded: a sentinel's Base64 as UTF-8, or a plain value as it is; why not.
pub(crate) fn decode(value: &str) -> Result<String, String> {
    if let Some(inner) = value.strip_prefix(SENTINEL_START).and_then(|rest| rest.strip_suffix(SENTINEL_END)) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(inner)
            .map_err(|error| format!("`{value}` is not a valid Base64 sentinel: {error}"))?;
        return String::from_utf8(bytes)
            .map_err(|_| format!("`{value}` decodes to bytes that are not UTF-8"));
    }
    let plain = value.bytes().all(|b| b == b'\t' || (0x20..=0x7e).contains(&b));
    let padded = value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']);
    match (plain, padded) {
        (true, false) => Ok(value.to_owned()),
        _ => Err(format!(
            "`{value}` is not plain ASCII without surrounding spaces: it needs the Base64 sentinel"
        )),
    }
}

/// A value as a header carries it: as it is when plain ASCII with no surrounding spaces (and not
/// itself shaped like a sentinel), else as a `=?base64?…?=` sentinel of its UTF-8.
pub fn encode(value: &str) -> String {
    let sentinel_shaped = value.starts_with(SENTINEL_START) && value.ends_with(SENTINEL_END);
    match decode(value) {
        Ok(_) if !sentinel_shaped => value.to_owned(),
        _ => format!(
            "{SENTINEL_START}{}{SENTINEL_END}",
            base64::engine::general_purpose::STANDARD.encode(value)
        ),
    }
}

/// The metadata headers a client sends with `body` when it is one JSON-RPC request whose
/// `params._meta` names a modern revision: `MCP-Protocol-Version`, `Mcp-Method`, and for
/// `tools/call`, `resources/read` and `prompts/get`, `Mcp-Name` (encoded when needed). None for
/// any other body. (`Mcp-Param-*` need the tool's schema, which a request alone does not carry.)
pub fn request_metadata(body: &str) -> Vec<(String, String)> {
    let Ok(body) = serde_json::from_str::<Value>(body.trim()) else { return Vec::new() };
    let (Some(method), Some(version)) = (body.get("method").and_then(Value::as_str), body_version(&body))
    else {
        return Vec::new();
    };
    if !crate::era::is_modern(version) || body.get("id").is_none_or(Value::is_null) {
        return Vec::new();
    }
    let mut headers = vec![
        ("MCP-Protocol-Version".to_owned(), version.to_owned()),
        ("Mcp-Method".to_owned(), method.to_owned()),
    ];
    let name = naming_field(method).and_then(|field| body.get("params")?.get(field).and_then(header_text));
    if let Some(name) = name {
        headers.push(("Mcp-Name".to_owned(), encode(&name)));
    }
    headers
}

/// A JSON value as a header carries it: a string as it is, an integer in decimal, a boolean in
/// lower case; none for anything else.
fn header_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Some(number.to_string()),
        _ => None,
    }
}

/// Whether a decoded header value stands for `body` (integers compared as numbers).
fn same(decoded: &str, body: &str) -> bool {
    decoded == body
        || matches!((decoded.parse::<f64>(), body.parse::<f64>()), (Ok(a), Ok(b)) if a == b && body.parse::<i64>().is_ok())
}

/// The `x-mcp-header` annotations of the tools a `tools/list` result lists: by tool, each
/// header's name part and the path of `properties` keys to its argument.
#[derive(Debug, Default, Clone)]
pub(crate) struct ParamHeaders(HashMap<String, Vec<(String, Vec<String>)>>);

impl ParamHeaders {
    /// Learns the annotations in a `tools/list` result.
    pub(crate) fn learn(&mut self, result: &Value) {
        for tool in result.get("tools").and_then(Value::as_array).into_iter().flatten() {
            let Some(name) = tool.get("name").and_then(Value::as_str) else { continue };
            let mut found = Vec::new();
            if let Some(schema) = tool.get("inputSchema") {
                annotated(schema, &mut Vec::new(), &mut found);
            }
            self.0.insert(name.to_owned(), found);
        }
    }
}

/// The annotated properties under `schema`, reached through `properties` keys only.
fn annotated(schema: &Value, path: &mut Vec<String>, found: &mut Vec<(String, Vec<String>)>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return };
    for (key, property) in properties {
        path.push(key.clone());
        if let Some(header) = property.get("x-mcp-header").and_then(Value::as_str) {
            found.push((header.to_owned(), path.clone()));
        }
        annotated(property, path, found);
        path.pop();
    }
}

/// The metadata headers of a modern request POST whose body is `body` (one JSON-RPC request).
pub(crate) fn headers_of(
    exchange: &HttpExchange,
    body: &Value,
    params: &ParamHeaders,
) -> Vec<MetadataHeader> {
    let Some(method) = body.get("method").and_then(Value::as_str) else { return Vec::new() };
    if body.get("id").is_none_or(Value::is_null) {
        return Vec::new(); // a notification: the revision sets no header rules for it
    }
    let mut headers = Vec::new();
    let version = body_version(body).map(str::to_owned);
    headers.push(check(
        exchange,
        "MCP-Protocol-Version",
        &format!("params._meta[\"{VERSION_META}\"]"),
        version,
        false,
    ));
    headers.push(check(exchange, "Mcp-Method", "method", Some(method.to_owned()), false));
    let arguments = body.get("params");
    if let Some(field) = naming_field(method) {
        let value = arguments.and_then(|p| p.get(field)).and_then(header_text);
        headers.push(check(exchange, "Mcp-Name", &format!("params.{field}"), value, true));
    }
    let tool =
        arguments.and_then(|p| p.get("name")).and_then(Value::as_str).filter(|_| method == "tools/call");
    let known = tool.and_then(|tool| params.0.get(tool));
    let mut named: Vec<String> = Vec::new();
    for (part, path) in known.into_iter().flatten() {
        let given = arguments.and_then(|p| p.get("arguments"));
        let value = given.and_then(|given| path.iter().try_fold(given, |at, key| at.get(key)));
        let value = value.filter(|value| !value.is_null()).and_then(header_text);
        let header = format!("Mcp-Param-{part}");
        named.push(header.to_ascii_lowercase());
        let sent = exchange.request_header(&header);
        if value.is_none() && sent.is_none() {
            continue; // no value: the header is left out
        }
        let field = format!("params.arguments.{}", path.join("."));
        headers.push(check(exchange, &header, &field, value, true));
    }
    // Param headers no annotation seen asks for: decoded, the body unknown.
    for (name, value) in &exchange.request_headers {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with(PARAM_PREFIX) && !named.contains(&lower) {
            let decoded = decode(value);
            let problem = decoded.as_ref().err().cloned();
            headers.push(MetadataHeader {
                name: name.clone(),
                sent: Some(value.clone()),
                decoded: decoded.as_ref().ok().filter(|d| d != &value).cloned(),
                field: "an argument (no x-mcp-header annotation seen for it)".into(),
                body_value: None,
                rule: problem.as_deref().map(|problem| rule_of(problem).to_owned()),
                problem,
            });
        }
    }
    headers
}

/// One header beside its body value; `encodable`: it may carry the Base64 sentinel.
fn check(
    exchange: &HttpExchange,
    name: &str,
    field: &str,
    body: Option<String>,
    encodable: bool,
) -> MetadataHeader {
    let sent = exchange.request_header(name).map(str::to_owned);
    let decoded = sent.as_deref().map(|value| if encodable { decode(value) } else { Ok(value.to_owned()) });
    let problem = match (&sent, &decoded, &body) {
        (None, _, Some(_)) => Some(format!("missing: the body's {field} is not mirrored")),
        (None, _, None) => Some("missing".to_owned()),
        (Some(_), Some(Err(why)), _) => Some(why.clone()),
        (Some(_), Some(Ok(decoded)), Some(body)) if !same(decoded, body) => {
            Some(format!("`{decoded}` differs from the body's {field} `{body}`"))
        }
        (Some(sent), _, None) => Some(format!("`{sent}` mirrors nothing: the body has no {field}")),
        _ => None,
    };
    let decoded = decoded.and_then(Result::ok).filter(|decoded| Some(decoded) != sent.as_ref());
    let rule = problem.as_deref().map(|problem| rule_of(problem).to_owned());
    MetadataHeader {
        name: name.to_owned(),
        sent,
        decoded,
        field: field.to_owned(),
        body_value: body,
        problem,
        rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], body: &str) -> (HttpExchange, Value) {
        let exchange = HttpExchange {
            method: "POST".into(),
            request_headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            request_body: body.into(),
            ..HttpExchange::default()
        };
        (exchange, serde_json::from_str(body).expect("JSON"))
    }

    const CALL: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{"greeting":"Grüße, 世界","n":42},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;

    fn annotations() -> ParamHeaders {
        let mut params = ParamHeaders::default();
        let list = r#"{"tools":[{"name":"greet","inputSchema":{"type":"object","properties":{"greeting":{"type":"string","x-mcp-header":"Greeting"},"n":{"type":"integer","x-mcp-header":"N"}}}}]}"#;
        params.learn(&serde_json::from_str(list).expect("JSON"));
        params
    }

    /// Values are encoded as the spec's table shows, and decode back.
    #[test]
    fn values_encode_as_the_spec_shows() {
        for (value, encoded) in [
            ("us-west1", "us-west1"),
            ("Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="),
            (" padded ", "=?base64?IHBhZGRlZCA=?="),
            ("line1\nline2", "=?base64?bGluZTEKbGluZTI=?="),
            ("=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="),
        ] {
            assert_eq!(encode(value), encoded);
            assert_eq!(decode(encoded).as_deref(), Ok(value));
        }
    }

    /// A request naming 2026-07-28 gets its headers (its name encoded); anything else none.
    #[test]
    fn a_modern_request_gets_its_headers() {
        let call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"grüßen","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let headers = request_metadata(call);
        assert_eq!(headers[0], ("MCP-Protocol-Version".to_owned(), "2026-07-28".to_owned()));
        assert_eq!(headers[1], ("Mcp-Method".to_owned(), "tools/call".to_owned()));
        assert_eq!(headers[2].1, encode("grüßen"));
        assert!(request_metadata(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_empty());
        let notification = r#"{"jsonrpc":"2.0","method":"x","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        assert!(request_metadata(notification).is_empty());
        assert!(request_metadata("not json").is_empty());
    }

    /// The spec's encoding examples decode; values that needed the sentinel and lack it, or a
    /// broken sentinel, are named.
    #[test]
    fn sentinels_decode_as_the_spec_shows() {
        assert_eq!(decode("us-west1"), Ok("us-west1".into()));
        assert_eq!(decode("=?base64?SGVsbG8sIOS4lueVjA==?="), Ok("Hello, 世界".into()));
        assert_eq!(decode("=?base64?IHBhZGRlZCA=?="), Ok(" padded ".into()));
        assert_eq!(decode("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="), Ok("=?base64?literal?=".into()));
        assert!(decode("=?base64?not base64!?=")
            .expect_err("broken")
            .contains("not a valid Base64 sentinel"));
        assert!(decode("Grüße").expect_err("not ASCII").contains("needs the Base64 sentinel"));
        assert!(decode(" padded ").is_err());
    }

    /// Every header is read beside the body field it mirrors; an annotated argument's header is
    /// decoded and compared, an integer as a number.
    #[test]
    fn headers_are_read_beside_their_fields() {
        let sent = [
            ("MCP-Protocol-Version", "2026-07-28"),
            ("Mcp-Method", "tools/call"),
            ("Mcp-Name", "greet"),
            ("Mcp-Param-Greeting", "=?base64?R3LDvMOfZSwg5LiW55WM?="),
            ("Mcp-Param-N", "42"),
        ];
        let (exchange, body) = request(&sent, CALL);
        let headers = headers_of(&exchange, &body, &annotations());
        let problems: Vec<_> = headers.iter().filter_map(|h| h.problem.clone()).collect();
        assert_eq!(problems, Vec::<String>::new());
        let greeting = headers.iter().find(|h| h.name == "Mcp-Param-Greeting").expect("read");
        assert_eq!(
            (greeting.decoded.as_deref(), greeting.field.as_str()),
            (Some("Grüße, 世界"), "params.arguments.greeting")
        );
    }

    /// A missing header, one that differs from the body, and a plain non-ASCII value are named.
    #[test]
    fn mismatches_are_named() {
        let sent = [
            ("MCP-Protocol-Version", "2026-07-28"),
            ("Mcp-Method", "tools/list"),
            ("Mcp-Param-Greeting", "Grüße, 世界"),
        ];
        let (exchange, body) = request(&sent, CALL);
        let headers = headers_of(&exchange, &body, &annotations());
        let problem = |name: &str| {
            headers.iter().find(|h| h.name == name).and_then(|h| h.problem.clone()).unwrap_or_default()
        };
        assert!(problem("Mcp-Method").contains("`tools/list` differs from the body's method `tools/call`"));
        assert!(problem("Mcp-Name").starts_with("missing"));
        assert!(problem("Mcp-Param-Greeting").contains("needs the Base64 sentinel"));
        assert!(problem("Mcp-Param-N").starts_with("missing"), "an annotated argument with a value");
    }
}
