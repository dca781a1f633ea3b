//! `sse-server`: the embedded SSE server on its own.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use embedded_server::{Server, ServerConfig};
use tracing_subscriber::EnvFilter;

/// An SSE server publishing a counter (0, 1, 2, ...) on the stream `messages`.
///
/// Subscribe with `curl -N 'http://127.0.0.1:8080/events?stream=messages'`,
/// or open http://127.0.0.1:8080/ in a browser.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Milliseconds between two counter events (0 disables the counter).
    #[arg(long, default_value_t = 100)]
    interval_ms: u64,
    /// Seconds between keep-alive comments on idle streams.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    keep_alive_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = ServerConfig {
        counter_interval: (args.interval_ms > 0).then(|| Duration::from_millis(args.interval_ms)),
        keep_alive: Duration::from_secs(args.keep_alive_secs),
        ..ServerConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr().context("cannot read the bound address")?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "listening on a non-loopback address: other machines can connect");
    }
    // The bound address on stdout, so scripts that pass port 0 can find the server.
    println!("listening on http://{addr}");
    Server::new(config)
        .run(listener, async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
            tracing::info!("Ctrl-C: shutting down");
        })
        .await?;
    Ok(())
}
