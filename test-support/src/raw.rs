//! A raw server: exactly the bytes a test gives it, for what the embedded server never sends
//! (a wrong Content-Type, a split CRLF, a paced LLM stream).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What a raw server writes to a connection once its request head is in: each piece after its
/// wait, then the connection closed (or held open).
#[derive(Debug, Clone, Default)]
pub struct RawAnswer {
    pub pieces: Vec<(Duration, Vec<u8>)>,
    /// Keeps the connection open afterwards (else closes it).
    pub hold_open: bool,
    /// Answers every connection (else only the first).
    pub every_connection: bool,
}

impl RawAnswer {
    /// `bytes`, at once, to the first connection, then closed.
    pub fn once(bytes: impl Into<Vec<u8>>) -> Self {
        Self { pieces: vec![(Duration::ZERO, bytes.into())], ..Self::default() }
    }

    /// `head` at once, then `body` in pieces of `size` bytes, each after `pause`.
    pub fn in_pieces(head: impl Into<Vec<u8>>, body: &[u8], size: usize, pause: Duration) -> Self {
        let mut pieces = vec![(Duration::ZERO, head.into())];
        pieces.extend(body.chunks(size.max(1)).map(|piece| (pause, piece.to_vec())));
        Self { pieces, ..Self::default() }
    }

    /// `head` after `head_after`, then each SSE block of `body` (up to its blank line): the
    /// first after `first_after`, the others each after `pause`.
    pub fn paced_events(
        head: &str,
        body: &str,
        head_after: Duration,
        first_after: Duration,
        pause: Duration,
    ) -> Self {
        let mut pieces = vec![(head_after, head.as_bytes().to_vec())];
        for (i, block) in body.split_inclusive("\n\n").enumerate() {
            pieces.push((if i == 0 { first_after } else { pause }, block.as_bytes().to_vec()));
        }
        Self { pieces, ..Self::default() }
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
    socket.set_nodelay(true).ok();
    let Some(head) = read_request_head(&mut socket).await else { return };
    let _ = heads.send(head);
    for (wait, piece) in &answer.pieces {
        tokio::time::sleep(*wait).await;
        if socket.write_all(piece).await.is_err() {
            return;
        }
    }
    if answer.hold_open {
        // Held until the client goes.
        let mut buf = [0u8; 64];
        let _ = socket.read(&mut buf).await;
    }
}
