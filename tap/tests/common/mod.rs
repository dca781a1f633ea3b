//! What the tap's tests share: a quiet embedded server as the upstream, a raw upstream that
//! writes exactly the bytes a test gives it, and a tap, each on 127.0.0.1:0.
#![allow(dead_code)] // each test binary uses its own share of it

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::time::Duration;

use embedded_server::ServerConfig;
use sse_tap::{Exchange, Recorder, Tap, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

pub use sse_test_support::EmbeddedServer as Upstream;

pub mod starlette;

/// The embedded server with no counter (the test publishes); it stops when dropped.
pub async fn embedded_server() -> Upstream {
    Upstream::quiet().await
}

/// The embedded server with `config`; it stops when dropped.
pub async fn embedded_server_with(config: ServerConfig) -> Upstream {
    Upstream::start(config).await
}

/// A tap with `config` on a free loopback port; it stops when the sender drops.
pub async fn start_tap(config: TapConfig) -> (SocketAddr, Recorder, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tap = Tap::new(config).expect("a valid tap");
    let recorder = tap.recorder();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(tap.run(listener, async {
        let _ = stopped.await;
    }));
    (addr, recorder, stop)
}

/// The `Content-Length` a request or response head declares (0 when none).
pub fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
}

/// An upstream that reads one request head, reports it, writes `chunks` with a pause between
/// each, then closes (or, with `hold`, keeps the connection open).
pub async fn raw_upstream(chunks: Vec<Vec<u8>>, hold: bool) -> (SocketAddr, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (heads, seen) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let chunks = chunks.clone();
            let heads = heads.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                // Read the body too: closing on unread bytes would reset the connection.
                let mut body = vec![0u8; content_length(&head)];
                let _ = socket.read_exact(&mut body).await;
                let _ = heads.send(head);
                for chunk in chunks {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                if hold {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
            });
        }
    });
    (addr, seen)
}

/// Sends `request` and reads the response until the connection closes (or 5 s pass).
pub async fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response)).await;
    response
}

/// The one exchange the recorder holds once it has ended.
pub async fn ended(recorder: &Recorder) -> Exchange {
    for _ in 0..250 {
        if let Some(done) = recorder.exchanges().into_iter().find(|e| e.ending.is_some()) {
            return done;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no exchange ended: {:?}", recorder.exchanges());
}

/// Decodes a chunked body as far as it goes: the bytes, and whether the last chunk came.
/// The first exchange for a target `pick` accepts, once it ended (10 s at most), waiting on the
/// record's changes; `what` names it when it does not come.
pub async fn ended_where(recorder: &Recorder, what: &str, pick: impl Fn(&str) -> bool) -> Exchange {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut changes = recorder.changes();
    loop {
        let found = recorder.exchanges().into_iter().find(|e| pick(&e.target) && e.ending.is_some());
        if let Some(exchange) = found {
            return exchange;
        }
        assert!(std::time::Instant::now() < deadline, "the exchange for {what} did not end within 10 s");
        let _ = tokio::time::timeout(Duration::from_millis(200), changes.changed()).await;
    }
}

pub fn dechunk(mut raw: &[u8]) -> (Vec<u8>, bool) {
    let mut body = Vec::new();
    loop {
        let Some(line_end) = raw.windows(2).position(|w| w == b"\r\n") else { return (body, false) };
        let size =
            std::str::from_utf8(&raw[..line_end]).ok().and_then(|s| usize::from_str_radix(s.trim(), 16).ok());
        let Some(size) = size else { return (body, false) };
        raw = &raw[line_end + 2..];
        if size == 0 {
            return (body, raw.starts_with(b"\r\n"));
        }
        let take = size.min(raw.len());
        body.extend_from_slice(&raw[..take]);
        if take < size || raw.len() < size + 2 {
            return (body, false);
        }
        raw = &raw[size + 2..];
    }
}

pub fn split_head(response: &[u8]) -> (String, Vec<u8>) {
    let at = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    (String::from_utf8_lossy(&response[..at]).into_owned(), response[at + 4..].to_vec())
}

/// Starts `sse-tap` with `args`; the child and the URL it says it listens on.
pub fn start_sse_tap(args: &[&str]) -> (std::process::Child, String) {
    let mut tap = std::process::Command::new(env!("CARGO_BIN_EXE_sse-tap"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start sse-tap");
    let mut said = String::new();
    std::io::BufReader::new(tap.stderr.as_mut().unwrap()).read_line(&mut said).unwrap();
    let url = said
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the listening URL")
        .trim_end_matches(',')
        .to_owned();
    (tap, url)
}

/// SIGTERM, then waits for a clean exit.
pub async fn terminate(mut tap: std::process::Child) {
    let _ = std::process::Command::new("kill").args(["-TERM", &tap.id().to_string()]).status();
    let status = tokio::task::spawn_blocking(move || tap.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
}
