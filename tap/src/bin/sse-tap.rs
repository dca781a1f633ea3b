//! `sse-tap`: a recording reverse proxy. Point your app's base URL at the listener; every
//! exchange is forwarded as it streams and printed, one line each, as it finishes.

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use sse_tap::cli::Args;
use sse_tap::{Tap, TapConfig};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut config = TapConfig::new(&args.upstream)?;
    for line in &args.headers {
        config.add_header(line)?;
    }
    config.keep_host = args.keep_host;
    anyhow::ensure!(
        args.head_timeout.is_finite() && args.head_timeout > 0.0,
        "--head-timeout must be a positive number of seconds"
    );
    config.head_timeout = Duration::from_secs_f64(args.head_timeout);
    config.body_limit = args.body_limit;
    config.keep_exchanges = args.keep_exchanges;
    let upstream = config.upstream.clone();
    let listener =
        TcpListener::bind(&args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let local = listener.local_addr()?;
    let tap = Tap::new(config);
    let mut finished = tap.recorder().finished();
    eprintln!(
        "sse-tap: listening on http://{local}, forwarding to {upstream} (point your app's base URL here)"
    );
    tokio::spawn(async move {
        loop {
            match finished.recv().await {
                Ok(summary) => println!("{summary}"),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("sse-tap: {missed} exchanges not printed (output too slow)")
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    tap.run(listener, shutdown_signal()).await?;
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
