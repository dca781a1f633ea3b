//! `--otlp`: the LLM call exported when its stream ends (`sse_otlp`), the collector given
//! 5 s at most before sse-sub exits; a failed export is one line on stderr and never changes
//! the exit code.

use std::time::Duration;

use sse_otlp::{Exporter, LlmCall};
use sse_subscriber::cli::Args;

/// The most sse-sub waits for the collector before exiting.
const WAIT: Duration = Duration::from_secs(5);

/// The exporter `--otlp` asks for, if any; a wrong URL or protocol, or `--otlp` without
/// `--llm`, is a usage error.
pub fn exporter(args: &Args) -> Result<Option<Exporter>, String> {
    if args.otlp.otlp.is_some() && args.llm.is_none() {
        return Err("--otlp exports LLM calls: it needs --llm".into());
    }
    args.otlp.exporter("sse-sub")
}

/// Sends `call` and waits for the collector, 5 s at most; says a failure on stderr.
pub async fn export(exporter: Exporter, call: &LlmCall) {
    let sent = tokio::time::timeout(WAIT, exporter.export(call)).await;
    let failure = match sent {
        Ok(Ok(())) => None,
        Ok(Err(error)) => exporter.first_failure(&error),
        Err(_) => exporter.first_failure(&sse_otlp::OtlpError::TimedOut(WAIT.as_secs())),
    };
    if let Some(line) = failure {
        eprintln!("sse-sub: {line}");
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), exporter.shutdown()).await;
}
