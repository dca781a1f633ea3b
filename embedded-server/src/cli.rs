//! `sse-server`'s command line, in the library so that its completions and man page are
//! generated from the same definition (`cli-docs/`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// An SSE server publishing a counter (0, 1, 2, ...) on the stream `messages`.
///
/// Subscribe with `curl -N 'http://127.0.0.1:8080/events?stream=messages'`, or open
/// http://127.0.0.1:8080/ in a browser. Publish with
/// `curl -H 'content-type: application/json' -d '{"data":"hi"}' http://127.0.0.1:8080/streams/messages/events`.
#[derive(Parser, Debug)]
#[command(name = "sse-server", version)]
pub struct ServerArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Milliseconds between two counter events (0 disables the counter).
    #[arg(long, default_value_t = 100)]
    pub interval_ms: u64,
    /// Seconds between keep-alive comments on idle streams.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub keep_alive_secs: u64,
    /// Create this stream too (repeatable); `messages` always exists.
    #[arg(long = "stream", value_name = "NAME")]
    pub streams: Vec<String>,
    /// Events kept per stream for Last-Event-ID resume.
    #[arg(long, default_value_t = 1024)]
    pub replay_log_size: usize,
    /// Drop events older than this many seconds from the replay log.
    #[arg(long, value_name = "SECS")]
    pub replay_log_age_secs: Option<u64>,
    /// Create streams on first subscribe.
    #[arg(long)]
    pub auto_stream: bool,
    /// Send the whole replay log to new subscribers that have no Last-Event-ID.
    #[arg(long)]
    pub auto_replay: bool,
    /// Answer 401 to subscribers that do not send this header, `Name: value`.
    #[arg(long, value_name = "NAME: VALUE")]
    pub require_header: Option<String>,
    /// Largest event data accepted by publish, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_event_size: usize,
    /// Open subscriptions allowed across all streams.
    #[arg(long, default_value_t = 10_000)]
    pub max_subscribers: usize,
    /// Close connections that send no complete first request within this many seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,
    /// Close connections whose client takes no bytes for this many seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub write_stall_secs: u64,
    /// Replay this capture (`sse-sub --json [--time]` output) into --replay-stream once the
    /// server is up.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// The stream the capture is replayed into (created if needed).
    #[arg(long, value_name = "NAME", default_value = "replay")]
    pub replay_stream: String,
    /// Replay speed: 1 keeps the recorded pace, 10 is ten times faster, 0 is as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Benchmark load: publish --load-rate events/s on this stream, each event's data its
    /// publish time in ns since the Unix epoch.
    #[arg(long, value_name = "NAME", requires = "load_rate")]
    pub load_stream: Option<String>,
    /// Events per second for --load-stream.
    #[arg(long, value_name = "R", requires = "load_stream")]
    pub load_rate: Option<u64>,
    /// Publishing and creating streams need `Authorization: Bearer TOKEN`. Required to publish
    /// at all when --addr is not a loopback address.
    #[arg(long, value_name = "TOKEN")]
    pub publish_token: Option<String>,
    /// Store every event in this file (redb) before sending it: restarted on the same file,
    /// the server resumes subscribers from their Last-Event-ID with no gap.
    #[arg(long, value_name = "FILE")]
    pub durable_log: Option<PathBuf>,
    /// With --durable-log: events per stream the file keeps, so a subscriber that comes back
    /// from further back than the in-memory replay log still resumes exactly.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub durable_window: usize,
    /// Events a subscriber may fall behind before it is disconnected.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..))]
    pub subscriber_queue: u64,
    /// Fault profiles to start with: a JSON file `{"STREAM": {profile}, ...}` (docs/faults.md);
    /// each stream must exist (the counter's `messages`, or one named with --stream).
    #[arg(long, value_name = "FILE")]
    pub faults: Option<PathBuf>,
    /// At exit (Ctrl-C or SIGTERM), write every client's connection attempts and report card
    /// (what `GET /clients` gives) to this JSON file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}
