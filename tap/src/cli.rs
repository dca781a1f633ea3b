//! `sse-tap`'s command line, here so the completions and man page come from it (cli-docs).

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
    /// The upstream, `http://host:port/base`: `/x` is forwarded to `/base/x`.
    #[arg(long)]
    pub upstream: String,
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
}
