//! Test servers: the real embedded server, and a raw one that sends exact bytes.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use embedded_server::{Broker, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The embedded server on 127.0.0.1:0; stops when dropped.
pub struct EmbeddedServer {
    pub addr: SocketAddr,
    pub broker: Broker,
    _shutdown: oneshot::Sender<()>,
}

impl EmbeddedServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

pub async fn spawn_app(counter_interval: Option<Duration>) -> EmbeddedServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(ServerConfig { counter_interval, ..ServerConfig::default() });
    let broker = server.broker();
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(server.run(listener, async {
        let _ = rx.await;
    }));
    EmbeddedServer { addr, broker, _shutdown: tx }
}

/// Waits until `stream` has a subscriber (say, a spawned `sse-sub`), for at most 5 s.
pub async fn wait_for_subscriber(app: &EmbeddedServer, stream: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while app.broker.streams().iter().find(|s| s.name == stream).is_none_or(|s| s.subscribers == 0) {
        assert!(std::time::Instant::now() < deadline, "nobody subscribed to {stream}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A one-shot HTTP server that answers the first request with exact bytes and hands back
/// the request head it received.
pub struct RawServer {
    pub addr: SocketAddr,
    pub request: oneshot::Receiver<String>,
}

impl RawServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Answers with `head` (status line and headers, without the blank line), then `body`, then
/// closes the connection.
pub async fn spawn_raw(head: &str, body: &[u8]) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let response = [format!("{head}\r\nconnection: close\r\n\r\n").as_bytes(), body].concat();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(String::from_utf8_lossy(&request).into_owned());
        socket.write_all(&response).await.unwrap();
        socket.shutdown().await.ok();
    });
    RawServer { addr, request: rx }
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
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            recorded.lock().await.push(String::from_utf8_lossy(&request).into_owned());
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
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let chunks = std::sync::Arc::new(chunks);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let chunks = chunks.clone();
            tokio::spawn(async move {
                socket.set_nodelay(true).ok();
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = format!("{SSE_OK}\r\nconnection: close\r\n\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for (delay, chunk) in chunks.iter() {
                    tokio::time::sleep(*delay).await;
                    if socket.write_all(chunk).await.is_err() || socket.flush().await.is_err() {
                        return;
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
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
