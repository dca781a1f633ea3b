//! `sse-sub`, a real client run as a process, graded by the embedded server's report card
//! against fault profiles: cut mid-stream with `retry`, 204 and 503 on reconnect, a redirect
//! then a cut. Our own client must pass every MUST on its card.

mod support;

use std::time::Duration;

use embedded_server::Publish;
use serde_json::Value;
use support::{put_faults, spawn_app};

/// Runs `sse-sub` on `url` for at most `secs`, and gives its exit code.
async fn run_sse_sub(url: &str, secs: f64) -> Option<i32> {
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--json", "--timeout", &secs.to_string(), url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .unwrap();
    status.code()
}

/// The card of `client` from `GET /clients`.
async fn card(base: &str, client: &str) -> Value {
    let body = reqwest::get(format!("{base}/clients?client={client}")).await.unwrap().text().await.unwrap();
    let report: Value = serde_json::from_str(&body).unwrap();
    let clients = report["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 1, "one client named {client}: {report:#}");
    clients[0].clone()
}

/// The verdict of the rule whose name starts with `rule`.
fn verdict<'a>(graded: &'a Value, rule: &str) -> &'a str {
    let rules = graded["card"]["rules"].as_array().unwrap();
    let found = rules.iter().find(|r| r["rule"].as_str().unwrap().starts_with(rule));
    found.unwrap_or_else(|| panic!("no rule `{rule}` in {graded:#}"))["verdict"].as_str().unwrap()
}

/// The card of `client` once the verdict of `rule` is decided (its 5 s watch over), polled
/// for at most 15 s; what was awaited is said when it does not come.
async fn card_once_decided(base: &str, client: &str, rule: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let graded = card(base, client).await;
        if verdict(&graded, rule) != "notObserved" {
            return graded;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`{rule}` decided for {client} within 15 s: {graded:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every MUST on the card passed, or was not observed.
fn passes_every_must(graded: &Value) {
    for rule in graded["card"]["rules"].as_array().unwrap() {
        if rule["level"] == "MUST" {
            assert!(rule["verdict"] == "pass" || rule["verdict"] == "notObserved", "{rule:#}\n{graded:#}");
        }
    }
}

/// Cut inside the second event of every connection, with `retry: 500`: sse-sub resumes from
/// the last whole event, waits the retry, and sends the same request again; the card says so.
#[tokio::test]
async fn sse_sub_resumes_after_cuts_as_the_card_checks() {
    let server = spawn_app(None).await;
    server.broker.create_stream("cut").unwrap();
    for n in 1..=6 {
        server.broker.publish("cut", Publish::data(format!("event {n}"))).unwrap();
    }
    let base = server.url("");
    // `retry: 500` and the greeting are 18 bytes, each event 21: byte 49 is inside the second.
    put_faults(&base, "cut", r#"{"cutAfterBytes": 49, "retryMs": 500}"#).await;
    run_sse_sub(&server.url("/events?stream=cut&lastEventId=0&client=sse-sub-cut"), 2.5).await;
    let graded = card(&base, "sse-sub-cut").await;
    let attempts = graded["attempts"].as_array().unwrap();
    let sent: Vec<&Value> = attempts.iter().map(|a| &a["lastEventId"]).collect();
    assert_eq!(
        sent[..4],
        [&Value::Null, &Value::from("1"), &Value::from("2"), &Value::from("3")],
        "{graded:#}"
    );
    assert_eq!(graded["namedBy"], "parameter");
    let agent = attempts[0]["headers"].as_array().unwrap().iter().find(|h| h[0] == "user-agent").cloned();
    assert_eq!(
        agent,
        Some(serde_json::json!(["user-agent", concat!("sse-subscriber/", env!("CARGO_PKG_VERSION"))]))
    );
    assert_eq!(graded["card"]["reconnects"], true);
    assert_eq!(verdict(&graded, "sends Last-Event-ID"), "pass", "{graded:#}");
    assert_eq!(verdict(&graded, "waits at least the retry"), "pass", "{graded:#}");
    assert_eq!(verdict(&graded, "sends the same method"), "pass", "{graded:#}");
    passes_every_must(&graded);
}

/// 204 and 503 on reconnect: sse-sub makes no further attempt within 5 s (it does not retry a
/// 5xx unless told to); a redirect on reconnect is followed to its target.
#[tokio::test]
async fn sse_sub_gives_up_and_follows_redirects_as_the_card_checks() {
    let server = spawn_app(None).await;
    let base = server.url("");
    for stream in ["gone", "down", "moved"] {
        server.broker.create_stream(stream).unwrap();
        for n in 1..=3 {
            server.broker.publish(stream, Publish::data(format!("event {n}"))).unwrap();
        }
    }
    put_faults(&base, "gone", r#"{"cutAfterEvents": 1, "retryMs": 100, "onReconnect": {"status": 204}}"#)
        .await;
    put_faults(&base, "down", r#"{"cutAfterEvents": 1, "retryMs": 100, "onReconnect": {"status": 503}}"#)
        .await;
    let target = "/events?stream=moved&client=sse-sub-moved&via=redirect";
    put_faults(
        &base,
        "moved",
        &format!(r#"{{"cutAfterEvents": 1, "retryMs": 100, "onReconnect": {{"redirect": "{target}"}}}}"#),
    )
    .await;
    let urls = ["gone", "down", "moved"]
        .map(|stream| server.url(&format!("/events?stream={stream}&lastEventId=0&client=sse-sub-{stream}")));
    let (gone, down, _) =
        tokio::join!(run_sse_sub(&urls[0], 3.0), run_sse_sub(&urls[1], 3.0), run_sse_sub(&urls[2], 1.5));
    assert_eq!((gone, down), (Some(0), Some(1)), "204 ends sse-sub cleanly, 503 is a failure");
    // The rule on giving up watches 5 s after the answer for another attempt.
    for client in ["sse-sub-gone", "sse-sub-down"] {
        let graded = card_once_decided(&base, client, "makes no attempt after 204").await;
        assert_eq!(graded["attempts"].as_array().unwrap().len(), 2, "{graded:#}");
        assert_eq!(verdict(&graded, "makes no attempt after 204"), "pass", "{graded:#}");
        passes_every_must(&graded);
    }
    let graded = card(&base, "sse-sub-moved").await;
    assert_eq!(verdict(&graded, "follows a redirect"), "pass", "{graded:#}");
    let targets: Vec<&str> =
        graded["attempts"].as_array().unwrap().iter().map(|a| a["target"].as_str().unwrap()).collect();
    assert_eq!(targets[2], target, "{graded:#}");
    passes_every_must(&graded);
}

/// A 503 on reconnect whose `text/plain` page holds `retry: 2345`: `sse-sub --retry-http-errors`
/// retries after its own backoff, not the page's 2,345 ms, so the card notes it retried on
/// purpose and did not read the page as a stream.
#[tokio::test]
async fn a_retried_error_page_is_noted_as_a_retry_of_its_own() {
    let server = spawn_app(None).await;
    let base = server.url("");
    server.broker.create_stream("down").unwrap();
    for n in 1..=3 {
        server.broker.publish("down", Publish::data(format!("event {n}"))).unwrap();
    }
    put_faults(&base, "down", r#"{"cutAfterEvents": 1, "retryMs": 100, "onReconnect": {"status": 503}}"#)
        .await;
    let url = server.url("/events?stream=down&lastEventId=0&client=sse-sub-retries");
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--json", "--retry-http-errors", "--count", "3", "--timeout", "10", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .output()
        .await
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let graded = card_once_decided(&base, "sse-sub-retries", "does not read an error page").await;
    assert_eq!(verdict(&graded, "does not read an error page"), "pass", "{graded:#}");
    let rules = graded["card"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["rule"].as_str().unwrap().starts_with("does not read an error page"))
        .unwrap();
    assert!(rule["evidence"][0].as_str().unwrap().contains("a retry of its own"), "{rule:#}");
    assert_eq!(rule["level"], "INFO");
}

/// `sse-sub --idle-timeout 1` on a quiet stream (keep-alives every 15 s) drops it after a
/// second without a byte and reconnects on its own (after its default 3 s reconnection time): the card notes each such reconnect with the
/// silence before it, and grades it on Last-Event-ID and on sending the same request.
#[tokio::test]
async fn reconnects_made_on_its_own_are_noted_with_the_silence_before_them() {
    let server = spawn_app(None).await;
    server.broker.create_stream("quiet").unwrap();
    for n in 1..=2 {
        server.broker.publish("quiet", Publish::data(format!("event {n}"))).unwrap();
    }
    let base = server.url("");
    let url = format!("{base}/events?stream=quiet&lastEventId=0&client=quiet");
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--json", "--idle-timeout", "1", "--timeout", "9", &url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .unwrap();
    assert_eq!(status.code(), Some(3), "--timeout ends it");
    let graded = card(&base, "quiet").await;
    assert!(graded["card"]["reconnects"].is_null(), "no stream the server ended: {graded:#}");
    let attempts = graded["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 3, "it came back on its own at least twice: {graded:#}");
    let rules = graded["card"]["rules"].as_array().unwrap();
    let quiet = rules.iter().find(|r| r["rule"] == "does not drop a quiet stream on its own").unwrap();
    assert_eq!(
        (quiet["level"].as_str(), quiet["verdict"].as_str()),
        (Some("INFO"), Some("fail")),
        "{quiet:#}"
    );
    let evidence = quiet["evidence"][0].as_str().unwrap();
    assert!(evidence.contains("after 1.") && evidence.contains("without a byte"), "{evidence}");
    assert!(attempts[0]["silentMs"].as_u64().is_some_and(|ms| ms >= 900), "{:#}", attempts[0]);
    assert_eq!(verdict(&graded, "sends Last-Event-ID"), "pass", "{graded:#}");
    assert_eq!(verdict(&graded, "sends the same method"), "pass", "{graded:#}");
    assert_eq!(attempts[1]["lastEventId"], "2", "{graded:#}");
}
