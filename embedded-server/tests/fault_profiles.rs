//! Fault profiles against raw reads of the wire: the bytes written to a faulted subscription
//! are exactly what the profile says (a byte order mark, `retry:`, CRLF, ids reset, an error
//! event, a cut after N events or bytes, a seeded random cut, a drip, a stall); a profile
//! targets one client and leaves the others the plain stream; the API refuses bad profiles
//! naming the field, and keeps the publish API's rules.

mod support;

use std::time::{Duration, Instant};

use embedded_server::{Publish, ServerConfig};
use support::{quiet_config, spawn_app, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A server with stream `s` holding events a, b, c (ids 1 to 3).
async fn server_with_events(config: ServerConfig) -> TestServer {
    let server = spawn_app(config).await;
    server.broker.create_stream("s").unwrap();
    for data in ["a", "b", "c"] {
        server.broker.publish("s", Publish::data(data)).unwrap();
    }
    server
}

async fn put_faults(server: &TestServer, stream: &str, profile: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .put(server.url(&format!("/streams/{stream}/faults")))
        .header("content-type", "application/json")
        .body(profile.to_owned())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The body of `GET target` over HTTP/1.0 (delimited by the close), read for at most `limit`,
/// and how long it took.
async fn raw_body(server: &TestServer, target: &str, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    let head = format!("GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(limit, socket.read_to_end(&mut bytes)).await;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (body, started.elapsed())
}

/// Every byte-level fault at once: a BOM and `retry:` first, CRLF line endings, ids reset to 1,
/// an `error` event after the first event, and a cut after two events: exactly these bytes.
#[tokio::test]
async fn the_wire_carries_exactly_what_the_profile_says() {
    let server = server_with_events(quiet_config()).await;
    let profile = r#"{"bom": true, "retryMs": 50, "lineEnding": "crlf", "ids": "reset", "errorEventAfter": 1, "cutAfterEvents": 2}"#;
    assert_eq!(put_faults(&server, "s", profile).await.0, 200);
    // Resuming from id 1: the stream's ids 2 and 3 go out as 1 and 2.
    let (body, _) = raw_body(&server, "/events?stream=s&lastEventId=1", Duration::from_secs(5)).await;
    let expected = "\u{feff}retry: 50\r\n\r\n: ok\r\n\r\nid: 1\r\ndata: b\r\n\r\nevent: error\r\ndata: a fault profile sent this error event\r\n\r\nid: 2\r\ndata: c\r\n\r\n";
    assert_eq!(body, expected);

    // The broker is untouched: a plain subscriber still gets ids 2 and 3 as they are.
    assert!(reqwest::Client::new()
        .delete(server.url("/streams/s/faults"))
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    server.broker.publish("s", Publish::data("d")).unwrap();
    let (plain, _) = raw_body(&server, "/events?stream=s&lastEventId=1", Duration::from_millis(500)).await;
    assert!(plain.starts_with(": ok\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\nid: 4\ndata: d\n\n"), "{plain:?}");
}

/// A cut after N bytes falls inside a line; over HTTP/1.1 the body is left unfinished (no last
/// chunk), so the client sees a cut, not an end.
#[tokio::test]
async fn a_byte_cut_falls_inside_a_line_and_leaves_the_body_unfinished() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"cutAfterBytes": 14}"#).await;
    let (body, _) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(body, ": ok\n\nid: 1\nda", "the first 14 bytes");

    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    socket
        .write_all(b"GET /events?stream=s&lastEventId=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut bytes)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("transfer-encoding: chunked") && !text.ends_with("0\r\n\r\n"), "{text:?}");
}

/// A seeded random cut is reproducible and within its bound.
#[tokio::test]
async fn a_seeded_random_cut_is_reproducible() {
    let server = server_with_events(quiet_config()).await;
    let profile = r#"{"cutRandomlyWithinBytes": 40, "seed": 7}"#;
    put_faults(&server, "s", profile).await;
    let (first, _) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    let (second, _) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(first, second);
    assert!((1..=40).contains(&first.len()), "{first:?}");
}

/// A drip of 100 bytes/s takes half a second for 51 bytes; a stall holds the stream before its
/// second event.
#[tokio::test]
async fn drips_and_stalls_pace_the_stream() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"dripBytesPerSecond": 100, "cutAfterEvents": 3}"#).await;
    let (body, took) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(body.len(), 51, "the greeting and three events: {body:?}");
    assert!(took >= Duration::from_millis(450), "51 bytes at 100 bytes/s: {took:?}");

    put_faults(&server, "s", r#"{"stall": {"afterEvents": 1, "ms": 400}, "cutAfterEvents": 2}"#).await;
    let (body, took) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(body, ": ok\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n");
    assert!(took >= Duration::from_millis(400), "{took:?}");
}

/// A profile for one client (its `client` parameter, or `X-SSE-Client`) cuts only that client;
/// `once` applies to the next matching subscription only.
#[tokio::test]
async fn a_profile_targets_one_client() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"client": "tested", "cutAfterEvents": 0, "once": true}"#).await;
    let (other, _) =
        raw_body(&server, "/events?stream=s&lastEventId=0&client=other", Duration::from_millis(400)).await;
    assert!(other.contains("data: c"), "another client gets the stream: {other:?}");
    let (tested, _) =
        raw_body(&server, "/events?stream=s&lastEventId=0&client=tested", Duration::from_secs(5)).await;
    assert_eq!(tested, ": ok\n\n", "cut before the first event");
    let (again, _) =
        raw_body(&server, "/events?stream=s&lastEventId=0&client=tested", Duration::from_millis(400)).await;
    assert!(again.contains("data: c"), "once: {again:?}");
    assert_eq!(server.get("/streams/s/faults").await.status(), 404, "a once profile is taken");
}

/// The API: a profile is answered as set and read back; a bad one is a 400 naming the field;
/// an unknown stream is a 404; with a publish token, no token no profile.
#[tokio::test]
async fn the_fault_api_refuses_bad_profiles_naming_the_field() {
    let server = server_with_events(quiet_config()).await;
    let (status, body) = put_faults(&server, "s", r#"{"cutAfterEvents": 5}"#).await;
    assert_eq!((status, body.as_str()), (200, r#"{"cutAfterEvents":5}"#));
    assert_eq!(server.get("/streams/s/faults").await.text().await.unwrap(), r#"{"cutAfterEvents":5}"#);
    for (profile, field) in [
        (r#"{"dripBytesPerSecond": 0}"#, "`dripBytesPerSecond` is 0"),
        (r#"{"stall": {"afterEvents": 1, "ms": 86400000}}"#, "`stall.ms`"),
        (r#"{"cutAfterBytes": 10737418240}"#, "`cutAfterBytes`"),
        (r#"{"oversizedEventBytes": 10737418240}"#, "`oversizedEventBytes`"),
        (r#"{"cutAfter": 5}"#, "unknown field `cutAfter`"),
        (r#"{"lineEnding": "lfcr"}"#, "unknown variant `lfcr`"),
    ] {
        let (status, body) = put_faults(&server, "s", profile).await;
        assert_eq!(status, 400, "{profile}: {body}");
        assert!(body.contains(field), "{profile}: {body}");
    }
    assert_eq!(put_faults(&server, "nope", "{}").await.0, 404);

    let guarded =
        server_with_events(ServerConfig { publish_token: Some("t0k".into()), ..quiet_config() }).await;
    assert_eq!(put_faults(&guarded, "s", "{}").await.0, 401);
    let cleared = reqwest::Client::new().delete(guarded.url("/streams/s/faults")).send().await.unwrap();
    assert_eq!(cleared.status(), 401);
}

/// `sse-server --faults FILE` starts with the file's profiles (the counter cut after one event);
/// a file naming a stream that does not exist, or a bad field, stops it with the reason.
#[tokio::test]
async fn sse_server_starts_with_the_profiles_of_its_faults_file() {
    let dir = std::env::temp_dir().join(format!("sse-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("faults.json");
    std::fs::write(&file, r#"{"messages": {"cutAfterEvents": 1}}"#).unwrap();
    let path = file.to_str().unwrap();
    let (mut child, base) =
        support::spawn_server_binary(&["--addr", "127.0.0.1:0", "--interval-ms", "20", "--faults", path])
            .expect("sse-server starts");
    let addr = base.trim_start_matches("http://").to_owned();
    let mut socket = TcpStream::connect(&addr).await.unwrap();
    socket.write_all(b"GET /events?stream=messages HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut bytes)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    assert_eq!(body.matches("data: ").count(), 1, "cut after one event: {body:?}");
    let _ = child.kill();
    let _ = child.wait();

    for (content, reason) in [
        (r#"{"nope": {}}"#, "no stream `nope`"),
        (r#"{"messages": {"dripBytesPerSecond": 0}}"#, "`dripBytesPerSecond` is 0"),
    ] {
        std::fs::write(&file, content).unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sse-server"))
            .args(["--addr", "127.0.0.1:0", "--faults", path])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(reason), "{content}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A comment flood before each event and an oversized event first: exactly these bytes.
#[tokio::test]
async fn comment_floods_and_oversized_events_are_written_as_asked() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"commentFlood": 2, "oversizedEventBytes": 5, "cutAfterEvents": 1}"#).await;
    let (body, _) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(body, ": ok\n\nevent: oversized\ndata: xxxxx\n\n: flood\n\n: flood\n\nid: 1\ndata: a\n\n");
}

/// The response head of a subscribe request carrying Last-Event-ID (a reconnect).
async fn reconnect_head(server: &TestServer) -> String {
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    let head = "GET /events?stream=s HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: 1\r\n\r\n";
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut bytes = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut bytes)).await.unwrap().unwrap();
    String::from_utf8_lossy(&bytes[..n]).lines().next().unwrap_or("").to_owned()
}

/// The next reconnect is answered as the profile says, the one after streams again; with
/// `every`, each is; a status that is neither 204 nor an error is refused.
#[tokio::test]
async fn reconnects_are_answered_instead_of_streamed() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"onReconnect": {"status": 503}}"#).await;
    assert_eq!(reconnect_head(&server).await, "HTTP/1.1 503 Service Unavailable");
    assert_eq!(reconnect_head(&server).await, "HTTP/1.1 200 OK", "the next reconnect only");
    put_faults(&server, "s", r#"{"onReconnect": {"redirect": "/events?stream=t", "every": true}}"#).await;
    assert_eq!(reconnect_head(&server).await, "HTTP/1.1 307 Temporary Redirect");
    assert_eq!(reconnect_head(&server).await, "HTTP/1.1 307 Temporary Redirect", "every reconnect");
    let (status, body) = put_faults(&server, "s", r#"{"onReconnect": {"status": 302}}"#).await;
    assert!(status == 400 && body.contains("`onReconnect.status` is 302"), "{body}");
}

/// `{"everyMs": N}` kicks the stream again and again; `{"everyMs": 0}` stops it.
#[tokio::test]
async fn a_repeating_kick_ends_each_new_subscription_until_stopped() {
    let server = server_with_events(quiet_config()).await;
    let kick = |body: &'static str| {
        reqwest::Client::new()
            .post(server.url("/streams/s/kick"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(kick(r#"{"everyMs": 150}"#).await.unwrap().status(), 200);
    let (body, took) = raw_body(&server, "/events?stream=s", Duration::from_secs(5)).await;
    assert!(
        body.contains("kicked") && took < Duration::from_secs(1),
        "kicked again: {body:?} after {took:?}"
    );
    assert_eq!(kick(r#"{"everyMs": 0}"#).await.unwrap().status(), 200);
    let (body, took) = raw_body(&server, "/events?stream=s", Duration::from_millis(600)).await;
    assert!(!body.contains("kicked") && took >= Duration::from_millis(600), "stopped: {body:?}");
    assert_eq!(kick(r#"{"everyMs": 5}"#).await.unwrap().status(), 400, "below the bound");
}

/// CR line endings and ids repeated: every event on the wire carries the first one's id.
#[tokio::test]
async fn cr_endings_and_repeated_ids_are_written_as_asked() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"lineEnding": "cr", "ids": "repeat", "cutAfterEvents": 3}"#).await;
    let (body, _) = raw_body(&server, "/events?stream=s&lastEventId=0", Duration::from_secs(5)).await;
    assert_eq!(body, ": ok\r\rid: 1\rdata: a\r\rid: 1\rdata: b\r\rid: 1\rdata: c\r\r");
}

/// A profile for a client also finds it by its `X-SSE-Client` header.
#[tokio::test]
async fn a_profile_finds_its_client_by_header() {
    let server = server_with_events(quiet_config()).await;
    put_faults(&server, "s", r#"{"client": "tested", "cutAfterEvents": 0}"#).await;
    let mut socket = TcpStream::connect(server.addr).await.unwrap();
    let head =
        "GET /events?stream=s&lastEventId=0 HTTP/1.0\r\nHost: 127.0.0.1\r\nX-SSE-Client: tested\r\n\r\n";
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut bytes)).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.ends_with("\r\n\r\n: ok\n\n"), "cut before the first event: {text:?}");
}
