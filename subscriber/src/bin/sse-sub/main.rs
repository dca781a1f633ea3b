//! `sse-sub`: subscribe to an SSE stream and print its events, check it against expectations
//! (`expectations.rs`), or grade the server (`check.rs`).

mod check;
mod expectations;
mod llm;
mod otlp;

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use sse_capture::{write_event, write_head, CaptureHead, CapturedEvent, RecordedResponse, CAPTURE_VERSION};
use sse_subscriber::cli::{seconds, Args, CliError};
use sse_subscriber::{header_pairs, redact_headers, SseEvent, SubscribeError, Subscription, Update};

enum Failure {
    Subscribe(SubscribeError),
    Usage(String),
    TimedOut,
    /// SIGINT or SIGTERM: its exit code (128 + the signal's number).
    Interrupted(u8),
    StdoutClosed,
    Io(io::Error),
}

impl From<CliError> for Failure {
    fn from(error: CliError) -> Self {
        match error {
            CliError::Usage(message) => Self::Usage(message),
            CliError::Request(error) => Self::Subscribe(error),
        }
    }
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
    /// `--llm`: the stream understood, summarised at its end.
    llm: Option<llm::LlmWatch>,
}

/// Asked once: a terminal gets the latest value overwritten in place, anything else a line per
/// event.
static STDOUT_IS_TERMINAL: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| io::stdout().is_terminal());

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
    } else if *STDOUT_IS_TERMINAL {
        // Like the demo client: overwrite the line with the latest value.
        write!(out, "\r{}", event.data)?;
    } else {
        // For a pipe or a file (`| grep`, `| head`): a line per event.
        writeln!(out, "{}", event.data)?;
    }
    out.flush()?;
    Ok(())
}

fn describe(update: &Update) -> String {
    match update {
        Update::Connecting { url, attempt, .. } => format!("connecting to {url} (attempt {attempt})"),
        Update::Open { status, headers, .. } => {
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
            format!("open: HTTP {status}, {content_type}")
        }
        Update::Event(event) => format!("event {} ({} bytes)", event.event, event.size),
        Update::Raw(read) => match read.compressed {
            Some(wire) => {
                format!("{} bytes received, {}, {} decoded", wire.wire_bytes, wire.encoding, read.bytes.len())
            }
            None => format!("{} bytes received", read.bytes.len()),
        },
        Update::Error { error, will_retry: true } => format!("error: {error} (will retry)"),
        Update::Error { error, will_retry: false } => format!("error: {error}"),
        Update::Retrying { delay } => format!("retrying in {}", describe_delay(*delay)),
        Update::Closed { reason, .. } => format!("closed: {reason}"),
        Update::FirstByte { .. } => "the body's first bytes came".to_owned(),
    }
}

/// A wait in seconds with one decimal ("5.0 s"); under a tenth of a second, in ms.
fn describe_delay(delay: Duration) -> String {
    if delay < Duration::from_millis(100) {
        format!("{} ms", delay.as_millis())
    } else {
        format!("{:.1} s", delay.as_secs_f64())
    }
}

async fn subscribe(args: &Args, stats: &mut Stats, started: Instant) -> Result<(), Failure> {
    let deadline = args.timeout.map(|s| seconds(s, "--timeout")).transpose()?.map(|t| started + t);
    for warning in args.warnings() {
        eprintln!("sse-sub: warning: {warning}");
    }
    let request = args.request()?;
    let (mut sent, mut head_written) = (None, false);
    let mut subscription = Subscription::new(request.clone());
    let mut out = io::stdout().lock();
    let mut printed = 0u64;
    let (mut attempt, mut failure) = (0u32, None::<String>);
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
        // A failure that will be retried and its wait are said in one line (unless -q).
        let retry_note = matches!(update, Update::Error { will_retry: true, .. } | Update::Retrying { .. });
        if args.verbose && (args.quiet || !retry_note) {
            eprintln!("sse-sub: {}", describe(&update));
        }
        if let Some(llm) = &mut stats.llm {
            llm.observe(&update);
        }
        match update {
            Update::Connecting { attempt: number, sent_at, .. } => {
                attempt = number;
                sent = Some(sent_at);
            }
            // The head of the first response that opens a stream, sent when its attempt began.
            Update::Open { status, headers, received_at } if args.head && !head_written => {
                head_written = true;
                let head = CaptureHead {
                    version: CAPTURE_VERSION,
                    request: sent.map(|sent| request.recorded(sent)),
                    response: Some(RecordedResponse {
                        status,
                        headers: redact_headers(&header_pairs(&headers)),
                        time: Some(received_at),
                    }),
                };
                let mut line = Vec::new();
                write_head(&head, &mut line);
                out.write_all(&line)?;
            }
            Update::Error { error, will_retry: true } => failure = Some(error.to_string()),
            Update::Retrying { delay } if !args.quiet => {
                let reason = failure.take().unwrap_or_else(|| "the stream ended".into());
                eprintln!(
                    "sse-sub: {reason}; retrying in {} (attempt {})",
                    describe_delay(delay),
                    attempt + 1
                );
            }
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

/// Waits for Ctrl-C or SIGTERM; the exit code that reports it. The handlers are in place when
/// this returns (a signal before the future is first polled is not lost).
fn interrupted() -> impl std::future::Future<Output = u8> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let signals = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            let (Ok(mut interrupt), Ok(mut terminate)) = signals else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = interrupt.recv() => 130,
                _ = terminate.recv() => 143,
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            match tokio::signal::ctrl_c().await {
                Ok(()) => 130,
                Err(_) => std::future::pending().await,
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    sse_logging::init("warn");
    let args = Args::parse();
    if let Some(capture) = &args.expect_from {
        return expectations::generate_from(&args, capture);
    }
    if args.check {
        return check::run(&args, interrupted()).await;
    }
    if args.junit.is_some() && args.expect.is_none() {
        eprintln!("sse-sub: --junit needs --expect or --check");
        return ExitCode::from(2);
    }
    if let Some(file) = &args.expect {
        return tokio::select! {
            code = expectations::check(&args, file) => code,
            code = interrupted() => ExitCode::from(code),
        };
    }
    let started = Instant::now();
    let mut stats = Stats::default();
    let exporter = match otlp::exporter(&args) {
        Ok(exporter) => exporter,
        Err(message) => {
            eprintln!("sse-sub: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(given) = &args.llm {
        let header_names = args.headers.iter().filter_map(|line| line.split_once(':').map(|(name, _)| name));
        match llm::LlmWatch::new(given, header_names) {
            Ok(watch) => stats.llm = Some(watch),
            Err(message) => {
                eprintln!("sse-sub: {message}");
                return ExitCode::from(2);
            }
        }
    }
    // Ctrl-C and SIGTERM end the subscription too, and the totals are still printed.
    let result = tokio::select! {
        result = subscribe(&args, &mut stats, started) => result,
        code = interrupted() => Err(Failure::Interrupted(code)),
    };
    if !args.json && !args.quiet && stats.events > 0 && *STDOUT_IS_TERMINAL {
        // End the `\r` line so the shell prompt starts on a fresh one.
        let _ = writeln!(io::stdout());
    }
    if let Some(mut llm) = stats.llm.take() {
        llm.end();
        let failure = match &result {
            Err(Failure::Subscribe(error)) => Some(error.to_string()),
            _ => None,
        };
        let _ = io::stdout().write_all(llm.finish(args.json, failure).as_bytes());
        let request = args.request().ok();
        let url = request.as_ref().map_or(args.url.as_deref().unwrap_or(""), |r| r.url().as_str());
        let body = request.as_ref().map_or(&[][..], |r| r.body_bytes());
        if let (Some(exporter), Some(call)) = (exporter, llm.call(url, body)) {
            let _ = io::stdout().flush();
            otlp::export(exporter, &call).await;
        }
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
        Err(Failure::Interrupted(code)) => ExitCode::from(code),
        Err(Failure::Io(error)) => {
            eprintln!("sse-sub: cannot write output: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A retry wait reads in seconds with one decimal, a very short one in ms.
    #[test]
    fn retry_waits_read_in_seconds_with_one_decimal() {
        assert_eq!(describe_delay(Duration::from_secs(3)), "3.0 s");
        assert_eq!(describe_delay(Duration::from_millis(3217)), "3.2 s");
        assert_eq!(describe_delay(Duration::from_millis(100)), "0.1 s");
        assert_eq!(describe_delay(Duration::from_millis(40)), "40 ms");
    }
}
