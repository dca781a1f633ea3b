//! The anchor the window is measured against: the original demo's page (`sse-server` serves
//! it at `/`: an `EventSource` writing each counter value into a div) in a plain WebKitGTK 4.1
//! window (`benches/anchor/webkit_anchor.py`, a few lines of Python GObject) with WebKit's
//! compositing mode off, on a display of its own. Its server is a separate process and not
//! counted; the window's process and WebKit's web and network processes are. With a load, the
//! server publishes that many events a second on the page's stream besides the counter: the
//! floor of an `EventSource` at that rate in the same engine (`--anchor-load`).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sse_bench::{spawn_listening, Group};
use tokio::process::Command;

use crate::display::Display;
use crate::session::{every_10s, process_tree, pss_by_process, pss_mib, total_pss_mib, CpuMark};
use crate::streams::stream;

/// The stream the demo page subscribes to.
const COUNTER: &str = "messages";

/// The script beside this crate's sources.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/anchor/webkit_anchor.py");

/// What the anchor used: % of one core over the span, PSS at its end.
pub struct AnchorFigures {
    pub cpu: f64,
    pub pss_mib: f64,
    /// (second, PSS MiB of the window with its WebKit processes), every 10 s of the span.
    pub pss_every_10s: Vec<(u64, f64)>,
    /// Each process's command name and PSS MiB at the start and the end of the span.
    pub by_process: Vec<(String, f64, f64)>,
}

/// The anchor on the counter, plus `load` events/s on the same stream when given.
pub async fn measure(
    server: &Path,
    load: Option<u64>,
    settle: Duration,
    span: Duration,
) -> anyhow::Result<AnchorFigures> {
    let display = Display::start()?;
    let mut command = Command::new(server);
    command.args(["--addr", "127.0.0.1:0"]);
    if let Some(rate) = load {
        command.args(["--load-stream", COUNTER, "--load-rate", &rate.to_string()]);
    }
    let (_server, addr) =
        spawn_listening(&mut command).await.with_context(|| format!("start {}", server.display()))?;
    // Debian's python3: the gi bindings are a Debian package, not in a venv.
    let mut anchor = Group::spawn(
        Command::new("/usr/bin/python3")
            .args([SCRIPT, &format!("http://{addr}/")])
            .env("DISPLAY", &display.name)
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .context("start the anchor (apt install python3-gi gir1.2-webkit2-4.1)")?;
    let pid = anchor.id().context("the anchor exited at once")?;
    // The page's EventSource is the counter's one subscriber.
    let deadline = Instant::now() + Duration::from_secs(30);
    while stream(&addr, COUNTER).await.is_none_or(|s| s.subscribers != 1) {
        if let Ok(Some(status)) = anchor.child().try_wait() {
            bail!("the anchor exited ({status}) before its page subscribed");
        }
        if Instant::now() > deadline {
            bail!("gave up after 30 s waiting for the anchor's page to subscribe to the counter");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(settle).await;
    let pids = process_tree(pid);
    let mark = CpuMark::take(&[&pids]);
    let started = Instant::now();
    let at_start: Vec<f64> = pids.iter().map(|pid| pss_mib(*pid)).collect();
    let mut pss_every_10s = vec![(0, total_pss_mib(&pids))];
    every_10s(started, span, |t| pss_every_10s.push((t, total_pss_mib(&pids)))).await;
    tokio::time::sleep_until((started + span).into()).await;
    Ok(AnchorFigures {
        cpu: mark.percent(&[&pids])[0],
        pss_mib: total_pss_mib(&pids),
        pss_every_10s,
        by_process: pss_by_process(&pids, at_start),
    })
}
