//! The subscriber against the embedded server's fault profiles: cut at every byte offset of a
//! short stream (inside a line, inside a UTF-8 sequence, between the CR and LF of a CRLF), it
//! resumes with `Last-Event-ID` and gets every event exactly once; ids reset on the wire are
//! what it resumes from, as a client would.

mod support;

use std::time::Duration;

use embedded_server::Publish;
use sse_subscriber::{SubscribeRequest, Subscription, Update};
use support::{put_faults, spawn_app};

const DATA: [&str; 3] = ["héllo", "wörld ✓", "c"];

/// The data of the first `count` events the subscription delivers, within 10 s, and how many
/// connections it took.
async fn first_events(subscription: &mut Subscription, count: usize) -> (Vec<String>, usize) {
    let mut data = Vec::new();
    let mut connections = 0;
    tokio::time::timeout(Duration::from_secs(10), async {
        while data.len() < count {
            match subscription.next().await {
                Some(Update::Event(event)) => data.push(event.data),
                Some(Update::Connecting { .. }) => connections += 1,
                Some(_) => {}
                None => break,
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{count} events within 10 s, got {data:?}"));
    (data, connections)
}

/// Cut after every byte count of the CRLF stream (once, then a clean reconnect), the
/// subscriber never loses or repeats an event.
#[tokio::test]
async fn a_cut_at_every_byte_never_loses_or_repeats_an_event() {
    let server = spawn_app(None).await;
    server.broker.create_stream("s").unwrap();
    for data in DATA {
        server.broker.publish("s", Publish::data(data)).unwrap();
    }
    let base = server.url("");
    // The greeting and the three events, with CRLF endings.
    let body_len = ": ok\r\n\r\n".len()
        + DATA
            .iter()
            .enumerate()
            .map(|(i, d)| format!("id: {}\r\ndata: {d}\r\n\r\n", i + 1).len())
            .sum::<usize>();
    for cut in 1..=body_len {
        put_faults(&base, "s", &format!(r#"{{"cutAfterBytes": {cut}, "lineEnding": "crlf", "once": true}}"#))
            .await;
        let request = SubscribeRequest::new(&server.url("/events?stream=s&lastEventId=0"))
            .unwrap()
            .default_retry(Duration::from_millis(5));
        let mut subscription = Subscription::new(request);
        let (data, connections) = first_events(&mut subscription, DATA.len()).await;
        assert_eq!(data, DATA, "cut after {cut} of {body_len} bytes");
        // Cut before the last CR, the third event is not yet dispatched: a resume brings it.
        // (A lone CR ends a line, so the last event is whole one byte before the end.)
        if cut + 1 < body_len {
            assert_eq!(connections, 2, "cut after {cut} bytes: one cut, one resume");
        }
    }
}

/// What the subscriber reports after its first event, when the stream is cut after it and the
/// reconnect is answered as the profile says: the updates' words, until it closes or `until`
/// matches, within 10 s.
async fn after_a_cut(server: &support::EmbeddedServer, answer: &str, until: &str) -> String {
    put_faults(&server.url(""), "s", &format!(r#"{{"cutAfterEvents": 1, "onReconnect": {answer}}}"#)).await;
    let request = SubscribeRequest::new(&server.url("/events?stream=s&lastEventId=0"))
        .unwrap()
        .default_retry(Duration::from_millis(5));
    let mut subscription = Subscription::new(request);
    let mut seen = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(update) = subscription.next().await {
            let line = match update {
                Update::Event(event) => format!("event {}", event.data),
                Update::Error { error, will_retry } => format!("error ({will_retry}) {error}"),
                Update::Closed { reason, .. } => format!("closed {reason}"),
                _ => continue,
            };
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("closed") || line.contains(until) {
                break;
            }
        }
    })
    .await;
    seen
}

/// Each answer on reconnect, as the subscriber sees it: 204 ends the stream for good, a 4xx,
/// a 5xx and a wrong Content-Type are errors it does not retry, and a redirect is followed.
#[tokio::test]
async fn each_reconnect_answer_is_seen_by_the_subscriber() {
    let server = spawn_app(None).await;
    for stream in ["s", "t"] {
        server.broker.create_stream(stream).unwrap();
    }
    server.broker.publish("s", Publish::data("a")).unwrap();
    server.broker.publish("s", Publish::data("b")).unwrap();
    // The redirected request still carries Last-Event-ID: 1, so t's second event is the next.
    server.broker.publish("t", Publish::data("first")).unwrap();
    server.broker.publish("t", Publish::data("elsewhere")).unwrap();
    for (answer, expected) in [
        (r#"{"status": 204}"#, "204"),
        (r#"{"status": 404}"#, "404"),
        (r#"{"status": 503}"#, "503"),
        (r#"{"contentType": "text/plain"}"#, "text/plain"),
    ] {
        let seen = after_a_cut(&server, answer, "never").await;
        let lines: Vec<&str> = seen.lines().collect();
        assert_eq!(lines.first(), Some(&"event a"), "{answer}: {seen}");
        assert!(!seen.contains("event b"), "{answer}: the reconnect is not streamed: {seen}");
        assert!(lines.iter().any(|line| line.contains(expected)), "{answer}: {seen}");
        let last = lines.last().copied().unwrap_or("");
        assert!(
            last.starts_with("closed") || last.starts_with("error (false)"),
            "{answer}: not retried: {seen}"
        );
    }
    let seen = after_a_cut(&server, r#"{"redirect": "/events?stream=t&lastEventId=0"}"#, "elsewhere").await;
    assert!(
        seen.starts_with("event a\n") && seen.contains("event elsewhere"),
        "the redirect is followed: {seen}"
    );
}

/// The `sse-sub` binary itself, cut after its first event, retries, and is answered on
/// reconnect: 204 ends it cleanly (exit 0) after that event; a 503 is a failure it reports and
/// exits 1 on.
#[tokio::test]
async fn sse_sub_reports_each_reconnect_answer() {
    let server = spawn_app(None).await;
    server.broker.create_stream("s").unwrap();
    server.broker.publish("s", Publish::data("a")).unwrap();
    server.broker.publish("s", Publish::data("b")).unwrap();
    for (answer, code, said) in [(r#"{"status": 204}"#, 0, "retrying"), (r#"{"status": 503}"#, 1, "HTTP 503")]
    {
        put_faults(&server.url(""), "s", &format!(r#"{{"cutAfterEvents": 1, "onReconnect": {answer}}}"#))
            .await;
        let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
            .args(["--json", &server.url("/events?stream=s&lastEventId=0")])
            .stdin(std::process::Stdio::null())
            .output();
        let output = tokio::time::timeout(Duration::from_secs(20), run).await.expect("sse-sub ends").unwrap();
        let (stdout, stderr) =
            (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(code), "{answer}: {stdout}{stderr}");
        assert_eq!(stdout.matches("\"data\":").count(), 1, "{answer}: only the first event: {stdout}");
        assert!(stdout.contains("\"data\":\"a\""), "{answer}: {stdout}");
        assert!(format!("{stdout}{stderr}").contains(said), "{answer}: {stdout}{stderr}");
    }
}
