//! Helpers the tests share: the embedded server as an upstream, a tap's emitter, raw HTTP
//! through a tap, and waiting for a connection's log.
#![allow(dead_code)] // each test file uses some of them

use std::sync::Arc;
use std::time::Duration;

use sse_connections::{ExchangeRow, RunningConnections, TapSpec, TapUpdate};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

pub use sse_test_support::EmbeddedServer as Upstream;

/// The embedded server, quiet (events only when a test publishes).
pub async fn spawn_upstream() -> Upstream {
    Upstream::quiet().await
}

pub fn spec_for(upstream: &Upstream) -> TapSpec {
    TapSpec { upstream: format!("http://{}", upstream.addr), ..TapSpec::default() }
}

pub type Updates = mpsc::UnboundedReceiver<TapUpdate>;

pub fn emitter() -> (sse_connections::TapEmitter, Updates) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Arc::new(move |update| tx.send(update).is_ok()), rx)
}

/// The next row that `pick` accepts, within 5 s.
pub async fn next_row(updates: &mut Updates, mut pick: impl FnMut(&ExchangeRow) -> bool) -> ExchangeRow {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let update = updates.recv().await.expect("the tap stopped reporting");
            if let Some(row) = update.rows.into_iter().find(|row| pick(row)) {
                return row;
            }
        }
    })
    .await
    .expect("no such row within 5 s")
}

/// Sends a request head through the tap and reads until `until` appears in the response.
pub async fn request(port: u16, head: &str, until: &str) -> (TcpStream, String) {
    let mut socket = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    socket.write_all(head.replace("{host}", &format!("127.0.0.1:{port}")).as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains(until) {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed before `{until}`: {}", String::from_utf8_lossy(&seen));
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no `{until}` within 5 s: {}", String::from_utf8_lossy(&seen)));
    (socket, String::from_utf8_lossy(&seen).into_owned())
}

/// Waits until the connection's log holds `count` events, within 5 s.
pub async fn wait_for_events(connections: &RunningConnections, id: u64, count: usize) {
    tokio::time::timeout(Duration::from_secs(5), async {
        while connections.page(id, 0, 0).unwrap().counts.kept < count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("fewer than {count} events within 5 s"));
}

/// Starts `tests/mcp/SCRIPT ARGS…` under Node (from the workspace root, where `npm ci` put the
/// SDKs); it and the port it says it listens on (`listening on PORT`, within 20 s).
pub async fn node_server(script: &str, args: &[&str]) -> (tokio::process::Child, u16) {
    use tokio::io::AsyncBufReadExt;
    let manifest = env!("CARGO_MANIFEST_DIR");
    let mut child = tokio::process::Command::new("node")
        .arg(format!("{manifest}/tests/mcp/{script}"))
        .args(args)
        .current_dir(format!("{manifest}/.."))
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node (scripts/setup.sh installs it)");
    let stdout = child.stdout.take().expect("its stdout");
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(20), tokio::io::BufReader::new(stdout).read_line(&mut line))
        .await
        .expect("the server starts within 20 s")
        .expect("read its first line");
    let port = line.trim().strip_prefix("listening on ").and_then(|p| p.parse().ok());
    (child, port.unwrap_or_else(|| panic!("`listening on PORT`, got {line:?}")))
}
