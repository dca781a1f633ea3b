//! Real clients nobody here wrote, through the tap: npm `eventsource` on the embedded server's
//! stream, the official `openai` SDK streaming a chat completion from a fixture upstream, and
//! Debian's Chromium (through npm `playwright-core`) reconnecting with `Last-Event-ID`.
//! They run under Node from the repository's `node_modules` (`npm ci`, as scripts/setup.sh
//! does); Chromium is the Debian package scripts/setup.sh installs for the tests.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use embedded_server::Publish;
use serde_json::Value;
use sse_tap::{Ending, Recorder, TapConfig};

mod common;
use common::{content_length, embedded_server, embedded_server_with, start_tap};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

fn client(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(name)
}

async fn tap_to(upstream: &str) -> (String, Recorder, oneshot::Sender<()>) {
    let (addr, recorder, stop) = start_tap(TapConfig::new(upstream).unwrap()).await;
    (format!("http://{addr}"), recorder, stop)
}

/// Runs `node script args…` to its end; its stdout as JSON lines.
async fn node(script: &str, args: &[&str]) -> Vec<Value> {
    let output = tokio::process::Command::new("node")
        .arg(client(script))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .expect("node finishes")
        .expect("run node");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{script} failed: {stderr}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// npm `eventsource` through the tap gets every event the embedded server publishes, with its
/// id, and the tap's record holds the same events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn npm_eventsource_reads_a_stream_through_the_tap() {
    let upstream = embedded_server().await;
    let (tap, recorder, _stop) = tap_to(&format!("http://{}", upstream.addr)).await;
    let url = format!("{tap}/events?stream=messages");
    let reader = tokio::spawn(async move { node("eventsource.mjs", &[&url, "5"]).await });
    upstream.wait_for_subscriber("messages").await;
    for n in 0..5 {
        upstream.broker.publish("messages", Publish::data(format!("event {n}"))).unwrap();
    }
    let got = reader.await.unwrap();
    let data: Vec<&str> = got.iter().map(|e| e["data"].as_str().unwrap()).collect();
    assert_eq!(data, ["event 0", "event 1", "event 2", "event 3", "event 4"]);
    assert!(got.iter().all(|e| !e["id"].as_str().unwrap().is_empty()), "ids reach the client: {got:?}");

    let record = recorder.exchanges().into_iter().next().expect("the exchange is recorded");
    let recorded: Vec<&str> = record.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(recorded, data);
    let ids: Vec<&str> = record.events.iter().map(|e| e.id.as_str()).collect();
    let sent: Vec<&str> = got.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, sent);
}

/// The `openai` SDK, its base URL the tap's, streams a chat completion from a fixture upstream
/// that speaks the Chat Completions stream: the SDK yields every chunk, the upstream sees the
/// SDK's request on the joined path, and the tap records the same events and the `[DONE]`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_streams_a_chat_completion_through_the_tap() {
    let words = ["Hel", "lo", ", ", "world"];
    let mut body = String::new();
    for word in words {
        let chunk = serde_json::json!({
            "id": "chatcmpl-fixture", "object": "chat.completion.chunk", "created": 1, "model": "fixture-model",
            "choices": [{ "index": 0, "delta": { "content": word }, "finish_reason": null }]
        });
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap();
    let (seen_tx, seen_rx) = oneshot::channel::<String>();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        // Head and JSON body (the SDK sends a Content-Length).
        loop {
            let n = socket.read(&mut buf).await.unwrap();
            request.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&request);
            if let Some(at) = text.find("\r\n\r\n") {
                if request.len() >= at + 4 + content_length(&text[..at]) {
                    break;
                }
            }
        }
        let _ = seen_tx.send(String::from_utf8_lossy(&request).into_owned());
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n",
            )
            .await
            .unwrap();
        for event in body.split_inclusive("\n\n") {
            socket.write_all(event.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    let (tap, recorder, _stop) = tap_to(&format!("http://{upstream}/v1")).await;
    let got = node("openai-stream.mjs", &[&format!("{tap}/")]).await;
    let text: String = got.iter().filter_map(|l| l["content"].as_str()).collect();
    assert_eq!(text, "Hello, world");
    assert_eq!(got.last(), Some(&serde_json::json!({ "done": true })));

    let request = seen_rx.await.unwrap();
    assert!(request.starts_with("POST /v1/chat/completions HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("\"stream\":true"), "{request}");
    let record = recorder.exchanges().into_iter().next().expect("recorded");
    assert_eq!(record.events.len(), words.len() + 1);
    assert_eq!(record.events.back().map(|e| e.data.as_str()), Some("[DONE]"));
    for _ in 0..100 {
        if recorder.exchanges()[0].ending.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(recorder.exchanges()[0].ending, Some(Ending::Completed));
}

/// Chromium opens the embedded server's demo page through the tap, and an EventSource through
/// it; when the stream is kicked (the upstream ends the response) the browser reconnects
/// through the tap on its own with `Last-Event-ID`, and every counter event arrives once, in
/// order. The record holds both exchanges: the first completed, the second sent the last id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_reconnects_through_the_tap_with_last_event_id() {
    let config = embedded_server::ServerConfig {
        counter_interval: Some(Duration::from_millis(50)),
        ..embedded_server::ServerConfig::default()
    };
    let upstream = embedded_server_with(config).await;
    let (tap, recorder, _stop) = tap_to(&format!("http://{}", upstream.addr)).await;
    let got = node("browser-eventsource.mjs", &[&tap, "5", "5"]).await;
    let got = &got[0];
    let ids: Vec<u64> =
        got["ids"].as_array().unwrap().iter().map(|i| i.as_str().unwrap().parse().unwrap()).collect();
    let data: Vec<u64> =
        got["data"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "no gap, no repeat: {ids:?}");
    assert!(data.windows(2).all(|w| w[1] == w[0] + 1), "every counter value: {data:?}");
    // The kick ended the collector's stream (the demo page's own EventSource may be between
    // connections at that moment under load, so only the collector's is counted on).
    assert!(got["errors"].as_u64() >= Some(1) && got["kicked"]["kicked"].as_u64() >= Some(1), "{got}");
    assert!(got["demo"].as_str().unwrap().parse::<u64>().is_ok(), "the demo page shows the counter: {got}");

    // The collector's stream is the second one opened with no id, and the one that resumed.
    let at_kick = got["atKick"].as_u64().unwrap() as usize;
    let last_before = ids[..at_kick].last().unwrap().to_string();
    let streams: Vec<_> =
        recorder.exchanges().into_iter().filter(|e| e.target == "/events?stream=messages").collect();
    let resumed = streams
        .iter()
        .find(|e| e.request_headers.iter().any(|(n, v)| n == "last-event-id" && *v == last_before))
        .unwrap_or_else(|| panic!("a reconnect with Last-Event-ID {last_before}: {streams:#?}"));
    let first = streams.iter().find(|e| e.events.iter().any(|ev| ev.id == ids[0].to_string())).unwrap();
    assert_eq!(first.ending, Some(Ending::Completed), "the kicked response ended as its framing says");
    assert!(first.id < resumed.id);
    assert!(
        recorder.exchanges().iter().any(|e| e.target == "/" && e.status == Some(200)),
        "the page came through the tap"
    );
}
