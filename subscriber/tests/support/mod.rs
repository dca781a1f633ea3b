//! Test servers: the real embedded server, and a raw one that sends exact bytes.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use embedded_server::ServerConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

pub use sse_test_support::{EmbeddedServer, RawServer};

pub mod check;
pub mod servers;

/// The embedded server with the counter at `counter_interval` (none: quiet).
pub async fn spawn_app(counter_interval: Option<Duration>) -> EmbeddedServer {
    EmbeddedServer::start(ServerConfig { counter_interval, ..ServerConfig::default() }).await
}

/// Answers with `head` (status line and headers, without the blank line), then `body`, then
/// closes the connection.
pub async fn spawn_raw(head: &str, body: &[u8]) -> RawServer {
    let response = [format!("{head}\r\nconnection: close\r\n\r\n").as_bytes(), body].concat();
    RawServer::start(sse_test_support::RawAnswer::once(response)).await
}

/// An SSE response head.
pub const SSE_OK: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream";

/// A loopback address where nothing listens.
pub async fn dead_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// One scripted answer of [`spawn_script`].
pub struct Reply {
    head: String,
    body: Vec<u8>,
    hold_open: bool,
}

impl Reply {
    /// A 200 `text/event-stream` answer with `body`, then the connection closes.
    pub fn sse(body: &str) -> Self {
        Self { head: SSE_OK.to_owned(), body: body.as_bytes().to_vec(), hold_open: false }
    }

    /// Exactly `head` (status line and headers) and no body.
    pub fn raw(head: &str) -> Self {
        Self { head: head.to_owned(), body: Vec::new(), hold_open: false }
    }

    /// This body after the head.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.as_bytes().to_vec();
        self
    }

    /// Keep the connection open, silent, after the body.
    pub fn hold_open(mut self) -> Self {
        self.hold_open = true;
        self
    }
}

/// A server that answers its n-th connection with the n-th reply, and records every request.
pub struct ScriptServer {
    pub addr: SocketAddr,
    requests: std::sync::Arc<tokio::sync::Mutex<Vec<String>>>,
}

impl ScriptServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The request heads received so far.
    pub async fn requests(&self) -> Vec<String> {
        self.requests.lock().await.clone()
    }
}

pub async fn spawn_script(replies: Vec<Reply>) -> ScriptServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let recorded = requests.clone();
    tokio::spawn(async move {
        for reply in replies {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let request = sse_test_support::read_request_head(&mut socket).await.unwrap_or_default();
            recorded.lock().await.push(request);
            let response =
                [format!("{}\r\nconnection: close\r\n\r\n", reply.head).as_bytes(), &reply.body].concat();
            let _ = socket.write_all(&response).await;
            if reply.hold_open {
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    drop(socket);
                });
            } else {
                let _ = socket.shutdown().await;
            }
        }
    });
    ScriptServer { addr, requests }
}

/// A server that answers every connection with an SSE head, then `chunks` one by one, each
/// after its delay and written on its own, then closes.
pub async fn spawn_chunked(chunks: Vec<(Duration, Vec<u8>)>) -> SocketAddr {
    let head = format!("{SSE_OK}\r\nconnection: close\r\n\r\n");
    let mut pieces = vec![(Duration::ZERO, head.into_bytes())];
    pieces.extend(chunks);
    let answer = sse_test_support::RawAnswer { pieces, every_connection: true, ..Default::default() };
    RawServer::start(answer).await.addr
}

/// Sets `stream`'s fault profile on the embedded server at `base` (its JSON); fails the test
/// when the server refuses it.
pub async fn put_faults(base: &str, stream: &str, profile: &str) {
    let response = reqwest::Client::new()
        .put(format!("{base}/streams/{stream}/faults"))
        .header("content-type", "application/json")
        .body(profile.to_owned())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.text().await.unwrap_or_default());
}
