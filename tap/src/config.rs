//! What a tap forwards to, and its bounds.

use std::path::PathBuf;
use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use sse_faults::FaultRules;
use url::Url;

use crate::breakpoints::TapBreakpoints;
use crate::error::TapError;

/// Up to the response head; then the client gets a 504. A streaming body has no idle limit
/// (an LLM stream may pause for minutes).
pub const DEFAULT_HEAD_TIMEOUT: Duration = Duration::from_secs(60);
/// A client that sends no complete request head within this long is let go (slow loris).
pub const DEFAULT_CLIENT_HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes of each body (other than a stream's) kept in the record; the rest is counted.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Exchanges kept; the oldest go first.
pub const DEFAULT_KEEP_EXCHANGES: usize = 1000;
/// Chunk timings kept per exchange (the newest); the rest are counted.
pub const MAX_CHUNK_TIMINGS: usize = 100_000;
/// A stream's bytes (decoded) kept per exchange, the newest, chunk by chunk, for its raw view.
pub const MAX_RAW_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone)]
pub struct TapConfig {
    /// `http(s)://host:port/base`: a request for `/x` goes to `/base/x`.
    pub upstream: Url,
    /// A PEM file of CA certificates trusted besides the system's (for an `https://` upstream).
    pub extra_ca: Option<PathBuf>,
    /// Accept any certificate from an `https://` upstream.
    pub insecure: bool,
    /// Added to every forwarded request (replacing a header of the same name).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Keep the client's `Host` instead of the upstream's.
    pub keep_host: bool,
    pub head_timeout: Duration,
    /// For the client's request head (see [`DEFAULT_CLIENT_HEAD_TIMEOUT`]).
    pub client_head_timeout: Duration,
    pub body_limit: usize,
    pub keep_exchanges: usize,
    /// The fault rules (`--faults`), shared: the window can replace them while the tap runs.
    pub faults: FaultRules,
    /// The window's breakpoints, shared with it; none for a tap without a window (`sse-tap`).
    /// Its event streams then go through a hold, so that a breakpoint set later reaches them.
    pub breakpoints: Option<TapBreakpoints>,
}

impl TapConfig {
    /// A tap to an `http://` or `https://` upstream, with the default bounds.
    pub fn new(upstream: &str) -> Result<Self, TapError> {
        let invalid =
            |reason: &str| TapError::Upstream { url: upstream.to_owned(), reason: reason.to_owned() };
        let url = Url::parse(upstream).map_err(|e| invalid(&e.to_string()))?;
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(invalid(&format!("the scheme must be http or https, not {other}"))),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it names no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it may not have a query or fragment (the client's target brings its own)"));
        }
        Ok(Self {
            upstream: url,
            extra_ca: None,
            insecure: false,
            headers: Vec::new(),
            keep_host: false,
            head_timeout: DEFAULT_HEAD_TIMEOUT,
            client_head_timeout: DEFAULT_CLIENT_HEAD_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            keep_exchanges: DEFAULT_KEEP_EXCHANGES,
            faults: FaultRules::default(),
            breakpoints: None,
        })
    }

    /// Adds a `Name: value` header to every forwarded request.
    pub fn add_header(&mut self, line: &str) -> Result<(), TapError> {
        let (name, value) = sse_subscriber::parse_header_line(line)
            .map_err(|e| TapError::Header { line: line.to_owned(), reason: e.to_string() })?;
        self.headers.push((name, value));
        Ok(())
    }

    /// `host:port` of the upstream, for connecting and for its `Host` header.
    pub fn authority(&self) -> String {
        let host = self.upstream.host_str().unwrap_or_default();
        match self.upstream.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// Where to connect: the host and port (80 or 443 when the URL says none).
    pub(crate) fn connect_to(&self) -> (String, u16) {
        let host = self.upstream.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned();
        (host, self.upstream.port_or_known_default().unwrap_or(80))
    }

    /// The upstream's URL for one of its targets.
    pub fn url_for(&self, upstream_target: &str) -> String {
        format!("{}://{}{upstream_target}", self.upstream.scheme(), self.authority())
    }

    /// The upstream's target for a client's origin-form target: the upstream's path, then the
    /// client's path and query (`/v1` + `/chat?x=1` -> `/v1/chat?x=1`).
    pub fn target_for(&self, client_target: &str) -> String {
        let base = self.upstream.path().trim_end_matches('/');
        let rest = if client_target.starts_with('/') {
            client_target.to_owned()
        } else {
            format!("/{client_target}")
        };
        format!("{base}{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_appended_to_the_upstream_path() {
        let tap = TapConfig::new("http://h:9/v1").unwrap();
        assert_eq!(tap.target_for("/chat/completions"), "/v1/chat/completions");
        assert_eq!(tap.target_for("/events?stream=a"), "/v1/events?stream=a");
        let root = TapConfig::new("http://h/").unwrap();
        assert_eq!(root.target_for("/x"), "/x");
        assert_eq!(root.authority(), "h");
        assert_eq!(root.connect_to(), ("h".to_owned(), 80));
        assert_eq!(TapConfig::new("http://h:9/v1/").unwrap().target_for("/a"), "/v1/a");
        assert_eq!(TapConfig::new("https://api.example.com/v1").unwrap().connect_to().1, 443);
    }

    #[test]
    fn upstreams_that_cannot_be_tapped_are_refused_with_a_reason() {
        for (url, says) in
            [("ftp://h/", "scheme"), ("not a url", "relative URL"), ("http://h/x?y=1", "query")]
        {
            let error = TapConfig::new(url).unwrap_err().to_string();
            assert!(error.contains(says), "{url}: {error}");
        }
    }
}
