//! The app under WebDriver: tauri-driver started on free ports, a session that launches the
//! app with some arguments and a fresh settings directory, and the app's processes (its own
//! and its WebKit children) for CPU and memory.

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use sse_bench::{all_pids, children, cpu_secs, pss_kib, rss_kib};

use crate::display::{Display, GroupChild};

/// A WebDriver session on the app; the app closes with it.
pub struct Session {
    pub client: Client,
    pub app: PathBuf,
    /// tauri-driver, killed with everything it started (the app too) when dropped.
    _driver: GroupChild,
    _config: TempDir,
}

impl Session {
    /// Starts `app` with `args` (and settings in a fresh directory) under tauri-driver on
    /// `display` and waits for its page to load.
    pub async fn open(app: &Path, args: &[&str], display: &Display) -> anyhow::Result<Session> {
        let app = std::fs::canonicalize(app).with_context(|| format!("{}", app.display()))?;
        let config = TempDir::new()?;
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = GroupChild::spawn(
            Command::new("tauri-driver")
                .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
                .env("SSE_MONITOR_CONFIG_DIR", &config.0)
                .env("DISPLAY", &display.name),
            "tauri-driver (cargo install tauri-driver --locked)",
        )?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": app, "args": args }));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(error) if Instant::now() < deadline => {
                    eprintln!("waiting for tauri-driver: {error}");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(error) => bail!("no WebDriver session: {error}"),
            }
        };
        let session = Session { client, app, _driver: driver, _config: config };
        session.wait_for("the page to load", "return document.readyState === 'complete'").await?;
        Ok(session)
    }

    /// Waits up to 60 s for `script` to return true.
    pub async fn wait_for(&self, what: &str, script: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.client.execute(script, vec![]).await? != json!(true) {
            if Instant::now() > deadline {
                bail!("gave up waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }

    /// The app's process and its children (WebKit's web and network processes).
    pub fn processes(&self) -> Vec<u32> {
        let is_app =
            |pid: &u32| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == self.app);
        all_pids().into_iter().find(is_app).map(process_tree).unwrap_or_default()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// User plus system CPU seconds of `pids` together (processes gone count nothing).
pub fn total_cpu_secs(pids: &[u32]) -> f64 {
    pids.iter().filter_map(|pid| cpu_secs(*pid).ok()).sum()
}

/// Where the CPU time of some sets of processes stood at an instant, to tell each set's share
/// of one core since.
pub struct CpuMark {
    at: Instant,
    secs: Vec<f64>,
}

impl CpuMark {
    pub fn take(sets: &[&[u32]]) -> CpuMark {
        CpuMark { at: Instant::now(), secs: sets.iter().map(|pids| total_cpu_secs(pids)).collect() }
    }

    /// Each set's % of one core since the mark (the same sets, in the same order).
    pub fn percent(&self, sets: &[&[u32]]) -> Vec<f64> {
        let elapsed = self.at.elapsed().as_secs_f64();
        sets.iter()
            .zip(&self.secs)
            .map(|(pids, before)| (total_cpu_secs(pids) - before) / elapsed * 100.0)
            .collect()
    }
}

/// `pid` and its descendants, `pid` first.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut pids = vec![pid];
    let mut at = 0;
    while at < pids.len() {
        pids.extend(children(pids[at]));
        at += 1;
    }
    pids
}

/// The process's name as the kernel has it (`WebKitWebProcess`, say), or its pid.
pub fn process_name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| pid.to_string())
}

pub fn total_pss_mib(pids: &[u32]) -> f64 {
    pids.iter().map(|pid| pss_mib(*pid)).sum()
}

/// Calls `sample` with the second, every 10 s after `started` while within `span`.
pub async fn every_10s(started: Instant, span: Duration, mut sample: impl FnMut(u64)) {
    for step in 1..=span.as_secs() / 10 {
        tokio::time::sleep_until((started + Duration::from_secs(step * 10)).into()).await;
        sample(step * 10);
    }
}

/// Samples taken every 10 s as `10s 123, 20s 130, ...`: every minute in a run of over a
/// minute, else all of them.
pub fn series(samples: impl Iterator<Item = (u64, f64)>, secs: u64) -> String {
    let every = if secs > 60 { 6 } else { 1 };
    samples.step_by(every).map(|(t, mib)| format!("{t}s {mib:.0}")).collect::<Vec<_>>().join(", ")
}

/// Each of `pids` by command name, with its PSS `at_start` (in the same order) and now.
pub fn pss_by_process(pids: &[u32], at_start: Vec<f64>) -> Vec<(String, f64, f64)> {
    pids.iter()
        .zip(at_start)
        .map(|(pid, start)| {
            let name = sse_bench::Stat::of(*pid).map_or_else(|| pid.to_string(), |stat| stat.command);
            (name, start, pss_mib(*pid))
        })
        .collect()
}

/// A process's PSS in MiB (0 once it is gone).
pub fn pss_mib(pid: u32) -> f64 {
    pss_kib(pid).map_or(0.0, |kib| kib as f64 / 1024.0)
}

pub fn total_rss_mib(pids: &[u32]) -> f64 {
    pids.iter().filter_map(|pid| rss_kib(*pid).ok()).sum::<u64>() as f64 / 1024.0
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// A settings directory of its own for each session, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let dir = std::env::temp_dir().join(format!("sse-inspector-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
