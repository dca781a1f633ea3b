//! `sse-server`: the embedded SSE server on its own.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use axum::http::{HeaderName, HeaderValue};
use clap::Parser;
use embedded_server::cli::ServerArgs as Args;
use embedded_server::{
    replay, Broker, BrokerConfig, DurableLog, FaultProfile, LoadConfig, Pace, Server, ServerConfig,
};
use sse_logging::Failure;

fn parse_required_header(line: &str) -> anyhow::Result<(HeaderName, HeaderValue)> {
    let (name, value) =
        line.split_once(':').with_context(|| format!("--require-header `{line}`: expected `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .with_context(|| format!("--require-header: `{}` is not a header name", name.trim()))?;
    let value =
        HeaderValue::from_str(value.trim()).context("--require-header: the value has a control character")?;
    Ok((name, value))
}

/// `--faults FILE`: each stream's profile, checked as the HTTP API checks one.
fn set_faults(server: &Server, path: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read(path).with_context(|| format!("cannot read --faults {}", path.display()))?;
    let profiles: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_slice(&text)
        .with_context(|| format!("--faults {}: expected {{\"STREAM\": {{profile}}}}", path.display()))?;
    for (stream, profile) in profiles {
        anyhow::ensure!(
            server.broker().has_stream(&stream),
            "--faults {}: no stream `{stream}` (create it with --stream {stream})",
            path.display()
        );
        let profile = FaultProfile::parse(profile.to_string().as_bytes())
            .with_context(|| format!("--faults {}: stream `{stream}`", path.display()))?;
        tracing::info!(stream, ?profile, "fault profile set");
        server.faults().set(&stream, profile);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    sse_logging::init("info");
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report("sse-server"),
    }
}

/// A capture to replay: its stream, its events and their pace.
type Replay = (String, Vec<sse_capture::CapturedEvent<'static>>, Pace);

/// The server the arguments describe, with its streams and fault profiles, and the capture to
/// replay: any error here is the user's arguments or a file they name.
fn prepare(args: &Args) -> anyhow::Result<(Server, Option<Replay>)> {
    let config = ServerConfig {
        counter_interval: (args.interval_ms > 0).then(|| Duration::from_millis(args.interval_ms)),
        keep_alive: Duration::from_secs(args.keep_alive_secs),
        write_stall_timeout: Duration::from_secs(args.write_stall_secs),
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        required_header: args.require_header.as_deref().map(parse_required_header).transpose()?,
        publish_token: args.publish_token.clone().filter(|t| !t.is_empty()),
        broker: BrokerConfig {
            subscriber_queue: usize::try_from(args.subscriber_queue).unwrap_or(usize::MAX),
            replay_log_size: args.replay_log_size,
            replay_log_age: args.replay_log_age_secs.map(Duration::from_secs),
            auto_stream: args.auto_stream,
            auto_replay: args.auto_replay,
            max_event_size: args.max_event_size,
            max_subscribers: args.max_subscribers,
            durable_window: args.durable_window,
        },
        load: args.load_stream.clone().zip(args.load_rate).map(|(stream, rate)| LoadConfig { stream, rate }),
    };
    let server = match &args.durable_log {
        Some(path) => {
            let log = DurableLog::open(path).with_context(|| format!("--durable-log {}", path.display()))?;
            tracing::info!(path = %path.display(), "events are stored in the durable log");
            Server::with_broker(config.clone(), Broker::with_durable_log(config.broker.clone(), log)?)
        }
        None => Server::new(config),
    };
    for name in &args.streams {
        server.broker().create_stream(name).with_context(|| format!("--stream `{name}`"))?;
    }
    if let Some(path) = &args.faults {
        set_faults(&server, path)?;
    }
    let Some(path) = &args.replay else { return Ok((server, None)) };
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open --replay {}", path.display()))?;
    let events = sse_capture::read_capture(std::io::BufReader::new(file))
        .with_context(|| format!("--replay {}", path.display()))?
        .events;
    let pace = match args.speed {
        0.0 => Pace::AsFastAsPossible,
        speed if speed > 0.0 && speed.is_finite() => Pace::Speed(speed),
        speed => anyhow::bail!("--speed must be a number >= 0, got {speed}"),
    };
    server
        .broker()
        .create_stream(&args.replay_stream)
        .with_context(|| format!("--replay-stream `{}`", args.replay_stream))?;
    Ok((server, Some((args.replay_stream.clone(), events, pace))))
}

async fn run(args: &Args) -> Result<(), Failure<anyhow::Error>> {
    let (server, replay_plan) = prepare(args).map_err(Failure::Arguments)?;
    if let Some((stream, events, pace)) = replay_plan {
        let broker = server.broker();
        tokio::spawn(async move {
            tracing::info!(stream, events = events.len(), ?pace, "replaying capture");
            match replay(&broker, &stream, &events, pace).await {
                Ok(count) => tracing::info!(stream, count, "replay finished"),
                Err(error) => tracing::error!(%error, stream, "replay failed"),
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))
        .map_err(Failure::Run)?;
    let addr = listener.local_addr().context("cannot read the bound address").map_err(Failure::Run)?;
    if !addr.ip().is_loopback() {
        let publishing = if args.publish_token.is_some() {
            "needs the --publish-token"
        } else {
            "is off (no --publish-token)"
        };
        tracing::warn!(%addr, "listening on a non-loopback address: other machines can connect; publishing {publishing}");
    }
    // The bound address on stdout, so scripts that pass port 0 can find the server.
    println!("listening on http://{addr}");
    let clients = server.clients();
    server.run(listener, stop_signal()).await.map_err(|error| Failure::Run(error.into()))?;
    if let Some(path) = &args.report {
        let report = serde_json::to_vec_pretty(&embedded_server::report(&clients))
            .map_err(|error| Failure::Run(error.into()))?;
        std::fs::write(path, report)
            .with_context(|| format!("cannot write --report {}", path.display()))
            .map_err(Failure::Run)?;
        tracing::info!(path = %path.display(), "client report written");
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM (how CI and service managers stop a server).
async fn stop_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C: shutting down"),
        () = terminate => tracing::info!("SIGTERM: shutting down"),
    }
}
