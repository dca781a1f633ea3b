//! `sse-sub --check`: the server graded (`sse_subscriber::check` opens the connections,
//! `sse_server_check` grades), printed as text or JSON, with JUnit XML on request.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use sse_server_check::grade;
use sse_subscriber::check::{is_unreachable, run_check, MAX_CONNECTIONS};
use sse_subscriber::cli::Args;

/// Runs the check the arguments describe; `interrupted` resolves with 130 or 143 on Ctrl-C or
/// SIGTERM (what was decided by then is printed first).
pub async fn run(args: &Args, interrupted: impl std::future::Future<Output = u8>) -> ExitCode {
    let request = match args.request() {
        Ok(request) => request,
        Err(error) => {
            eprintln!("sse-sub: {error}");
            return ExitCode::from(2);
        }
    };
    for warning in args.warnings() {
        eprintln!("sse-sub: warning: {warning}");
    }
    let connections = if args.data.is_some() || args.data_file.is_some() {
        "one connection (the request has a body: another would send it again)".to_owned()
    } else {
        format!("at most {MAX_CONNECTIONS} connections")
    };
    eprintln!("sse-sub: checking {} for {} s with {connections}", request.url(), args.check_for);
    let signal = AtomicU8::new(0);
    let stop = async {
        signal.store(interrupted.await, Ordering::Relaxed);
    };
    let seen = run_check(&request, Duration::from_secs(args.check_for), stop).await;
    let card = grade(&seen);
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_string(&card).map(|json| writeln!(out, "{json}")).unwrap_or(Ok(()))
    } else {
        out.write_all(card.text().as_bytes())
    };
    if let Err(error) = written.and_then(|()| out.flush()) {
        eprintln!("sse-sub: cannot write output: {error}");
    }
    if let Some(path) = &args.junit {
        if let Err(error) = std::fs::write(path, card.junit()) {
            eprintln!("sse-sub: cannot write --junit {}: {error}", path.display());
        }
    }
    let code = signal.load(Ordering::Relaxed);
    if code != 0 {
        return ExitCode::from(code);
    }
    if is_unreachable(&seen) {
        let reason = seen.watched.failure.as_ref().map_or("no response", |(_, reason)| reason.as_str());
        eprintln!("sse-sub: no HTTP response from {}: {reason}", request.url());
        return ExitCode::from(4);
    }
    if card.fails_a_must() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
