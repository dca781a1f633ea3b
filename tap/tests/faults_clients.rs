//! Real clients nobody here wrote, through a tap whose rule cuts their stream from PyPI
//! sse-starlette inside its fourth event: Debian's Chromium (through npm `playwright-core`), npm
//! `eventsource` and `sse-sub` each get every event once, in order, and their resume reaches the
//! upstream with the `Last-Event-ID` of the last whole event they got (the third).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use sse_faults::FaultRules;
use sse_tap::{Ending, Recorder, TapConfig};

mod common;
use common::starlette::Starlette;
use common::start_tap;

/// Tell the client to come back in 200 ms (`retry: 200` and a blank line: 12 bytes), then cut
/// once, 10 bytes into the fourth event (sse-starlette's are 24 bytes each below id 10:
/// `id: N`, `data: event N`, CRLF endings).
const CUT_ONCE: &str = r#"[{"path": "/events*", "once": true, "cutAfterBytes": 94, "retryMs": 200}]"#;

async fn cutting_tap(upstream: &str) -> (String, Recorder, tokio::sync::oneshot::Sender<()>) {
    let mut config = TapConfig::new(upstream).expect("a valid upstream");
    config.faults = FaultRules::parse(CUT_ONCE.as_bytes()).expect("valid rules");
    let (addr, recorder, stop) = start_tap(config).await;
    (format!("http://{addr}"), recorder, stop)
}

/// Runs `program args…` to its end (60 s at most); its stdout.
async fn run(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let output = tokio::process::Command::new(program.as_ref())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .unwrap_or_else(|_| panic!("{:?} did not finish within 60 s", program.as_ref()))
        .expect("run the client");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?} failed: {stderr}", program.as_ref());
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn client(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(name).display().to_string()
}

/// The upstream saw a first request without Last-Event-ID, then the resume with `3`; the tap
/// recorded the cut.
async fn resumed_after_the_third(upstream: &mut Starlette, recorder: &Recorder) {
    let first = upstream.next_request().await;
    assert_eq!(first["lastEventId"], Value::Null, "{first}");
    let resume = upstream.next_request().await;
    assert_eq!(resume["lastEventId"], "3", "the resume carries the last whole event's id: {resume}");
    let cut = recorder
        .exchanges()
        .into_iter()
        .find(|e| matches!(e.ending, Some(Ending::CutByFault { .. })))
        .and_then(|e| e.fault)
        .expect("the tap cut the first exchange");
    assert_eq!(cut.line(), "rule 1: sent retry: 200, cut after 3 events at byte 94", "inside the fourth");
}

/// The `id` of each JSON line a client printed, one event a line.
fn ids_of_json_lines(said: &str) -> Vec<String> {
    let id = |line: &str| {
        serde_json::from_str::<Value>(line).expect("a JSON line")["id"].as_str().unwrap_or("").to_owned()
    };
    said.lines().map(id).collect()
}

fn numbered(ids: &[String]) {
    let expected: Vec<String> = (1..=6).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected, "every event once, in order");
}

/// Chromium's EventSource, on a page of the tap's origin, resumes after the cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_resumes_after_a_cut_with_the_last_whole_events_id() {
    let mut upstream = Starlette::start().await;
    let (tap, recorder, _stop) = cutting_tap(&upstream.url).await;
    let said =
        run("node", &[&client("browser-resume.mjs"), &format!("{tap}/json"), "/events?count=6", "6"]).await;
    let got: Value = serde_json::from_str(said.trim()).expect("one JSON object");
    let ids: Vec<String> =
        got["ids"].as_array().expect("ids").iter().map(|v| v.as_str().unwrap_or("").to_owned()).collect();
    numbered(&ids[..6.min(ids.len())]);
    assert!(got["errors"].as_u64() >= Some(1), "the cut was seen: {got}");
    let page = upstream.next_request().await;
    assert_eq!(page["request"], "/json");
    resumed_after_the_third(&mut upstream, &recorder).await;
}

/// npm `eventsource` resumes after the cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn npm_eventsource_resumes_after_a_cut_with_the_last_whole_events_id() {
    let mut upstream = Starlette::start().await;
    let (tap, recorder, _stop) = cutting_tap(&upstream.url).await;
    let said = run("node", &[&client("eventsource.mjs"), &format!("{tap}/events?count=6"), "6"]).await;
    numbered(&ids_of_json_lines(&said));
    resumed_after_the_third(&mut upstream, &recorder).await;
}

/// `sse-sub` resumes after the cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_sub_resumes_after_a_cut_with_the_last_whole_events_id() {
    let sse_sub = PathBuf::from(env!("CARGO_BIN_EXE_sse-tap")).with_file_name("sse-sub");
    assert!(sse_sub.is_file(), "{} not built: run the workspace tests", sse_sub.display());
    let mut upstream = Starlette::start().await;
    let (tap, recorder, _stop) = cutting_tap(&upstream.url).await;
    let said = run(&sse_sub, &[&format!("{tap}/events?count=6"), "--json", "--count", "6"]).await;
    numbered(&ids_of_json_lines(&said));
    resumed_after_the_third(&mut upstream, &recorder).await;
}
