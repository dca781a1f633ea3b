use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use sse_wire::is_credential_name;

use crate::error::SubscribeError;
use crate::parser::DEFAULT_MAX_EVENT_SIZE;

/// What to subscribe to and how: URL, method, headers, body, timeouts and reconnection.
#[derive(Debug, Clone, PartialEq)]
pub struct SubscribeRequest {
    pub(crate) url: Url,
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) connect_timeout: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) reconnect: bool,
    pub(crate) retry_server_errors: bool,
    pub(crate) default_retry: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_event_size: usize,
    pub(crate) last_event_id: String,
    pub(crate) extra_ca_file: Option<PathBuf>,
    pub(crate) insecure: bool,
    pub(crate) report_raw: bool,
    pub(crate) ndjson: bool,
}

impl SubscribeRequest {
    /// A `GET` of `url`, which must be an absolute `http` or `https` URL. Defaults: reconnect
    /// like EventSource (3 s unless the server sends `retry`), 10 s connect timeout, no idle
    /// timeout, 16 MiB maximum event size.
    pub fn new(url: &str) -> Result<Self, SubscribeError> {
        let invalid = |reason: String| SubscribeError::InvalidUrl { url: url.to_owned(), reason };
        let parsed = Url::parse(url).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => invalid("add http:// or https://".into()),
            other => invalid(other.to_string()),
        })?;
        // `localhost:8080/events` parses as the scheme `localhost`: it lacks one, too.
        if parsed.cannot_be_a_base() {
            return Err(invalid("add http:// or https://".into()));
        }
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!("scheme `{}` is not http or https", parsed.scheme())));
        }
        Ok(Self {
            url: parsed,
            method: Method::GET,
            headers: HeaderMap::new(),
            body: None,
            connect_timeout: Duration::from_secs(10),
            idle_timeout: None,
            reconnect: true,
            retry_server_errors: false,
            default_retry: Duration::from_secs(3),
            max_backoff: Duration::from_secs(60),
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
            last_event_id: String::new(),
            extra_ca_file: None,
            insecure: false,
            report_raw: false,
            ndjson: false,
        })
    }

    /// Also accept an NDJSON response (`application/x-ndjson` and its aliases, one JSON value a
    /// line, as Ollama's API streams): each non-blank line is an event of type `line`, as the
    /// tap records them.
    pub fn ndjson(mut self, accept: bool) -> Self {
        self.ndjson = accept;
        self
    }

    /// Also report the body's bytes as they arrive ([`crate::Update::Raw`]), for raw views.
    pub fn report_raw(mut self, report: bool) -> Self {
        self.report_raw = report;
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The HTTP method, e.g. `POST` for LLM-style streaming APIs.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// A request body, sent again on every reconnection.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The request's body (empty when it has none).
    pub fn body_bytes(&self) -> &[u8] {
        self.body.as_deref().unwrap_or_default()
    }

    /// `Authorization: Bearer TOKEN`.
    pub fn bearer_auth(self, token: &str) -> Result<Self, SubscribeError> {
        self.authorization("Bearer", token)
    }

    /// `Authorization: Basic ...` from a user and password.
    pub fn basic_auth(self, user: &str, password: &str) -> Result<Self, SubscribeError> {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.authorization("Basic", &encoded)
    }

    /// `Authorization: SCHEME CREDENTIALS`, marked sensitive; errors never show the secret.
    fn authorization(self, scheme: &str, credentials: &str) -> Result<Self, SubscribeError> {
        let mut value = HeaderValue::from_str(format!("{scheme} {credentials}").trim()).map_err(|_| {
            SubscribeError::InvalidHeader {
                line: format!("Authorization: {scheme} ***"),
                reason: "the credentials contain a control character".into(),
            }
        })?;
        value.set_sensitive(true);
        Ok(self.header(reqwest::header::AUTHORIZATION, value))
    }

    /// How long to wait for a connection (TCP and TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Reconnect when nothing (not even a comment) arrives for this long.
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Whether to reconnect after the stream ends or a network error (on by default).
    pub fn reconnect(mut self, reconnect: bool) -> Self {
        self.reconnect = reconnect;
        self
    }

    /// Whether HTTP 5xx and 429 answers are retried instead of failing (off by default, as in
    /// EventSource).
    pub fn retry_server_errors(mut self, retry: bool) -> Self {
        self.retry_server_errors = retry;
        self
    }

    /// The reconnection time until the server sets one with `retry:` (3 s by default).
    pub fn default_retry(mut self, retry: Duration) -> Self {
        self.default_retry = retry;
        self
    }

    /// The longest wait between two failed attempts (60 s by default).
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// The largest event (and line) accepted, in bytes.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes.max(1);
        self
    }

    /// The `Last-Event-ID` to send on the first connection.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = id.into();
        self
    }

    /// Trust the CA certificates in this PEM file, besides the system's roots.
    pub fn extra_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.extra_ca_file = Some(path.into());
        self
    }

    /// Accept any TLS certificate and host name. Dangerous: for test servers only.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// Whether TLS certificates go unchecked.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The same request to another URL (`sse-sub --check --via`: the same stream through a hop).
    pub fn to_url(&self, url: &str) -> Result<Self, SubscribeError> {
        let url = Self::new(url)?.url;
        Ok(Self { url, ..self.clone() })
    }

    /// The request as a capture's head records it, sent at `time`: credentials in headers and
    /// the query redacted.
    pub fn recorded(&self, time: std::time::SystemTime) -> sse_capture::RecordedRequest {
        sse_capture::RecordedRequest {
            method: self.method.to_string(),
            url: redact_url(self.url.as_str()),
            headers: redact_headers(&header_pairs(&self.headers)),
            time: Some(time),
        }
    }
}

/// What a redacted credential reads as in a HAR or a capture.
pub const REDACTED: &str = "[redacted]";

/// Header pairs with the values of [`is_credential_name`] ones replaced by [`REDACTED`].
pub fn redact_headers(pairs: &[(String, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| {
            let value = if is_credential_name(name) { REDACTED.to_owned() } else { value.clone() };
            (name.clone(), value)
        })
        .collect()
}

/// The URL with its credential-like query parameters (`key=`, `token=`) replaced by
/// [`REDACTED`]; text that is not a URL as it is.
pub fn redact_url(text: &str) -> String {
    let Ok(mut url) = Url::parse(text) else { return text.to_owned() };
    if !url.query_pairs().any(|(name, _)| is_credential_name(&name)) {
        return text.to_owned();
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if is_credential_name(&name) { REDACTED.to_owned() } else { value.into_owned() };
            (name.into_owned(), value)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

/// Parses a `Name: value` line, as given to `curl -H`.
pub fn parse_header_line(line: &str) -> Result<(HeaderName, HeaderValue), SubscribeError> {
    let invalid =
        |reason: &str| SubscribeError::InvalidHeader { line: line.to_owned(), reason: reason.to_owned() };
    let (name, value) = line.split_once(':').ok_or_else(|| invalid("expected `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| invalid("the name is not a valid header name"))?;
    // HeaderValue refuses CR, LF and NUL, so no header can be smuggled in.
    let value =
        HeaderValue::from_str(value.trim()).map_err(|_| invalid("the value contains a control character"))?;
    Ok((name, value))
}

/// Headers as `[name, value]` pairs, in the order received (values that are not UTF-8 shown
/// with replacement characters).
pub fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_split_at_the_first_colon_and_trimmed() {
        let (name, value) = parse_header_line("X-Forwarded-For:  127.0.0.1 ").unwrap();
        assert_eq!(name, "x-forwarded-for");
        assert_eq!(value, "127.0.0.1");
        let (_, value) = parse_header_line("Authorization: Bearer a:b").unwrap();
        assert_eq!(value, "Bearer a:b");
    }

    #[test]
    fn bad_header_lines_are_refused() {
        assert!(parse_header_line("no colon").is_err());
        assert!(parse_header_line("bad name: x").is_err());
        assert!(parse_header_line("X: a\r\nInjected: yes").is_err());
    }

    #[test]
    fn only_absolute_http_urls_are_accepted() {
        assert!(SubscribeRequest::new("http://127.0.0.1:1/events").is_ok());
        assert!(SubscribeRequest::new("https://example.com/").is_ok());
        let error = SubscribeRequest::new("ftp://example.com/").unwrap_err().to_string();
        assert!(error.contains("scheme `ftp`"), "{error}");
        assert!(SubscribeRequest::new("/events").is_err());
        assert!(SubscribeRequest::new("not a url").is_err());
    }
}
