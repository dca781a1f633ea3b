//! The `sse-sub` binary against real servers.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use support::{dead_address, spawn_app, spawn_raw, SSE_OK};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn sse_sub() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sse-sub"));
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    command
}

/// `--json` prints one object per event with exactly `event`, `data` and `id`, flushed per line.
#[tokio::test]
async fn json_lines_follow_the_live_counter() {
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    let mut child = sse_sub().args(["--json", &app.url("/events?stream=messages")]).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut values = Vec::new();
    for _ in 0..3 {
        let line = tokio::time::timeout(Duration::from_secs(5), lines.next_line())
            .await
            .expect("a line within 5 s (is output flushed per line?)")
            .unwrap()
            .expect("a line");
        let object: serde_json::Map<String, Value> = serde_json::from_str(&line).unwrap();
        let keys: Vec<_> = object.keys().map(String::as_str).collect();
        assert_eq!(keys, ["data", "event", "id"], "{line}");
        assert_eq!(object["event"], "message");
        let data: u64 = object["data"].as_str().unwrap().parse().unwrap();
        let id: u64 = object["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(id, data + 1, "the counter's ids start at 1, values at 0");
        values.push(data);
    }
    assert_eq!(values, [values[0], values[0] + 1, values[0] + 2]);
    child.kill().await.unwrap();
}

/// `--json` keeps the last event id and the event type exactly as the stream set them.
#[tokio::test]
async fn json_output_is_exact() {
    let body = "id: 7\ndata: a\"b\n\nevent: note\ndata: line1\ndata: line2\n\n".as_bytes();
    let server = spawn_raw(SSE_OK, body).await;
    let output = sse_sub().args(["--json", &server.url("/")]).output().await.unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"event\":\"message\",\"data\":\"a\\\"b\",\"id\":\"7\"}\n\
         {\"event\":\"note\",\"data\":\"line1\\nline2\",\"id\":\"7\"}\n"
    );
}

/// Without `--json`, each value overwrites the line (`\r<data>`), like the demo client, and
/// `-H` headers are sent.
#[tokio::test]
async fn plain_output_overwrites_the_line_and_sends_headers() {
    let server = spawn_raw(SSE_OK, b"data: 1\n\ndata: 2\n\n").await;
    let output = sse_sub()
        .args(["-H", "X-Forwarded-For: 127.0.0.1", &server.url("/events?stream=messages")])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout, b"\r1\r2");
    let head = server.request.await.unwrap().to_ascii_lowercase();
    assert!(head.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), "{head}");
}

/// Failures print one clear line on stderr and exit with status 1; bad arguments with 2.
#[tokio::test]
async fn failures_have_clear_messages_and_exit_codes() {
    let app = spawn_app(None).await;
    let dead = dead_address().await;
    for (args, message) in [
        (vec![format!("http://{dead}/")], "sse-sub: cannot connect to"),
        (vec![app.url("/events?stream=nope")], "sse-sub: HTTP 404: Not Found: stream `nope` does not exist"),
        (vec![app.url("/")], "sse-sub: expected Content-Type text/event-stream"),
        (vec!["ftp://x/".into()], "sse-sub: invalid URL `ftp://x/`"),
        (vec!["-H".into(), "nocolon".into(), app.url("/")], "sse-sub: invalid header `nocolon`"),
    ] {
        let output = sse_sub().args(&args).output().await.unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    let output = sse_sub().output().await.unwrap();
    assert_eq!(output.status.code(), Some(2));
}
