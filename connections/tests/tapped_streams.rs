//! Streams through a tap opened in the inspector like connections: a real tap on 127.0.0.1 in
//! front of the embedded server (or a raw server), a client talking raw HTTP through it, and
//! the connection updates, pages, raw bytes and export the window would get.

mod support;

use std::sync::Arc;
use std::time::Duration;

use embedded_server::Publish;
use sse_connections::{ConnectionUpdate, InspectError, RunningConnections, RunningTaps, TapOpened, TapSpec};
use sse_inspector::ExportFormat;
use sse_subscriber::FeedUpdate;
use support::{emitter, next_row, request, spawn_upstream, spec_for, wait_for_events};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

type Updates = mpsc::UnboundedReceiver<ConnectionUpdate>;

fn open_tapped(
    connections: &RunningConnections,
    taps: &RunningTaps,
    tap: u64,
    exchange: u64,
) -> Result<(u64, Updates), InspectError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let recorder = taps.recorder(tap)?;
    let id = connections.open_tapped(recorder, exchange, Arc::new(move |update| tx.send(update).is_ok()))?;
    Ok((id, rx))
}

/// The next lifecycle update of the feed, within 5 s.
async fn next_feed(updates: &mut Updates) -> FeedUpdate {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let ConnectionUpdate::Feed { update } =
                updates.recv().await.expect("the feed stopped reporting")
            {
                return update;
            }
        }
    })
    .await
    .expect("no lifecycle update within 5 s")
}

/// A tap (with `spec`, or in front of the embedded server) and the app's connections.
struct Rig {
    taps: RunningTaps,
    connections: RunningConnections,
    tap: TapOpened,
    rows: support::Updates,
}

fn rig(spec: &TapSpec) -> Rig {
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let (emit, rows) = emitter();
    let tap = taps.open(spec, emit).unwrap();
    Rig { taps, connections, tap, rows }
}

fn data_of(connections: &RunningConnections, id: u64) -> Vec<String> {
    connections.page(id, 0, 500).unwrap().rows.into_iter().map(|row| row.preview).collect()
}

/// A stream through a tap opens in the inspector (from outside the runtime, as a command does)
/// with the events that came before and those that follow, at the times the tap saw them, with
/// its raw bytes, its detail and its export, and is told closed (with how) when the client
/// hangs up; its expectations are checked as a connection's are.
#[tokio::test]
async fn a_tapped_stream_opens_in_the_inspector_before_and_after() {
    let upstream = spawn_upstream().await;
    let Rig { taps, connections, tap, mut rows } = rig(&spec_for(&upstream));
    let head = "GET /events?stream=messages HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let (socket, _) = request(tap.port, head, "\r\n\r\n").await;
    for n in 0..3 {
        upstream.broker.publish("messages", Publish::data(format!("before {n}"))).unwrap();
    }
    let row = next_row(&mut rows, |row| row.events == 3).await;
    let opened_at = std::time::SystemTime::now();

    // Opened as a Tauri command opens it: on a thread outside the runtime.
    let (id, mut updates) = std::thread::scope(|scope| {
        scope.spawn(|| open_tapped(&connections, &taps, tap.id, row.id)).join().expect("no panic")
    })
    .unwrap();
    assert!(matches!(next_feed(&mut updates).await, FeedUpdate::Connecting { .. }));
    match next_feed(&mut updates).await {
        FeedUpdate::Open { status, content_type, .. } => {
            assert_eq!((status, content_type.as_str()), (200, "text/event-stream"))
        }
        other => panic!("expected Open, got {other:?}"),
    }
    wait_for_events(&connections, id, 3).await;
    upstream
        .broker
        .publish("messages", Publish { event: Some("late".into()), ..Publish::data("after 0") })
        .unwrap();
    wait_for_events(&connections, id, 4).await;
    assert_eq!(data_of(&connections, id), ["before 0", "before 1", "before 2", "after 0"]);
    // Its expectations are checked like a connection's, times counted from the exchange's start.
    let file = "[[event]]\nat_least = 4\n[[sequence]]\ntypes = [\"message\", \"late\"]\n[time]\nfirst_event_within_ms = 5000\n";
    let report = connections.load_expectations(id, "tapped.toml", file.into()).unwrap();
    assert_eq!((report.pass, report.fail, report.open), (5, 0, 0), "{report:#?}");

    let first = &connections.page(id, 0, 1).unwrap().rows[0];
    let opened_at_us = opened_at.duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as u64;
    assert!(first.received_at_us <= opened_at_us, "the time the tap saw it: {first:?}");
    let detail = connections.detail(id, first.seq).unwrap().expect("the first event's detail");
    let raw = detail.raw.expect("its raw block");
    assert!(raw.iter().any(|line| line.text == "data: before 0"), "{raw:?}");
    let raw = connections.raw_tail(id, 64 * 1024).unwrap();
    assert!(raw.lines.iter().any(|line| line.text.contains("event: late")), "{raw:?}");
    // The raw view marks the chunks the tap got from upstream.
    let reads = raw.lines.iter().filter(|line| line.kind == sse_inspector::LineKind::Read).count();
    assert!(reads >= 2, "a read per upstream chunk: {raw:?}");

    let path = std::env::temp_dir().join(format!("sse-tapped-export-{}.ndjson", std::process::id()));
    connections.export(id, &path, ExportFormat::Ndjson, false).unwrap();
    let exported = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(exported.lines().count(), 4, "{exported}");
    assert!(exported.contains("\"late\""), "{exported}");

    drop(socket);
    upstream.broker.publish("messages", Publish::data("unsent")).unwrap();
    match next_feed(&mut updates).await {
        FeedUpdate::Closed { reason } => assert!(reason.contains("client hung up"), "{reason}"),
        other => panic!("expected Closed, got {other:?}"),
    }
    let error = connections.reconnect(id).expect_err("a tapped stream is not reconnected").to_string();
    assert!(error.contains("cannot be reconnected"), "{error}");
}

/// Only streams open in the inspector: a plain exchange and an unknown one are refused.
#[tokio::test]
async fn only_a_kept_stream_opens_in_the_inspector() {
    let upstream = spawn_upstream().await;
    let Rig { taps, connections, tap, mut rows } = rig(&spec_for(&upstream));
    let head = "GET /no-such-page HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
    let _ = request(tap.port, head, "HTTP/1.1 404").await;
    let row = next_row(&mut rows, |row| row.ending.is_some()).await;
    let plain = open_tapped(&connections, &taps, tap.id, row.id).expect_err("not a stream");
    assert!(matches!(plain, InspectError::NotAStream(_)), "{plain}");
    let unknown = open_tapped(&connections, &taps, tap.id, 999).expect_err("no such exchange");
    assert!(matches!(unknown, InspectError::NotAStream(999)), "{unknown}");
    assert!(matches!(open_tapped(&connections, &taps, 77, 1), Err(InspectError::NoTap(77))));
}

/// A stream longer than the tap keeps opens with what was kept: the start that was let go is
/// said, and the events after it are whole (none made of a cut line).
#[tokio::test]
async fn a_long_stream_opens_with_its_kept_end_and_says_so() {
    let upstream = spawn_upstream().await;
    let Rig { taps, connections, tap, mut rows } = rig(&spec_for(&upstream));
    let head = "GET /events?stream=messages HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let (mut socket, _) = request(tap.port, head, "\r\n\r\n").await;
    let total = 400;
    let filler = "x".repeat(1000);
    for n in 0..total {
        upstream.broker.publish("messages", Publish::data(format!("{n:04} {filler}"))).unwrap();
    }
    // Read what the tap forwards, so it keeps going.
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
    });
    let row = next_row(&mut rows, |row| row.events == total).await;

    let (id, mut updates) = open_tapped(&connections, &taps, tap.id, row.id).unwrap();
    let said = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let FeedUpdate::Error { message, .. } = next_feed(&mut updates).await {
                return message;
            }
        }
    })
    .await
    .expect("the missing start is said");
    assert!(said.contains("bytes are not shown"), "{said}");
    // The tap lets whole chunks go (a chunk holds several events), so it keeps at least half
    // of its bound.
    let kept_at_most = sse_tap::MAX_RAW_BYTES / filler.len();
    wait_for_events(&connections, id, sse_tap::MAX_RAW_BYTES / 2 / filler.len()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let data = data_of(&connections, id);
    assert!(data.len() <= kept_at_most, "{} events from 256 KiB", data.len());
    let numbers: Vec<u32> = data.iter().map(|d| d[..4].parse().expect("a whole event")).collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "consecutive: {numbers:?}");
    assert_eq!(numbers.last(), Some(&(total as u32 - 1)));
    reader.abort();
}

/// An NDJSON stream through a tap opens with one event per line, and ends as the tap saw it.
#[tokio::test]
async fn an_ndjson_stream_opens_as_one_event_per_line() {
    let body = "{\"n\":1}\n\n{\"n\":2}\r\n{\"done\":true}\n";
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    let Rig { taps, connections, tap, mut rows } =
        rig(&TapSpec { upstream: format!("http://{addr}"), ..TapSpec::default() });
    let _ =
        request(tap.port, "POST /api/chat HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n", "true}\n")
            .await;
    let row = next_row(&mut rows, |row| row.ending.is_some()).await;

    let (id, mut updates) = open_tapped(&connections, &taps, tap.id, row.id).unwrap();
    loop {
        if let FeedUpdate::Closed { reason } = next_feed(&mut updates).await {
            assert!(reason.contains("completed"), "{reason}");
            break;
        }
    }
    wait_for_events(&connections, id, 3).await;
    assert_eq!(data_of(&connections, id), ["{\"n\":1}", "{\"n\":2}", "{\"done\":true}"]);
    let page = connections.page(id, 0, 3).unwrap();
    assert!(page.rows.iter().all(|row| row.event == "line"), "{:?}", page.rows);
}
