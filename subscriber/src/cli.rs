//! `sse-sub`'s command line, in the library (feature `cli`) so that what the app's "Copy as
//! sse-sub" writes can be parsed back with the same definition and compared.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use reqwest::Method;

use crate::error::SubscribeError;
use crate::request::{parse_header_line, SubscribeRequest};

/// Arguments that do not make a request.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Request(#[from] SubscribeError),
}

/// Subscribe to a Server-Sent Events stream and print each event.
///
/// Reconnects like a browser's EventSource (after the stream ends or a network error, sending
/// Last-Event-ID) unless --no-reconnect is given.
///
/// Exit codes: 0 the stream ended for good (server closed it with --no-reconnect, HTTP 204,
/// --count reached, or stdout closed); 1 an error ended the subscription (connection, HTTP
/// status, Content-Type, oversized event, bad URL or header); 2 bad arguments; 3 --timeout
/// elapsed first; 130 Ctrl-C, 143 SIGTERM (--stats totals are printed first).
///
/// With --expect: 0 every expectation passed; 1 one failed; 2 the file has a mistake; 3 some
/// were undecided at the timeout (60 s unless --timeout); 4 the stream could not be read.
#[derive(Parser, Debug)]
#[command(
    name = "sse-sub",
    version,
    after_help = "Example: sse-sub --json 'http://127.0.0.1:8080/events?stream=messages'"
)]
pub struct Args {
    /// The stream's URL, e.g. http://127.0.0.1:8080/events?stream=messages
    #[arg(required_unless_present_any = ["capture", "expect_from"])]
    pub url: Option<String>,
    /// Extra request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// HTTP method (default GET, or POST when a body is given).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    pub method: Option<String>,
    /// Request body, sent again on every reconnection.
    #[arg(short = 'd', long = "data", value_name = "BODY", conflicts_with = "data_file")]
    pub data: Option<String>,
    /// Request body read from a file.
    #[arg(long, value_name = "PATH")]
    pub data_file: Option<PathBuf>,
    /// `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN")]
    pub bearer: Option<String>,
    /// Basic authentication, `USER:PASSWORD`.
    #[arg(short = 'u', long = "user", value_name = "USER:PASSWORD")]
    pub user: Option<String>,
    /// Trust the CA certificates in this PEM file, besides the system's roots.
    #[arg(long, value_name = "PEM")]
    pub cacert: Option<PathBuf>,
    /// Accept any TLS certificate (dangerous: for test servers only).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Print one JSON object per event and line: {"event", "data", "id"}, plus "retry" (ms)
    /// when the event's block set one and "time" with --time.
    #[arg(long)]
    pub json: bool,
    /// With --json, add "time": the receive time, RFC 3339 UTC with microseconds.
    #[arg(long)]
    pub time: bool,
    /// With --json, begin with a capture head line: the request (credentials redacted) and
    /// the response head, with their times, as the inspector's export writes it.
    #[arg(long, requires = "json")]
    pub head: bool,
    /// Only print events of this type (repeatable).
    #[arg(long = "event", value_name = "TYPE")]
    pub events: Vec<String>,
    /// Exit after printing N events.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Exit after SECS seconds in total.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Seconds to wait for a connection.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub connect_timeout: f64,
    /// Reconnect when nothing (not even a keep-alive) arrives for SECS seconds.
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<f64>,
    /// Do not reconnect: exit when the stream ends or fails.
    #[arg(long)]
    pub no_reconnect: bool,
    /// Retry HTTP 5xx and 429 answers instead of failing.
    #[arg(long)]
    pub retry_http_errors: bool,
    /// Milliseconds to wait before reconnecting, until the server sends `retry:` (default 3000,
    /// as in EventSource); repeated failures back off from it.
    #[arg(long, value_name = "MS")]
    pub reconnect_delay: Option<u64>,
    /// Send this Last-Event-ID on the first connection.
    #[arg(long, value_name = "ID")]
    pub last_event_id: Option<String>,
    /// Also accept an NDJSON response (application/x-ndjson, one JSON value a line, as Ollama's
    /// API streams): each line is an event of type `line`.
    #[arg(long)]
    pub ndjson: bool,
    /// The largest event accepted, in bytes (default 16 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_event_size: Option<usize>,
    /// At exit, print totals on stderr: events, bytes, duration, time to first event, events/s.
    #[arg(long)]
    pub stats: bool,
    /// Print no events (useful with --stats or --count).
    #[arg(short, long)]
    pub quiet: bool,
    /// Print connection lifecycle (connecting, open, errors, retries) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Read the stream as an LLM's (openai, responses, anthropic, gemini, ollama; guessed from
    /// the URL or the first event when not given) and print at its end the answer per choice
    /// or block, tool calls with their arguments checked, usage, token timing, and whether it
    /// was complete, cut short or failed. Implies --no-reconnect (a chat request is not sent
    /// twice). With --json the summary is a last line, {"llm": {...}}.
    #[arg(long, value_name = "PROVIDER", num_args = 0..=1, default_missing_value = "auto")]
    pub llm: Option<String>,
    #[command(flatten)]
    pub otlp: sse_otlp::cli::OtlpArgs,
    /// Check the stream against the expectations in this TOML file (docs/expectations.md):
    /// run until each is decided, the stream ends or --timeout, print each as pass, fail or
    /// undecided, and exit with a code that says which.
    #[arg(long, value_name = "FILE", help_heading = "Expectations")]
    pub expect: Option<PathBuf>,
    /// With --expect: go on after the first failure.
    #[arg(long, requires = "expect", help_heading = "Expectations")]
    pub keep_going: bool,
    /// With --expect or --check: also write the results as JUnit XML to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Expectations")]
    pub junit: Option<PathBuf>,
    /// With --expect: check this capture (what --json --time wrote) instead of a live stream.
    #[arg(
        long,
        value_name = "FILE",
        requires = "expect",
        conflicts_with = "url",
        help_heading = "Expectations"
    )]
    pub capture: Option<PathBuf>,
    /// Print expectations generated from this capture, for its first --count events (20 by
    /// default), and exit: sse-sub --expect-from capture.ndjson > expect.toml
    #[arg(long, value_name = "CAPTURE", conflicts_with_all = ["expect", "url"], help_heading = "Expectations")]
    pub expect_from: Option<PathBuf>,
    /// Grade the server instead of printing its events: a battery of at most 11 connections
    /// side by side within --check-for (one watched throughout, a resume with Last-Event-ID, an
    /// unknown id, seven at once, a CORS preflight), each rule judged MUST, SHOULD or INFO
    /// (docs/server-check.md). Exit 0 when no MUST fails, 1 when one does, 4 when no HTTP
    /// response came at all.
    #[arg(
        long,
        conflicts_with_all = ["expect", "expect_from", "capture", "llm", "count", "timeout"],
        help_heading = "Server check"
    )]
    pub check: bool,
    /// With --check: how long the whole battery runs, in seconds (5 to 3,600).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 40,
        requires = "check",
        value_parser = clap::value_parser!(u64).range(5..=3600),
        help_heading = "Server check"
    )]
    pub check_for: u64,
    /// With --check: run the same battery on URL2 too (the same stream through a proxy, a CDN
    /// or another environment), side by side, and report what the hop changes.
    #[arg(long, value_name = "URL2", requires = "check", help_heading = "Server check")]
    pub via: Option<String>,
    /// With --expect-from: time bounds are the slowest time seen x FACTOR + 50 ms.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.5, help_heading = "Expectations")]
    pub tolerance: f64,
}

/// `value` seconds as a duration, or a usage error naming `what`.
pub fn seconds(value: f64, what: &str) -> Result<Duration, CliError> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| CliError::Usage(format!("{what} must be a number of seconds >= 0")))
}

impl Args {
    /// What a user should hear before the request goes: TLS unchecked; a `-d @FILE` that names
    /// a file (curl reads it; `-d` sends its text as written).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.insecure {
            warnings.push("--insecure: TLS certificates are not checked".to_owned());
        }
        if let Some(file) = self.data.as_deref().and_then(|data| data.strip_prefix('@')) {
            if !file.is_empty() && std::path::Path::new(file).is_file() {
                warnings.push(format!(
                    "-d sends `@{file}` as written, not the file: to send the file, use --data-file {file}"
                ));
            }
        }
        warnings
    }

    /// The request these arguments describe.
    pub fn request(&self) -> Result<SubscribeRequest, CliError> {
        let args = self;
        let url = args.url.as_deref().ok_or_else(|| CliError::Usage("a URL is needed".into()))?;
        let mut request = SubscribeRequest::new(url)?;
        for line in &args.headers {
            let (name, value) = parse_header_line(line)?;
            request = request.header(name, value);
        }
        let body =
            match (&args.data, &args.data_file) {
                (Some(data), _) => Some(data.clone().into_bytes()),
                (None, Some(path)) => Some(std::fs::read(path).map_err(|e| {
                    CliError::Usage(format!("cannot read --data-file {}: {e}", path.display()))
                })?),
                (None, None) => None,
            };
        let method = match (&args.method, &body) {
            (Some(method), _) => Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| CliError::Usage(format!("invalid method `{method}`")))?,
            (None, Some(_)) => Method::POST,
            (None, None) => Method::GET,
        };
        request = request.method(method);
        if let Some(body) = body {
            request = request.body(body);
        }
        if let Some(token) = &args.bearer {
            request = request.bearer_auth(token)?;
        }
        if let Some(user) = &args.user {
            let (name, password) = user.split_once(':').unwrap_or((user, ""));
            request = request.basic_auth(name, password)?;
        }
        request = request
            .connect_timeout(seconds(args.connect_timeout, "--connect-timeout")?)
            .idle_timeout(args.idle_timeout.map(|s| seconds(s, "--idle-timeout")).transpose()?)
            .reconnect(!args.no_reconnect && args.llm.is_none())
            // An LLM stream may be Ollama's NDJSON.
            .ndjson(args.ndjson || args.llm.is_some())
            .retry_server_errors(args.retry_http_errors);
        if let Some(ms) = args.reconnect_delay {
            request = request.default_retry(Duration::from_millis(ms));
        }
        if let Some(id) = &args.last_event_id {
            request = request.last_event_id(id.clone());
        }
        if let Some(path) = &args.cacert {
            request = request.extra_ca_file(path);
        }
        if args.insecure {
            request = request.insecure(true);
        }
        if let Some(size) = args.max_event_size {
            request = request.max_event_size(size);
        }
        Ok(request)
    }
}
