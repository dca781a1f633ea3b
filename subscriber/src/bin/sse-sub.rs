//! `sse-sub`: subscribe to an SSE stream and print its events.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::Method;
use sse_capture::{write_event, CapturedEvent};
use sse_subscriber::{parse_header_line, SseEvent, SubscribeError, SubscribeRequest, Subscription, Update};
use tracing_subscriber::EnvFilter;

/// Subscribe to a Server-Sent Events stream and print each event.
///
/// Reconnects like a browser's EventSource (after the stream ends or a network error, sending
/// Last-Event-ID) unless --no-reconnect is given.
///
/// Exit codes: 0 the stream ended for good (server closed it with --no-reconnect, HTTP 204,
/// --count reached, or stdout closed); 1 an error ended the subscription (connection, HTTP
/// status, Content-Type, oversized event, bad URL or header); 2 bad arguments; 3 --timeout
/// elapsed first.
#[derive(Parser, Debug)]
#[command(version, after_help = "Example: sse-sub --json 'http://127.0.0.1:8080/events?stream=messages'")]
struct Args {
    /// The stream's URL, e.g. http://127.0.0.1:8080/events?stream=messages
    url: String,
    /// Extra request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// HTTP method (default GET, or POST when a body is given).
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    method: Option<String>,
    /// Request body, sent again on every reconnection.
    #[arg(short = 'd', long = "data", value_name = "BODY", conflicts_with = "data_file")]
    data: Option<String>,
    /// Request body read from a file.
    #[arg(long, value_name = "PATH")]
    data_file: Option<PathBuf>,
    /// `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN")]
    bearer: Option<String>,
    /// Basic authentication, `USER:PASSWORD`.
    #[arg(short = 'u', long = "user", value_name = "USER:PASSWORD")]
    user: Option<String>,
    /// Trust the CA certificates in this PEM file, besides the system's roots.
    #[arg(long, value_name = "PEM")]
    cacert: Option<PathBuf>,
    /// Accept any TLS certificate (dangerous: for test servers only).
    #[arg(short = 'k', long)]
    insecure: bool,
    /// Print one JSON object per event and line: {"event", "data", "id"}, plus "retry" (ms)
    /// when the event's block set one and "time" with --time.
    #[arg(long)]
    json: bool,
    /// With --json, add "time": the receive time, RFC 3339 UTC with microseconds.
    #[arg(long)]
    time: bool,
    /// Only print events of this type (repeatable).
    #[arg(long = "event", value_name = "TYPE")]
    events: Vec<String>,
    /// Exit after printing N events.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Exit after SECS seconds in total.
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    /// Seconds to wait for a connection.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    connect_timeout: f64,
    /// Reconnect when nothing (not even a keep-alive) arrives for SECS seconds.
    #[arg(long, value_name = "SECS")]
    idle_timeout: Option<f64>,
    /// Do not reconnect: exit when the stream ends or fails.
    #[arg(long)]
    no_reconnect: bool,
    /// Retry HTTP 5xx and 429 answers instead of failing.
    #[arg(long)]
    retry_http_errors: bool,
    /// Milliseconds to wait before reconnecting, until the server sends `retry:` (default 3000,
    /// as in EventSource); repeated failures back off from it.
    #[arg(long, value_name = "MS")]
    reconnect_delay: Option<u64>,
    /// Send this Last-Event-ID on the first connection.
    #[arg(long, value_name = "ID")]
    last_event_id: Option<String>,
    /// The largest event accepted, in bytes (default 16 MiB).
    #[arg(long, value_name = "BYTES")]
    max_event_size: Option<usize>,
    /// At exit, print totals on stderr: events, bytes, duration, time to first event, events/s.
    #[arg(long)]
    stats: bool,
    /// Print no events (useful with --stats or --count).
    #[arg(short, long)]
    quiet: bool,
    /// Print connection lifecycle (connecting, open, errors, retries) on stderr.
    #[arg(short, long)]
    verbose: bool,
}

enum Failure {
    Subscribe(SubscribeError),
    Usage(String),
    TimedOut,
    StdoutClosed,
    Io(io::Error),
}

impl From<SubscribeError> for Failure {
    fn from(error: SubscribeError) -> Self {
        Self::Subscribe(error)
    }
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Self::StdoutClosed
        } else {
            Self::Io(error)
        }
    }
}

#[derive(Default)]
struct Stats {
    events: u64,
    bytes: u64,
    first_event: Option<Duration>,
}

fn seconds(value: f64, what: &str) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Failure::Usage(format!("{what} must be a number of seconds >= 0")))
}

fn build_request(args: &Args) -> Result<SubscribeRequest, Failure> {
    let mut request = SubscribeRequest::new(&args.url)?;
    for line in &args.headers {
        let (name, value) = parse_header_line(line)?;
        request = request.header(name, value);
    }
    let body = match (&args.data, &args.data_file) {
        (Some(data), _) => Some(data.clone().into_bytes()),
        (None, Some(path)) => Some(
            std::fs::read(path)
                .map_err(|e| Failure::Usage(format!("cannot read --data-file {}: {e}", path.display())))?,
        ),
        (None, None) => None,
    };
    let method = match (&args.method, &body) {
        (Some(method), _) => Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Failure::Usage(format!("invalid method `{method}`")))?,
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
        .reconnect(!args.no_reconnect)
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
        eprintln!("sse-sub: warning: --insecure: TLS certificates are not checked");
        request = request.insecure(true);
    }
    if let Some(size) = args.max_event_size {
        request = request.max_event_size(size);
    }
    Ok(request)
}

fn print_event(out: &mut impl Write, event: &SseEvent, args: &Args) -> Result<(), Failure> {
    if args.json {
        let line = CapturedEvent {
            event: Cow::Borrowed(&event.event),
            data: Cow::Borrowed(&event.data),
            id: Cow::Borrowed(&event.id),
            retry: event.retry.map(|r| u64::try_from(r.as_millis()).unwrap_or(u64::MAX)),
            time: args.time.then_some(event.received_at),
        };
        let mut buffer = Vec::with_capacity(event.data.len() + 64);
        write_event(&line, &mut buffer);
        out.write_all(&buffer)?;
    } else {
        // Like the demo client: overwrite the line with the latest value.
        write!(out, "\r{}", event.data)?;
    }
    out.flush()?;
    Ok(())
}

fn describe(update: &Update) -> String {
    match update {
        Update::Connecting { url, attempt } => format!("connecting to {url} (attempt {attempt})"),
        Update::Open { status, headers } => {
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
            format!("open: HTTP {status}, {content_type}")
        }
        Update::Event(event) => format!("event {} ({} bytes)", event.event, event.size),
        Update::Raw(bytes) => format!("{} bytes received", bytes.len()),
        Update::Error { error, will_retry: true } => format!("error: {error} (will retry)"),
        Update::Error { error, will_retry: false } => format!("error: {error}"),
        Update::Retrying { delay } => format!("retrying in {} ms", delay.as_millis()),
        Update::Closed { reason } => format!("closed: {reason}"),
    }
}

async fn subscribe(args: &Args, stats: &mut Stats, started: Instant) -> Result<(), Failure> {
    let deadline = args.timeout.map(|s| seconds(s, "--timeout")).transpose()?.map(|t| started + t);
    let mut subscription = Subscription::new(build_request(args)?);
    let mut out = io::stdout().lock();
    let mut printed = 0u64;
    if args.count == Some(0) {
        return Ok(());
    }
    loop {
        let next = subscription.next();
        let update = match deadline {
            Some(deadline) => {
                tokio::time::timeout_at(deadline.into(), next).await.map_err(|_| Failure::TimedOut)?
            }
            None => next.await,
        };
        let Some(update) = update else { return Ok(()) };
        if args.verbose {
            eprintln!("sse-sub: {}", describe(&update));
        }
        match update {
            Update::Event(event) => {
                stats.events += 1;
                stats.bytes += event.size as u64;
                stats.first_event.get_or_insert_with(|| started.elapsed());
                if !args.events.is_empty() && !args.events.contains(&event.event) {
                    continue;
                }
                if !args.quiet {
                    print_event(&mut out, &event, args)?;
                }
                printed += 1;
                if args.count.is_some_and(|count| printed >= count) {
                    return Ok(());
                }
            }
            Update::Error { error, will_retry: false } => return Err(error.into()),
            _ => {}
        }
    }
}

fn print_stats(stats: &Stats, elapsed: Duration) {
    let secs = elapsed.as_secs_f64();
    let first =
        stats.first_event.map_or("none".to_owned(), |t| format!("{:.1} ms", t.as_secs_f64() * 1000.0));
    let rate = if secs > 0.0 { stats.events as f64 / secs } else { 0.0 };
    eprintln!(
        "sse-sub: {} events, {} bytes in {secs:.3} s; first event after {first}; {rate:.1} events/s",
        stats.events, stats.bytes
    );
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(io::stderr)
        .init();
    let args = Args::parse();
    let started = Instant::now();
    let mut stats = Stats::default();
    let result = subscribe(&args, &mut stats, started).await;
    if !args.json && !args.quiet && stats.events > 0 {
        // End the `\r` line so the shell prompt starts on a fresh one.
        let _ = writeln!(io::stdout());
    }
    if args.stats {
        print_stats(&stats, started.elapsed());
    }
    match result {
        Ok(()) | Err(Failure::StdoutClosed) => ExitCode::SUCCESS,
        Err(Failure::Subscribe(error)) => {
            eprintln!("sse-sub: {error}");
            ExitCode::FAILURE
        }
        Err(Failure::Usage(message)) => {
            eprintln!("sse-sub: {message}");
            ExitCode::from(2)
        }
        Err(Failure::TimedOut) => ExitCode::from(3),
        Err(Failure::Io(error)) => {
            eprintln!("sse-sub: cannot write output: {error}");
            ExitCode::FAILURE
        }
    }
}
