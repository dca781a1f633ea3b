//! Taps as the window runs them: a real tap on 127.0.0.1 in front of the embedded server (on
//! 127.0.0.1:0), a client talking raw HTTP through it, and the rows the window is sent.

mod support;

use std::time::Duration;

use embedded_server::Publish;
use sse_connections::{BodyView, HeaderField, RunningTaps, TapSpec};
use support::{emitter, next_row, request, spawn_upstream, spec_for};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A stream through the tap is listed while it is open (status, type, events counted) and
/// again when the client hangs up, with who cut it.
#[tokio::test]
async fn a_stream_through_a_tap_is_listed_live_and_when_it_ends() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, mut updates) = emitter();
    let opened = taps.open(&spec_for(&upstream), emit).unwrap();
    assert_eq!(opened.listen_url, format!("http://127.0.0.1:{}", opened.port));
    assert!(opened.note.is_none());

    let head = "GET /events?stream=messages HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let (socket, _) = request(opened.port, head, "\r\n\r\n").await;
    for n in 0..3 {
        upstream.broker.publish("messages", Publish::data(format!("n{n}"))).unwrap();
    }
    let live = next_row(&mut updates, |row| row.events == 3).await;
    assert_eq!((live.method.as_str(), live.target.as_str()), ("GET", "/events?stream=messages"));
    assert_eq!(live.status, Some(200));
    assert!(live.content_type.starts_with("text/event-stream"), "{live:?}");
    assert!(live.is_stream && live.ending.is_none() && !live.failed, "{live:?}");

    drop(socket);
    // A write to the closed socket is what tells the tap, as for any proxy.
    upstream.broker.publish("messages", Publish::data("after")).unwrap();
    let ended = next_row(&mut updates, |row| row.ending.is_some()).await;
    assert_eq!(ended.id, live.id);
    assert!(ended.ending.as_deref().unwrap_or_default().starts_with("client hung up"), "{ended:?}");
    assert!(ended.failed, "a stream cut by its client is not a completed one");
    assert!(ended.bytes > 0 && ended.duration_ms > 0.0, "{ended:?}");
    assert!(taps.close(opened.id).await);
    assert!(!taps.close(opened.id).await, "closed once");
}

/// A plain request is listed once it completed, with the headers the tap adds sent upstream.
#[tokio::test]
async fn a_plain_request_is_listed_completed_with_the_taps_headers_sent() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, mut updates) = emitter();
    let spec = TapSpec {
        headers: vec![HeaderField::new("X-Added", "by-tap"), HeaderField::new("X-Api-Key", "sk-hidden")],
        ..spec_for(&upstream)
    };
    let opened = taps.open(&spec, emit).unwrap();
    let head = "GET /streams HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
    let (_socket, response) = request(opened.port, head, "]").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let row = next_row(&mut updates, |row| row.ending.is_some()).await;
    assert_eq!(
        (row.target.as_str(), row.status, row.ending.as_deref()),
        ("/streams", Some(200), Some("completed"))
    );
    assert!(!row.is_stream && !row.failed, "{row:?}");
    let recorder = taps.recorder(opened.id).expect("an open tap's record");
    let exchange = recorder.exchange(row.id).expect("the exchange is kept");
    assert!(exchange.request_headers.iter().any(|(name, value)| name == "x-added" && value == "by-tap"));

    // On screen: the credential masked, the JSON body pretty-printed.
    let detail = taps.exchange(opened.id, row.id).unwrap().expect("its detail");
    let header = |name: &str| detail.request_headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(header("x-api-key").as_deref(), Some(sse_tap::REDACTED));
    assert_eq!(header("x-added").as_deref(), Some("by-tap"));
    match &detail.response_body {
        BodyView::Json { text, .. } => assert!(text.starts_with("[\n"), "{text}"),
        other => panic!("a JSON body, not {other:?}"),
    }
    assert!(detail.head_ms.is_some() && detail.upstream_version.as_deref() == Some("HTTP/1.1"), "{detail:?}");
    // Copy as curl: the request as sent upstream, the credential kept for the clipboard only.
    assert!(
        detail.curl.contains("-H 'x-api-key: sk-hidden'") && detail.curl.ends_with("/streams"),
        "{}",
        detail.curl
    );
    assert!(detail.curl_shown.contains("x-api-key: [redacted]") && !detail.curl_shown.contains("sk-hidden"));
    assert!(!detail.curl.contains("-N") && detail.curl_note.is_none(), "{detail:?}");
    assert!(taps.exchange(opened.id, 999).unwrap().is_none(), "no such exchange");
    assert!(taps.exchange(999, row.id).is_err(), "no such tap");
}

/// A tapped stream's timings (head, each chunk, end), its HAR with the events, and its
/// capture replayed on the embedded server gives the same events.
#[tokio::test]
async fn a_tapped_stream_has_a_waterfall_a_har_and_replays() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, mut updates) = emitter();
    let opened = taps.open(&spec_for(&upstream), emit).unwrap();
    let head = "GET /events?stream=messages HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let (socket, _) = request(opened.port, head, "\r\n\r\n").await;
    for n in 0..5 {
        upstream.broker.publish("messages", Publish::data(format!("e{n}"))).unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let row = next_row(&mut updates, |row| row.events == 5).await;
    drop(socket);
    upstream.broker.publish("messages", Publish::data("after")).unwrap();
    next_row(&mut updates, |row| row.ending.is_some()).await;

    let timeline = taps.timeline(opened.id, 10).unwrap();
    assert_eq!(timeline.len(), 1);
    let line = &timeline[0];
    let head_ms = line.head_ms.expect("a head");
    assert!(line.chunk_ms.len() >= 5, "{line:?}");
    assert!(line.chunk_ms.windows(2).all(|w| w[0] <= w[1]) && line.chunk_ms[0] >= head_ms, "{line:?}");
    assert!(!line.open && line.end_ms >= *line.chunk_ms.last().unwrap(), "{line:?}");
    assert!(taps.timeline(opened.id, 0).unwrap().is_empty());

    let dir = std::env::temp_dir().join(format!("sse-connections-har-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tap.har");
    let bytes = taps.write_har(opened.id, &path, sse_tap::Secrets::Redact).unwrap();
    let har: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(bytes, std::fs::metadata(&path).unwrap().len());
    let messages = &har["log"]["entries"][0]["_eventSourceMessages"];
    // e0..e4, and `after` if it reached the tap before the hang-up did.
    let kept = messages.as_array().map_or(0, Vec::len);
    assert!((5..=6).contains(&kept), "{har}");
    assert_eq!(messages[4]["data"], "e4");
    let _ = std::fs::remove_dir_all(&dir);

    // The capture replays on a new stream of an embedded server, event for event.
    let capture = taps.capture(opened.id, row.id).unwrap().expect("a stream's capture");
    let replay_server = spawn_upstream().await;
    let started = embedded_server::replay_reader(
        &replay_server.broker,
        std::io::Cursor::new(capture),
        "tapped stream",
        None,
        embedded_server::Pace::AsFastAsPossible,
    )
    .unwrap();
    assert_eq!(started.events, kept);
    let replay_head = format!("GET /events?stream={} HTTP/1.1\r\nHost: {{host}}\r\n\r\n", started.stream);
    let mut socket = TcpStream::connect(replay_server.addr).await.unwrap();
    socket
        .write_all(replay_head.replace("{host}", &replay_server.addr.to_string()).as_bytes())
        .await
        .unwrap();
    let mut seen = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("data: e4\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the replay closed early");
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the replayed events within 5 s");
    let text = String::from_utf8_lossy(&seen);
    assert!((0..5).all(|n| text.contains(&format!("data: e{n}\n"))), "{text}");
}

/// A tap reopens on the port it had when that is free; when it is taken it listens elsewhere
/// and says so; closing it frees its port.
#[tokio::test]
async fn a_tap_reopens_on_its_port_or_says_why_not() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (emit, _updates) = emitter();
    let opened = taps.open(&TapSpec { port: Some(free), ..spec_for(&upstream) }, emit).unwrap();
    assert_eq!((opened.port, opened.note.as_deref()), (free, None));
    assert!(taps.close(opened.id).await);
    // Closed means its port is free, at once: a tap can be reopened on it.
    let taken =
        std::net::TcpListener::bind(("127.0.0.1", free)).expect("the closed tap's port is free again");

    let (emit, _updates) = emitter();
    let elsewhere = taps.open(&TapSpec { port: Some(free), ..spec_for(&upstream) }, emit).unwrap();
    assert_ne!(elsewhere.port, free);
    let note = elsewhere.note.expect("a note on the port");
    assert!(
        note.contains(&format!("Port {free} is taken")) && note.contains(&elsewhere.port.to_string()),
        "{note}"
    );
    drop(taken);
}

/// Stop keeps a tap's record: stopped, its port is free and its exchanges still read; started
/// again on the same port it reports them again and numbers new ones after them; Clear record
/// forgets them.
#[tokio::test]
async fn stop_and_start_keep_the_record_until_it_is_cleared() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, mut updates) = emitter();
    let opened = taps.open(&spec_for(&upstream), emit).unwrap();
    let head = "GET /streams HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n";
    let _ = request(opened.port, head, "]").await;
    let first = next_row(&mut updates, |row| row.ending.is_some()).await;

    assert!(taps.stop(opened.id).await);
    drop(std::net::TcpListener::bind(("127.0.0.1", opened.port)).expect("a stopped tap's port is free"));
    assert!(taps.exchange(opened.id, first.id).unwrap().is_some(), "the record outlives Stop");
    assert!(taps.recorder(opened.id).is_ok(), "a tapped stream opened from it still reads it");

    let (emit, mut updates) = emitter();
    let spec = TapSpec { port: Some(opened.port), ..spec_for(&upstream) };
    let again = taps.restart(opened.id, &spec, emit).await.unwrap();
    assert_eq!((again.id, again.port, again.note), (opened.id, opened.port, None));
    next_row(&mut updates, |row| row.id == first.id).await;
    let _ = request(again.port, head, "]").await;
    let second = next_row(&mut updates, |row| row.id != first.id && row.ending.is_some()).await;
    assert_eq!(second.id, first.id + 1, "numbered after the kept ones");
    assert_eq!(taps.timeline(opened.id, 10).unwrap().len(), 2);

    assert!(taps.clear(opened.id));
    assert!(taps.exchange(opened.id, first.id).unwrap().is_none());
    assert!(taps.timeline(opened.id, 10).unwrap().is_empty());
    assert!(taps.close(opened.id).await);
    assert!(!taps.clear(opened.id), "closed: nothing to clear");
}

/// A spec the tap cannot use is refused before anything listens, with the reason.
#[tokio::test]
async fn a_bad_upstream_is_refused_with_its_reason() {
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, _updates) = emitter();
    let spec = TapSpec { upstream: "127.0.0.1:8080/v1".into(), ..TapSpec::default() };
    let error = taps.open(&spec, emit).expect_err("refused").to_string();
    assert!(error.contains("invalid upstream URL"), "{error}");
}

/// A tap opens with no fault rules; rules set on it apply to the next exchange (a cut, said in
/// its row) and keep across a restart; a list with a mistake changes nothing and names the rule
/// and field; a `once` rule is gone after it applied, and the update says so.
#[tokio::test]
async fn fault_rules_are_set_kept_across_a_restart_and_said_in_the_rows() {
    let upstream = spawn_upstream().await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, _first_run) = emitter();
    let opened = taps.open(&spec_for(&upstream), emit).unwrap();
    assert_eq!(taps.faults(opened.id).unwrap().count, 0, "a new tap breaks nothing unasked");
    let wrong = taps.set_faults(opened.id, r#"[{"path": "/events*", "cutAfterEvent": 1}]"#).unwrap_err();
    assert!(wrong.to_string().starts_with("fault rules: rule 1: unknown field `cutAfterEvent`"), "{wrong}");
    let set = taps
        .set_faults(
            opened.id,
            r#"[{"path": "/events*", "once": true, "cutAfterEvents": 1}, {"path": "/nothing"}]"#,
        )
        .unwrap();
    assert_eq!(set.count, 2);
    assert!(
        set.rules.starts_with("[\n  {\"path\":\"/events*\",\"once\":true,\"cutAfterEvents\":1}"),
        "{}",
        set.rules
    );
    let (emit, mut updates) = emitter();
    let reopened = taps.restart(opened.id, &spec_for(&upstream), emit).await.unwrap();
    assert_eq!(taps.faults(opened.id).unwrap().count, 2, "kept across a restart");
    let head = "GET /events?stream=messages HTTP/1.1\r\nHost: {host}\r\n\r\n";
    let (_socket, _) = request(reopened.port, head, "\r\n\r\n").await;
    upstream.wait_for_subscriber("messages").await;
    upstream.broker.publish("messages", Publish::data("only")).unwrap();
    let update = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let update = updates.recv().await.expect("the tap reports");
            if update.rows.iter().any(|row| row.ending.is_some()) {
                return update;
            }
        }
    })
    .await
    .expect("the cut exchange is reported within 5 s");
    let row = update.rows.iter().find(|row| row.ending.is_some()).expect("the ended row");
    assert_eq!(
        row.fault.as_deref().map(|f| f.starts_with("rule 1: cut after 1 event at byte")),
        Some(true),
        "{row:?}"
    );
    assert!(row.ending.as_deref().unwrap_or_default().starts_with("cut by the tap"), "{row:?}");
    assert_eq!(update.fault_rules, 1, "the once rule went, and the update says so");
    assert_eq!(taps.faults(opened.id).unwrap().count, 1);
}
