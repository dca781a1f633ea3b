//! Breakpoints through a tap, against an upstream nobody here wrote (PyPI sse-starlette, CRLF
//! line endings): Debian's Chromium (through npm `playwright-core`) gets an edited event, an
//! injected one and not a dropped one; a breakpoint set while a stream flows reaches it and
//! what is sent on unedited keeps its bytes; the hold's bound cuts both sides and says so; a
//! held event goes with a client that leaves; breakpoints act before the fault rule; an NDJSON
//! line is held and edited as one line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use sse_breakpoints::{Action, BreakpointList, HeldView, MarkAction, WrittenEvent};
use sse_faults::FaultRules;
use sse_tap::{har, Ending, Exchange, Recorder, Secrets, TapBreakpoints, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;
use common::starlette::Starlette;
use common::{dechunk, start_tap};

/// A tap to `upstream` with the window's breakpoints set to `list` (and `rules`, if any).
async fn tap_with(
    upstream: &str,
    list: &str,
    rules: &str,
) -> (SocketAddr, Recorder, TapBreakpoints, tokio::sync::oneshot::Sender<()>) {
    let breakpoints = TapBreakpoints::default();
    breakpoints.set(BreakpointList::parse(list).expect("a valid list"));
    let mut config = TapConfig::new(upstream).expect("a valid upstream");
    config.faults = FaultRules::parse(rules.as_bytes()).expect("valid rules");
    config.breakpoints = Some(breakpoints.clone());
    let (addr, recorder, stop) = start_tap(config).await;
    (addr, recorder, breakpoints, stop)
}

/// The event held with number `number`, waited for (10 s at most).
async fn held(breakpoints: &TapBreakpoints, recorder: &Recorder, number: u64) -> HeldView {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut changes = recorder.changes();
    loop {
        if let Some(held) = breakpoints.held().into_iter().find(|held| held.number == number) {
            return held;
        }
        assert!(
            Instant::now() < deadline,
            "event {number} was not held within 10 s: {:?}",
            breakpoints.held()
        );
        let _ = tokio::time::timeout(Duration::from_millis(100), changes.changed()).await;
    }
}

/// The exchange for a target starting `prefix`, once it ended (10 s at most).
async fn ended(recorder: &Recorder, prefix: &str) -> Exchange {
    common::ended_where(recorder, prefix, |target| target.starts_with(prefix)).await
}

/// Waits for `check` (10 s at most), woken by the tap's holds every 20 ms.
async fn until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut every = tokio::time::interval(Duration::from_millis(20));
    while !check() {
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        every.tick().await;
    }
}

fn data(text: &str) -> WrittenEvent {
    WrittenEvent { data: text.into(), ..WrittenEvent::default() }
}

/// A raw client's connection: the request sent, the bytes read so far.
struct RawClient {
    socket: TcpStream,
    raw: Vec<u8>,
}

impl RawClient {
    async fn get(tap: SocketAddr, target: &str) -> Self {
        let mut socket = TcpStream::connect(tap).await.expect("the tap accepts");
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n");
        socket.write_all(request.as_bytes()).await.expect("send the request");
        Self { socket, raw: Vec::new() }
    }

    /// Reads until what came holds `text` (10 s at most).
    async fn until(&mut self, text: &str) {
        let mut buffer = vec![0u8; 64 * 1024];
        let read = async {
            while !String::from_utf8_lossy(&self.raw).contains(text) {
                match self.socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => {
                        panic!("the tap closed before `{text}`: {}", String::from_utf8_lossy(&self.raw))
                    }
                    Ok(n) => self.raw.extend_from_slice(&buffer[..n]),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .unwrap_or_else(|_| panic!("no `{text}` within 10 s: {}", String::from_utf8_lossy(&self.raw)));
    }

    /// Reads until the tap closes the connection (20 s at most).
    async fn read_to_close(&mut self) {
        let mut buffer = vec![0u8; 64 * 1024];
        let read = async {
            loop {
                match self.socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => self.raw.extend_from_slice(&buffer[..n]),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), read).await.expect("the tap closes within 20 s");
    }

    /// The body so far, de-chunked (the chunk sizes taken out).
    fn body(&self) -> Vec<u8> {
        let at = self.raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
        dechunk(&self.raw[at..]).0
    }
}

fn client(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(name).display().to_string()
}

/// Chromium's EventSource gets the edited event, the injected one, and never the dropped one;
/// the record and the HAR mark each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_gets_the_edited_and_injected_events_and_not_the_dropped_one() {
    let upstream = Starlette::start().await;
    let list = r#"[{"path": "/events*", "dataMatches": "^event [35]$"}]"#;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, list, "[]").await;
    let page = format!("http://{tap}/json");
    let browser = tokio::process::Command::new("node")
        .args([&client("browser-resume.mjs"), &page, "/events?count=6&every=20", "6"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run node");
    let third = held(&breakpoints, &recorder, 3).await;
    assert_eq!((third.data.as_str(), third.id.as_deref(), third.breakpoint), ("event 3", Some("3"), 1));
    assert_eq!(third.text, "id: 3\r\ndata: event 3\r\n\r\n", "held as it came");
    breakpoints.act(third.exchange, Action::InjectBefore(data("injected"))).expect("held");
    until("the window sees the injection", || {
        breakpoints.held().first().is_some_and(|held| held.injected_before == 1 && held.number == 3)
    })
    .await;
    let edited = WrittenEvent { id: Some("3".into()), data: "edited 3".into(), ..WrittenEvent::default() };
    breakpoints.act(third.exchange, Action::SendEdited(edited)).expect("held");
    let fifth = held(&breakpoints, &recorder, 5).await;
    breakpoints.act(fifth.exchange, Action::Drop).expect("held");
    let output = tokio::time::timeout(Duration::from_secs(60), browser.wait_with_output())
        .await
        .expect("Chromium finishes within 60 s")
        .expect("node ran");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let got: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    let data: Vec<&str> = got["data"].as_array().expect("data").iter().filter_map(Value::as_str).collect();
    assert_eq!(data, ["event 1", "event 2", "injected", "edited 3", "event 4", "event 6"], "{got}");
    let ids: Vec<&str> = got["ids"].as_array().expect("ids").iter().filter_map(Value::as_str).collect();
    assert_eq!(ids, ["1", "2", "2", "3", "4", "6"], "an injected event without id keeps the last one");

    let exchange = ended(&recorder, "/events").await;
    let marks: Vec<(u64, MarkAction)> =
        exchange.breakpoints.iter().map(|mark| (mark.event, mark.action)).collect();
    assert_eq!(marks, [(3, MarkAction::InjectedBefore), (3, MarkAction::Edited), (5, MarkAction::Dropped)]);
    assert_eq!(
        exchange.breakpoints[1].written.as_deref(),
        Some("id: 3\r\ndata: edited 3\r\n\r\n"),
        "CRLF, as the stream"
    );
    let har = har(&[exchange], Secrets::Redact);
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["_breakpoints"][2]["action"], "dropped", "{entry}");
}

/// A breakpoint set while a stream flows stops its next event; sent on and resumed, every byte
/// is the upstream's, unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breakpoint_set_while_streaming_reaches_the_stream_and_bytes_stay_the_upstreams() {
    let upstream = Starlette::start().await;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, "[]", "[]").await;
    let mut client = RawClient::get(tap, "/events?count=8&every=50").await;
    client.until("data: event 2\r\n\r\n").await;
    breakpoints.set(BreakpointList::parse("[{}]").expect("every event"));
    let next = held(&breakpoints, &recorder, 3).await;
    breakpoints.act(next.exchange, Action::SendOn).expect("held");
    let after = held(&breakpoints, &recorder, 4).await;
    breakpoints.act(after.exchange, Action::Resume).expect("held");
    client.read_to_close().await;
    let exchange = ended(&recorder, "/events").await;
    let upstream_body: Vec<u8> = exchange.raw.iter().flat_map(|(_, bytes)| bytes.to_vec()).collect();
    assert_eq!(String::from_utf8_lossy(&client.body()), String::from_utf8_lossy(&upstream_body));
    let marks: Vec<MarkAction> = exchange.breakpoints.iter().map(|mark| mark.action).collect();
    assert_eq!(marks, [MarkAction::SentOn, MarkAction::Resumed]);
    assert_eq!(exchange.ending, Some(Ending::Completed));
}

/// Past 1,000 events behind a held one the tap cuts both sides and the record says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_hold_cuts_both_sides_and_says_so() {
    let mut upstream = Starlette::start().await;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, r#"[{"id": "1"}]"#, "[]").await;
    let mut client = RawClient::get(tap, "/events?count=1200&every=0").await;
    held(&breakpoints, &recorder, 1).await;
    client.read_to_close().await;
    let exchange = ended(&recorder, "/events").await;
    let Some(Ending::HoldFull { reason, .. }) = &exchange.ending else { panic!("{:?}", exchange.ending) };
    assert_eq!(reason, "breakpoint hold full (1,000 events)");
    assert!(!client.body().windows(9).any(|w| w == b"event 1\r\n"), "the held event never went on");
    assert!(
        !String::from_utf8_lossy(&client.raw).ends_with("0\r\n\r\n"),
        "no last chunk: the client sees a cut"
    );
    assert_eq!(exchange.breakpoints[0].action, MarkAction::WentWithExchange);
    let closed = upstream.next_closed().await;
    assert!(closed["sent"].as_u64() < Some(1200), "the upstream request was dropped: {closed}");
    assert!(breakpoints.held().is_empty());
}

/// A held event whose client leaves goes with the exchange.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_event_goes_with_a_client_that_leaves() {
    let upstream = Starlette::start().await;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, r#"[{"id": "2"}]"#, "[]").await;
    let mut client = RawClient::get(tap, "/events?count=50&every=50").await;
    client.until("data: event 1\r\n\r\n").await;
    let second = held(&breakpoints, &recorder, 2).await;
    drop(client);
    let exchange = ended(&recorder, "/events").await;
    assert!(matches!(exchange.ending, Some(Ending::ClientHungUp { .. })), "{:?}", exchange.ending);
    assert_eq!(exchange.breakpoints[0].action, MarkAction::WentWithExchange);
    assert!(breakpoints.held().is_empty());
    assert!(breakpoints.act(second.exchange, Action::SendOn).is_err(), "nothing to act on");
}

/// Breakpoints act on the upstream's events before the fault rule: a dropped event is not one
/// the rule counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breakpoints_act_before_the_fault_rule() {
    let upstream = Starlette::start().await;
    let rules = r#"[{"path": "/events*", "cutAfterEvents": 3}]"#;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, r#"[{"id": "2"}]"#, rules).await;
    let mut client = RawClient::get(tap, "/events?count=10&every=20").await;
    let second = held(&breakpoints, &recorder, 2).await;
    breakpoints.act(second.exchange, Action::Drop).expect("held");
    client.read_to_close().await;
    let body = String::from_utf8_lossy(&client.body()).into_owned();
    let got: Vec<&str> = body.lines().filter_map(|line| line.strip_prefix("data: ")).collect();
    assert_eq!(got, ["event 1", "event 3", "event 4"], "{body}");
    let exchange = ended(&recorder, "/events").await;
    assert!(matches!(exchange.ending, Some(Ending::CutByFault { .. })), "{:?}", exchange.ending);
}

/// An NDJSON stream stops at a line whose JSON matches; the edit is one line of data (a type
/// is refused), written with the stream's line ending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ndjson_line_is_held_and_edited() {
    let upstream = Starlette::start().await;
    let list = r#"[{"jsonPath": "n", "equals": 3}]"#;
    let (tap, recorder, breakpoints, _stop) = tap_with(&upstream.url, list, "[]").await;
    let mut client = RawClient::get(tap, "/ndjson?count=5").await;
    let third = held(&breakpoints, &recorder, 3).await;
    assert!(third.ndjson);
    let typed = WrittenEvent { event: Some("x".into()), data: "{}".into(), ..WrittenEvent::default() };
    assert!(
        breakpoints.act(third.exchange, Action::SendEdited(typed)).is_err(),
        "an NDJSON line has no type"
    );
    breakpoints.act(third.exchange, Action::SendEdited(data(r#"{"n": 30}"#))).expect("held");
    client.read_to_close().await;
    let body = String::from_utf8_lossy(&client.body()).into_owned();
    assert_eq!(body, "{\"n\": 1}\n{\"n\": 2}\n{\"n\": 30}\n{\"n\": 4}\n{\"n\": 5}\n");
}
