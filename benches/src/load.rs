//! Load-measuring subscribers, shared by `sse-load` and `sse-tap-bench`: raw HTTP/1.1 over TCP,
//! parsed with our parser, each event's data its publish time in ns since the epoch (the
//! embedded server's load mode), so latency is receive time minus that.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::bail;

use crate::{cpu_secs, rss_kib};
use sse_subscriber::EventParser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

#[derive(Default)]
pub struct Shared {
    pub events: AtomicU64,
    pub errors: AtomicU64,
    pub measuring: AtomicBool,
    /// Set once the measuring window is over: a stream that ends before is an error.
    pub finished: AtomicBool,
    pub latencies_us: Mutex<Vec<u32>>,
}

pub fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos()
}

/// One subscriber: raw HTTP/1.1 over TCP, parsed with our parser; latencies recorded while
/// measuring.
pub async fn subscriber(addr: String, shared: Arc<Shared>, ready: tokio::sync::mpsc::Sender<bool>) {
    let result: anyhow::Result<()> = async {
        let mut socket = TcpStream::connect(&addr).await?;
        socket.set_nodelay(true)?;
        let request =
            format!("GET /events?stream=bench HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        socket.write_all(request.as_bytes()).await?;
        // The client must cost less than the servers it measures: one clock read per read
        // chunk (its events arrived together), counters kept locally.
        let mut buf = vec![0u8; 16 * 1024];
        let mut head = Vec::new();
        let body_start = loop {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                bail!("closed before the response head");
            }
            head.extend_from_slice(&buf[..n]);
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        if !head.starts_with(b"HTTP/1.1 200") {
            bail!("status: {}", String::from_utf8_lossy(&head[..head.len().min(40)]));
        }
        let _ = ready.send(true).await;
        let mut parser = EventParser::default();
        // Both servers answer chunked: strip the framing before parsing (a chunk-size line
        // could otherwise split an event).
        let mut dechunk = Dechunker::default();
        let mut local = Vec::new();
        let mut counted = 0u64;
        let mut feed = |bytes: &[u8], parser: &mut EventParser, local: &mut Vec<u32>, counted: &mut u64| {
            let received = now_ns();
            let measuring = shared.measuring.load(Ordering::Relaxed);
            dechunk.feed(bytes, |data| parser.feed(data));
            while let Ok(Some(event)) = parser.next_event() {
                let sent: u128 = event.data.parse().unwrap_or(0);
                if measuring && sent > 0 {
                    let latency_us = received.saturating_sub(sent) / 1000;
                    local.push(u32::try_from(latency_us).unwrap_or(u32::MAX));
                    *counted += 1;
                }
            }
        };
        feed(&head[body_start..], &mut parser, &mut local, &mut counted);
        loop {
            let n = socket.read(&mut buf).await?;
            if n == 0 || shared.finished.load(Ordering::Relaxed) {
                break;
            }
            feed(&buf[..n], &mut parser, &mut local, &mut counted);
            if local.len() >= 4096 {
                shared.events.fetch_add(std::mem::take(&mut counted), Ordering::Relaxed);
                shared.latencies_us.lock().await.append(&mut local);
            }
        }
        shared.events.fetch_add(counted, Ordering::Relaxed);
        shared.latencies_us.lock().await.append(&mut local);
        if !shared.finished.load(Ordering::Relaxed) {
            bail!("the server ended the stream early");
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        shared.errors.fetch_add(1, Ordering::Relaxed);
        let _ = ready.send(false).await;
    }
}

/// Removes HTTP/1.1 chunked framing from a byte stream.
#[derive(Default)]
struct Dechunker {
    /// Bytes left in the current chunk's data, then its CRLF.
    remaining: usize,
    size_line: Vec<u8>,
    skip_crlf: usize,
}

impl Dechunker {
    fn feed(&mut self, mut bytes: &[u8], mut out: impl FnMut(&[u8])) {
        while !bytes.is_empty() {
            if self.skip_crlf > 0 {
                let n = self.skip_crlf.min(bytes.len());
                self.skip_crlf -= n;
                bytes = &bytes[n..];
            } else if self.remaining > 0 {
                let n = self.remaining.min(bytes.len());
                out(&bytes[..n]);
                self.remaining -= n;
                bytes = &bytes[n..];
                if self.remaining == 0 {
                    self.skip_crlf = 2;
                }
            } else {
                match bytes.iter().position(|&b| b == b'\n') {
                    Some(at) => {
                        self.size_line.extend_from_slice(&bytes[..at]);
                        let text = String::from_utf8_lossy(&self.size_line).trim().to_owned();
                        let hex = text.split(';').next().unwrap_or("");
                        self.remaining = usize::from_str_radix(hex, 16).unwrap_or(0);
                        self.size_line.clear();
                        bytes = &bytes[at + 1..];
                    }
                    None => {
                        self.size_line.extend_from_slice(bytes);
                        bytes = &[];
                    }
                }
            }
        }
    }
}

pub fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[index]) / 1000.0
}

/// What one measuring window saw.
pub struct Measured {
    pub delivered: u64,
    pub elapsed: Duration,
    /// Sorted.
    pub latencies_us: Vec<u32>,
    /// Subscribers that failed, ended early or never connected.
    pub errors: u64,
    /// CPU seconds the watched processes used in the window.
    pub cpu_secs: f64,
    /// How much the watched processes' resident memory grew from before the subscribers came.
    pub rss_growth_kib: u64,
}

impl Measured {
    pub fn per_sec(&self) -> f64 {
        self.delivered as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at `p` (0..1), in ms.
    pub fn latency_ms(&self, p: f64) -> f64 {
        percentile(&self.latencies_us, p)
    }

    pub fn max_ms(&self) -> f64 {
        self.latencies_us.last().map_or(f64::NAN, |&m| f64::from(m) / 1000.0)
    }

    pub fn cpu_us_per_delivery(&self) -> f64 {
        if self.delivered > 0 {
            self.cpu_secs * 1e6 / self.delivered as f64
        } else {
            f64::NAN
        }
    }
}

fn total<T: std::ops::Add<Output = T> + Default>(
    pids: &[u32],
    of: impl Fn(u32) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    pids.iter().try_fold(T::default(), |sum, &pid| Ok(sum + of(pid)?))
}

/// Opens `subscribers` streams on `addr` (`GET /events?stream=bench`), waits until they are
/// connected (60 s at most), then measures for `secs`; the `watched` processes' CPU and
/// memory are those of the server or proxy under test.
pub async fn measure(addr: &str, subscribers: usize, secs: u64, watched: &[u32]) -> anyhow::Result<Measured> {
    let rss_before = total(watched, rss_kib)?;
    let shared = Arc::new(Shared::default());
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(1024);
    let mut tasks: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    for n in 0..subscribers {
        tasks.push(tokio::spawn(subscriber(addr.to_owned(), shared.clone(), ready_tx.clone())));
        if n % 256 == 255 {
            tokio::task::yield_now().await;
        }
    }
    drop(ready_tx);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut connected = 0;
    while connected < subscribers {
        match tokio::time::timeout_at(deadline.into(), ready_rx.recv()).await {
            Ok(Some(_)) => connected += 1,
            Ok(None) | Err(_) => break,
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    shared.measuring.store(true, Ordering::Relaxed);
    let cpu_before = total(watched, cpu_secs)?;
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    shared.measuring.store(false, Ordering::Relaxed);
    shared.finished.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let rss_after = total(watched, rss_kib)?;
    let cpu_used = total(watched, cpu_secs)? - cpu_before;
    // Busy subscribers stop at their next read and add their counts; idle ones are let go.
    let grace = Instant::now() + Duration::from_secs(2);
    for task in &mut tasks {
        let _ = tokio::time::timeout_at(grace.into(), task).await;
    }
    for task in tasks {
        task.abort();
    }
    let delivered = shared.events.load(Ordering::Relaxed);
    let mut latencies_us = std::mem::take(&mut *shared.latencies_us.lock().await);
    latencies_us.sort_unstable();
    Ok(Measured {
        delivered,
        elapsed,
        latencies_us,
        errors: shared.errors.load(Ordering::Relaxed) + (subscribers - connected) as u64,
        cpu_secs: cpu_used,
        rss_growth_kib: rss_after.saturating_sub(rss_before),
    })
}
