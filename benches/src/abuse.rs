//! `sse-abuse`: the server under abuse. Starts `sse-server` and, all at once, holds N idle
//! subscribers, sends slow-loris connections, oversized requests and publishes, and floods it
//! with connects and disconnects, while a well-behaved client keeps reading the counter and
//! asking `GET /streams`. It checks that the server stays responsive, that each refusal is a
//! clear HTTP error, and that memory returns to flat; prints the figures and exits non-zero
//! if a check fails.
//!
//! cargo build --profile bench -p embedded-server -p sse-bench
//! target/release/sse-abuse                                   # 10,000 idle for 10 minutes
//! target/release/sse-abuse --idle 500 --hold-secs 6 --flood-secs 3   # the short version

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use sse_bench::{spawn_listening, sse_server_bin};

#[derive(Parser, Debug)]
#[command(about = "sse-server under abuse: idle hordes, slow-loris, oversized input, connection floods")]
struct Args {
    /// Idle subscribers held open.
    #[arg(long, default_value_t = 10_000)]
    idle: usize,
    /// How long the idle subscribers are held, in seconds.
    #[arg(long, default_value_t = 600)]
    hold_secs: u64,
    /// Slow-loris connections (they trickle a request head, one byte at a time).
    #[arg(long, default_value_t = 200)]
    slow_loris: usize,
    /// Seconds of connect/disconnect flood.
    #[arg(long, default_value_t = 30)]
    flood_secs: u64,
    /// The `sse-server` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

/// Server settings for the run: a short request timeout, so slow-loris is cut quickly.
const REQUEST_TIMEOUT_SECS: u64 = 2;
const MAX_EVENT_SIZE: usize = 64 * 1024;

#[derive(Default)]
struct Figures {
    idle_open: AtomicU64,
    idle_dropped: AtomicU64,
    slow_loris_closed: AtomicU64,
    /// The longest a slow-loris connection stayed open, in ms.
    slow_loris_max_ms: AtomicU64,
    flood_connections: AtomicU64,
    flood_errors: AtomicU64,
    probe_max_ms: AtomicU64,
    probes: AtomicU64,
    probe_failures: AtomicU64,
    counter_values: AtomicU64,
    counter_gaps: AtomicU64,
}

async fn start_server(args: &Args) -> anyhow::Result<(Child, String)> {
    let mut command = Command::new(sse_server_bin(args.server_bin.as_ref())?);
    command
        .args(["--addr", "127.0.0.1:0", "--interval-ms", "100", "--keep-alive-secs", "5"])
        .args(["--request-timeout-secs", &REQUEST_TIMEOUT_SECS.to_string()])
        .args(["--max-event-size", &MAX_EVENT_SIZE.to_string(), "--max-subscribers", "100000"])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null());
    spawn_listening(&mut command).await
}

/// The server's memory; 0 if it cannot be read (it is reported, not relied on).
fn rss_kib(pid: u32) -> u64 {
    sse_bench::rss_kib(pid).unwrap_or(0)
}

/// Sends `request` and returns the status line and the body's first line.
async fn exchange(addr: &str, request: &[u8]) -> anyhow::Result<(String, String)> {
    let mut socket = TcpStream::connect(addr).await?;
    // A large request may be answered (and the socket closed) before it is all written.
    let _ = socket.write_all(request).await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.lines().next().unwrap_or("").to_owned();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").lines().next().unwrap_or("").to_owned();
    Ok((status, body))
}

/// One idle subscriber: opens the stream and reads (keep-alives) until told to stop.
async fn idle_subscriber(addr: String, figures: Arc<Figures>, stop: Arc<AtomicBool>) {
    let Ok(mut socket) = TcpStream::connect(&addr).await else {
        figures.idle_dropped.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let request = format!("GET /events?stream=idle HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    if socket.write_all(request.as_bytes()).await.is_err() {
        figures.idle_dropped.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let mut buf = [0u8; 512];
    let mut opened = false;
    while !stop.load(Ordering::Relaxed) {
        match tokio::time::timeout(Duration::from_millis(500), socket.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                figures.idle_dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Ok(Ok(_)) if !opened => {
                opened = true;
                figures.idle_open.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// Trickles a request head one byte a second; counts it when the server closes it.
async fn slow_loris(addr: String, figures: Arc<Figures>) {
    let opened = Instant::now();
    let Ok(mut socket) = TcpStream::connect(&addr).await else { return };
    let head = b"GET /events?stream=idle HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for byte in head.iter().cycle().take(600) {
        if socket.write_all(&[*byte]).await.is_err() {
            break;
        }
        let mut buf = [0u8; 64];
        if let Ok(read) = tokio::time::timeout(Duration::from_secs(1), socket.read(&mut buf)).await {
            if matches!(read, Ok(0) | Err(_)) {
                break;
            }
        }
    }
    figures.slow_loris_closed.fetch_add(1, Ordering::Relaxed);
    let ms = u64::try_from(opened.elapsed().as_millis()).unwrap_or(u64::MAX);
    figures.slow_loris_max_ms.fetch_max(ms, Ordering::Relaxed);
}

/// Opens and drops connections (half of them after starting a subscription) as fast as it can.
async fn flood(addr: String, figures: Arc<Figures>, until: Instant) {
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        match TcpStream::connect(&addr).await {
            Ok(mut socket) => {
                if n % 2 == 0 {
                    let request = format!("GET /events?stream=idle HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                    let _ = socket.write_all(request.as_bytes()).await;
                    let mut buf = [0u8; 64];
                    let _ = tokio::time::timeout(Duration::from_millis(200), socket.read(&mut buf)).await;
                }
                figures.flood_connections.fetch_add(1, Ordering::Relaxed);
            }
            Err(_) => {
                figures.flood_errors.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// The well-behaved client: `GET /streams` every 100 ms (latency), and the counter read
/// without a gap.
async fn well_behaved(addr: String, figures: Arc<Figures>, stop: Arc<AtomicBool>) {
    let counter = {
        let (addr, figures, stop) = (addr.clone(), figures.clone(), stop.clone());
        tokio::spawn(async move {
            let Ok(mut socket) = TcpStream::connect(&addr).await else { return };
            let request = format!("GET /events?stream=messages HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            let _ = socket.write_all(request.as_bytes()).await;
            let mut reader = BufReader::new(socket);
            let mut line = String::new();
            let mut last: Option<u64> = None;
            while !stop.load(Ordering::Relaxed) {
                line.clear();
                match reader.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if let Some(value) = line.trim().strip_prefix("data: ").and_then(|v| v.parse::<u64>().ok()) {
                    if last.is_some_and(|last| value != last + 1) {
                        figures.counter_gaps.fetch_add(1, Ordering::Relaxed);
                    }
                    last = Some(value);
                    figures.counter_values.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let request = format!("GET /streams HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        match tokio::time::timeout(Duration::from_secs(5), exchange(&addr, request.as_bytes())).await {
            Ok(Ok((status, _))) if status.starts_with("HTTP/1.1 200") => {
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                figures.probe_max_ms.fetch_max(ms, Ordering::Relaxed);
                figures.probes.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                figures.probe_failures.fetch_add(1, Ordering::Relaxed);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    counter.abort();
}

/// Oversized input: each must be refused with its HTTP error and reason.
async fn oversized(addr: &str) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut seen = Vec::new();
    let huge_head =
        format!("GET /streams HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n", "a".repeat(1 << 20));
    let (status, body) = exchange(addr, huge_head.as_bytes()).await?;
    seen.push(("1 MiB request head".to_owned(), status, body));
    let publish = serde_like_json(&"x".repeat(MAX_EVENT_SIZE + 1));
    let (status, body) = exchange(addr, publish_request(addr, &publish).as_bytes()).await?;
    seen.push(("publish over --max-event-size".to_owned(), status, body));
    let big_body = "y".repeat(4 << 20);
    let (status, body) = exchange(addr, publish_request(addr, &big_body).as_bytes()).await?;
    seen.push(("4 MiB publish body".to_owned(), status, body));
    Ok(seen)
}

fn publish_request(addr: &str, body: &str) -> String {
    format!(
        "POST /streams/messages/events HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn serde_like_json(data: &str) -> String {
    // `data` is plain ASCII letters: no escaping needed.
    format!("{{\"data\":\"{data}\"}}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Err(error) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("sse-abuse: cannot raise the open-file limit: {error}");
    }
    let (mut child, addr) = start_server(&args).await?;
    let pid = child.id().context("server pid")?;
    let create = format!("PUT /streams/idle HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    exchange(&addr, create.as_bytes()).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_start = rss_kib(pid);
    let figures = Arc::new(Figures::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();

    let probe = tokio::spawn(well_behaved(addr.clone(), figures.clone(), stop.clone()));
    let mut idle = Vec::with_capacity(args.idle);
    for n in 0..args.idle {
        idle.push(tokio::spawn(idle_subscriber(addr.clone(), figures.clone(), stop.clone())));
        if n % 256 == 255 {
            tokio::task::yield_now().await;
        }
    }
    let loris: Vec<_> =
        (0..args.slow_loris).map(|_| tokio::spawn(slow_loris(addr.clone(), figures.clone()))).collect();
    let refusals = oversized(&addr).await?;
    let flood_until = Instant::now() + Duration::from_secs(args.flood_secs);
    let flooders: Vec<_> =
        (0..4).map(|_| tokio::spawn(flood(addr.clone(), figures.clone(), flood_until))).collect();
    for task in flooders {
        let _ = task.await;
    }
    for task in loris {
        let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
    }
    let loris_secs = figures.slow_loris_max_ms.load(Ordering::Relaxed) as f64 / 1000.0;
    let mut rss_peak = rss_kib(pid);
    // At least a few samples after the flood, whatever --hold-secs says.
    let hold_until =
        (started + Duration::from_secs(args.hold_secs)).max(Instant::now() + Duration::from_secs(4));
    let mut rss_samples = Vec::new();
    while Instant::now() < hold_until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss = rss_kib(pid);
        rss_peak = rss_peak.max(rss);
        rss_samples.push(rss);
    }
    let rss_held = rss_kib(pid);
    let idle_open = figures.idle_open.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for task in idle {
        let _ = task.await;
    }
    let _ = probe.await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_end = rss_kib(pid);
    let _ = child.kill().await;

    // Memory while holding: the last half of the samples must not grow.
    let half = &rss_samples[rss_samples.len() / 2..];
    let growth = match (half.first(), half.last()) {
        (Some(first), Some(last)) => last.saturating_sub(*first),
        _ => 0,
    };

    println!("| figure | value |");
    println!("|---|---:|");
    println!("| run | {:.0} s |", started.elapsed().as_secs_f64());
    println!("| idle subscribers open / asked | {idle_open} / {} |", args.idle);
    println!("| idle subscribers dropped by the server | {} |", figures.idle_dropped.load(Ordering::Relaxed));
    println!(
        "| slow-loris connections closed | {} of {} (each within {loris_secs:.1} s; request timeout {REQUEST_TIMEOUT_SECS} s) |",
        figures.slow_loris_closed.load(Ordering::Relaxed),
        args.slow_loris
    );
    println!(
        "| flood: connections opened and dropped | {} in {} s ({} connect errors) |",
        figures.flood_connections.load(Ordering::Relaxed),
        args.flood_secs,
        figures.flood_errors.load(Ordering::Relaxed)
    );
    println!(
        "| well-behaved GET /streams: answered, failed, slowest | {}, {}, {} ms |",
        figures.probes.load(Ordering::Relaxed),
        figures.probe_failures.load(Ordering::Relaxed),
        figures.probe_max_ms.load(Ordering::Relaxed)
    );
    println!(
        "| counter values read, gaps | {}, {} |",
        figures.counter_values.load(Ordering::Relaxed),
        figures.counter_gaps.load(Ordering::Relaxed)
    );
    println!("| server RSS: start, peak, held, after | {rss_start}, {rss_peak}, {rss_held}, {rss_end} KiB |");
    println!("| RSS growth over the second half of the hold | {growth} KiB |");
    for (what, status, body) in &refusals {
        println!("| {what} | `{status}` {body} |");
    }

    let mut failures = Vec::new();
    if idle_open < args.idle as u64 {
        failures.push(format!("only {idle_open} of {} idle subscribers opened", args.idle));
    }
    if figures.idle_dropped.load(Ordering::Relaxed) > 0 {
        failures.push("the server dropped idle subscribers".to_owned());
    }
    if figures.slow_loris_closed.load(Ordering::Relaxed) < args.slow_loris as u64 {
        failures.push("slow-loris connections were left open".to_owned());
    }
    if figures.probe_failures.load(Ordering::Relaxed) > 0
        || figures.probe_max_ms.load(Ordering::Relaxed) > 2000
    {
        failures.push("the well-behaved client was not served promptly".to_owned());
    }
    if figures.counter_gaps.load(Ordering::Relaxed) > 0 || figures.counter_values.load(Ordering::Relaxed) == 0
    {
        failures.push("the well-behaved subscriber missed counter values".to_owned());
    }
    if growth > 2048 {
        failures.push(format!("memory grew {growth} KiB while holding"));
    }
    let expected = ["HTTP/1.1 431", "HTTP/1.1 413", "HTTP/1.1 413"];
    for ((what, status, body), want) in refusals.iter().zip(expected) {
        if !status.starts_with(want) {
            failures.push(format!("{what}: expected {want}, got `{status}`"));
        } else if want.ends_with("413") && body.is_empty() {
            failures.push(format!("{what}: refused without a reason"));
        }
    }
    if failures.is_empty() {
        println!("\nall checks passed");
        Ok(())
    } else {
        bail!("checks failed: {}", failures.join("; "))
    }
}
