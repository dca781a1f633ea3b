//! sse-inspector-bench: the app's window under load and at rest, driven through WebDriver
//! under the current X display.
//!
//! - By default: the app fed 10,000 events/s from its embedded server for 60 s, with IPC
//!   batching (the app as shipped) and without (one IPC message per event, the baseline), one
//!   after the other. Prints, per mode: events shown per second, the longest gap between
//!   animation frames and each gap over 50 ms (when, and how long the page's own handlers ran
//!   in it), IPC-vs-EventSource lag p50/p99 (over every event matched by id), and RSS every
//!   10 s: the app's process, and with its WebKit web and network processes.
//! - `--idle`: the CPU the app and its WebKit processes use on the counter (10 events/s)
//!   following, with Follow off, paused, hidden and disconnected (`idle.rs`), each as a
//!   multiple of the anchor's: the same counter in a plain WebKitGTK window (`anchor.rs`).
//! - `--tapped`: also the same load through a tap, its stream opened in the inspector
//!   (`tapped.rs`), beside the plain connection's figures of the same run.
//! - `--app-baseline PATH`: the same measurements of another build (say, the release binary
//!   of an earlier commit) in the same run.
//!
//! Each window measured gets an X display of its own (`display.rs`: Xvfb at 1280x800 with
//! openbox), so no display is needed to run it. The app must be built with `test-hooks` for
//! the 10,000 events/s mode (the page's test hook carries the frame probe); a baseline from
//! before the hook existed is probed through its page's globals. Run:
//! `cargo build --release -p sse-monitor --features test-hooks && cargo build --release -p sse-bench && \
//!  target/release/sse-inspector-bench [--idle]`

mod anchor;
mod display;
mod idle;
mod page;
mod session;
mod streams;
mod tapped;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Parser;
use serde_json::Value;

use crate::page::Page;
use crate::session::{
    every_10s, pss_by_process, pss_mib, series, total_pss_mib, total_rss_mib, CpuMark, Session,
};

#[derive(Parser)]
#[command(
    about = "The app's window at 10,000 events/s (batched vs one IPC message per event), or at rest (--idle)"
)]
struct Args {
    /// The app binary.
    #[arg(long, default_value = "target/release/sse-monitor")]
    app: PathBuf,
    /// Another build of the app measured the same way in the same run, for comparison.
    #[arg(long, value_name = "PATH")]
    app_baseline: Option<PathBuf>,
    /// Measure CPU at rest instead: following the counter, Follow off, paused, disconnected.
    #[arg(long)]
    idle: bool,
    /// With --idle: seconds to let the app settle before measuring.
    #[arg(long, default_value_t = 10)]
    settle: u64,
    /// Events per second the embedded server publishes.
    #[arg(long, default_value_t = 10_000)]
    rate: u64,
    /// Seconds measured per mode (with --idle, per state).
    #[arg(long, default_value_t = 60)]
    secs: u64,
    /// Seconds to let the app settle before measuring.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Also measure with the browser's EventSource closed (the IPC path alone).
    #[arg(long)]
    ipc_only: bool,
    /// Also measure the anchor page (an EventSource writing each event into a div, in a plain
    /// WebKitGTK window) fed --rate events/s for --secs: the engine's own floor at that rate.
    #[arg(long)]
    anchor_load: bool,
    /// Also measure a tapped stream's view: the load read by curl through a tap made in the
    /// window, its exchange open in the inspector.
    #[arg(long)]
    tapped: bool,
    /// Measure only the batched app (no baseline).
    #[arg(long)]
    batched_only: bool,
    /// With --idle: measure only the states named (following, "Follow off", paused, hidden,
    /// disconnected; each reached through the ones before it), and no anchor when given.
    #[arg(long = "state", value_name = "NAME")]
    states: Vec<String>,
    /// A script run in the page after each span (with --idle, each state's), its answer printed
    /// (for experiments: counters that --before set up, say).
    #[arg(long, value_name = "JS")]
    after: Option<String>,
    /// A script run in the page before measuring (for experiments: hide a part, say).
    #[arg(long, value_name = "JS")]
    before: Option<String>,
}

struct Figures {
    shown_per_sec: f64,
    /// Time the page's own handlers ran in all (ms), and how many times they ran.
    js_ms: f64,
    handlers: u64,
    /// Per entry point or part of a frame (as the page names them): ms in all, and calls.
    by_name: Vec<(String, f64, u64)>,
    frames: u64,
    max_gap_ms: f64,
    long_frames: Vec<LongFrame>,
    lag_p50: Option<f64>,
    lag_p99: Option<f64>,
    matched: u64,
    browser_per_sec: f64,
    /// (second, the app process's RSS MiB, the PSS MiB of the app with its WebKit processes)
    memory: Vec<(u64, f64, f64)>,
    /// When each memory reading began and ended, in page time (ms).
    memory_read_at: Vec<(f64, f64)>,
    /// Each process's command name and PSS MiB at the start and the end of the span: where
    /// the memory went.
    by_process: Vec<(String, f64, f64)>,
    /// % of one core the app and its WebKit processes used over the span.
    cpu: f64,
    dropped: u64,
    /// The server's own count over the span: its stream's last id advanced this much (the
    /// embedded server numbers its events 1, 2, 3...). None if it could not be asked.
    published: Option<u64>,
    /// Each feed's events counted over the span, and how far its last id advanced: equal when
    /// every event was counted once.
    ipc_counted: (u64, Option<u64>),
    browser_counted: (u64, Option<u64>),
    /// The share of the page's main thread the browser feed held over the last second, as the
    /// window's own meter tells it (`ui/busy-meter.js`; None before it existed).
    browser_share: Option<f64>,
    elapsed: f64,
}

/// What is measured: the app's own connection as shipped, with the browser's EventSource
/// closed, or sent one IPC message per event; or a stream through a tap in the inspector.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Batched,
    IpcOnly,
    Unbatched,
    Tapped,
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

async fn measure(args: &Args, app: &Path, mode: Mode) -> anyhow::Result<Figures> {
    let rate = args.rate.to_string();
    let mut app_args = vec!["--load-rate", rate.as_str()];
    if mode == Mode::Unbatched {
        app_args.push("--ipc-unbatched");
    }
    let display = display::Display::start()?;
    let session = Session::open(app, &app_args, &display).await?;
    let page = Page::of(&session).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while page.ipc_count(&session).await? == 0 {
        if Instant::now() > deadline {
            bail!("no events reached the app");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The client reading through the tap lives as long as the measurement.
    let _client = match mode {
        Mode::Tapped => Some(tapped::open_tapped_view(&session).await?),
        _ => None,
    };
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    let pids = session.processes();
    if mode == Mode::IpcOnly {
        page.close_browser_feed(&session).await?;
    }
    if let Some(script) = &args.before {
        session.client.execute(script, vec![]).await?;
    }
    let before = page.start_probe(&session).await?;
    let started = Instant::now();
    // The page's clock now, to place the memory readings (each walks the processes' mappings
    // under their memory lock) beside the late frames.
    let page_ms_at_start = session.client.execute("return performance.now()", vec![]).await?.as_f64();
    let server = before[4].as_str().and_then(streams::server_and_stream);
    let published_at = || async {
        match &server {
            Some((addr, name)) => streams::stream(addr, name).await.map(|s| s.last_event_id),
            None => None,
        }
    };
    let published_before = published_at().await;
    let cpu_mark = CpuMark::take(&[&pids]);
    let page_now = || page_ms_at_start.map(|page_ms| page_ms + started.elapsed().as_secs_f64() * 1000.0);
    let mut memory_read_at = Vec::new();
    let mut sample = |t: u64| {
        let from = page_now();
        let read = (t, total_rss_mib(&pids[..1.min(pids.len())]), total_pss_mib(&pids));
        memory_read_at.extend(from.zip(page_now()));
        read
    };
    let mut memory = vec![sample(0)];
    let pss_at_start: Vec<f64> = pids.iter().map(|pid| pss_mib(*pid)).collect();
    every_10s(started, Duration::from_secs(args.secs), |t| memory.push(sample(t))).await;
    let by_process = pss_by_process(&pids, pss_at_start);
    if let Some(script) = &args.after {
        println!("  --after: {}", session.client.execute(script, vec![]).await?);
    }
    let after = page.finish_probe(&session).await?;
    let published_after = published_at().await;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_mark.percent(&[&pids])[0];
    session.close().await;
    let number = |v: &Value| v.as_f64().unwrap_or(0.0);
    Ok(Figures {
        shown_per_sec: (number(&after["ipc"]) - number(&before[0])) / elapsed,
        js_ms: number(&after["jsMs"]),
        handlers: after["handlers"].as_u64().unwrap_or(0),
        by_name: by_name(&after["by"]),
        browser_per_sec: (number(&after["browser"]) - number(&before[1])) / elapsed,
        frames: after["frames"].as_u64().unwrap_or(0),
        max_gap_ms: number(&after["maxGapMs"]),
        long_frames: serde_json::from_value(after["long"].clone()).unwrap_or_default(),
        lag_p50: after["p50"].as_f64(),
        lag_p99: after["p99"].as_f64(),
        matched: after["matched"].as_u64().unwrap_or(0),
        memory,
        memory_read_at,
        by_process,
        cpu,
        dropped: after["dropped"].as_u64().unwrap_or(0),
        published: published_before.zip(published_after).map(|(from, to)| to - from),
        ipc_counted: counted(&before[0], &after["ipc"], &before[2], &after["ipcLastId"]),
        browser_counted: counted(&before[1], &after["browser"], &before[3], &after["browserLastId"]),
        browser_share: after["browserShare"].as_f64(),
        elapsed,
    })
}

/// A feed's events counted between two looks, and how far its last id advanced (if both ids
/// are numbers).
fn counted(count_from: &Value, count_to: &Value, id_from: &Value, id_to: &Value) -> (u64, Option<u64>) {
    let count = |v: &Value| v.as_u64().unwrap_or(0);
    let id = |v: &Value| v.as_str().and_then(|id| id.parse::<u64>().ok());
    let advanced = id(id_from).zip(id(id_to)).map(|(from, to)| to.saturating_sub(from));
    (count(count_to).saturating_sub(count(count_from)), advanced)
}

/// `{name: [ms, calls]}`, the most costly first.
fn by_name(value: &Value) -> Vec<(String, f64, u64)> {
    let mut spent: Vec<(String, f64, u64)> = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, v)| (name.clone(), v[0].as_f64().unwrap_or(0.0), v[1].as_u64().unwrap_or(0)))
        .collect();
    spent.sort_by(|a, b| b.1.total_cmp(&a.1));
    spent
}

fn print(label: &str, f: &Figures, secs: u64) {
    let ms = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.1} ms"));
    println!("{label}");
    match f.published {
        Some(published) => println!(
            "  server published/s        {:>10.0} (its own count: {published} in {:.1} s)",
            published as f64 / f.elapsed,
            f.elapsed
        ),
        None => println!("  server published/s                 – (the server could not be asked)"),
    }
    println!("  events shown/s (IPC)      {:>10.0}{}", f.shown_per_sec, exactness(f.ipc_counted));
    println!("  events/s (EventSource)    {:>10.0}{}", f.browser_per_sec, exactness(f.browser_counted));
    if let Some(share) = f.browser_share {
        println!(
            "  browser feed's share      {:>10.0} % of the page's thread (the window's meter, last second)",
            share * 100.0
        );
    }
    println!("  page's handlers           {:>10.1} ms/s ({} calls)", f.js_ms / secs as f64, f.handlers);
    for (name, ms, calls) in &f.by_name {
        println!("    {name:<22} {:>10.1} ms/s ({calls} calls)", ms / secs as f64);
    }
    println!("  frames in {secs} s            {:>10} ({:.1} fps)", f.frames, f.frames as f64 / secs as f64);
    println!(
        "  longest frame gap         {:>10.1} ms ({} gaps over 50 ms, {:.2} in 1,000 frames; {} over 100 ms)",
        f.max_gap_ms,
        f.long_frames.len(),
        f.long_frames.len() as f64 * 1000.0 / f.frames.max(1) as f64,
        f.long_frames.iter().filter(|long| long.gap > 100.0).count()
    );
    const LISTED: usize = 12;
    for long in f.long_frames.iter().take(LISTED) {
        // A reading that overlapped the gap (the clocks are matched to a WebDriver round trip).
        let read = f.memory_read_at.iter().find(|(from, to)| *from <= long.at && *to >= long.at - long.gap);
        println!(
            "    {:>6.1} ms at page time {:>6.1} s, the page's handlers ran {:.1} ms ({} calls){}",
            long.gap,
            long.at / 1000.0,
            long.js_ms,
            long.handlers,
            read.map_or(String::new(), |(from, to)| format!("; memory read {:.0} ms in it", to - from))
        );
    }
    if f.long_frames.len() > LISTED {
        println!("    … and {} more", f.long_frames.len() - LISTED);
    }
    println!("  lag IPC - EventSource p50 {:>10}", ms(f.lag_p50));
    println!("  lag IPC - EventSource p99 {:>10} ({} events matched)", ms(f.lag_p99), f.matched);
    println!("  app + WebKit %CPU         {:>10.1}", f.cpu);
    println!("  RSS MiB, app process      {}", series(f.memory.iter().map(|(t, mib, _)| (*t, *mib)), secs));
    println!("  PSS MiB, app + WebKit     {}", series(f.memory.iter().map(|(t, _, mib)| (*t, *mib)), secs));
    print_by_process(&f.by_process);
    println!("  old events dropped        {:>10}", f.dropped);
}

/// Whether a feed counted each event once: its count against how far its ids advanced.
fn exactness((counted, advanced): (u64, Option<u64>)) -> String {
    match advanced {
        Some(advanced) if advanced == counted => {
            format!(" (counted {counted}, ids advanced {advanced}: exact)")
        }
        Some(advanced) => format!(" (counted {counted}, ids advanced {advanced}: NOT exact)"),
        None => format!(" (counted {counted})"),
    }
}

/// Each process's PSS at the start and the end of the span.
fn print_by_process(by_process: &[(String, f64, f64)]) {
    for (name, start, end) in by_process {
        println!("    {name:<22} {start:>6.0} -> {end:.0} MiB");
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.idle {
        println!(
            "sse-inspector-bench --idle: the embedded counter (10 events/s), {} s to settle, {} s per state, \
             each window on its own Xvfb at {}x{} with openbox",
            args.settle,
            args.secs,
            display::WIDTH,
            display::HEIGHT
        );
        let (settle, span) = (Duration::from_secs(args.settle), Duration::from_secs(args.secs));
        let anchor_cpu = if args.states.is_empty() {
            let server = sse_bench::sse_server_bin(None)?;
            let anchor = anchor::measure(&server, None, settle, span).await?;
            println!("anchor: the demo page in a plain WebKitGTK 4.1 window, compositing mode off");
            println!(
                "  {:>9.1} %CPU (window and WebKit processes), PSS {:.0} MiB",
                anchor.cpu, anchor.pss_mib
            );
            anchor.cpu
        } else {
            f64::NAN
        };
        let plan = idle::Plan {
            settle,
            span,
            before: args.before.as_deref(),
            after: args.after.as_deref(),
            only: &args.states,
        };
        let figures = idle::measure(&args.app, &plan).await?;
        idle::print(&format!("app {}", args.app.display()), &figures, anchor_cpu);
        if let Some(baseline) = &args.app_baseline {
            let figures = idle::measure(baseline, &plan).await?;
            idle::print(&format!("baseline {}", baseline.display()), &figures, anchor_cpu);
        }
        return Ok(());
    }
    println!(
        "sse-inspector-bench: {} events/s for {} s per mode, app {}",
        args.rate,
        args.secs,
        args.app.display()
    );
    if args.anchor_load {
        let server = sse_bench::sse_server_bin(None)?;
        let (warmup, span) = (Duration::from_secs(args.warmup), Duration::from_secs(args.secs));
        let anchor = anchor::measure(&server, Some(args.rate), warmup, span).await?;
        println!(
            "anchor: the demo page in a plain WebKitGTK 4.1 window, its EventSource fed {} events/s",
            args.rate
        );
        println!("  window + WebKit %CPU      {:>10.1}", anchor.cpu);
        println!("  PSS MiB, window + WebKit  {}", series(anchor.pss_every_10s.iter().copied(), args.secs));
        print_by_process(&anchor.by_process);
    }
    let batched = measure(&args, &args.app, Mode::Batched).await?;
    print("batched per frame (as shipped)", &batched, args.secs);
    if let Some(baseline) = &args.app_baseline {
        let figures = measure(&args, baseline, Mode::Batched).await?;
        print(&format!("baseline build {}, batched", baseline.display()), &figures, args.secs);
    }
    if args.ipc_only {
        let alone = measure(&args, &args.app, Mode::IpcOnly).await?;
        print("batched, EventSource closed (the IPC path alone)", &alone, args.secs);
    }
    if args.tapped {
        let tapped = measure(&args, &args.app, Mode::Tapped).await?;
        print("a tapped stream in the inspector (curl through a tap in the app)", &tapped, args.secs);
    }
    if !args.batched_only {
        let unbatched = measure(&args, &args.app, Mode::Unbatched).await?;
        print("baseline: one IPC message per event", &unbatched, args.secs);
    }
    Ok(())
}
