//! `sse-tap`'s command line, here so the completions and man page come from it (cli-docs).

use std::path::PathBuf;

use clap::Parser;

use crate::config::{DEFAULT_BODY_LIMIT, DEFAULT_KEEP_EXCHANGES};

#[derive(Debug, Parser)]
#[command(
    name = "sse-tap",
    version,
    about = "Forward your app's requests to an upstream and record each exchange as it streams: headers, chunk timings, SSE events, and how it ended"
)]
pub struct Args {
    /// Where to listen (loopback unless you mean otherwise).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// The upstream, `http(s)://host:port/base`: `/x` is forwarded to `/base/x`.
    #[arg(long)]
    pub upstream: String,
    /// A PEM file of CA certificates to trust besides the system's (an https upstream).
    #[arg(long, value_name = "PEM")]
    pub cacert: Option<PathBuf>,
    /// Accept any certificate from an https upstream.
    #[arg(long, conflicts_with = "cacert")]
    pub insecure: bool,
    /// Write the session as HAR 1.2 here at exit (Ctrl-C and SIGTERM too), each stream's
    /// events in its entry.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// Keep credential headers and query parameters in the HAR and captures (redacted
    /// otherwise).
    #[arg(long)]
    pub har_secrets: bool,
    /// Write each stream as a capture file (NDJSON, as `sse-sub --json --time`) into this
    /// directory as it ends (and at exit for those still open).
    #[arg(long, value_name = "DIR")]
    pub capture: Option<PathBuf>,
    /// A header added to every forwarded request, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header")]
    pub headers: Vec<String>,
    /// Send the client's `Host` upstream instead of the upstream's.
    #[arg(long)]
    pub keep_host: bool,
    /// Seconds to wait for the upstream's response head before answering 504.
    #[arg(long, default_value_t = 60.0)]
    pub head_timeout: f64,
    /// Bytes of each non-stream body kept in the record (the rest counted).
    #[arg(long, default_value_t = DEFAULT_BODY_LIMIT)]
    pub body_limit: usize,
    /// Exchanges kept in the record (the oldest go first).
    #[arg(long, default_value_t = DEFAULT_KEEP_EXCHANGES)]
    pub keep_exchanges: usize,
    /// Fault rules to apply to the exchanges they select: a JSON array of objects, each with
    /// `method` and `path` (a glob) beside the fault profile fields of docs/faults.md; the first
    /// rule that selects an exchange applies to it.
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,
    /// At exit (Ctrl-C or SIGTERM), write the report card of every client that asked for an
    /// event stream or was answered with one: the same JSON as `sse-server --report`.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print one line per MCP call instead of the exchange lines of MCP exchanges, as each call
    /// completes: time (UTC), era, method and name, id, outcome (result, isError, a JSON-RPC
    /// error, cancelled, input required after N rounds), latency and the rules it broke.
    #[arg(long)]
    pub mcp: bool,
    #[command(flatten)]
    pub otlp: sse_otlp::cli::OtlpArgs,
}
