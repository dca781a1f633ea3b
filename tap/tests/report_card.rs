//! A tap grades its own clients, in front of PyPI sse-starlette: `curl -N` (one-off, untagged,
//! never failed), a raw socket client (credentials masked, the events its resume skipped named),
//! PyPI `httpx-sse` (never reconnects: fails the MUST), `sse-sub` (keeps every MUST), and
//! `sse-tap --report FILE` writes the cards at SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use sse_faults::FaultRules;
use sse_tap::{Recorder, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;
use common::starlette::Starlette;
use common::start_tap;

/// Each tagged client's rule: the raw client is cut after two events, the others after three,
/// told to come back in 200 ms.
const RULES: &str = r#"[
    {"client": "raw", "once": true, "cutAfterEvents": 2},
    {"client": "httpx-sse", "cutAfterEvents": 3},
    {"client": "sse-sub", "once": true, "cutAfterEvents": 3, "retryMs": 200}
]"#;

async fn tap_in_front_of(upstream: &Starlette) -> (String, Recorder, tokio::sync::oneshot::Sender<()>) {
    let mut config = TapConfig::new(&upstream.url).expect("a valid upstream");
    config.faults = FaultRules::parse(RULES.as_bytes()).expect("valid rules");
    let (addr, recorder, stop) = start_tap(config).await;
    (format!("http://{addr}"), recorder, stop)
}

/// The card of `client` once `decided` holds of it, polled for at most 15 s (a never-reconnect
/// verdict waits out the 5 s watch); what was awaited is said when it does not come.
async fn card_once(recorder: &Recorder, client: &str, what: &str, decided: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let report = serde_json::to_value(recorder.report()).unwrap();
        let card =
            report["clients"].as_array().and_then(|all| all.iter().find(|c| c["client"] == client).cloned());
        if let Some(card) = card.filter(|card| decided(card)) {
            return card;
        }
        assert!(std::time::Instant::now() < deadline, "{what} within 15 s: {report:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn verdict<'a>(card: &'a Value, rule: &str) -> &'a str {
    let rules = card["card"]["rules"].as_array().expect("rules");
    let found = rules.iter().find(|r| r["rule"].as_str().is_some_and(|name| name.starts_with(rule)));
    found.unwrap_or_else(|| panic!("no rule `{rule}` in {card:#}"))["verdict"].as_str().unwrap()
}

fn decided(rule: &'static str) -> impl Fn(&Value) -> bool {
    move |card| verdict(card, rule) != "notObserved"
}

/// Sends `head` on a new connection to `tap` and reads the response until the connection ends
/// (a rule's cut) or `events` `id:` lines came; the text read.
async fn raw_read(tap: &str, head: &str, events: usize) -> String {
    let addr = tap.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect to the tap");
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut text = Vec::new();
    let read = async {
        let mut buffer = [0u8; 4096];
        while text.windows(4).filter(|w| w == b"id: ").count() < events {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => text.extend_from_slice(&buffer[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the stream ends or has its events within 10 s");
    String::from_utf8_lossy(&text).into_owned()
}

/// A raw socket client tagged by `X-SSE-Client`, with a bearer token and an `access_token`
/// parameter, is cut after two events and resumes claiming id 5: its card masks both
/// credentials (the same token, the same mask), keeps the Last-Event-ID it sent, fails
/// "sends Last-Event-ID" and names ids 3 to 5 as lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_client_is_graded_with_its_credentials_masked_and_its_lost_events_named() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) = tap_in_front_of(&upstream).await;
    let head = |last_event_id: &str| {
        format!(
            "GET /events?count=50&every=10&access_token=s3cret HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Accept: text/event-stream\r\nAuthorization: Bearer s3cret\r\nX-SSE-Client: raw\r\n{last_event_id}\r\n"
        )
    };
    let cut = raw_read(&tap, &head(""), 50).await;
    assert_eq!(cut.matches("id: ").count(), 2, "cut after two events: {cut}");
    let resumed = raw_read(&tap, &head("Last-Event-ID: 5\r\n"), 2).await;
    assert!(resumed.contains("id: 6"), "sse-starlette resumes after 5: {resumed}");
    let card = card_once(&recorder, "raw", "two attempts ended, the first cut", |card| {
        card["attempts"]
            .as_array()
            .is_some_and(|a| a.len() == 2 && a[0]["end"] == "cut" && !a[1]["end"].is_null())
    })
    .await;
    let text = card.to_string();
    assert!(!text.contains("s3cret"), "no credential in clear: {text}");
    let masks: Vec<&str> =
        text.match_indices("(masked: 6 bytes, #").map(|(at, _)| &text[at..at + 30]).collect();
    assert!(masks.len() >= 2 && masks.iter().all(|m| *m == masks[0]), "one token, one mask: {masks:?}");
    assert_eq!(card["namedBy"], "header");
    assert_eq!(card["attempts"][1]["lastEventId"], "5", "{card:#}");
    assert_eq!(card["attempts"][0]["delivered"]["lastId"], "2", "what reached the client: {card:#}");
    assert_eq!(verdict(&card, "sends Last-Event-ID"), "fail", "{card:#}");
    let lost = &card["card"]["eventsLost"][0];
    assert_eq!((lost["ids"].as_str(), lost["count"].as_u64()), (Some("3-5"), Some(3)), "{card:#}");
}

/// PyPI httpx-sse, as its README reads a stream, never reconnects after the rule's cut, nor
/// does `curl -N` after sse-starlette ends its stream: tagged with `client=`, both fail
/// "reestablishes the connection"; untagged, curl is only said not to reconnect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn httpx_sse_and_a_tagged_curl_never_reconnect_and_fail_the_must() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) = tap_in_front_of(&upstream).await;
    for target in ["/events?count=2&every=10&client=curl", "/events?count=2&every=10"] {
        let curl = tokio::process::Command::new("curl")
            .args(["-sN", "--max-time", "10", "-H", "Accept: text/event-stream", "-o", "/dev/null"])
            .arg(format!("{tap}{target}"))
            .status();
        assert!(curl.await.expect("run curl").success(), "the stream ends on its own");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = tokio::process::Command::new(root.join("../target/test-venv/bin/python"))
        .arg(root.join("../embedded-server/tests/clients/httpx_sse_graded.py"))
        .args(["5", &format!("{tap}/events?count=20&every=10&client=httpx-sse")])
        .output();
    let output =
        tokio::time::timeout(Duration::from_secs(60), output).await.expect("python finishes").unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let seen: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(seen["events"].as_array().map(Vec::len), Some(3), "three events, then the cut: {seen}");
    let card = card_once(&recorder, "httpx-sse", "the 5 s watch over", decided("reestablishes")).await;
    assert_eq!(verdict(&card, "reestablishes the connection"), "fail", "{card:#}");
    assert_eq!(card["card"]["reconnects"], false, "{card:#}");
    let curl = card_once(&recorder, "curl", "the 5 s watch over", decided("reestablishes")).await;
    assert_eq!(verdict(&curl, "reestablishes the connection"), "fail", "{curl:#}");
    assert_eq!(curl["attempts"][0]["end"], "ended", "sse-starlette ended it: {curl:#}");
    let report = serde_json::to_value(recorder.report()).unwrap();
    let untagged = report["clients"].as_array().unwrap().iter().find(|c| c["namedBy"] == "addressAndAgent");
    let untagged = untagged.expect("the untagged curl");
    assert_eq!(verdict(untagged, "reestablishes the connection"), "notObserved", "{untagged:#}");
    let said = untagged["card"]["rules"][0]["evidence"].to_string();
    assert!(said.contains("does not reconnect (a one-off request"), "{said}");
}

/// `sse-sub` through the tap is cut after three events, comes back after the 200 ms it was told
/// with the last id it got, and keeps every MUST on its card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_sub_keeps_every_must_through_a_tap() {
    let upstream = Starlette::start().await;
    let (tap, recorder, _stop) = tap_in_front_of(&upstream).await;
    let sse_sub = PathBuf::from(env!("CARGO_BIN_EXE_sse-tap")).with_file_name("sse-sub");
    assert!(sse_sub.is_file(), "{} not built: run the workspace tests", sse_sub.display());
    let url = format!("{tap}/events?count=6&every=10&client=sse-sub");
    let run = tokio::process::Command::new(&sse_sub).args(["--json", "--count", "6", &url]).output();
    let output = tokio::time::timeout(Duration::from_secs(30), run).await.expect("sse-sub finishes").unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let card =
        card_once(&recorder, "sse-sub", "its resume graded", |card| card["card"]["reconnects"] == true).await;
    assert_eq!(card["attempts"][1]["lastEventId"], "3", "{card:#}");
    for rule in card["card"]["rules"].as_array().unwrap() {
        if rule["level"] == "MUST" {
            assert!(rule["verdict"] == "pass" || rule["verdict"] == "notObserved", "{rule:#}");
        }
    }
    assert_eq!(verdict(&card, "sends Last-Event-ID"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "waits at least the retry"), "pass", "{card:#}");
}

/// `sse-tap --report FILE`: two `curl -N` reads of a stream sse-starlette ends, one untagged and
/// one tagged; at SIGTERM the file holds the same JSON as `sse-server --report`, where the
/// untagged curl (its address and User-Agent) is only said not to reconnect, with no verdict,
/// and the tagged one is watching (or failed, once 5 s passed); anything but an event stream is
/// not graded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_tap_writes_the_report_at_sigterm() {
    let upstream = Starlette::start().await;
    let report = std::env::temp_dir().join(format!("sse-tap-report-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&report);
    let mut tap = Command::new(env!("CARGO_BIN_EXE_sse-tap"))
        .args(["--upstream", &upstream.url, "--report"])
        .arg(&report)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sse-tap");
    let mut stderr = BufReader::new(tap.stderr.take().unwrap());
    let mut said = String::new();
    stderr.read_line(&mut said).unwrap();
    let url =
        said.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL").trim_end_matches(',');
    for (target, accept) in [
        ("/events?count=2&every=10", "text/event-stream"),
        ("/events?count=2&every=10&client=curl-tagged", "text/event-stream"),
        ("/json", "*/*"),
    ] {
        let status = Command::new("curl")
            .args(["-sN", "--max-time", "10", "-H", &format!("Accept: {accept}"), "-o", "/dev/null"])
            .arg(format!("{url}{target}"))
            .status()
            .expect("run curl");
        assert!(status.success());
    }
    let _ = Command::new("kill").args(["-TERM", &tap.id().to_string()]).status();
    let status = tokio::task::spawn_blocking(move || tap.wait()).await.unwrap().unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("report card of 2 clients written to"), "{rest}");
    let written: Value = serde_json::from_slice(&std::fs::read(&report).expect("the report")).unwrap();
    assert!(written["nowMs"].is_u64() && written["byClient"].is_array(), "{written:#}");
    let clients = written["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 2, "the JSON body was not graded: {written:#}");
    let untagged = clients.iter().find(|c| c["namedBy"] == "addressAndAgent").expect("the untagged curl");
    assert!(untagged["client"].as_str().unwrap().starts_with("127.0.0.1 curl/"), "{untagged:#}");
    assert_eq!(untagged["attempts"][0]["end"], "ended", "{untagged:#}");
    assert_eq!(verdict(untagged, "reestablishes"), "notObserved", "{untagged:#}");
    let tagged = clients.iter().find(|c| c["client"] == "curl-tagged").expect("the tagged curl");
    assert_eq!(tagged["attempts"][0]["delivered"]["events"], 2, "{tagged:#}");
    assert_ne!(verdict(tagged, "reestablishes"), "pass", "{tagged:#}");
    let _ = std::fs::remove_file(&report);
}
