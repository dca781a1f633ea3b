//! Time to first content through a tap, against the clients themselves: a provider's fixture
//! (`llm/tests/fixtures`) served at a pace, a tap in front of it, and the provider's official
//! SDK (`node/llm-first-content.mjs`) streaming it through the tap. The SDK says when its own
//! iterator yielded the first content; the tap's record says when that content came to the
//! tap (`Exchange::llm`'s `firstContent`). Both are wall-clock times on this machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use anyhow::{bail, Context};
use sse_tap::{Recorder, Tap, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// The first event comes this long after the head, the others this long apart.
const FIRST_AFTER: Duration = Duration::from_millis(30);
const PAUSE: Duration = Duration::from_millis(10);
/// How long a whole measurement may take.
const BOUND: Duration = Duration::from_secs(120);

/// One SDK and the fixture it streams.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The key `llm-first-content.mjs` takes.
    pub sdk: &'static str,
    pub fixture: &'static str,
}

pub const CASES: [Case; 4] = [
    Case { sdk: "openai", fixture: "openai-chat-text.sse" },
    Case { sdk: "responses", fixture: "openai-responses.sse" },
    Case { sdk: "anthropic", fixture: "anthropic-tools.sse" },
    Case { sdk: "gemini", fixture: "gemini.sse" },
];

/// One stream: when the tap and the SDK had its first content (ms since the Unix epoch), and
/// the answer text the SDK assembled.
#[derive(Debug, Clone)]
pub struct Run {
    pub tap_ms: f64,
    pub sdk_ms: f64,
    pub text: String,
}

impl Run {
    /// How much later the SDK had the first content than the tap, in ms.
    pub fn gap_ms(&self) -> f64 {
        self.sdk_ms - self.tap_ms
    }
}

/// The workspace's root (where `node_modules` and the fixtures are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Streams `case`'s fixture `runs` times through a tap with the SDK, one run after another.
pub async fn measure(case: Case, runs: usize) -> anyhow::Result<Vec<Run>> {
    tokio::time::timeout(BOUND, measure_within(case, runs))
        .await
        .with_context(|| format!("{}: {runs} runs did not finish within {} s", case.sdk, BOUND.as_secs()))?
}

async fn measure_within(case: Case, runs: usize) -> anyhow::Result<Vec<Run>> {
    let root = workspace_root();
    let fixture = root.join("llm/tests/fixtures").join(case.fixture);
    let body = std::fs::read_to_string(&fixture).with_context(|| fixture.display().to_string())?;
    let upstream = serve(Arc::new(body)).await?;
    let (tap, recorder, _stop) = start_tap(upstream).await?;
    let output = tokio::process::Command::new("node")
        .current_dir(&root)
        .arg("benches/node/llm-first-content.mjs")
        .arg(case.sdk)
        .arg(format!("http://{tap}"))
        .arg(runs.to_string())
        .kill_on_drop(true)
        .output()
        .await
        .context("node runs (scripts/setup.sh installs it and the SDKs)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("{}: the SDK failed: {stdout}{}", case.sdk, String::from_utf8_lossy(&output.stderr));
    }
    let sdk: Vec<(f64, String)> = stdout
        .lines()
        .map(|line| {
            let json: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("not JSON: {line}"))?;
            let at = json["firstContentMs"].as_f64().with_context(|| format!("no first content: {line}"))?;
            Ok((at, json["text"].as_str().unwrap_or("").to_owned()))
        })
        .collect::<anyhow::Result<_>>()?;
    let tapped = tapped_first_content(&recorder, runs).await?;
    if sdk.len() != runs {
        bail!("{}: {} runs reported by the SDK, {runs} asked:\n{stdout}", case.sdk, sdk.len());
    }
    Ok(tapped.into_iter().zip(sdk).map(|(tap_ms, (sdk_ms, text))| Run { tap_ms, sdk_ms, text }).collect())
}

/// The tap's first-content time of each of the `runs` streams, once each has ended.
async fn tapped_first_content(recorder: &Recorder, runs: usize) -> anyhow::Result<Vec<f64>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let streams: Vec<_> = recorder.exchanges().into_iter().filter(|e| e.is_stream).collect();
        if streams.len() == runs && streams.iter().all(|e| e.ending.is_some()) {
            return streams
                .iter()
                .map(|exchange| {
                    let summary = exchange
                        .llm()
                        .with_context(|| format!("exchange {} not read as an LLM's", exchange.id))?;
                    let first = summary.milestones.first_content.context("the tap saw no content")?;
                    let started = exchange.started.unwrap_or(UNIX_EPOCH);
                    let started_ms =
                        started.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64() * 1e3;
                    Ok(started_ms + first)
                })
                .collect();
        }
        if tokio::time::Instant::now() > deadline {
            bail!("waited 10 s for {runs} ended streams in the tap's record, it has {}", streams.len());
        }
        let mut changes = recorder.changes();
        let _ = tokio::time::timeout(Duration::from_millis(100), changes.changed()).await;
    }
}

async fn start_tap(upstream: SocketAddr) -> anyhow::Result<(SocketAddr, Recorder, oneshot::Sender<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let tap = Tap::new(TapConfig::new(&format!("http://{upstream}"))?)?;
    let recorder = tap.recorder();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(tap.run(listener, async {
        let _ = stopped.await;
    }));
    Ok((addr, recorder, stop))
}

/// Serves `body` to every request (its body read first): the head at once, the first event
/// after [`FIRST_AFTER`], the others [`PAUSE`] apart, then closes.
async fn serve(body: Arc<String>) -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(answer(socket, body.clone()));
        }
    });
    Ok(addr)
}

async fn answer(mut socket: TcpStream, body: Arc<String>) -> std::io::Result<()> {
    let mut read = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut buffer).await?;
        if n == 0 || read.len() > 1 << 16 {
            return Ok(());
        }
        read.extend_from_slice(&buffer[..n]);
        if let Some(end) = read.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&read[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut have = read.len() - head_end;
    while have < length {
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        have += n;
    }
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
    socket.write_all(head.as_bytes()).await?;
    for (i, block) in body.split_inclusive("\n\n").enumerate() {
        tokio::time::sleep(if i == 0 { FIRST_AFTER } else { PAUSE }).await;
        socket.write_all(block.as_bytes()).await?;
    }
    socket.shutdown().await
}

/// The median and the largest of `values` (none when empty).
pub fn median_and_max(values: &[f64]) -> Option<(f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let max = *sorted.last()?;
    let middle = sorted.len() / 2;
    let median =
        if sorted.len() % 2 == 0 { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] };
    Some((median, max))
}
