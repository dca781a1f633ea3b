//! `sse-tap`: a recording reverse proxy. Point your app's base URL at the listener; every
//! exchange is forwarded as it streams and printed, one line each, as it finishes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use sse_faults::FaultRules;
use sse_logging::Failure;
use sse_tap::cli::Args;
use sse_tap::{har, write_capture, LlmExport, McpLines, Recorder, Secrets, Tap, TapConfig};
use tokio::net::TcpListener;
use tokio::sync::broadcast::error::RecvError;

#[tokio::main]
async fn main() -> ExitCode {
    sse_logging::init("warn");
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report("sse-tap"),
    }
}

/// The tap the arguments describe: any error here is the user's arguments or a file they name
/// (the CA file, the capture directory).
fn prepare(args: &Args) -> anyhow::Result<(Tap, String)> {
    let mut config = TapConfig::new(&args.upstream)?;
    for line in &args.headers {
        config.add_header(line)?;
    }
    config.keep_host = args.keep_host;
    config.extra_ca = args.cacert.clone();
    config.insecure = args.insecure;
    anyhow::ensure!(
        args.head_timeout.is_finite() && args.head_timeout > 0.0,
        "--head-timeout must be a positive number of seconds"
    );
    config.head_timeout = Duration::from_secs_f64(args.head_timeout);
    config.body_limit = args.body_limit;
    config.keep_exchanges = args.keep_exchanges;
    if let Some(path) = &args.faults {
        let text = std::fs::read(path).with_context(|| format!("cannot read --faults {}", path.display()))?;
        config.faults = FaultRules::parse(&text).with_context(|| format!("--faults {}", path.display()))?;
    }
    if let Some(dir) = &args.capture {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create --capture {}", dir.display()))?;
    }
    let mut upstream = config.upstream.to_string();
    let rules = config.faults.len();
    if rules > 0 {
        upstream.push_str(&format!(" with {rules} fault rule{}", if rules == 1 { "" } else { "s" }));
    }
    Ok((Tap::new(config)?, upstream))
}

async fn run(args: &Args) -> Result<(), Failure<anyhow::Error>> {
    let (tap, upstream) = prepare(args).map_err(Failure::Arguments)?;
    let exporter =
        args.otlp.exporter("sse-tap").map_err(|message| Failure::Arguments(anyhow::anyhow!(message)))?;
    let secrets = if args.har_secrets { Secrets::Keep } else { Secrets::Redact };
    let listener = TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))
        .map_err(Failure::Run)?;
    let local = listener.local_addr().context("cannot read the bound address").map_err(Failure::Run)?;
    let recorder = tap.recorder();
    eprintln!(
        "sse-tap: listening on http://{local}, forwarding to {upstream} (point your app's base URL here)"
    );
    let captured = Arc::new(Mutex::new(HashSet::new()));
    let mcp = args.mcp.then(|| Arc::new(Mutex::new(McpLines::default())));
    let printer = tokio::spawn(print_finished(
        recorder.clone(),
        args.capture.clone(),
        secrets,
        captured.clone(),
        mcp.clone(),
    ));
    let export = exporter.map(|exporter| {
        LlmExport::start(&recorder, Arc::new(exporter), |line| eprintln!("sse-tap: {line}"), || {})
    });
    tap.run(listener, shutdown_signal()).await.map_err(|error| Failure::Run(error.into()))?;
    if let Some(export) = export {
        // The calls that ended get 5 s to reach the collector.
        let dropped = export.dropped();
        export.finish(sse_otlp::EXPORT_TIMEOUT).await;
        if dropped > 0 {
            eprintln!(
                "sse-tap: {dropped} LLM calls were not exported: more than 1,000 waited for the collector"
            );
        }
    }
    // The printer has written the captures of the streams that ended; the rest are written now.
    printer.abort();
    if let Some(lines) = &mcp {
        let rest = lines.lock().map(|mut lines| lines.rest(&recorder)).unwrap_or_default();
        rest.iter().for_each(|line| println!("{line}"));
    }
    let written = captured.lock().map(|ids| ids.clone()).unwrap_or_default();
    if let Some(dir) = &args.capture {
        for exchange in recorder.exchanges().iter().filter(|e| e.is_stream && !written.contains(&e.id)) {
            save_capture(dir, exchange, secrets);
        }
    }
    if let Some(path) = &args.har {
        write_har(path, &recorder, secrets).map_err(Failure::Run)?;
    }
    if let Some(path) = &args.report {
        write_report(path, &recorder).map_err(Failure::Run)?;
    }
    Ok(())
}

fn write_report(path: &Path, recorder: &Recorder) -> anyhow::Result<()> {
    let report = recorder.report();
    let text = serde_json::to_vec_pretty(&report)?;
    std::fs::write(path, text).with_context(|| format!("cannot write --report {}", path.display()))?;
    let count = report.clients.len();
    let clients = if count == 1 { "client" } else { "clients" };
    eprintln!("sse-tap: report card of {count} {clients} written to {}", path.display());
    Ok(())
}

/// One line per finished exchange (its warnings after it, on stderr), or with `--mcp` (`mcp`)
/// one per MCP call that completed instead of an MCP exchange's line; and each stream's capture
/// as it ends (its id noted in `captured`).
async fn print_finished(
    recorder: Recorder,
    capture_dir: Option<PathBuf>,
    secrets: Secrets,
    captured: Arc<Mutex<HashSet<u64>>>,
    mcp: Option<Arc<Mutex<McpLines>>>,
) {
    let mut finished = recorder.finished();
    loop {
        match finished.recv().await {
            Ok(summary) => {
                let calls = mcp.as_ref().and_then(|lines| lines.lock().ok()?.finished(summary.id, &recorder));
                match calls {
                    Some(calls) => calls.iter().for_each(|line| println!("{line}")),
                    None => println!("{summary}"),
                }
                for warning in &summary.warnings {
                    eprintln!("sse-tap: {} {}: {warning}", summary.method, summary.target);
                }
                if let (Some(dir), true) = (&capture_dir, summary.is_stream) {
                    if let Some(exchange) = recorder.exchange(summary.id) {
                        save_capture(dir, &exchange, secrets);
                        if let Ok(mut ids) = captured.lock() {
                            ids.insert(summary.id);
                        }
                    }
                }
            }
            Err(RecvError::Lagged(missed)) => {
                eprintln!("sse-tap: {missed} exchanges not printed (output too slow)")
            }
            Err(RecvError::Closed) => return,
        }
    }
}

fn save_capture(dir: &Path, exchange: &sse_tap::Exchange, secrets: Secrets) {
    match write_capture(dir, exchange, secrets) {
        Ok(path) => tracing::info!(path = %path.display(), "capture written"),
        Err(error) => eprintln!("sse-tap: cannot write a capture into {}: {error}", dir.display()),
    }
}

fn write_har(path: &Path, recorder: &Recorder, secrets: Secrets) -> anyhow::Result<()> {
    let document = har(&recorder.exchanges(), secrets);
    let text = serde_json::to_vec_pretty(&document)?;
    std::fs::write(path, text).with_context(|| format!("cannot write the HAR to {}", path.display()))?;
    eprintln!("sse-tap: HAR written to {}", path.display());
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
