//! Shared test helpers: the real server on 127.0.0.1:0 (`sse_test_support`'s, as every
//! crate's tests start it) and an SSE block reader.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use embedded_server::ServerConfig;
use futures_util::StreamExt;

#[allow(unused_imports)] // each test binary uses its own share of it
pub use sse_test_support::{quiet_config, EmbeddedServer as TestServer};

/// The real server with `config` on 127.0.0.1:0.
pub async fn spawn_app(config: ServerConfig) -> TestServer {
    TestServer::start(config).await
}

/// Reads a response body and splits it into SSE blocks (text between blank lines).
pub struct Blocks {
    body: futures_util::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl Blocks {
    pub fn new(response: reqwest::Response) -> Self {
        Self { body: response.bytes_stream().boxed(), buffer: String::new() }
    }

    /// The next block, `None` when the body ends; fails the test after `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self.buffer.find("\n\n") {
                let block = self.buffer[..at].to_owned();
                self.buffer.drain(..at + 2);
                return Some(block);
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(remaining, self.body.next())
                .await
                .expect("no SSE block before the timeout")?
                .expect("body read error");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next block that is not a comment.
    pub async fn next_event_block(&mut self) -> String {
        loop {
            let block = self.next(Duration::from_secs(5)).await.expect("an event block");
            if !block.starts_with(':') {
                return block;
            }
        }
    }

    /// The next block that is an event (not a comment), as (id, data).
    pub async fn next_event(&mut self) -> (u64, String) {
        let block = self.next_event_block().await;
        let field = |name: &str| {
            block
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .unwrap_or_else(|| panic!("no {name} in {block:?}"))
                .to_owned()
        };
        (field("id: ").parse().unwrap(), field("data: "))
    }
}

/// Starts the `sse-server` binary with `args` and reads its first line: the child and its
/// base URL (`http://ADDR`), or `None` (the child killed) when it did not start listening.
pub fn spawn_server_binary(args: &[&str]) -> Option<(std::process::Child, String)> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sse-server"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sse-server");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    let _ = BufReader::new(stdout).read_line(&mut line);
    match line.trim().strip_prefix("listening on ") {
        Some(base) => Some((child, base.to_owned())),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}
