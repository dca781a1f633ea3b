//! The embedded server over real HTTP on 127.0.0.1:0.

mod support;

use std::time::{Duration, Instant};

use embedded_server::ServerConfig;
use support::{quiet_config, spawn_app, Blocks};

/// The counter publishes 0, 1, 2, ... with consecutive ids at the configured interval.
#[tokio::test]
async fn counter_publishes_consecutive_values_at_its_interval() {
    let config =
        ServerConfig { counter_interval: Some(Duration::from_millis(50)), ..ServerConfig::default() };
    let app = spawn_app(config).await;
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    let (first_id, first_value) = blocks.next_event().await;
    let started = Instant::now();
    let mut previous: (u64, u64) = (first_id, first_value.parse().unwrap());
    for _ in 0..10 {
        let (id, value) = blocks.next_event().await;
        let value: u64 = value.parse().unwrap();
        assert_eq!((id, value), (previous.0 + 1, previous.1 + 1), "not consecutive");
        previous = (id, value);
    }
    let elapsed = started.elapsed();
    // 10 intervals of 50 ms; loose bounds keep this about the rate, not the scheduler.
    assert!(elapsed >= Duration::from_millis(400), "too fast: {elapsed:?}");
    assert!(elapsed <= Duration::from_millis(2000), "too slow: {elapsed:?}");
    app.stop().await;
}

/// The counter's first event is value 0 with id 1, one interval after start.
#[tokio::test]
async fn counter_starts_at_zero_with_id_one() {
    let config =
        ServerConfig { counter_interval: Some(Duration::from_millis(300)), ..ServerConfig::default() };
    let app = spawn_app(config).await;
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    assert_eq!(blocks.next_event().await, (1, "0".to_owned()));
    assert_eq!(blocks.next_event().await, (2, "1".to_owned()));
    app.stop().await;
}

/// A new subscriber gets only events published after it joined (no replay by default).
#[tokio::test]
async fn new_subscribers_get_no_replay() {
    let app = spawn_app(quiet_config()).await;
    app.broker.publish("messages", embedded_server::Publish::data("before")).unwrap();
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    // The greeting comment proves the subscription is registered before we publish.
    assert_eq!(blocks.next(Duration::from_secs(5)).await.as_deref(), Some(": ok"));
    app.broker.publish("messages", embedded_server::Publish::data("after")).unwrap();
    assert_eq!(blocks.next_event().await, (2, "after".to_owned()));
    app.stop().await;
}

/// The stream response has the SSE content type, no-cache, and the exact wire format.
#[tokio::test]
async fn events_are_served_as_text_event_stream() {
    let app = spawn_app(quiet_config()).await;
    let response = app.get("/events?stream=messages").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let mut blocks = Blocks::new(response);
    blocks.next(Duration::from_secs(5)).await;
    app.broker
        .publish(
            "messages",
            embedded_server::Publish {
                event: Some("tick".into()),
                retry: Some(1500),
                ..embedded_server::Publish::data("a\nb")
            },
        )
        .unwrap();
    assert_eq!(
        blocks.next(Duration::from_secs(5)).await.unwrap(),
        "event: tick\nretry: 1500\nid: 1\ndata: a\ndata: b"
    );
    app.stop().await;
}

/// A missing `stream` parameter is a 400 and an unknown stream a 404, each with a reason.
#[tokio::test]
async fn bad_stream_requests_get_plain_text_reasons() {
    let app = spawn_app(quiet_config()).await;
    for (path, status, reason) in [
        ("/events", 400, "missing `stream` query parameter, e.g. /events?stream=messages\n"),
        ("/events?stream=", 400, "missing `stream` query parameter, e.g. /events?stream=messages\n"),
        ("/events?stream=nope", 404, "stream `nope` does not exist\n"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        assert_eq!(response.text().await.unwrap(), reason, "{path}");
    }
    app.stop().await;
}

/// Any origin (the Tauri webview's `tauri://localhost` too) may open an EventSource.
#[tokio::test]
async fn cors_lets_other_origins_read_streams() {
    let app = spawn_app(quiet_config()).await;
    let client = reqwest::Client::new();
    for origin in ["tauri://localhost", "http://tauri.localhost", "http://example.test"] {
        let response =
            client.get(app.url("/events?stream=messages")).header("origin", origin).send().await.unwrap();
        assert_eq!(response.headers()["access-control-allow-origin"], "*", "{origin}");
    }
    let preflight = client
        .request(reqwest::Method::OPTIONS, app.url("/events?stream=messages"))
        .header("origin", "tauri://localhost")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "last-event-id")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    app.stop().await;
}

/// An idle stream gets keep-alive comments at the configured period.
#[tokio::test]
async fn idle_streams_get_keep_alive_comments() {
    let config = ServerConfig { keep_alive: Duration::from_millis(100), ..quiet_config() };
    let app = spawn_app(config).await;
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    assert_eq!(blocks.next(Duration::from_secs(5)).await.as_deref(), Some(": ok"));
    for _ in 0..2 {
        assert_eq!(blocks.next(Duration::from_secs(2)).await.as_deref(), Some(": keep-alive"));
    }
    app.stop().await;
}

/// Shutdown ends open streams cleanly and `run` returns.
#[tokio::test]
async fn shutdown_ends_open_streams() {
    let app = spawn_app(ServerConfig::default()).await;
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    blocks.next_event().await;
    app.stop().await;
    // The body ends (a clean chunked end, not an error) once the server has stopped.
    let mut rest = Vec::new();
    while let Some(block) = blocks.next(Duration::from_secs(5)).await {
        rest.push(block);
    }
    assert!(rest.len() < 5, "stream kept going after shutdown: {rest:?}");
}

/// `GET /` serves the demo page, whose script writes event data as text only.
#[tokio::test]
async fn demo_page_uses_event_source_and_text_content() {
    let app = spawn_app(quiet_config()).await;
    let page = app.get("/").await;
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("<script src=\"/demo.js\">"));
    let script = app.get("/demo.js").await.text().await.unwrap();
    assert!(script.contains("new EventSource(\"/events?stream=messages\")"));
    assert!(script.contains("textContent"));
    assert!(!script.contains("innerHTML"));
    assert!(script.contains("does not support Server-Sent Events"), "fallback text");
    app.stop().await;
}

/// `sse-server --replay FILE --speed 0` publishes the capture into its stream, where a
/// subscriber resuming from 0 finds every event.
#[tokio::test]
async fn the_binary_replays_a_capture() {
    use tokio::io::AsyncBufReadExt;
    let capture = std::env::temp_dir().join(format!("sse-server-replay-{}.ndjson", std::process::id()));
    std::fs::write(
        &capture,
        "{\"event\":\"message\",\"data\":\"a\",\"id\":\"7\"}\n{\"event\":\"tick\",\"data\":\"b\",\"id\":\"8\"}\n",
    )
    .unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--interval-ms",
            "0",
            "--replay-stream",
            "r",
            "--speed",
            "0",
            "--replay",
        ])
        .arg(&capture)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let base = line.strip_prefix("listening on ").expect("the bound address on stdout").to_owned();
    let mut listing: serde_json::Value = serde_json::Value::Null;
    for _ in 0..100 {
        listing = reqwest::get(format!("{base}/streams")).await.unwrap().json().await.unwrap();
        if listing[1]["lastEventId"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(listing[1]["name"], "r");
    assert_eq!(listing[1]["lastEventId"], 2);
    let response = reqwest::get(format!("{base}/events?stream=r&lastEventId=0")).await.unwrap();
    let mut blocks = Blocks::new(response);
    assert_eq!(blocks.next_event().await, (1, "a".into()));
    assert_eq!(blocks.next_event_block().await, "event: tick\nid: 2\ndata: b");
    let _ = std::fs::remove_file(capture);
}

/// A slow-loris client that trickles its request is disconnected after the request timeout,
/// while well-behaved clients are served all along.
#[tokio::test]
async fn slow_loris_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = ServerConfig { request_timeout: Duration::from_millis(500), ..quiet_config() };
    let app = spawn_app(config).await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        socket.write_all(b"GET /events?stream=messages HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(socket);
    }
    let response = app.get("/streams").await;
    assert_eq!(response.status(), 200, "well-behaved clients are served meanwhile");
    let started = Instant::now();
    for mut socket in slow {
        // Keep trickling; the server closes the connection anyway.
        let _ = socket.write_all(b"X-Slow: 1\r\n").await;
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "still open: {read:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(3), "closed after {:?}", started.elapsed());
    // A subscription that did send its request stays open past the timeout.
    let mut blocks = Blocks::new(app.get("/events?stream=messages").await);
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.broker.publish("messages", embedded_server::Publish::data("still here")).unwrap();
    assert_eq!(blocks.next_event().await.1, "still here");
    app.stop().await;
}

/// The load publisher sends R events/s whose data is the publish time in ns since the epoch.
#[tokio::test]
async fn load_mode_publishes_timestamps_at_the_rate() {
    let load = Some(embedded_server::LoadConfig { stream: "bench".into(), rate: 1000 });
    let app = spawn_app(ServerConfig { load, ..quiet_config() }).await;
    let mut blocks = Blocks::new(app.get("/events?stream=bench").await);
    let (first_id, _) = blocks.next_event().await;
    let started = Instant::now();
    for n in 1..=200u64 {
        let (id, data) = blocks.next_event().await;
        assert_eq!(id, first_id + n);
        let sent = std::time::UNIX_EPOCH + Duration::from_nanos(data.parse().unwrap());
        let age = std::time::SystemTime::now().duration_since(sent).unwrap();
        assert!(age < Duration::from_secs(1), "event {id} is {age:?} old");
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(150) && elapsed <= Duration::from_millis(2000),
        "200 events took {elapsed:?}"
    );
    app.stop().await;
}

/// Sends `request` on a fresh connection and returns what the server wrote within `wait`.
async fn raw_exchange(app: &support::TestServer, request: &[u8], wait: Duration) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    socket.write_all(request).await.unwrap();
    let mut received = Vec::new();
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 4096];
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline.into(), socket.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

/// An HTTP/1.0 subscriber gets an HTTP/1.0 stream delimited by the connection, not chunked.
#[tokio::test]
async fn http_1_0_subscribers_get_an_unchunked_stream() {
    let app = spawn_app(quiet_config()).await;
    let broker = app.broker.clone();
    let publisher = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        broker.publish("messages", embedded_server::Publish::data("hello")).unwrap();
    });
    let text =
        raw_exchange(&app, b"GET /events?stream=messages HTTP/1.0\r\n\r\n", Duration::from_millis(600)).await;
    publisher.await.unwrap();
    assert!(text.starts_with("HTTP/1.0 200 OK\r\n"), "{text}");
    assert!(!text.to_ascii_lowercase().contains("transfer-encoding"), "{text}");
    assert!(text.ends_with("\r\n\r\n: ok\n\nid: 1\ndata: hello\n\n"), "{text:?}");
    app.stop().await;
}

/// A subscriber that hangs up is counted out at once, not at the next keep-alive or event.
#[tokio::test]
async fn a_subscriber_that_leaves_is_counted_out_at_once() {
    let app = spawn_app(quiet_config()).await;
    let count = || app.broker.streams().into_iter().find(|s| s.name == "messages").unwrap().subscribers;
    let response = app.get("/events?stream=messages").await;
    assert_eq!(count(), 1);
    drop(response);
    let started = Instant::now();
    while count() != 0 {
        assert!(started.elapsed() < Duration::from_secs(2), "subscriber still counted after 2 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app.stop().await;
}

/// Requests the lean path does not take (pipelined, other routes, refusals) get the router's
/// usual answers, and a kept-alive connection serves one request after another.
#[tokio::test]
async fn other_requests_get_the_routers_answers() {
    let app = spawn_app(quiet_config()).await;
    let two = raw_exchange(
        &app,
        b"GET /streams HTTP/1.1\r\nHost: localhost\r\n\r\nGET /events?stream=nope HTTP/1.1\r\nHost: localhost\r\n\r\n",
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(two.matches("HTTP/1.1 200 OK").count(), 1, "{two}");
    assert!(two.contains("\"name\":\"messages\""), "{two}");
    assert!(two.contains("HTTP/1.1 404 Not Found") && two.contains("stream `nope` does not exist"), "{two}");
    let refused =
        raw_exchange(&app, b"GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n", Duration::from_millis(300))
            .await;
    assert!(refused.starts_with("HTTP/1.1 400") && refused.contains("missing `stream`"), "{refused}");
    let bad = raw_exchange(
        &app,
        b"GET /events?stream=messages HTTP/1.1\r\nBad Header\r\n\r\n",
        Duration::from_millis(300),
    )
    .await;
    assert!(bad.starts_with("HTTP/1.1 400"), "a malformed head gets hyper's 400: {bad}");
    app.stop().await;
}

/// The header fields of the response head that starts at `text`'s `at`, lowercased, without
/// the ones that differ by nature (date, framing).
fn head_fields(text: &str, at: usize) -> Vec<(String, String)> {
    let head = &text[at..text[at..].find("\r\n\r\n").map_or(text.len(), |end| at + end)];
    let mut fields: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase()))
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "transfer-encoding" | "content-length"))
        .collect();
    fields.sort();
    fields
}

/// A subscription opened on the lean path and one opened through the router (the second of
/// two pipelined requests) answer with the same CORS, Vary and cache headers.
#[tokio::test]
async fn the_lean_path_and_the_router_send_the_same_stream_headers() {
    let app = spawn_app(quiet_config()).await;
    let subscribe =
        "GET /events?stream=messages HTTP/1.1\r\nHost: localhost\r\nOrigin: http://page.example\r\n\r\n";
    let lean = raw_exchange(&app, subscribe.as_bytes(), Duration::from_millis(300)).await;
    let pipelined = format!("GET /streams HTTP/1.1\r\nHost: localhost\r\n\r\n{subscribe}");
    let routed = raw_exchange(&app, pipelined.as_bytes(), Duration::from_millis(300)).await;
    let second = routed.match_indices("HTTP/1.1 200 OK").nth(1).map(|(at, _)| at).expect("two responses");
    let (lean, routed) = (head_fields(&lean, 0), head_fields(&routed, second));
    assert_eq!(lean, routed);
    for name in ["access-control-allow-origin", "vary", "cache-control", "content-type"] {
        assert!(lean.iter().any(|(n, _)| n == name), "{name} missing from {lean:?}");
    }
    app.stop().await;
}

/// Logs written to a pipe carry no colour codes, whether or not NO_COLOR is set.
#[test]
fn logs_into_a_pipe_have_no_colour_codes() {
    use std::io::Read;
    for no_color in [None, Some("1")] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_sse-server"));
        command.args(["--addr", "127.0.0.1:0", "--interval-ms", "0"]);
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
        command.env("RUST_LOG", "info");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        let mut child = command.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(500));
        let _ = child.kill();
        let mut logs = String::new();
        child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
        let _ = child.wait();
        assert!(logs.contains("listening"), "{logs}");
        assert!(!logs.contains('\u{1b}'), "{logs:?}");
    }
}
