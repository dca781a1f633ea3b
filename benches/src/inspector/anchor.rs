//! The anchor the window is measured against: the original demo's page (`sse-server` serves
//! it at `/`: an `EventSource` writing each counter value into a div) in a plain WebKitGTK 4.1
//! window (`benches/anchor/webkit_anchor.py`, a few lines of Python GObject) with WebKit's
//! compositing mode off, on a display of its own. Its server is a separate process and not
//! counted; the window's process and WebKit's web and network processes are.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sse_bench::{spawn_listening, Group};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::display::Display;
use crate::session::{process_tree, total_pss_mib, CpuMark};

/// The script beside this crate's sources.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/anchor/webkit_anchor.py");

/// What the anchor used: % of one core over the span, PSS at its end.
pub struct AnchorFigures {
    pub cpu: f64,
    pub pss_mib: f64,
}

pub async fn measure(server: &Path, settle: Duration, span: Duration) -> anyhow::Result<AnchorFigures> {
    let display = Display::start()?;
    let (_server, addr) = spawn_listening(Command::new(server).args(["--addr", "127.0.0.1:0"]))
        .await
        .with_context(|| format!("start {}", server.display()))?;
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
    while !subscribed(&addr).await {
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
    tokio::time::sleep(span).await;
    Ok(AnchorFigures { cpu: mark.percent(&[&pids])[0], pss_mib: total_pss_mib(&pids) })
}

/// Whether the counter stream has a subscriber (`GET /streams`).
async fn subscribed(addr: &str) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else { return false };
    let request = format!("GET /streams HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    let mut answer = String::new();
    if stream.write_all(request.as_bytes()).await.is_err()
        || stream.read_to_string(&mut answer).await.is_err()
    {
        return false;
    }
    answer.contains("\"subscribers\":1")
}
