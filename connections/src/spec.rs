use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use sse_subscriber::{parse_header_line, SubscribeRequest};

use crate::error::SpecError;
use crate::llm::parse_read_as;
use sse_llm::ReadAs;

/// Everything the user set for one connection, as the UI edits it and settings keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ConnectionSpec {
    /// Shown in the connection list; the URL's host when empty.
    pub name: String,
    pub url: String,
    /// `GET` unless set; `POST` for most LLM APIs.
    pub method: String,
    pub headers: Vec<HeaderField>,
    /// Sent with every (re)connection; empty means none.
    pub body: String,
    pub auth: Auth,
    pub tls: TlsOptions,
    pub reconnect: ReconnectOptions,
    /// A JSON path joined from every event into the assembled text, e.g.
    /// `choices[0].delta.content`; empty turns the assembled view off.
    pub assemble_path: String,
    /// How the LLM panel reads the stream: empty to guess from the URL and the first events,
    /// `off`, or a provider's key (`openai`, `responses`, `anthropic`, `gemini`, `ollama`).
    pub llm: String,
    /// Add MCP revision 2026-07-28's request metadata headers to a JSON-RPC body whose
    /// `params._meta` names that revision ([`ConnectionSpec::added_headers`]).
    pub mcp_headers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeaderField {
    pub name: String,
    pub value: String,
}

/// How the request authenticates. Secrets are kept out of saved settings (see `settings.rs`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Auth {
    #[default]
    None,
    Bearer {
        token: String,
    },
    Basic {
        user: String,
        password: String,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct TlsOptions {
    /// Accept any certificate: for test servers only, and marked as such in the UI.
    pub insecure: bool,
    /// A PEM file of extra CA certificates to trust; empty for none.
    pub ca_file: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct ReconnectOptions {
    /// Reconnect like EventSource after the stream ends or the network fails.
    pub enabled: bool,
    /// Also retry HTTP 5xx and 429 answers.
    pub retry_http_errors: bool,
    pub connect_timeout_secs: f64,
    /// Reconnect when nothing, not even a keep-alive, arrives for this long; 0 for never.
    pub idle_timeout_secs: f64,
}

impl Default for ReconnectOptions {
    fn default() -> Self {
        Self { enabled: true, retry_http_errors: false, connect_timeout_secs: 10.0, idle_timeout_secs: 0.0 }
    }
}

impl Default for ConnectionSpec {
    fn default() -> Self {
        Self {
            name: String::new(),
            url: String::new(),
            method: "GET".into(),
            headers: Vec::new(),
            body: String::new(),
            auth: Auth::None,
            tls: TlsOptions::default(),
            reconnect: ReconnectOptions::default(),
            assemble_path: String::new(),
            llm: String::new(),
            mcp_headers: true,
        }
    }
}

impl HeaderField {
    pub fn new(name: &str, value: &str) -> Self {
        Self { name: name.to_owned(), value: value.to_owned() }
    }
}

fn seconds(field: &'static str, secs: f64) -> Result<Duration, SpecError> {
    Duration::try_from_secs_f64(secs)
        .map_err(|_| SpecError::Invalid { field, reason: format!("{secs} is not a number of seconds") })
}

impl ConnectionSpec {
    /// The method as sent: upper case, `GET` when empty.
    pub fn method_name(&self) -> String {
        let method = self.method.trim();
        if method.is_empty() {
            "GET".to_owned()
        } else {
            method.to_ascii_uppercase()
        }
    }

    /// The name to show: the given one, else the URL's host and path.
    pub fn display_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_owned();
        }
        match reqwest::Url::parse(self.url.trim()) {
            Ok(url) => format!("{}{}", url.host_str().unwrap_or(""), url.path()),
            Err(_) => self.url.trim().to_owned(),
        }
    }

    /// Whether an NDJSON response is read too, a line an event: for a stream read as an LLM's
    /// (Ollama's native API streams NDJSON), as `sse-sub --llm` does.
    pub fn reads_ndjson(&self) -> bool {
        let from_url = sse_llm::Provider::from_url(self.url.trim());
        match self.llm_choice() {
            Ok(ReadAs::Provider(_)) => true,
            Ok(ReadAs::Auto) => from_url.is_some(),
            Ok(ReadAs::Off) | Err(_) => from_url == Some(sse_llm::Provider::Ollama),
        }
    }

    /// How the LLM panel reads the stream, or why `llm` says nothing it knows.
    pub fn llm_choice(&self) -> Result<ReadAs, SpecError> {
        parse_read_as(&self.llm)
    }

    /// The subscriber's request, or the first thing wrong with the spec, said for a user.
    pub fn to_request(&self) -> Result<SubscribeRequest, SpecError> {
        let url = self.url.trim();
        if url.is_empty() {
            return Err(SpecError::Invalid { field: "URL", reason: "enter the stream's URL".into() });
        }
        let mut request = SubscribeRequest::new(url)?;
        let method = Method::from_bytes(self.method_name().as_bytes()).map_err(|_| SpecError::Invalid {
            field: "method",
            reason: format!("`{}` is not an HTTP method", self.method.trim()),
        })?;
        request = request.method(method);
        for field in self.headers.iter().filter(|h| !h.name.trim().is_empty()).chain(&self.added_headers()) {
            let (name, value): (HeaderName, HeaderValue) =
                parse_header_line(&format!("{}: {}", field.name.trim(), field.value))?;
            request = request.header(name, value);
        }
        if !self.body.is_empty() {
            request = request.body(self.body.clone().into_bytes());
        }
        request = match &self.auth {
            Auth::None => request,
            Auth::Bearer { token } => request.bearer_auth(token)?,
            Auth::Basic { user, password } => request.basic_auth(user, password)?,
        };
        if !self.tls.ca_file.trim().is_empty() {
            request = request.extra_ca_file(PathBuf::from(self.tls.ca_file.trim()));
        }
        let idle = self.reconnect.idle_timeout_secs;
        Ok(request
            .ndjson(self.reads_ndjson())
            .insecure(self.tls.insecure)
            .reconnect(self.reconnect.enabled)
            .retry_server_errors(self.reconnect.retry_http_errors)
            .connect_timeout(seconds("connect timeout", self.reconnect.connect_timeout_secs)?)
            .idle_timeout(if idle > 0.0 { Some(seconds("idle timeout", idle)?) } else { None }))
    }

    /// The headers the connection adds to those the user set: MCP revision 2026-07-28's request
    /// metadata headers (`sse_mcp::request_metadata`) when the body is a JSON-RPC request naming
    /// that revision, unless switched off; never one the user set (by name, any case).
    pub fn added_headers(&self) -> Vec<HeaderField> {
        if !self.mcp_headers {
            return Vec::new();
        }
        let set = |name: &str| self.headers.iter().any(|h| h.name.trim().eq_ignore_ascii_case(name));
        sse_mcp::request_metadata(&self.body)
            .into_iter()
            .filter(|(name, _)| !set(name))
            .map(|(name, value)| HeaderField { name, value })
            .collect()
    }

    /// A copy with tokens, passwords, credential headers and query keys replaced by `***`, for
    /// showing on screen.
    pub fn with_secrets_masked(&self) -> Self {
        let mask = |secret: &str| if secret.is_empty() { String::new() } else { "***".to_owned() };
        let auth = match &self.auth {
            Auth::None => Auth::None,
            Auth::Bearer { token } => Auth::Bearer { token: mask(token) },
            Auth::Basic { user, password } => Auth::Basic { user: user.clone(), password: mask(password) },
        };
        let headers = self
            .headers
            .iter()
            .map(|h| {
                let value =
                    if sse_wire::is_credential_name(&h.name) { mask(&h.value) } else { h.value.clone() };
                HeaderField { name: h.name.clone(), value }
            })
            .collect();
        Self { auth, headers, url: crate::query_keys::mask_query_secrets(&self.url), ..self.clone() }
    }

    /// Why a browser `EventSource` cannot open this connection, if it cannot: it only sends
    /// GET, with no custom headers, body or credentials of ours, and with the system's TLS.
    pub fn browser_limits(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if self.method_name() != "GET" {
            reasons.push(format!("EventSource only sends GET; this connection uses {}", self.method_name()));
        }
        if !self.body.is_empty() {
            reasons.push("EventSource cannot send a request body".to_owned());
        }
        if self.headers.iter().any(|h| !h.name.trim().is_empty()) {
            reasons.push("EventSource cannot send custom headers".to_owned());
        }
        if self.auth != Auth::None {
            reasons.push("EventSource cannot send an Authorization header".to_owned());
        }
        if self.tls.insecure || !self.tls.ca_file.trim().is_empty() {
            reasons.push(
                "EventSource uses the system's TLS checks; this connection's TLS options do not apply"
                    .to_owned(),
            );
        }
        reasons
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(url: &str) -> ConnectionSpec {
        ConnectionSpec { url: url.into(), ..ConnectionSpec::default() }
    }

    /// A JSON-RPC body naming revision 2026-07-28 gets MCP's metadata headers, a name that is not
    /// plain ASCII encoded; a header the user set wins; switched off, none.
    #[test]
    fn an_mcp_body_adds_its_metadata_headers() {
        let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"grüßen","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        let mut mcp = ConnectionSpec { method: "POST".into(), body: body.into(), ..spec("http://x/mcp") };
        let added = |spec: &ConnectionSpec| -> Vec<String> {
            spec.added_headers().iter().map(|h| format!("{}: {}", h.name, h.value)).collect()
        };
        assert_eq!(
            added(&mcp),
            [
                "MCP-Protocol-Version: 2026-07-28",
                "Mcp-Method: tools/call",
                "Mcp-Name: =?base64?Z3LDvMOfZW4=?="
            ]
        );
        mcp.headers = vec![HeaderField::new("mcp-method", "mine")];
        assert_eq!(added(&mcp).len(), 2, "the user's header is never replaced");
        assert!(
            crate::curl_command(&mcp).contains("-H 'mcp-method: mine' -H 'MCP-Protocol-Version: 2026-07-28'")
        );
        mcp.mcp_headers = false;
        assert!(added(&mcp).is_empty());
        assert!(!crate::curl_command(&mcp).contains("MCP-Protocol-Version"));
        assert!(added(&ConnectionSpec { body: "{}".into(), ..spec("http://x/") }).is_empty());
    }

    #[test]
    fn a_plain_spec_becomes_a_get_request() {
        let request = spec(" http://127.0.0.1:8080/events?stream=messages ").to_request().unwrap();
        assert_eq!(request.url().as_str(), "http://127.0.0.1:8080/events?stream=messages");
        assert!(!request.is_insecure());
        assert!(spec("http://x/").browser_limits().is_empty());
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let error = |spec: ConnectionSpec| spec.to_request().unwrap_err().to_string();
        assert!(error(spec("")).contains("URL"), "{}", error(spec("")));
        assert!(error(spec("example.com/events")).contains("URL"));
        let bad_method = ConnectionSpec { method: "GE T".into(), ..spec("http://x/") };
        assert!(error(bad_method).contains("method"));
        let injected =
            ConnectionSpec { headers: vec![HeaderField::new("X-A", "1\r\nX-B: 2")], ..spec("http://x/") };
        assert!(error(injected).contains("control character"));
        let negative = ConnectionSpec {
            reconnect: ReconnectOptions { connect_timeout_secs: -1.0, ..ReconnectOptions::default() },
            ..spec("http://x/")
        };
        assert!(error(negative).contains("connect timeout"));
    }

    #[test]
    fn the_browser_limits_are_listed() {
        let llm = ConnectionSpec {
            method: "post".into(),
            body: "{}".into(),
            headers: vec![HeaderField::new("Content-Type", "application/json")],
            auth: Auth::Bearer { token: "t".into() },
            tls: TlsOptions { insecure: true, ca_file: String::new() },
            ..spec("https://x/")
        };
        let reasons = llm.browser_limits();
        assert_eq!(reasons.len(), 5, "{reasons:?}");
        assert!(reasons[0].contains("POST"));
    }

    #[test]
    fn secrets_can_be_masked_for_display() {
        let basic = ConnectionSpec {
            auth: Auth::Basic { user: "u".into(), password: "p".into() },
            ..spec("http://x/")
        };
        assert_eq!(
            basic.with_secrets_masked().auth,
            Auth::Basic { user: "u".into(), password: "***".into() }
        );
        let bearer = ConnectionSpec { auth: Auth::Bearer { token: "sk".into() }, ..spec("http://x/") };
        assert_eq!(bearer.with_secrets_masked().auth, Auth::Bearer { token: "***".into() });
    }

    #[test]
    fn names_default_to_host_and_path() {
        assert_eq!(spec("http://example.com:8080/sse?x=1").display_name(), "example.com/sse");
        assert_eq!(ConnectionSpec { name: " Mine ".into(), ..spec("http://x/") }.display_name(), "Mine");
    }

    #[test]
    fn specs_round_trip_through_json_and_fill_defaults() {
        let spec: ConnectionSpec =
            serde_json::from_str(r#"{"url":"http://x/","auth":{"kind":"bearer","token":"t"}}"#).unwrap();
        assert_eq!(spec.method, "GET");
        assert!(spec.reconnect.enabled);
        assert_eq!(spec.auth, Auth::Bearer { token: "t".into() });
        let again: ConnectionSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(again, spec);
    }
}
