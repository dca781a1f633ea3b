//! PyPI sse-starlette as an upstream (tests/servers/starlette_events.py, run by the test venv's
//! Python that scripts/setup.sh fills): what it was asked and which streams closed, as it says.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

/// How long the server may take to say anything it is waited for.
const SAYS_WITHIN: Duration = Duration::from_secs(20);

pub struct Starlette {
    pub url: String,
    lines: mpsc::UnboundedReceiver<Value>,
    _child: Child,
}

impl Starlette {
    /// Starts it on a free loopback port; it stops when dropped.
    pub async fn start() -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut child = Command::new(root.join("../target/test-venv/bin/python"))
            .arg(root.join("tests/servers/starlette_events.py"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("run the test venv's python (scripts/setup.sh test installs it)");
        let stdout = child.stdout.take().expect("piped");
        let (said, mut lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    let _ = said.send(value);
                }
            }
        });
        let first = tokio::time::timeout(SAYS_WITHIN, lines.recv())
            .await
            .expect("sse-starlette says its port within 20 s")
            .expect("sse-starlette started");
        let port = first["listening"].as_u64().expect("its first line is the port");
        Self { url: format!("http://127.0.0.1:{port}"), lines, _child: child }
    }

    /// The next line that has `key`, others skipped.
    async fn next(&mut self, key: &str) -> Value {
        let waited = tokio::time::timeout(SAYS_WITHIN, async {
            loop {
                match self.lines.recv().await {
                    Some(line) if line.get(key).is_some() => return line,
                    Some(_) => continue,
                    None => panic!("sse-starlette exited waiting for a `{key}` line"),
                }
            }
        });
        waited.await.unwrap_or_else(|_| panic!("sse-starlette said no `{key}` line within 20 s"))
    }

    /// The next request it got: `{"request": path and query, "lastEventId", "client"}`.
    pub async fn next_request(&mut self) -> Value {
        self.next("request").await
    }

    /// The next stream it saw closed: `{"closed": path, "sent": events}`.
    pub async fn next_closed(&mut self) -> Value {
        self.next("closed").await
    }

    /// Lines it has said and not yet been asked for.
    pub fn unread(&mut self) -> Vec<Value> {
        std::iter::from_fn(|| self.lines.try_recv().ok()).collect()
    }
}
