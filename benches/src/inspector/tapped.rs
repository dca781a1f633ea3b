//! `--tapped`: the same load reaching the inspector through a tap. The app's own connection to
//! the load stream is stopped; a tap is made in the window in front of the embedded server,
//! `curl -N` (the user's app) reads the load stream through it, and its exchange is opened in
//! the inspector, which is then measured as a plain connection is.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::Value;

use crate::session::Session;

/// The stream `--load-rate` publishes on (the app's `LOAD_STREAM`).
const LOAD_STREAM: &str = "load";

/// `curl -N` reading through the tap, killed when dropped.
pub struct Client(Child);

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn run(session: &Session, script: &str) -> anyhow::Result<Value> {
    Ok(session.client.execute(script, vec![]).await?)
}

async fn wait_for(session: &Session, what: &str, script: &str) -> anyhow::Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = run(session, script).await?;
        if !value.is_null() && value != false {
            return Ok(value);
        }
        if Instant::now() > deadline {
            bail!("{what}: not within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Switches the app (started with `--load-rate`) to a tapped view of the load stream, as a user
/// would: Disconnect, New tap on the embedded server, the client through it, Open in inspector.
pub async fn open_tapped_view(session: &Session) -> anyhow::Result<Client> {
    run(session, "document.getElementById('disconnect-button').click()").await?;
    let base = run(session, "return document.getElementById('server-url').textContent").await?;
    let base = base.as_str().context("the embedded server's URL")?.to_owned();
    let start = "document.getElementById('new-tap').click(); \
                 const u = document.getElementById('t-upstream'); u.value = arguments[0]; \
                 u.dispatchEvent(new Event('input', { bubbles: true })); \
                 document.getElementById('tap-start').click();";
    session.client.execute(start, vec![Value::String(base)]).await?;
    let listening = "return document.getElementById('tap-state').textContent === 'listening' \
                     && document.getElementById('tap-url').textContent";
    let url = wait_for(session, "the tap listens", listening).await?;
    let url = format!("{}/events?stream={LOAD_STREAM}", url.as_str().context("the tap's URL")?);
    let client = Command::new("curl")
        .args(["-sN", "-o", "/dev/null", &url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Client)
        .context("run curl")?;
    let live = "const tr = document.querySelector('#tap-rows tr'); \
                if (!tr || !tr.textContent.includes('live')) return null; tr.click(); \
                const b = document.getElementById('exchange-inspect'); \
                return b.offsetParent !== null && !b.disabled";
    wait_for(session, "the stream is listed live", live).await?;
    run(session, "document.getElementById('exchange-inspect').click()").await?;
    let opened = "const s = window.__sseMonitorTest.selected(); \
                  return s && s.name.startsWith('GET /events') && s.ipcCount > 0";
    wait_for(session, "the tapped stream is in the inspector", opened).await?;
    Ok(client)
}
