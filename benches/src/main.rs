//! `sse-load`: the fan-out benchmark. For each scenario it starts a server, opens N subscribers
//! over loopback, lets the server publish R events/s (each event's data its publish time in
//! ns), and reports deliveries/s, delivery latency (p50/p99/max), errors and the server's RSS
//! per connection: first for our `sse-server`, then for the Node.js baseline
//! (`benches/node/sse-server.js`, the same publish loop on node's `http` module).
//!
//! cargo build --profile bench -p embedded-server -p sse-bench && target/release/sse-load

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use sse_bench::load::measure;
use sse_bench::{spawn_listening, sse_server_bin};
use tokio::process::{Child, Command};

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

async fn run(kind: Kind, scenario: &Scenario, args: &Args, secs: u64) -> anyhow::Result<Outcome> {
    let (mut child, addr) = start_server(kind, scenario.rate, scenario.queue, args).await?;
    let pid = child.id().context("server pid")?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let measured = measure(&addr, scenario.subscribers, secs, &[pid]).await;
    let _ = child.kill().await;
    let measured = measured?;
    Ok(Outcome {
        delivered_per_sec: measured.per_sec(),
        p50_ms: measured.latency_ms(0.50),
        p99_ms: measured.latency_ms(0.99),
        max_ms: measured.max_ms(),
        errors: measured.errors,
        server_cpu_percent: measured.cpu_secs / measured.elapsed.as_secs_f64() * 100.0,
        cpu_us_per_delivery: measured.cpu_us_per_delivery(),
        rss_per_conn_kib: measured.rss_growth_kib as f64 / scenario.subscribers.max(1) as f64,
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
