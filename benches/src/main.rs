//! `sse-load`: the fan-out benchmark. For each scenario it starts a server, opens N subscribers
//! over loopback, lets the server publish R events/s (each event's data its publish time in
//! ns), and reports deliveries/s, delivery latency (p50/p99/max), errors and the server's RSS
//! per connection: first for our `sse-server`, then for the Node.js baseline
//! (`benches/node/sse-server.js`, the same publish loop on node's `http` module).
//!
//! cargo build --profile bench -p embedded-server -p sse-bench && target/release/sse-load

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use clap::Parser;
use sse_bench::{cpu_secs, rss_kib, spawn_listening, sse_server_bin};
use sse_subscriber::EventParser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

#[derive(Parser, Debug)]
#[command(about = "SSE fan-out benchmark: sse-server against a Node.js baseline")]
struct Args {
    /// Seconds each scenario measures.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Divide subscriber counts by 10 and measure 3 s: a smoke run.
    #[arg(long)]
    quick: bool,
    /// Only the scenarios whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// The `sse-server` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// The firehose's first rate, in events/s; each next step is about 1.41x (sqrt 2).
    #[arg(long, default_value_t = 50_000)]
    firehose_start: u64,
    /// The firehose's highest rate tried.
    #[arg(long, default_value_t = 4_000_000)]
    firehose_max: u64,
}

/// A firehose step keeps up if it delivers this share of the published rate...
const KEPT_UP_SHARE: f64 = 0.95;
/// ...with a p99 latency under this (no runaway buffering) and no error or cut-off.
const KEPT_UP_P99_MS: f64 = 1000.0;
/// Events our server lets the firehose subscriber fall behind (`--subscriber-queue`): a
/// firehose client needs more slack than the default 1,024, or a 2 ms hiccup at 500k ev/s cuts
/// it off. Node buffers without limit.
const FIREHOSE_QUEUE: usize = 65_536;

struct Scenario {
    name: String,
    subscribers: usize,
    rate: u64,
    /// `--subscriber-queue` for our server.
    queue: Option<usize>,
}

#[derive(Clone, Copy)]
enum Kind {
    Ours,
    Node,
}

#[derive(Default)]
struct Shared {
    events: AtomicU64,
    errors: AtomicU64,
    measuring: AtomicBool,
    /// Set once the measuring window is over: a stream that ends before is an error.
    finished: AtomicBool,
    latencies_us: Mutex<Vec<u32>>,
}

struct Outcome {
    delivered_per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    errors: u64,
    server_cpu_percent: f64,
    cpu_us_per_delivery: f64,
    rss_per_conn_kib: f64,
}

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos()
}

async fn start_server(
    kind: Kind,
    rate: u64,
    queue: Option<usize>,
    args: &Args,
) -> anyhow::Result<(Child, String)> {
    let mut command = match kind {
        Kind::Ours => {
            let mut command = Command::new(sse_server_bin(args.server_bin.as_ref())?);
            command.args(["--addr", "127.0.0.1:0", "--interval-ms", "0", "--max-subscribers", "100000"]);
            if let Some(queue) = queue {
                command.args(["--subscriber-queue", &queue.to_string()]);
            }
            if rate == 0 {
                // The idle scenario: the stream exists, nothing is published.
                command.args(["--stream", "bench"]);
            } else {
                command.args(["--load-stream", "bench", "--load-rate", &rate.to_string()]);
            }
            command.env("RUST_LOG", "warn");
            command
        }
        Kind::Node => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/node/sse-server.js");
            let mut command = Command::new("node");
            command.args([script, "--rate", &rate.to_string()]);
            command
        }
    };
    spawn_listening(command.stderr(Stdio::inherit())).await
}

/// One subscriber: raw HTTP/1.1 over TCP, parsed with our parser; latencies recorded while
/// measuring.
async fn subscriber(addr: String, shared: Arc<Shared>, ready: tokio::sync::mpsc::Sender<bool>) {
    let result: anyhow::Result<()> = async {
        let mut socket = TcpStream::connect(&addr).await?;
        socket.set_nodelay(true)?;
        let request =
            format!("GET /events?stream=bench HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        socket.write_all(request.as_bytes()).await?;
        // The client must cost less than the servers it measures: one clock read per read
        // chunk (its events arrived together), counters kept locally.
        let mut buf = vec![0u8; 16 * 1024];
        let mut head = Vec::new();
        let body_start = loop {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                bail!("closed before the response head");
            }
            head.extend_from_slice(&buf[..n]);
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        if !head.starts_with(b"HTTP/1.1 200") {
            bail!("status: {}", String::from_utf8_lossy(&head[..head.len().min(40)]));
        }
        let _ = ready.send(true).await;
        let mut parser = EventParser::default();
        // Both servers answer chunked: strip the framing before parsing (a chunk-size line
        // could otherwise split an event).
        let mut dechunk = Dechunker::default();
        let mut local = Vec::new();
        let mut counted = 0u64;
        let mut feed = |bytes: &[u8], parser: &mut EventParser, local: &mut Vec<u32>, counted: &mut u64| {
            let received = now_ns();
            let measuring = shared.measuring.load(Ordering::Relaxed);
            dechunk.feed(bytes, |data| parser.feed(data));
            while let Ok(Some(event)) = parser.next_event() {
                let sent: u128 = event.data.parse().unwrap_or(0);
                if measuring && sent > 0 {
                    let latency_us = received.saturating_sub(sent) / 1000;
                    local.push(u32::try_from(latency_us).unwrap_or(u32::MAX));
                    *counted += 1;
                }
            }
        };
        feed(&head[body_start..], &mut parser, &mut local, &mut counted);
        loop {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            feed(&buf[..n], &mut parser, &mut local, &mut counted);
            if local.len() >= 4096 {
                shared.events.fetch_add(std::mem::take(&mut counted), Ordering::Relaxed);
                shared.latencies_us.lock().await.append(&mut local);
            }
        }
        shared.events.fetch_add(counted, Ordering::Relaxed);
        shared.latencies_us.lock().await.append(&mut local);
        if !shared.finished.load(Ordering::Relaxed) {
            bail!("the server ended the stream early");
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        shared.errors.fetch_add(1, Ordering::Relaxed);
        let _ = ready.send(false).await;
    }
}

/// Removes HTTP/1.1 chunked framing from a byte stream.
#[derive(Default)]
struct Dechunker {
    /// Bytes left in the current chunk's data, then its CRLF.
    remaining: usize,
    size_line: Vec<u8>,
    skip_crlf: usize,
}

impl Dechunker {
    fn feed(&mut self, mut bytes: &[u8], mut out: impl FnMut(&[u8])) {
        while !bytes.is_empty() {
            if self.skip_crlf > 0 {
                let n = self.skip_crlf.min(bytes.len());
                self.skip_crlf -= n;
                bytes = &bytes[n..];
            } else if self.remaining > 0 {
                let n = self.remaining.min(bytes.len());
                out(&bytes[..n]);
                self.remaining -= n;
                bytes = &bytes[n..];
                if self.remaining == 0 {
                    self.skip_crlf = 2;
                }
            } else {
                match bytes.iter().position(|&b| b == b'\n') {
                    Some(at) => {
                        self.size_line.extend_from_slice(&bytes[..at]);
                        let text = String::from_utf8_lossy(&self.size_line).trim().to_owned();
                        let hex = text.split(';').next().unwrap_or("");
                        self.remaining = usize::from_str_radix(hex, 16).unwrap_or(0);
                        self.size_line.clear();
                        bytes = &bytes[at + 1..];
                    }
                    None => {
                        self.size_line.extend_from_slice(bytes);
                        bytes = &[];
                    }
                }
            }
        }
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

async fn run(kind: Kind, scenario: &Scenario, args: &Args, secs: u64) -> anyhow::Result<Outcome> {
    let (mut child, addr) = start_server(kind, scenario.rate, scenario.queue, args).await?;
    let pid = child.id().context("server pid")?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before = rss_kib(pid)?;
    let shared = Arc::new(Shared::default());
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(1024);
    let mut tasks = Vec::new();
    for n in 0..scenario.subscribers {
        tasks.push(tokio::spawn(subscriber(addr.clone(), shared.clone(), ready_tx.clone())));
        if n % 256 == 255 {
            tokio::task::yield_now().await;
        }
    }
    drop(ready_tx);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut connected = 0;
    while connected < scenario.subscribers {
        match tokio::time::timeout_at(deadline.into(), ready_rx.recv()).await {
            Ok(Some(_)) => connected += 1,
            Ok(None) | Err(_) => break,
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    shared.measuring.store(true, Ordering::Relaxed);
    let cpu_before = cpu_secs(pid)?;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    shared.measuring.store(false, Ordering::Relaxed);
    shared.finished.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let rss_after = rss_kib(pid)?;
    let cpu_used = cpu_secs(pid)? - cpu_before;
    let _ = child.kill().await;
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
    // Subscribers add their counts when they end.
    let delivered = shared.events.load(Ordering::Relaxed);
    let mut latencies = std::mem::take(&mut *shared.latencies_us.lock().await);
    latencies.sort_unstable();
    Ok(Outcome {
        delivered_per_sec: delivered as f64 / elapsed.as_secs_f64(),
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: latencies.last().map_or(f64::NAN, |&m| f64::from(m) / 1000.0),
        errors: shared.errors.load(Ordering::Relaxed) + (scenario.subscribers - connected) as u64,
        server_cpu_percent: cpu_used / elapsed.as_secs_f64() * 100.0,
        cpu_us_per_delivery: if delivered > 0 { cpu_used * 1e6 / delivered as f64 } else { f64::NAN },
        rss_per_conn_kib: rss_after.saturating_sub(rss_before) as f64 / scenario.subscribers.max(1) as f64,
    })
}

fn print_row(name: &str, server: &str, outcome: &Outcome) {
    println!(
        "| {:<30} | {:<7} | {:>12.0} | {:>8.2} | {:>8.2} | {:>8.2} | {:>6} | {:>6.0} | {:>7.2} | {:>9.2} |",
        name,
        server,
        outcome.delivered_per_sec,
        outcome.p50_ms,
        outcome.p99_ms,
        outcome.max_ms,
        outcome.errors,
        outcome.server_cpu_percent,
        outcome.cpu_us_per_delivery,
        outcome.rss_per_conn_kib
    );
}

/// One subscriber on a firehose whose rate grows by about 1.41x a step while the server keeps
/// up; the highest delivered rate that kept up.
async fn saturate(kind: Kind, label: &str, args: &Args, secs: u64) -> anyhow::Result<f64> {
    let mut best = 0.0;
    let mut rate = args.firehose_start as f64;
    while rate <= args.firehose_max as f64 {
        let scenario = Scenario {
            name: format!("firehose, 1 subscriber, {:.0}k ev/s", rate / 1000.0),
            subscribers: 1,
            rate: rate as u64,
            queue: Some(FIREHOSE_QUEUE),
        };
        let outcome = run(kind, &scenario, args, secs)
            .await
            .with_context(|| format!("{} on {label}", scenario.name))?;
        print_row(&scenario.name, label, &outcome);
        let kept_up = outcome.errors == 0
            && outcome.delivered_per_sec >= KEPT_UP_SHARE * rate
            && outcome.p99_ms < KEPT_UP_P99_MS;
        if !kept_up {
            break;
        }
        best = outcome.delivered_per_sec;
        rate *= std::f64::consts::SQRT_2;
    }
    Ok(best)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < 25_000 => eprintln!(
            "sse-load: open-file limit is {limit}; 10k scenarios need ~20,000 for client and server"
        ),
        Ok(_) => {}
        Err(error) => eprintln!("sse-load: cannot raise the open-file limit: {error}"),
    }
    let divide = if args.quick { 10 } else { 1 };
    let secs = if args.quick { 3 } else { args.secs };
    let scenarios = [
        Scenario {
            name: "1k subscribers, 10 ev/s".into(),
            subscribers: 1000 / divide,
            rate: 10,
            queue: None,
        },
        Scenario { name: "10k idle subscribers".into(), subscribers: 10_000 / divide, rate: 0, queue: None },
        Scenario {
            name: "10k subscribers, 10 ev/s".into(),
            subscribers: 10_000 / divide,
            rate: 10,
            queue: None,
        },
    ];
    let wanted = |name: &str| args.only.as_ref().is_none_or(|only| name.contains(only.as_str()));
    println!(
        "| scenario | server | delivered ev/s | p50 ms | p99 ms | max ms | errors | server CPU % | CPU µs/delivery | RSS KiB/conn |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for scenario in scenarios.iter().filter(|s| wanted(&s.name)) {
        for (kind, label) in [(Kind::Ours, "ours"), (Kind::Node, "node")] {
            let outcome = run(kind, scenario, &args, secs)
                .await
                .with_context(|| format!("{} on {label}", scenario.name))?;
            print_row(&scenario.name, label, &outcome);
        }
    }
    if wanted("firehose") {
        let step_secs = if args.quick { 2 } else { 5 };
        let mut best = Vec::new();
        for (kind, label) in [(Kind::Ours, "ours"), (Kind::Node, "node")] {
            best.push((label, saturate(kind, label, &args, step_secs).await?));
        }
        println!();
        println!("Firehose saturation: the highest rate each server kept up with (>= {:.0}% delivered, p99 < {KEPT_UP_P99_MS:.0} ms, no error).", KEPT_UP_SHARE * 100.0);
        println!();
        println!("| server | sustained ev/s |");
        println!("|---|---:|");
        for (label, delivered) in &best {
            println!("| {label:<6} | {delivered:>12.0} |");
        }
        if let [(_, ours), (_, node)] = best[..] {
            println!();
            println!("ours / node: {:.2}x", ours / node);
        }
    }
    Ok(())
}
