//! The tap between real clients and real upstreams on 127.0.0.1:0: the embedded server, and
//! raw servers that write exactly the bytes a test gives them.

use std::net::SocketAddr;
use std::time::Duration;

use embedded_server::Publish;
use proptest::prelude::*;

mod common;
use common::{embedded_server, ended, exchange, raw_upstream, split_head, start_tap};
use sse_tap::{Ending, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn tap_to(addr: SocketAddr, base: &str) -> TapConfig {
    TapConfig::new(&format!("http://{addr}{base}")).unwrap()
}

/// The embedded server's stream passes through event by event (each one reaches the client
/// before the next is published), is parsed into the record, and the client hanging up is
/// recorded as who ended it.
#[tokio::test]
async fn an_sse_stream_passes_event_by_event_and_is_recorded() {
    let upstream = embedded_server().await;
    let (tap, recorder, _stop) = start_tap(tap_to(upstream.addr, "")).await;

    let mut client = TcpStream::connect(tap).await.unwrap();
    client
        .write_all(
            b"GET /events?stream=messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
        )
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    // The head first, then each event as soon as it is published.
    while !String::from_utf8_lossy(&seen).contains("\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf)).await.unwrap().unwrap();
        seen.extend_from_slice(&buf[..n]);
    }
    for n in 0..3 {
        upstream.wait_for_subscriber("messages").await;
        upstream.broker.publish("messages", Publish::data(format!("hello {n}"))).unwrap();
        let wanted = format!("data: hello {n}\n");
        while !String::from_utf8_lossy(&seen).contains(&wanted) {
            let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buf)).await;
            let n = read.expect("the event arrives without the next one pushing it").unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
    }
    let (head, _) = split_head(&seen);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
    drop(client);

    let record = ended(&recorder).await;
    assert!(record.is_stream);
    let data: Vec<&str> = record.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["hello 0", "hello 1", "hello 2"]);
    assert!(record.events.iter().all(|e| !e.id.is_empty()), "ids kept");
    assert!(
        matches!(record.ending, Some(Ending::ClientHungUp { after_bytes }) if after_bytes > 0),
        "{:?}",
        record.ending
    );
    assert!(record.chunks.iter().all(|c| c.len > 0));
    assert_eq!(record.upstream_target, "/events?stream=messages");
}

/// Status, body and headers reach the client as the upstream sent them, names in their
/// case, repeats kept, hop-by-hop headers (and those `Connection` names) removed; upstream
/// gets the joined path, its own `Host` and no hop-by-hop headers; the end is recorded.
#[tokio::test]
async fn bytes_and_headers_pass_as_upstream_sent_them() {
    let body = b"first part, second part\n";
    let head = format!(
        "HTTP/1.1 201 Created\r\nX-Mixed-Case: One\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n\
         Content-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let chunks = vec![head.into_bytes(), body[..6].to_vec(), body[6..].to_vec()];
    let (upstream, mut heads) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(tap_to(upstream, "/v1")).await;

    let response = exchange(
        tap,
        "POST /chat/completions?x=1 HTTP/1.1\r\nHost: localhost\r\nX-Client-Case: Yes\r\nConnection: close, X-Secret-Hop\r\n\
         X-Secret-Hop: 1\r\nTE: trailers\r\nContent-Length: 4\r\n\r\nping",
    )
    .await;
    let (head, received) = split_head(&response);
    assert_eq!(received, body, "the body byte for byte");
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "HTTP/1.1 201 Created");
    let names: Vec<&str> = lines[1..].iter().filter_map(|l| l.split(':').next()).collect();
    for kept in ["X-Mixed-Case", "Content-Type", "Set-Cookie", "Content-Length"] {
        assert!(names.contains(&kept), "{kept} with its case, in {names:?}");
    }
    assert_eq!(names.iter().filter(|n| **n == "Set-Cookie").count(), 2);
    assert!(head.find("Set-Cookie: a=1") < head.find("Set-Cookie: b=2"), "repeats in their order");
    for gone in ["X-Hop", "Keep-Alive"] {
        assert!(!names.contains(&gone), "{gone} is hop-by-hop: {names:?}");
    }
    assert!(!head.contains("Via") && !head.to_ascii_lowercase().contains("x-forwarded"));

    let sent = heads.recv().await.unwrap();
    assert!(sent.starts_with("POST /v1/chat/completions?x=1 HTTP/1.1\r\n"), "{sent}");
    assert!(
        sent.contains(&format!("host: {upstream}\r\n")) || sent.contains(&format!("Host: {upstream}\r\n")),
        "{sent}"
    );
    assert!(sent.contains("X-Client-Case: Yes"), "request names keep their case: {sent}");
    for gone in ["X-Secret-Hop", "TE:", "te:"] {
        assert!(!sent.contains(gone), "{gone} is hop-by-hop: {sent}");
    }

    let record = ended(&recorder).await;
    assert_eq!(record.ending, Some(Ending::Completed));
    assert_eq!((record.status, record.response_bytes), (Some(201), body.len() as u64));
    assert_eq!(record.response_body, body);
    assert_eq!(record.request_body, b"ping");
}

/// An upstream that closes before its Content-Length is reached is recorded as having cut
/// the body, after the bytes it sent.
#[tokio::test]
async fn an_upstream_that_closes_early_is_recorded_as_such() {
    let chunks = vec![
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n".to_vec(),
        b"0123456789".to_vec(),
    ];
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(tap_to(upstream, "")).await;
    let response = exchange(tap, "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await;
    assert!(response.ends_with(b"0123456789"), "the bytes that came are passed on");
    let record = ended(&recorder).await;
    assert_eq!(record.ending, Some(Ending::UpstreamClosedEarly { after_bytes: 10 }));
}

/// A dead upstream answers 502 with the reason; one that never answers, 504 after the head
/// timeout; both recorded so.
#[tokio::test]
async fn dead_and_silent_upstreams_answer_502_and_504() {
    let free = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = free.local_addr().unwrap();
    drop(free);
    let (tap, recorder, _stop) = start_tap(tap_to(dead, "")).await;
    let response = String::from_utf8(
        exchange(tap, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await,
    )
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 502"), "{response}");
    assert!(response.contains("could not reach") && response.contains(&dead.to_string()), "{response}");
    assert!(matches!(ended(&recorder).await.ending, Some(Ending::UpstreamError { .. })));

    let (silent, _) = raw_upstream(Vec::new(), true).await;
    let mut config = tap_to(silent, "");
    config.head_timeout = Duration::from_millis(300);
    let (tap, recorder, _stop) = start_tap(config).await;
    let response = String::from_utf8(
        exchange(tap, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await,
    )
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 504"), "{response}");
    assert!(matches!(ended(&recorder).await.ending, Some(Ending::TimedOut { .. })));
}

/// Not an open proxy: CONNECT, an absolute-form target naming another host, and (bound to
/// loopback) a Host that is not this machine are refused, and nothing reaches the upstream.
#[tokio::test]
async fn the_tap_is_not_an_open_proxy() {
    let (upstream, mut heads) = raw_upstream(vec![b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()], false).await;
    let (tap, _, _stop) = start_tap(tap_to(upstream, "")).await;
    for (request, status) in [
        ("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "405"),
        ("GET http://example.com/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "403"),
        ("GET / HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n", "403"),
    ] {
        let response = String::from_utf8(exchange(tap, request).await).unwrap();
        assert!(response.starts_with(&format!("HTTP/1.1 {status}")), "{request:?}: {response}");
    }
    assert!(heads.try_recv().is_err(), "nothing was forwarded");
    let allowed = exchange(tap, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await;
    assert!(allowed.starts_with(b"HTTP/1.1 204"), "{}", String::from_utf8_lossy(&allowed));
}

/// An NDJSON stream (Ollama's native API) becomes one event per line in the record.
#[tokio::test]
async fn an_ndjson_stream_is_recorded_line_by_line() {
    let chunks = vec![
        b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n".to_vec(),
        b"{\"response\":\"He\",\"done\":false}\n{\"resp".to_vec(),
        b"onse\":\"llo\",\"done\":false}\n{\"done\":true}\n".to_vec(),
    ];
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(tap_to(upstream, "")).await;
    exchange(
        tap,
        "POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
    )
    .await;
    let record = ended(&recorder).await;
    let lines: Vec<&str> = record.events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(
        lines,
        [r#"{"response":"He","done":false}"#, r#"{"response":"llo","done":false}"#, r#"{"done":true}"#]
    );
    assert_eq!(record.ending, Some(Ending::Completed));
}

/// An SSE body cut anywhere into chunks reaches the client byte for byte, and the record's
/// events are those of the whole body, however it was cut.
fn check_split_invariance(cuts: Vec<usize>) {
    let body = "retry: 1000\r\nid: 1\r\ndata: a\r\n\r\n: keep-alive\n\nevent: note\ndata: {\"é\": 1}\ndata: two\n\nid: 2\rdata: b\r\r";
    let bytes = body.as_bytes();
    let mut points: Vec<usize> = cuts.into_iter().map(|c| c % bytes.len()).collect();
    points.sort_unstable();
    points.dedup();
    let mut chunks = vec![format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    )
    .into_bytes()];
    let mut from = 0;
    for at in points.into_iter().chain([bytes.len()]) {
        if at > from {
            chunks.push(bytes[from..at].to_vec());
            from = at;
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (upstream, _) = raw_upstream(chunks, false).await;
        let (tap, recorder, _stop) = start_tap(tap_to(upstream, "")).await;
        let response = exchange(tap, "GET /e HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await;
        let (_, received) = split_head(&response);
        assert_eq!(received, bytes);
        let record = ended(&recorder).await;
        let events: Vec<(&str, &str, &str)> =
            record.events.iter().map(|e| (e.event.as_str(), e.id.as_str(), e.data.as_str())).collect();
        assert_eq!(events, [("message", "1", "a"), ("note", "1", "{\"é\": 1}\ntwo"), ("message", "2", "b")]);
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Byte-exact and the same events for any way of cutting the upstream's body.
    #[test]
    fn any_chunking_passes_byte_for_byte(cuts in proptest::collection::vec(0usize..200, 0..12)) {
        check_split_invariance(cuts);
    }
}
