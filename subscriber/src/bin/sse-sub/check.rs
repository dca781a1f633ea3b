//! `sse-sub --check`: the server graded (`sse_subscriber::check` opens the connections,
//! `sse_server_check` grades), printed as text or JSON, with JUnit XML on request.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use sse_server_check::{compare, grade};
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
    let via = match args.via.as_deref().map(|url| request.to_url(url)).transpose() {
        Ok(via) => via,
        Err(error) => {
            eprintln!("sse-sub: --via: {error}");
            return ExitCode::from(2);
        }
    };
    let connections = if args.data.is_some() || args.data_file.is_some() {
        "one connection (the request has a body: another would send it again)".to_owned()
    } else {
        format!("at most {MAX_CONNECTIONS} connections")
    };
    let urls = match &via {
        Some(via) => format!("{} and {} side by side", request.url(), via.url()),
        None => request.url().to_string(),
    };
    eprintln!("sse-sub: checking {urls} for {} s with {connections} each", args.check_for);
    let signal = AtomicU8::new(0);
    let (stopped, stopping) = tokio::sync::watch::channel(false);
    let stop = || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stopped| *stopped).await;
        }
    };
    let listen = async {
        signal.store(interrupted.await, Ordering::Relaxed);
        stopped.send_replace(true);
    };
    let check_for = Duration::from_secs(args.check_for);
    let checks = async {
        match &via {
            Some(via) => {
                let (direct, through) =
                    tokio::join!(run_check(&request, check_for, stop()), run_check(via, check_for, stop()));
                (direct, Some(through))
            }
            None => (run_check(&request, check_for, stop()).await, None),
        }
    };
    // On a signal the checks are told to stop, and what they saw by then is still graded.
    let mut checks = std::pin::pin!(checks);
    let (seen, through) = tokio::select! {
        checked = &mut checks => checked,
        () = listen => checks.await,
    };
    let card = match &through {
        Some(through) => compare(&seen, through),
        None => grade(&seen),
    };
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
    for seen in std::iter::once(&seen).chain(&through) {
        if is_unreachable(seen) {
            let reason = seen.watched.failure.as_ref().map_or("no response", |(_, reason)| reason.as_str());
            eprintln!("sse-sub: no HTTP response from {}: {reason}", seen.url);
            return ExitCode::from(4);
        }
    }
    if card.fails_a_must() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
