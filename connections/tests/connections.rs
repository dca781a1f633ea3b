//! Connections against real servers on 127.0.0.1:0: the embedded server (with a required
//! header, as `sse-server --require-header` runs it) and raw servers that misbehave.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use embedded_server::ServerConfig;
use sse_connections::{ConnectionSpec, ConnectionUpdate, HeaderField, RunningConnections, WarningKind};
use sse_subscriber::FeedUpdate;
use sse_test_support::{quiet_config, EmbeddedServer, RawAnswer, RawServer};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The embedded server, quiet, requiring `X-Token: secret` from subscribers.
async fn spawn_app() -> EmbeddedServer {
    let required_header = Some((HeaderName::from_static("x-token"), HeaderValue::from_static("secret")));
    EmbeddedServer::start(ServerConfig { required_header, ..quiet_config() }).await
}

/// A server that answers every connection with `response` and then holds it open.
async fn spawn_raw(response: impl Into<Vec<u8>>) -> SocketAddr {
    let answer = RawAnswer { hold_open: true, every_connection: true, ..RawAnswer::once(response) };
    RawServer::start(answer).await.addr
}

type Updates = mpsc::UnboundedReceiver<ConnectionUpdate>;

fn open(connections: &RunningConnections, spec: ConnectionSpec) -> (u64, Updates) {
    let (tx, rx) = mpsc::unbounded_channel();
    let id = connections.open(spec, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    (id, rx)
}

/// The next update that `pick` accepts, within 5 s.
async fn next_matching<T>(updates: &mut Updates, mut pick: impl FnMut(ConnectionUpdate) -> Option<T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let update = updates.recv().await.expect("the connection stopped reporting");
            if let Some(found) = pick(update) {
                return found;
            }
        }
    })
    .await
    .expect("no matching update within 5 s")
}

async fn next_event_data(updates: &mut Updates) -> String {
    next_matching(updates, |u| match u {
        ConnectionUpdate::Batch { latest: Some(row), .. } => Some(row.preview),
        _ => None,
    })
    .await
}

async fn next_error(updates: &mut Updates) -> String {
    next_matching(updates, |u| match u {
        ConnectionUpdate::Feed { update: FeedUpdate::Error { message, .. } } => Some(message),
        _ => None,
    })
    .await
}

fn spec(url: String) -> ConnectionSpec {
    ConnectionSpec { url, ..ConnectionSpec::default() }
}

/// The embedded server's `messages`, with the header it requires.
fn protected_spec(app: &EmbeddedServer) -> ConnectionSpec {
    let mut with_header = spec(format!("http://{}/events?stream=messages", app.addr));
    with_header.headers.push(HeaderField::new("X-Token", "secret"));
    with_header
}

/// With the required header set, events flow; closing stops the subscriber on the server.
#[tokio::test]
async fn events_flow_with_the_required_header_and_stop_on_close() {
    let app = spawn_app().await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let with_header = protected_spec(&app);
    let (id, mut updates) = open(&connections, with_header);
    next_matching(&mut updates, |u| {
        matches!(u, ConnectionUpdate::Feed { update: FeedUpdate::Open { .. } }).then_some(())
    })
    .await;
    app.broker.publish("messages", embedded_server::Publish::data("hello")).unwrap();
    assert_eq!(next_event_data(&mut updates).await, "hello");
    assert!(connections.page(id, 0, 1).is_ok(), "listed while open");
    assert!(connections.close(id));
    assert!(connections.page(id, 0, 1).is_err(), "forgotten once closed");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while app.broker.streams().iter().any(|s| s.subscribers > 0) {
        assert!(std::time::Instant::now() < deadline, "the subscriber is still connected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Without the header the server's 401 and its reason reach the UI, and no retry follows.
#[tokio::test]
async fn a_401_shows_its_reason() {
    let app = spawn_app().await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (_, mut updates) = open(&connections, spec(format!("http://{}/events?stream=messages", app.addr)));
    let message = next_error(&mut updates).await;
    assert!(message.contains("401") && message.contains("x-token"), "{message}");
}

/// A refused connection and an invalid URL each get a clear message; the URL at once.
#[tokio::test]
async fn wrong_urls_get_clear_messages() {
    let unused = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (_, mut updates) = open(&connections, spec(format!("http://{unused}/events")));
    let message = next_error(&mut updates).await;
    assert!(message.to_lowercase().contains("refused"), "{message}");
    let invalid = connections.open(spec("htp:/nowhere".into()), Arc::new(|_| true)).unwrap_err();
    assert!(invalid.to_string().contains("URL"), "{invalid}");
}

/// A server with no Cache-Control, gzip encoding and a repeated id gets one warning each.
#[tokio::test]
async fn a_misbehaving_server_gets_diagnostics() {
    use std::io::Write;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(b"id: 7\ndata: a\n\nid: 7\ndata: b\n\n").unwrap();
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: identity, gzip\r\n\r\n";
    let addr = spawn_raw([head.as_bytes(), &gzip.finish().unwrap()].concat()).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (_, mut updates) = open(&connections, spec(format!("http://{addr}/")));
    let last = Arc::new(Mutex::new(None));
    next_matching(&mut updates, |u| match u {
        ConnectionUpdate::Diagnostics { report } => {
            let done = report.warnings.iter().any(|w| w.kind == WarningKind::IdRepeated)
                && report.compression.as_ref().is_some_and(|c| c.events == 2);
            *last.lock().unwrap() = Some(report);
            done.then_some(())
        }
        _ => None,
    })
    .await;
    let report = last.lock().unwrap().take().unwrap();
    let kinds: Vec<WarningKind> = report.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::CacheControl, WarningKind::ContentEncoding, WarningKind::IdRepeated]);
    // The body was decoded, and Diagnostics says how it came.
    let compression = report.compression.unwrap();
    assert_eq!((compression.encoding.as_str(), compression.decoded_bytes), ("gzip", 30));
    assert!(compression.wire_bytes > 0 && compression.reads >= 1, "{compression:?}");
}

/// A stream that is not valid UTF-8 gets a warning naming the first bad byte's offset, which
/// Raw shows as an escape.
#[tokio::test]
async fn a_stream_that_is_not_utf8_is_warned_about_and_shown_escaped() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
    let addr = spawn_raw([head.as_bytes(), b"data: ok\n\ndata: caf\xe9\n\n"].concat()).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (id, mut updates) = open(&connections, spec(format!("http://{addr}/")));
    let warning = next_matching(&mut updates, |u| match u {
        ConnectionUpdate::Diagnostics { report } => {
            report.warnings.into_iter().find(|w| w.kind == WarningKind::InvalidUtf8).map(|w| w.message)
        }
        _ => None,
    })
    .await;
    assert!(
        warning.starts_with("the stream is not valid UTF-8: the first bad byte is at byte 19 "),
        "{warning}"
    );
    let raw = connections.raw_tail(id, 1024).unwrap();
    assert!(raw.lines.iter().any(|line| line.text == "data: caf\\xe9"), "{:?}", raw.lines);
}

/// An LLM-style POST with a JSON body streams its assembled text piece by piece.
#[tokio::test]
async fn a_chat_stream_is_assembled() {
    let addr = spawn_raw(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n\
         data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n\
         data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n\
         data: [DONE]\n\n",
    )
    .await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let preset = sse_connections::presets("http://unused/").into_iter().find(|p| p.id == "ollama").unwrap();
    let chat = ConnectionSpec { url: format!("http://{addr}/v1/chat/completions"), ..preset.spec };
    let (_, mut updates) = open(&connections, chat);
    let mut text = String::new();
    loop {
        let (piece, used, skipped, done) = next_matching(&mut updates, |u| match u {
            ConnectionUpdate::Assembled { piece, used, skipped, done, .. } => {
                Some((piece, used, skipped, done))
            }
            _ => None,
        })
        .await;
        text.push_str(&piece);
        if used + skipped == 3 {
            assert_eq!((used, skipped), (2, 1), "[DONE] is counted as an event without text");
            assert!(done, "[DONE] ends the stream");
            break;
        }
        assert!(!done, "not done before [DONE]");
    }
    assert_eq!(text, "Hello");
}

/// The embedded server without a required header, and a connection to its `inspect` stream.
async fn open_inspected(connections: &RunningConnections) -> (EmbeddedServer, u64, Updates) {
    let server = EmbeddedServer::quiet().await;
    server.broker.create_stream("inspect").unwrap();
    let (id, mut updates) = open(connections, spec(server.url("/events?stream=inspect")));
    next_matching(&mut updates, |u| {
        matches!(u, ConnectionUpdate::Feed { update: FeedUpdate::Open { .. } }).then_some(())
    })
    .await;
    (server, id, updates)
}

/// Ids from batches until `count` events have been reported, how many batches that took, and
/// the end of the log as the UI keeps it from the batches' tails (the last 24 rows' data).
async fn batched_ids(updates: &mut Updates, count: usize) -> (Vec<String>, usize, Vec<String>) {
    let (mut ids, mut batches, mut tail) = (Vec::new(), 0, Vec::new());
    while ids.len() < count {
        let (batch, rows, continues) = next_matching(updates, |u| match u {
            ConnectionUpdate::Batch { ids, tail, tail_continues, .. } if !ids.is_empty() => {
                Some((ids, tail, tail_continues))
            }
            _ => None,
        })
        .await;
        batches += 1;
        ids.extend(batch.iter().map(str::to_owned));
        keep_tail(&mut tail, &rows, continues);
    }
    (ids, batches, tail)
}

/// What the UI does with a batch's tail (ui/connections.js, which keeps 64): append or start
/// afresh, keep the last 24.
fn keep_tail(tail: &mut Vec<String>, rows: &[sse_inspector::EventRow], continues: bool) {
    if !continues {
        tail.clear();
    }
    tail.extend(rows.iter().map(|row| row.preview.clone()));
    let extra = tail.len().saturating_sub(24);
    tail.drain(..extra);
}

/// 5,000 events in a quarter second cross in far fewer batches, every id once and in order, and
/// the batches' tails add up to the log's last rows; a lone event after a quiet spell is sent at
/// once, not held for a batch, with only the row the UI does not have.
#[tokio::test]
async fn events_cross_in_batches_without_delaying_a_lone_one() {
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (server, _, mut updates) = open_inspected(&connections).await;
    // In slices, as a fast server sends them: the broker drops a subscriber 5,000 behind.
    for n in 0..5000 {
        server.broker.publish("inspect", embedded_server::Publish::data(n.to_string())).unwrap();
        if n % 100 == 99 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let (ids, batches, mut tail) = batched_ids(&mut updates, 5000).await;
    let expected: Vec<String> = (1..=5000).map(|n: u64| n.to_string()).collect();
    assert_eq!(ids, expected);
    assert!(batches < 500, "{batches} batches for 5,000 events");
    let last_rows: Vec<String> = (4976..5000).map(|n: u64| n.to_string()).collect();
    assert_eq!(tail, last_rows, "the tails kept add up to the log's end");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = std::time::Instant::now();
    server.broker.publish("inspect", embedded_server::Publish::data("lone")).unwrap();
    let (latest, rows, continues) = next_matching(&mut updates, |u| match u {
        ConnectionUpdate::Batch { latest: Some(latest), tail, tail_continues, .. } => {
            Some((latest, tail, tail_continues))
        }
        _ => None,
    })
    .await;
    assert_eq!(latest.preview, "lone");
    // Only the new row travels; with what the UI kept, a log that follows needs no round trip.
    assert_eq!(rows.iter().map(|row| row.preview.as_str()).collect::<Vec<_>>(), ["lone"]);
    assert!(continues);
    keep_tail(&mut tail, &rows, continues);
    assert_eq!(tail.len(), 24);
    assert_eq!(tail[22..], ["4999", "lone"]);
    assert!(sent.elapsed() < Duration::from_millis(100), "a lone event took {:?}", sent.elapsed());
}

/// Unbatched, each event is a batch of its own.
#[tokio::test]
async fn unbatched_connections_send_each_event_alone() {
    let connections = RunningConnections::new(tokio::runtime::Handle::current())
        .with_batching(sse_inspector::BatchPolicy::UNBATCHED);
    let (server, _, mut updates) = open_inspected(&connections).await;
    for n in 0..200 {
        server.broker.publish("inspect", embedded_server::Publish::data(n.to_string())).unwrap();
    }
    let (ids, batches, _) = batched_ids(&mut updates, 200).await;
    assert_eq!((ids.len(), batches), (200, 200));
}

/// The inspector reads the connection's capture: pages, a type filter, an event's detail with
/// its raw bytes, the raw view, an NDJSON export of what the filter shows, and clearing.
#[tokio::test]
async fn the_inspector_pages_filters_exports_and_clears() {
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (server, id, mut updates) = open_inspected(&connections).await;
    for n in 0..30 {
        let kind = if n % 3 == 0 { Some("tick") } else { None };
        server
            .broker
            .publish(
                "inspect",
                embedded_server::Publish {
                    event: kind.map(str::to_owned),
                    ..embedded_server::Publish::data(format!("{{\"n\":{n}}}"))
                },
            )
            .unwrap();
    }
    batched_ids(&mut updates, 30).await;

    let page = connections.page(id, 25, 10).unwrap();
    assert_eq!((page.counts.kept, page.rows.len()), (30, 5));
    assert_eq!(page.rows[0].preview, r#"{"n":25}"#);
    assert!(page.rows[0].delta_us.is_some());

    let ticks = sse_inspector::EventFilter { types: vec!["tick".into()], ..Default::default() };
    assert_eq!(connections.set_filter(id, &ticks).unwrap().matching, 10);
    let page = connections.page(id, 0, 100).unwrap();
    assert!(page.rows.iter().all(|r| r.event == "tick"));
    let seq = page.rows[1].seq;
    assert_eq!(connections.position(id, seq).unwrap(), Some(1));
    let detail = connections.detail(id, seq).unwrap().expect("kept");
    assert_eq!(detail.data, r#"{"n":3}"#);
    let raw: Vec<_> = detail.raw.expect("raw bytes kept").into_iter().map(|l| l.text).collect();
    assert_eq!(raw, ["event: tick", "id: 4", r#"data: {"n":3}"#, ""]);
    let view = connections.raw_tail(id, 1 << 20).unwrap();
    assert!(view.lines.iter().any(|l| l.text == r#"data: {"n":29}"#));

    let path = std::env::temp_dir().join(format!("sse-inspector-export-{}.ndjson", std::process::id()));
    connections.export(id, &path, sse_inspector::ExportFormat::Ndjson, true).unwrap();
    let exported = sse_capture::read_capture(std::io::BufReader::new(std::fs::File::open(&path).unwrap()))
        .unwrap()
        .events;
    let _ = std::fs::remove_file(&path);
    assert_eq!(exported.len(), 10);
    assert!(exported.iter().all(|e| e.event == "tick" && e.time.is_some()));

    // Stopped, the connection's events stay readable; the server's subscriber is gone.
    assert!(connections.stop(id));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.broker.streams().iter().any(|s| s.subscribers > 0) {
        assert!(std::time::Instant::now() < deadline, "the subscriber is still connected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(connections.page(id, 0, 100).unwrap().rows.len(), 10);

    let bad = sse_inspector::EventFilter { text: "(".into(), regex: true, ..Default::default() };
    assert!(connections.set_filter(id, &bad).unwrap_err().to_string().contains("regular expression"));
    assert_eq!(connections.clear(id).unwrap().kept, 0);
    assert!(connections.detail(id, seq).unwrap().is_none());
    assert!(connections.page(id + 100, 0, 1).is_err(), "an unknown connection is an error");
}

/// Reconnecting drops the server's subscriber and opens a fresh one: the lifecycle starts
/// over, new events flow, and the events kept before stay in the log.
#[tokio::test]
async fn reconnect_opens_afresh_and_keeps_the_events() {
    let app = spawn_app().await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let with_header = protected_spec(&app);
    let (id, mut updates) = open(&connections, with_header);
    let is_open = |u: ConnectionUpdate| {
        matches!(u, ConnectionUpdate::Feed { update: FeedUpdate::Open { .. } }).then_some(())
    };
    next_matching(&mut updates, is_open).await;
    app.broker.publish("messages", embedded_server::Publish::data("before")).unwrap();
    assert_eq!(next_event_data(&mut updates).await, "before");

    assert!(connections.reconnect(id).unwrap());
    next_matching(&mut updates, |u| {
        matches!(u, ConnectionUpdate::Feed { update: FeedUpdate::Connecting { .. } }).then_some(())
    })
    .await;
    next_matching(&mut updates, is_open).await;
    let subscribers = app.broker.streams().iter().find(|s| s.name == "messages").map(|s| s.subscribers);
    assert_eq!(subscribers, Some(1), "the old subscription is gone, the new one counted");
    app.broker.publish("messages", embedded_server::Publish::data("after")).unwrap();
    assert_eq!(next_event_data(&mut updates).await, "after");
    let rows: Vec<_> = connections.page(id, 0, 10).unwrap().rows.into_iter().map(|r| r.preview).collect();
    assert_eq!(rows, ["before", "after"]);
    assert!(!connections.reconnect(id + 100).unwrap(), "an unknown id is not reconnected");
}

/// A connection whose emitter says nobody listens (the window reloaded) ends by itself: it is
/// forgotten and the server's subscriber leaves.
#[tokio::test]
async fn a_connection_nobody_listens_to_is_forgotten() {
    let app = spawn_app().await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let with_header = protected_spec(&app);
    let heard = Arc::new(Mutex::new(0u32));
    let count = heard.clone();
    // Listens to the first two updates only.
    let emit = Arc::new(move |_: ConnectionUpdate| {
        let mut heard = count.lock().unwrap();
        *heard += 1;
        *heard <= 2
    });
    let id = connections.open(with_header, emit).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while connections.page(id, 0, 1).is_ok() {
        assert!(std::time::Instant::now() < deadline, "the connection is still listed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    while app.broker.streams().iter().any(|s| s.subscribers > 0) {
        assert!(std::time::Instant::now() < deadline, "the subscriber is still connected");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(*heard.lock().unwrap(), 3, "it stopped at the first update nobody heard");
}

/// Silence is measured on tokio's clock: with time paused once the stream is open, 30 silent
/// seconds pass at once and the warning comes, timed by that clock.
#[tokio::test]
async fn silence_is_warned_of_on_tokios_clock() {
    // A thread of its own, so the paused clock cannot end its wait.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut socket, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf);
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
            let _ = socket.write_all(head.as_bytes());
            std::thread::sleep(Duration::from_secs(20));
        }
    });
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (_id, mut updates) = open(&connections, spec(format!("http://{addr}/events")));
    next_matching(&mut updates, |u| {
        matches!(u, ConnectionUpdate::Feed { update: FeedUpdate::Open { .. } }).then_some(())
    })
    .await;
    tokio::time::pause();
    let paused_at = tokio::time::Instant::now();
    let warned = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            match updates.recv().await.expect("still reporting") {
                ConnectionUpdate::Diagnostics { report }
                    if report.warnings.iter().any(|w| w.kind == WarningKind::NoKeepAlive) =>
                {
                    return;
                }
                _ => {}
            }
        }
    })
    .await;
    assert!(warned.is_ok(), "no silence warning within 120 s of tokio's time");
    let waited = paused_at.elapsed();
    assert!(
        waited >= Duration::from_secs(29) && waited <= Duration::from_secs(32),
        "warned after {waited:?}"
    );
}

/// The next diagnostics report that shows a refused response.
async fn next_refusal(updates: &mut Updates) -> sse_connections::DiagnosticsReport {
    next_matching(updates, |u| match u {
        ConnectionUpdate::Diagnostics { report } if report.refused_body.is_some() => Some(report),
        _ => None,
    })
    .await
}

/// A refused response reaches the diagnostics whole: a 401's status, headers in their order
/// and its HTML body's first lines as text; a 200 of the wrong Content-Type likewise.
#[tokio::test]
async fn a_refused_response_shows_its_status_headers_and_body() {
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let denied = spawn_raw(
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nWWW-Authenticate: Bearer realm=\"api\"\r\n\
         Content-Length: 52\r\nConnection: close\r\n\r\n<html><body>\n<h1>Sign in first</h1>\n</body></html>\n",
    )
    .await;
    let (_, mut updates) = open(&connections, spec(format!("http://{denied}/events")));
    let report = next_refusal(&mut updates).await;
    assert_eq!(report.status, Some(401));
    let names: Vec<&str> = report.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["content-type", "www-authenticate", "content-length", "connection"]);
    assert_eq!(
        report.refused_body.as_deref(),
        Some("<html><body>\n<h1>Sign in first</h1>\n</body></html>\n")
    );
    assert!(report.warnings.is_empty(), "no stream warnings for a refused response: {:?}", report.warnings);

    let json =
        spawn_raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"error\": \"use /stream\"}\n")
            .await;
    let (_, mut updates) = open(&connections, spec(format!("http://{json}/events")));
    let report = next_refusal(&mut updates).await;
    assert_eq!(report.status, Some(200));
    assert_eq!(report.refused_body.as_deref(), Some("{\"error\": \"use /stream\"}\n"));
}
