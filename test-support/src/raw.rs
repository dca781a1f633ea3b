//! A raw server: exactly the bytes a test gives it, for what the embedded server never sends
//! (a wrong Content-Type, a split CRLF, a paced LLM stream).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What a raw server writes to a connection once its request head is in.
#[derive(Debug, Clone, Default)]
pub struct RawAnswer {
    /// The whole response, head and body, as written.
    pub bytes: Vec<u8>,
    /// Written in pieces of this many bytes, with this pause after each (else at once).
    pub pieces: Option<(usize, Duration)>,
    /// Waits this long before writing anything.
    pub delay: Duration,
    /// Keeps the connection open afterwards (else closes it).
    pub hold_open: bool,
    /// Answers every connection (else only the first).
    pub every_connection: bool,
}

impl RawAnswer {
    /// `bytes`, at once, to the first connection, then closed.
    pub fn once(bytes: impl Into<Vec<u8>>) -> Self {
        Self { bytes: bytes.into(), ..Self::default() }
    }
}

/// A raw server on 127.0.0.1:0.
pub struct RawServer {
    pub addr: SocketAddr,
    /// The request heads it received, in order.
    pub requests: mpsc::UnboundedReceiver<String>,
}

impl RawServer {
    pub async fn start(answer: RawAnswer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a bound address");
        let (heads, requests) = mpsc::unbounded_channel();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (answer, heads) = (answer.clone(), heads.clone());
                let every = answer.every_connection;
                tokio::spawn(write_answer(socket, answer, heads));
                if !every {
                    break;
                }
            }
        });
        Self { addr, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next request head it received, within 5 s.
    pub async fn next_request(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(5), self.requests.recv())
            .await
            .expect("a request within 5 s")
            .expect("the server is running")
    }
}

/// Reads a request's head, up to its blank line; `None` if the client went first.
pub async fn read_request_head(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

async fn write_answer(
    mut socket: tokio::net::TcpStream,
    answer: Arc<RawAnswer>,
    heads: mpsc::UnboundedSender<String>,
) {
    let Some(head) = read_request_head(&mut socket).await else { return };
    let _ = heads.send(head);
    let mut buf = [0u8; 64];
    tokio::time::sleep(answer.delay).await;
    let written = match answer.pieces {
        None => socket.write_all(&answer.bytes).await,
        Some((size, pause)) => {
            let mut result = Ok(());
            for piece in answer.bytes.chunks(size.max(1)) {
                result = socket.write_all(piece).await;
                if result.is_err() {
                    break;
                }
                tokio::time::sleep(pause).await;
            }
            result
        }
    };
    if written.is_ok() && answer.hold_open {
        // Held until the client goes.
        let _ = socket.read(&mut buf).await;
    }
}
