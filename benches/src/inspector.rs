//! sse-inspector-bench: the app fed 10,000 events/s from its embedded server for 60 s, driven
//! through WebDriver under the current X display, with IPC batching (the app as shipped) and
//! without (one IPC message per event, the baseline), one after the other in one run.
//!
//! Prints, per mode: events shown per second, the longest gap between animation frames and
//! each gap over 50 ms (when, and how long the page's own handlers ran in it), IPC-vs-EventSource
//! lag p50/p99 (over every event matched by id), and RSS every 10 s: the app's process, and with
//! its WebKit web and network processes.
//!
//! The app must be built with `test-hooks` (the page's test hook carries the frame probe).
//! Run: `cargo build --release -p sse-monitor --features test-hooks && cargo build --release -p sse-bench && \
//!       xvfb-run -a -s "-screen 0 1400x1000x24" target/release/sse-inspector-bench`

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use sse_bench::rss_kib;

#[derive(Parser)]
#[command(about = "The app's event inspector at 10,000 events/s, batched vs one IPC message per event")]
struct Args {
    /// The app binary.
    #[arg(long, default_value = "target/release/sse-monitor")]
    app: PathBuf,
    /// Events per second the embedded server publishes.
    #[arg(long, default_value_t = 10_000)]
    rate: u64,
    /// Seconds measured per mode.
    #[arg(long, default_value_t = 60)]
    secs: u64,
    /// Seconds to let the app settle before measuring.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Also measure with the browser's EventSource closed (the IPC path alone).
    #[arg(long)]
    ipc_only: bool,
    /// Measure only the batched app (no baseline).
    #[arg(long)]
    batched_only: bool,
    /// A script run in the page before measuring (for experiments: hide a part, say).
    #[arg(long, value_name = "JS")]
    before: Option<String>,
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver's WebKitWebDriver would outlive it.
        for child in children_of(self.0.id()) {
            let _ = Command::new("kill").arg(child.to_string()).status();
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// (pid, parent pid) of every process.
fn process_parents() -> Vec<(u32, u32)> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let ppid =
            stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    parents
}

fn children_of(parent: u32) -> Vec<u32> {
    process_parents().into_iter().filter(|(_, ppid)| *ppid == parent).map(|(pid, _)| pid).collect()
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// The app's process (started by WebKitWebDriver with `--load-rate`) and its children.
fn app_processes(app_name: &str) -> Vec<u32> {
    let is_app = |pid: &u32| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        cmdline.contains(app_name) && cmdline.contains("--load-rate")
    };
    let Some(app) = process_parents().into_iter().map(|(pid, _)| pid).find(is_app) else { return Vec::new() };
    let mut pids = vec![app];
    pids.extend(children_of(app));
    pids
}

fn total_rss_mib(pids: &[u32]) -> f64 {
    pids.iter().filter_map(|pid| rss_kib(*pid).ok()).sum::<u64>() as f64 / 1024.0
}

struct Figures {
    shown_per_sec: f64,
    frames: u64,
    max_gap_ms: f64,
    long_frames: Vec<LongFrame>,
    lag_p50: Option<f64>,
    lag_p99: Option<f64>,
    matched: u64,
    browser_per_sec: f64,
    /// (second, app MiB, app + its WebKit processes MiB)
    rss: Vec<(u64, f64, f64)>,
    dropped: u64,
}

/// A frame that came more than 50 ms after the one before.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct LongFrame {
    /// Page time (since the web process loaded the page) at the late frame, ms.
    at: f64,
    gap: f64,
    /// Time the page's own handlers ran during the gap, and how many times they ran.
    js_ms: f64,
    handlers: u64,
}

/// Injected before measuring: a `requestAnimationFrame` loop timing every frame, and a probe
/// set through the page's test hook (`ui/test-hook.js`) that is told how long each of the
/// app's handlers (IPC messages, EventSource events, frames, log pages) ran, so a long frame
/// can be told apart: the page's own code, or the engine's.
const FRAME_PROBE: &str = r#"
const probe = window.__frameProbe = { running: true, frames: 0, maxGapMs: 0, long: [], last: null,
  js: 0, handlers: 0, jsAtFrame: 0, handlersAtFrame: 0 };
window.__sseMonitorTest.setProbe((ms) => { probe.js += ms; probe.handlers += 1; });
const tick = (now) => {
  if (!probe.running) return;
  if (probe.last !== null) {
    const gap = now - probe.last;
    probe.maxGapMs = Math.max(probe.maxGapMs, gap);
    if (gap > 50) probe.long.push({ at: now, gap, jsMs: probe.js - probe.jsAtFrame,
                                    handlers: probe.handlers - probe.handlersAtFrame });
  }
  probe.last = now;
  probe.jsAtFrame = probe.js;
  probe.handlersAtFrame = probe.handlers;
  probe.frames += 1;
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
"#;

async fn measure(args: &Args, unbatched: bool, ipc_only: bool) -> anyhow::Result<Figures> {
    let port = free_port()?;
    let native_port = free_port()?;
    let _driver = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Driver)
        .context("start tauri-driver (cargo install tauri-driver --locked)")?;
    let app = std::fs::canonicalize(&args.app).with_context(|| format!("{}", args.app.display()))?;
    let mut app_args = vec![json!("--load-rate"), json!(args.rate.to_string())];
    if unbatched {
        app_args.push(json!("--ipc-unbatched"));
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("wry"));
    capabilities.insert("tauri:options".into(), json!({ "application": app, "args": app_args }));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let client: Client = loop {
        match ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await
        {
            Ok(client) => break client,
            Err(error) if Instant::now() < deadline => {
                tracing_free_wait(&error.to_string()).await;
            }
            Err(error) => bail!("no WebDriver session: {error}"),
        }
    };
    // The page's test hook exists only in builds with `test-hooks`.
    let hooked = "return typeof window.__sseMonitorTest === 'object'";
    while client.execute(hooked, vec![]).await? != json!(true) {
        if Instant::now() > deadline {
            bail!(
                "the app has no test hook: build it with \
                 `cargo build --release -p sse-monitor --features test-hooks`"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let count = "const s = window.__sseMonitorTest.selected(); return s ? s.ipcCount : 0";
    while client.execute(count, vec![]).await?.as_u64().unwrap_or(0) == 0 {
        if Instant::now() > deadline {
            bail!("no events reached the app");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    let app_name = app.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let pids = app_processes(&app_name);
    if ipc_only {
        client.execute("window.__sseMonitorTest.closeBrowserFeed()", vec![]).await?;
    }
    if let Some(script) = &args.before {
        client.execute(script, vec![]).await?;
    }
    let start = format!(
        "{FRAME_PROBE} const hook = window.__sseMonitorTest; hook.resetComparison(); \
         const s = hook.selected(); return [s.ipcCount, s.browserCount];"
    );
    let before = client.execute(&start, vec![]).await?;
    let started = Instant::now();
    let sample = |t: u64| (t, total_rss_mib(&pids[..1.min(pids.len())]), total_rss_mib(&pids));
    let mut rss = vec![sample(0)];
    for step in 1..=(args.secs / 10) {
        tokio::time::sleep_until((started + Duration::from_secs(step * 10)).into()).await;
        rss.push(sample(step * 10));
    }
    let finish = "const b = window.__frameProbe; b.running = false; \
                  const hook = window.__sseMonitorTest; hook.setProbe(null); \
                  const r = hook.comparison(); const s = hook.selected(); \
                  return { frames: b.frames, maxGapMs: b.maxGapMs, long: b.long, \
                           ipc: s.ipcCount, browser: s.browserCount, \
                           p50: r.p50, p99: r.p99, matched: r.matched, dropped: s.dropped };";
    let after: Value = client.execute(finish, vec![]).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let _ = client.close().await;
    let number = |v: &Value| v.as_f64().unwrap_or(0.0);
    Ok(Figures {
        shown_per_sec: (number(&after["ipc"]) - number(&before[0])) / elapsed,
        browser_per_sec: (number(&after["browser"]) - number(&before[1])) / elapsed,
        frames: after["frames"].as_u64().unwrap_or(0),
        max_gap_ms: number(&after["maxGapMs"]),
        long_frames: serde_json::from_value(after["long"].clone()).unwrap_or_default(),
        lag_p50: after["p50"].as_f64(),
        lag_p99: after["p99"].as_f64(),
        matched: after["matched"].as_u64().unwrap_or(0),
        rss,
        dropped: after["dropped"].as_u64().unwrap_or(0),
    })
}

async fn tracing_free_wait(reason: &str) {
    eprintln!("waiting for tauri-driver: {reason}");
    tokio::time::sleep(Duration::from_millis(500)).await;
}

fn print(label: &str, f: &Figures, secs: u64) {
    let ms = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.1} ms"));
    println!("{label}");
    println!("  events shown/s (IPC)      {:>10.0}", f.shown_per_sec);
    println!("  events/s (EventSource)    {:>10.0}", f.browser_per_sec);
    println!("  frames in {secs} s            {:>10} ({:.1} fps)", f.frames, f.frames as f64 / secs as f64);
    println!(
        "  longest frame gap         {:>10.1} ms ({} gaps over 50 ms)",
        f.max_gap_ms,
        f.long_frames.len()
    );
    const LISTED: usize = 12;
    for long in f.long_frames.iter().take(LISTED) {
        println!(
            "    {:>6.1} ms at page time {:>6.1} s, the page's handlers ran {:.1} ms ({} calls)",
            long.gap,
            long.at / 1000.0,
            long.js_ms,
            long.handlers
        );
    }
    if f.long_frames.len() > LISTED {
        println!("    … and {} more", f.long_frames.len() - LISTED);
    }
    println!("  lag IPC - EventSource p50 {:>10}", ms(f.lag_p50));
    println!("  lag IPC - EventSource p99 {:>10} ({} events matched)", ms(f.lag_p99), f.matched);
    let app: Vec<String> = f.rss.iter().map(|(t, mib, _)| format!("{t}s {mib:.0}")).collect();
    let all: Vec<String> = f.rss.iter().map(|(t, _, mib)| format!("{t}s {mib:.0}")).collect();
    println!("  RSS MiB, app process      {}", app.join(", "));
    println!("  RSS MiB, app + WebKit     {}", all.join(", "));
    println!("  old events dropped        {:>10}", f.dropped);
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if std::env::var_os("DISPLAY").is_none() {
        bail!("needs an X display: run it under xvfb-run");
    }
    println!(
        "sse-inspector-bench: {} events/s for {} s per mode, app {}",
        args.rate,
        args.secs,
        args.app.display()
    );
    let batched = measure(&args, false, false).await?;
    print("batched per frame (as shipped)", &batched, args.secs);
    if args.ipc_only {
        let alone = measure(&args, false, true).await?;
        print("batched, EventSource closed (the IPC path alone)", &alone, args.secs);
    }
    if !args.batched_only {
        let unbatched = measure(&args, true, false).await?;
        print("baseline: one IPC message per event", &unbatched, args.secs);
    }
    Ok(())
}
