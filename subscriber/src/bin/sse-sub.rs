//! `sse-sub`: subscribe to an SSE stream and print its events.
//!
//! Exit codes: 0 when the server ended the stream (or stdout was closed), 1 on a connection,
//! HTTP or stream error, 2 on bad arguments.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use sse_subscriber::{connect, parse_header_line, SseEvent, SubscribeError, SubscribeRequest};
use tracing_subscriber::EnvFilter;

/// Subscribe to a Server-Sent Events stream and print each event.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The stream's URL, e.g. http://127.0.0.1:8080/events?stream=messages
    url: String,
    /// Extra request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// Print one JSON object per event and line: {"event", "data", "id"}.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct JsonEvent<'a> {
    event: &'a str,
    data: &'a str,
    id: &'a str,
}

enum Failure {
    Subscribe(SubscribeError),
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

fn print_event(out: &mut impl Write, event: &SseEvent, json: bool) -> Result<(), Failure> {
    if json {
        let line = JsonEvent { event: &event.event, data: &event.data, id: &event.id };
        serde_json::to_writer(&mut *out, &line).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        // Like the demo client: overwrite the line with the latest value.
        write!(out, "\r{}", event.data)?;
    }
    out.flush()?;
    Ok(())
}

async fn subscribe(args: &Args) -> Result<(), Failure> {
    let mut request = SubscribeRequest::new(&args.url)?;
    for line in &args.headers {
        let (name, value) = parse_header_line(line)?;
        request = request.header(name, value);
    }
    let mut subscription = connect(&request).await?;
    tracing::info!(status = %subscription.status(), url = %request.url(), "stream open");
    let mut out = io::stdout().lock();
    while let Some(event) = subscription.next_event().await {
        print_event(&mut out, &event?, args.json)?;
    }
    tracing::info!("the server ended the stream");
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(io::stderr)
        .init();
    let args = Args::parse();
    match subscribe(&args).await {
        Ok(()) | Err(Failure::StdoutClosed) => ExitCode::SUCCESS,
        Err(Failure::Subscribe(error)) => {
            eprintln!("sse-sub: {error}");
            ExitCode::FAILURE
        }
        Err(Failure::Io(error)) => {
            eprintln!("sse-sub: cannot write output: {error}");
            ExitCode::FAILURE
        }
    }
}
