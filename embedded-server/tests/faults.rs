//! Fault injection: nothing is lost, reordered or duplicated while everything goes wrong.
//!
//! A publisher posts the numbers 1..N (each with its number as `Idempotency-Key`, retried until
//! acknowledged) to `sse-server --durable-log`, while `sse-sub --json` records the stream
//! through a TCP proxy. Meanwhile the server is killed with SIGKILL and restarted on the same
//! port and log, the proxy cuts connections after a random number of bytes (mid-event too), and
//! the reader stops reading for a while. The recording must be exactly 1..N.
//!
//! CI runs a short version (20 kills). The long run is a documented command:
//! `SSE_FAULTS_KILLS=120 cargo nextest run -p embedded-server --test faults --no-capture`
//! (figures in docs/reliability.md).

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the run did, printed at the end.
#[derive(Default)]
struct Tally {
    kills: AtomicU64,
    cuts: AtomicU64,
    stalls: AtomicU64,
    publish_retries: AtomicU64,
    replayed_publishes: AtomicU64,
}

fn sse_sub_binary() -> PathBuf {
    let server = Path::new(env!("CARGO_BIN_EXE_sse-server"));
    let sub = server.with_file_name("sse-sub");
    assert!(
        sub.is_file(),
        "{} not built: run the workspace tests (cargo nextest run --workspace)",
        sub.display()
    );
    sub
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `sse-server` on `port` with the durable log; waits until it listens.
fn start_server(port: u16, log: &Path) -> Child {
    let started = Instant::now();
    let (addr, log) = (format!("127.0.0.1:{port}"), log.to_string_lossy());
    let args = ["--addr", &addr, "--interval-ms", "0", "--stream", "seq", "--replay-log-size", "1000000"];
    let args = [&args[..], &["--keep-alive-secs", "1", "--durable-log", &log]].concat();
    loop {
        if let Some((child, _)) = support::spawn_server_binary(&args) {
            return child;
        }
        // The port or the log's lock may not be free yet after a kill: try again.
        assert!(started.elapsed() < Duration::from_secs(20), "sse-server did not restart on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Forwards connections to `upstream`, cutting each after a random number of bytes from the
/// server (100 B to 8 KiB), so streams break at any point, mid-event included.
async fn chaos_proxy(upstream: SocketAddr, tally: Arc<Tally>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
    let addr = listener.local_addr().expect("proxy address");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let tally = tally.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else { return };
                let budget = fastrand::usize(100..8 * 1024);
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let upload = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
                });
                let mut passed = 0;
                let mut buf = vec![0u8; 4096];
                loop {
                    let n = match server_read.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let allowed = n.min(budget - passed);
                    if client_write.write_all(&buf[..allowed]).await.is_err() {
                        break;
                    }
                    passed += allowed;
                    if passed >= budget {
                        tally.cuts.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                upload.abort();
            });
        }
    });
    addr
}

/// Posts 1..=count in order, each retried with its key until the server acknowledges it.
async fn publish_all(base: String, count: u64, tally: Arc<Tally>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().expect("client");
    for n in 1..=count {
        loop {
            let sent = client
                .post(format!("{base}/streams/seq/events"))
                .header("idempotency-key", n.to_string())
                .json(&serde_json::json!({ "data": n.to_string() }))
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {
                    if response.status() == reqwest::StatusCode::OK {
                        tally.replayed_publishes.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
                _ => {
                    tally.publish_retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        if n % 8 == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// Nothing is lost, reordered or duplicated through kills, cut connections and a stalled reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recording_is_complete_through_kills_cuts_and_stalls() {
    let kills: u64 = std::env::var("SSE_FAULTS_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let count = kills * 250;
    let log = std::env::temp_dir().join(format!("sse-faults-{}.redb", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let port = free_port();
    let upstream: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let tally = Arc::new(Tally::default());
    let server = Arc::new(Mutex::new(Some(start_server(port, &log))));
    let proxy = chaos_proxy(upstream, tally.clone()).await;
    let started = Instant::now();

    // The recorder: sse-sub through the proxy, reconnecting quickly.
    let mut recorder = Command::new(sse_sub_binary())
        .args(["--json", "--retry-http-errors", "--connect-timeout", "2", "--reconnect-delay", "50"])
        // From the first event on, whenever it connects.
        .args(["--last-event-id", "0"])
        .arg(format!("http://{proxy}/events?stream=seq"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sse-sub");
    let stdout = recorder.stdout.take().expect("sse-sub stdout");
    let stalled = Arc::new(AtomicBool::new(false));
    let received = Arc::new(Mutex::new(Vec::<u64>::new()));
    let reader = {
        let (stalled, received) = (stalled.clone(), received.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                while stalled.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                let event: serde_json::Value = serde_json::from_str(&line).expect("sse-sub --json line");
                assert_eq!(event["event"], "message", "unexpected event (a loss notice?): {line}");
                let n = event["data"].as_str().and_then(|d| d.parse().ok()).expect("a number");
                let mut received = received.lock().expect("lock");
                received.push(n);
                if n == count {
                    break;
                }
            }
        })
    };

    // Chaos: kill and restart the server, and stall the reader now and then.
    let chaos = {
        let (server, tally, log, stalled) = (server.clone(), tally.clone(), log.clone(), stalled.clone());
        std::thread::spawn(move || {
            for round in 0..kills {
                std::thread::sleep(Duration::from_millis(fastrand::u64(300..900)));
                if round % 4 == 1 {
                    tally.stalls.fetch_add(1, Ordering::Relaxed);
                    stalled.store(true, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(fastrand::u64(200..1500)));
                    stalled.store(false, Ordering::Relaxed);
                }
                let mut slot = server.lock().expect("lock");
                if let Some(mut child) = slot.take() {
                    let _ = child.kill();
                    let _ = child.wait();
                    tally.kills.fetch_add(1, Ordering::Relaxed);
                }
                *slot = Some(start_server(port, &log));
            }
        })
    };

    publish_all(format!("http://{upstream}"), count, tally.clone()).await;
    chaos.join().expect("chaos thread");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !reader.is_finished() {
        assert!(
            Instant::now() < deadline,
            "the recorder did not get everything within 60 s of the last publish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    reader.join().expect("the recording is well-formed");
    let _ = recorder.kill();
    let _ = recorder.wait();
    if let Some(mut child) = server.lock().expect("lock").take() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = std::fs::remove_file(&log);

    let received = received.lock().expect("lock").clone();
    let expected: Vec<u64> = (1..=count).collect();
    if received != expected {
        let first_bad = received
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(received.len().min(expected.len()));
        let around = &received[first_bad.saturating_sub(3)..(first_bad + 3).min(received.len())];
        panic!(
            "recording differs at position {first_bad} ({} received, {count} expected): ...{around:?}...",
            received.len()
        );
    }
    eprintln!(
        "faults: {count} events in order, none lost or duplicated, in {:.1} s; {} kills, {} connections cut, \
         {} reader stalls, {} publish retries ({} answered as already stored)",
        started.elapsed().as_secs_f64(),
        tally.kills.load(Ordering::Relaxed),
        tally.cuts.load(Ordering::Relaxed),
        tally.stalls.load(Ordering::Relaxed),
        tally.publish_retries.load(Ordering::Relaxed),
        tally.replayed_publishes.load(Ordering::Relaxed),
    );
    assert!(tally.kills.load(Ordering::Relaxed) >= kills, "fewer kills than asked");
}
