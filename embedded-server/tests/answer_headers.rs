//! Every answer to `/events` carries the same headers for reading it from any origin and not
//! caching it, whichever of the four places wrote it: the lean path, the faulted path, the
//! router (hyper) and a fault profile's answer on reconnect.

mod support;

use std::time::Duration;

use support::{quiet_config, spawn_app, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The response head's fields (lowercased names) for `request`, read up to its blank line.
async fn head_of(server: &TestServer, request: &str) -> Vec<(String, String)> {
    let mut socket = TcpStream::connect(server.addr).await.expect("connect");
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        while !bytes.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read).await.expect("a response head within 5 s");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    head.lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect()
}

fn field<'h>(head: &'h [(String, String)], name: &str) -> Vec<&'h str> {
    head.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
}

/// The lean path, the router (a GET with a body goes to hyper), the faulted path and a profile's
/// 503 on reconnect all carry `Cache-Control: no-cache` and the same CORS answer; the three
/// streams carry the same event-stream headers.
#[tokio::test]
async fn the_four_answers_to_events_carry_the_same_headers() {
    let server = spawn_app(quiet_config()).await;
    for stream in ["lean", "faulted"] {
        server.broker.create_stream(stream).expect("a stream");
    }
    let profile = r#"{"cutAfterEvents": 5, "onReconnect": {"status": 503, "every": true}}"#;
    let set = reqwest::Client::new()
        .put(server.url("/streams/faulted/faults"))
        .header("content-type", "application/json")
        .body(profile)
        .send()
        .await
        .expect("set the profile");
    assert_eq!(set.status(), 200);
    let lean = head_of(&server, "GET /events?stream=lean HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    let routed = head_of(
        &server,
        "GET /events?stream=lean HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    .await;
    let faulted = head_of(&server, "GET /events?stream=faulted HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await;
    let reconnect = head_of(
        &server,
        "GET /events?stream=faulted HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: 3\r\n\r\n",
    )
    .await;
    let answers = [("lean", &lean), ("routed", &routed), ("faulted", &faulted), ("reconnect", &reconnect)];
    for (name, head) in answers {
        for wanted in ["cache-control", "vary", "access-control-allow-origin"] {
            assert_eq!(field(head, wanted), field(&lean, wanted), "{name}: {wanted} in {head:?}");
        }
        assert_eq!(field(head, "cache-control"), ["no-cache"], "{name}");
        assert_eq!(field(head, "access-control-allow-origin"), ["*"], "{name}");
    }
    for (name, head) in &answers[..3] {
        for wanted in ["content-type", "x-accel-buffering"] {
            assert_eq!(field(head, wanted), field(&lean, wanted), "{name}: {wanted} in {head:?}");
        }
    }
    assert_eq!(field(&lean, "content-type"), ["text/event-stream"]);
    assert_eq!(field(&reconnect, "content-type"), ["text/plain; charset=utf-8"], "the 503 itself");
}
