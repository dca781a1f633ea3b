//! The `sse-tap` binary between `curl -N` and the embedded server on 127.0.0.1:0: what a user
//! types, what they see.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use embedded_server::Publish;

mod common;
use common::embedded_server;

/// `sse-tap --upstream URL` says where it listens; `curl -N` through it gets each event as it
/// is published; when curl goes, the tap prints the exchange's line (who ended it included);
/// SIGTERM stops it cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_through_sse_tap_streams_and_the_exchange_is_printed() {
    let upstream = embedded_server().await;

    let mut tap = Command::new(env!("CARGO_BIN_EXE_sse-tap"))
        .args(["--listen", "127.0.0.1:0", "--upstream", &format!("http://{}", upstream.addr)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sse-tap");
    let mut said = String::new();
    BufReader::new(tap.stderr.take().unwrap()).read_line(&mut said).unwrap();
    let url = said
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the listening URL")
        .trim_end_matches(',')
        .to_owned();
    assert!(said.contains(&format!("forwarding to http://{}/", upstream.addr)), "{said}");

    let curl = Command::new("curl")
        .args(["-sN", "--max-time", "3", &format!("{url}/events?stream=messages")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run curl");
    upstream.wait_for_subscriber().await;
    for n in 0..3 {
        upstream.broker.publish("messages", Publish::data(format!("via curl {n}"))).unwrap();
    }
    let output = tokio::task::spawn_blocking(move || curl.wait_with_output()).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for n in 0..3 {
        assert!(text.contains(&format!("data: via curl {n}\n")), "{text}");
    }

    let mut lines = BufReader::new(tap.stdout.take().unwrap()).lines();
    let line = tokio::task::spawn_blocking(move || lines.next()).await.unwrap().expect("a line").unwrap();
    assert!(line.starts_with("GET /events?stream=messages 200 "), "{line}");
    assert!(line.contains("3 events") && line.contains("client hung up after"), "{line}");

    let _ = Command::new("kill").args(["-TERM", &tap.id().to_string()]).status();
    let status = tokio::task::spawn_blocking(move || tap.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
}
