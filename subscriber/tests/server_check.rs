//! `sse-sub --check` run as a process against real servers: the embedded server passes every
//! MUST and SHOULD as it is; PyPI sse-starlette resumes exactly; small servers with one known
//! fault each (the given id replayed, `Last-Event-ID` ignored, one connection per address) are
//! named for it; arguments that cannot go together exit 2; no server at all exits 4.

mod support;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use support::check::{rule, sse_sub_check as check, verdict};
use support::{dead_address, spawn_app};

/// How a small server answers `Last-Event-ID`.
#[derive(Clone, Copy, PartialEq)]
enum Resume {
    /// From the given id's event again.
    Duplicate,
    /// From now on, whatever was asked.
    Live,
}

/// A small SSE server of numbered events, one every 50 ms since it started (`id: n`, `data:
/// n`), `Cache-Control: no-cache`; a resume answered as `resume` says; with `one_per_address`,
/// a second connection from an address that has one open gets no event.
async fn small_server(resume: Resume, one_per_address: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let started = Instant::now();
    let open = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let open = open.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match socket.read(&mut byte).await {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let given = head
                    .lines()
                    .find_map(|l| l.strip_prefix("last-event-id:"))
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let now = started.elapsed().as_millis() as u64 / 50;
                let mut next = match (given, resume) {
                    (Some(id), Resume::Duplicate) => id,
                    _ => now + 1,
                };
                let answer = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
                if socket.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                let served = open.fetch_add(1, Ordering::SeqCst) == 0 || !one_per_address;
                loop {
                    if served {
                        let due = started + Duration::from_millis(next * 50);
                        tokio::time::sleep_until(due.into()).await;
                        if socket.write_all(format!("id: {next}\ndata: {next}\n\n").as_bytes()).await.is_err()
                        {
                            break;
                        }
                        next += 1;
                    } else {
                        // Held open without an event, as a server serving one connection per client.
                        let mut sink = [0u8; 64];
                        if matches!(socket.read(&mut sink).await, Ok(0) | Err(_)) {
                            break;
                        }
                    }
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    addr
}

/// The embedded server's counter passes every MUST and SHOULD as it is (25 s: long enough for
/// the 20 s silence rule to be decided).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_server_passes_every_must_and_should() {
    let server = spawn_app(Some(Duration::from_millis(100))).await;
    let url = server.url("/events?stream=messages");
    let (code, card, stderr) = check(&[&url, "--check", "--check-for", "25"], 25).await;
    assert_eq!(code, Some(0), "{stderr}\n{card:#}");
    assert!(stderr.contains("with at most 11 connections"), "it says what it opens: {stderr}");
    for rule in card["rules"].as_array().unwrap() {
        if rule["level"] == "MUST" || rule["level"] == "SHOULD" {
            assert_eq!(rule["verdict"], "pass", "{rule:#}");
        }
    }
    assert_eq!(rule(&card, "resumes after Last-Event-ID")["evidence"][0], "exact");
    assert!(card["ranForMs"].as_u64().is_some_and(|ms| (25_000..27_000).contains(&ms)), "{card:#}");
}

/// PyPI sse-starlette answers 200 with an event stream and resumes exactly after the id given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_starlette_resumes_exactly() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut server = tokio::process::Command::new(root.join("../target/test-venv/bin/python"))
        .arg(root.join("../tap/tests/servers/starlette_events.py"))
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run the test venv's python (scripts/setup.sh test installs it)");
    let mut said = String::new();
    let stdout = server.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout);
    tokio::time::timeout(
        Duration::from_secs(20),
        tokio::io::AsyncBufReadExt::read_line(&mut lines, &mut said),
    )
    .await
    .expect("sse-starlette says its port within 20 s")
    .unwrap();
    let port: Value = serde_json::from_str(&said).unwrap();
    let url = format!("http://127.0.0.1:{}/events?count=100000&every=50", port["listening"]);
    let (code, card, stderr) = check(&[&url, "--check", "--check-for", "6"], 6).await;
    assert_eq!(code, Some(0), "{stderr}\n{card:#}");
    assert_eq!(verdict(&card, "resumes after Last-Event-ID"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "sends Cache-Control"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "serves seven connections at once"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "is never silent"), "notObserved", "6 s cannot decide a 20 s rule");
    assert!(rule(&card, "is never silent")["evidence"][0].as_str().unwrap().contains("run longer"));
}

/// A server that replays the given id again, one that ignores Last-Event-ID and one that
/// serves one connection per address: each named for what it does (SHOULD failures, exit 0).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_faults_and_one_connection_per_address_are_named() {
    let duplicate = small_server(Resume::Duplicate, false).await;
    let live = small_server(Resume::Live, false).await;
    let single = small_server(Resume::Duplicate, true).await;
    let urls = [duplicate, live, single].map(|addr| format!("http://{addr}/"));
    let (duplicate, live, single) = tokio::join!(
        check(&[&urls[0], "--check", "--check-for", "5"], 5),
        check(&[&urls[1], "--check", "--check-for", "5"], 5),
        check(&[&urls[2], "--check", "--check-for", "5"], 5),
    );
    for (code, card, stderr) in [&duplicate, &live, &single] {
        assert_eq!(*code, Some(0), "a SHOULD failed, no MUST: {stderr}\n{card:#}");
    }
    let resumed = |card: &Value| {
        rule(card, "resumes after Last-Event-ID")["evidence"][0].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(verdict(&duplicate.1, "resumes after"), "fail");
    assert_eq!(resumed(&duplicate.1), "duplicate: replays the given id again", "{:#}", duplicate.1);
    assert_eq!(verdict(&live.1, "resumes after"), "fail");
    assert!(resumed(&live.1).starts_with("lost: restarts from now"), "{:#}", live.1);
    assert_eq!(verdict(&single.1, "serves seven connections"), "fail", "{:#}", single.1);
}

/// No server at all: exit 4 with the reason on one line; a 404: the MUST fails, exit 1;
/// `--check` with `--count` or `--expect`: exit 2, saying so; `--check-for 4`: exit 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_and_bad_arguments_exit_as_documented() {
    let dead = dead_address().await;
    let (code, card, stderr) =
        check(&[&format!("http://{dead}/events"), "--check", "--check-for", "5"], 5).await;
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("sse-sub: no HTTP response from")), "{stderr}");
    assert_eq!(verdict(&card, "answers 200"), "fail", "the card still says why: {card:#}");

    let server = spawn_app(Some(Duration::from_millis(100))).await;
    let missing = server.url("/no-such-path");
    let (code, card, _) = check(&[&missing, "--check", "--check-for", "5"], 5).await;
    assert_eq!(code, Some(1), "{card:#}");
    assert_eq!(verdict(&card, "answers 200"), "fail");

    let url = server.url("/events?stream=messages");
    for extra in [&["--count", "3"][..], &["--expect", "x.toml"], &["--timeout", "3"]] {
        let mut args = vec![url.as_str(), "--check"];
        args.extend_from_slice(extra);
        let (code, _, stderr) = check(&args, 5).await;
        assert_eq!(code, Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains("cannot be used with"), "{extra:?}: {stderr}");
    }
    let (code, _, stderr) = check(&[&url, "--check", "--check-for", "4"], 5).await;
    assert_eq!(code, Some(2), "{stderr}");
}

/// `--junit FILE` writes a test case per rule; `--json` prints one JSON object and nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_junit_say_the_same_rules() {
    let server = spawn_app(Some(Duration::from_millis(100))).await;
    let url = server.url("/events?stream=messages");
    let junit = std::env::temp_dir().join(format!("sse-sub-check-{}.xml", std::process::id()));
    let (code, card, stderr) =
        check(&[&url, "--check", "--check-for", "5", "--junit", junit.to_str().unwrap()], 5).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(card["url"], url.as_str());
    assert!(card["via"].is_null());
    let rules = card["rules"].as_array().unwrap();
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
    assert_eq!(xml.matches("<testcase ").count(), rules.len(), "{xml}");
    for rule in rules {
        assert!(rule["source"].as_str().is_some_and(|s| !s.is_empty()), "each rule has its source: {rule:#}");
    }
    let _ = std::fs::remove_file(junit);
}
