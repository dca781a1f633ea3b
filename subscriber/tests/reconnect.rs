//! Reconnection as EventSource does it, against servers that drop connections.

mod support;

use std::time::{Duration, Instant};

use sse_subscriber::{SubscribeRequest, Subscription, Update};
use support::{spawn_script, Reply};

/// Collects updates until `stop` says so, with an overall time limit.
async fn collect(subscription: &mut Subscription, mut stop: impl FnMut(&[Update]) -> bool) -> Vec<Update> {
    let mut updates = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !stop(&updates) {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(remaining, subscription.next()).await {
            Ok(Some(update)) => updates.push(update),
            Ok(None) => break,
            Err(_) => panic!("timed out; updates so far: {updates:?}"),
        }
    }
    updates
}

/// The delays of the `Retrying` updates, in order.
fn retry_delays(updates: &[Update]) -> Vec<Duration> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::Retrying { delay } => Some(*delay),
            _ => None,
        })
        .collect()
}

fn events(updates: &[Update]) -> Vec<(String, String)> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::Event(e) => Some((e.data.clone(), e.id.clone())),
            _ => None,
        })
        .collect()
}

/// After the stream ends, the client waits the server's `retry` and resumes with
/// `Last-Event-ID`.
#[tokio::test]
async fn reconnects_after_retry_with_last_event_id() {
    let server = spawn_script(vec![
        Reply::sse("retry: 200\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n"),
        Reply::sse("id: 3\ndata: c\n\n"),
    ])
    .await;
    let mut subscription = Subscription::new(SubscribeRequest::new(&server.url("/s")).unwrap());
    let started = Instant::now();
    let updates = collect(&mut subscription, |u| events(u).len() == 3).await;
    assert_eq!(
        events(&updates),
        [("a".into(), "1".into()), ("b".into(), "2".into()), ("c".into(), "3".into())]
    );
    assert_eq!(
        retry_delays(&updates).first(),
        Some(&Duration::from_millis(200)),
        "the server's retry is the first delay"
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    let requests = server.requests().await;
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].to_ascii_lowercase().contains("last-event-id"));
    assert!(requests[1].to_ascii_lowercase().contains("\r\nlast-event-id: 2\r\n"), "{}", requests[1]);
}

/// HTTP 204 stops the client for good.
#[tokio::test]
async fn no_content_stops_reconnecting() {
    let server = spawn_script(vec![
        Reply::sse("retry: 50\ndata: a\n\n"),
        Reply::raw("HTTP/1.1 204 No Content\r\ncontent-length: 0"),
    ])
    .await;
    let mut subscription = Subscription::new(SubscribeRequest::new(&server.url("/")).unwrap());
    let updates = collect(&mut subscription, |_| false).await;
    match updates.last() {
        Some(Update::Closed { reason, .. }) => assert!(reason.contains("204"), "{reason}"),
        other => panic!("expected closed, got {other:?}"),
    }
    assert_eq!(server.requests().await.len(), 2);
}

/// 4xx and a wrong Content-Type fail without reconnecting.
#[tokio::test]
async fn client_errors_and_wrong_types_are_not_retried() {
    for head in ["HTTP/1.1 403 Forbidden\r\ncontent-length: 0", "HTTP/1.1 200 OK\r\ncontent-type: text/plain"]
    {
        let server = spawn_script(vec![Reply::raw(head), Reply::sse("data: never\n\n")]).await;
        let request =
            SubscribeRequest::new(&server.url("/")).unwrap().default_retry(Duration::from_millis(10));
        let mut subscription = Subscription::new(request);
        let updates = collect(&mut subscription, |_| false).await;
        assert!(
            matches!(updates.last(), Some(Update::Error { will_retry: false, .. })),
            "{head}: {updates:?}"
        );
        assert_eq!(server.requests().await.len(), 1, "{head}");
    }
}

/// With `retry_server_errors`, 503 is retried with backoff until the server recovers.
#[tokio::test]
async fn server_errors_are_retried_when_asked() {
    let server = spawn_script(vec![
        Reply::raw("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0"),
        Reply::raw("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0"),
        Reply::sse("data: up\n\n"),
    ])
    .await;
    let request = SubscribeRequest::new(&server.url("/"))
        .unwrap()
        .retry_server_errors(true)
        .default_retry(Duration::from_millis(50));
    let mut subscription = Subscription::new(request);
    let updates = collect(&mut subscription, |u| !events(u).is_empty()).await;
    let delays = retry_delays(&updates);
    assert_eq!(delays.len(), 2, "{updates:?}");
    assert_eq!(delays[0], Duration::from_millis(50));
    // The second failure in a row doubles the wait, less up to half of jitter.
    assert!(delays[1] >= Duration::from_millis(50) && delays[1] <= Duration::from_millis(100), "{delays:?}");
}

/// A server that goes silent past the idle timeout is reconnected to.
#[tokio::test]
async fn idle_timeout_triggers_a_reconnect() {
    let server = spawn_script(vec![Reply::sse("data: a\n\n").hold_open(), Reply::sse("data: b\n\n")]).await;
    let request = SubscribeRequest::new(&server.url("/"))
        .unwrap()
        .idle_timeout(Some(Duration::from_millis(200)))
        .default_retry(Duration::from_millis(10));
    let mut subscription = Subscription::new(request);
    let updates = collect(&mut subscription, |u| events(u).len() == 2).await;
    let idle = updates.iter().any(|u| {
        matches!(u, Update::Error { error, will_retry: true } if error.to_string().contains("idle timeout"))
    });
    assert!(idle, "{updates:?}");
}

/// Redirects are followed to the stream.
#[tokio::test]
async fn redirects_are_followed() {
    let server = spawn_script(vec![
        Reply::raw("HTTP/1.1 307 Temporary Redirect\r\nlocation: /moved\r\ncontent-length: 0"),
        Reply::sse("data: here\n\n"),
    ])
    .await;
    let request = SubscribeRequest::new(&server.url("/old")).unwrap().reconnect(false);
    let mut subscription = Subscription::new(request);
    let updates = collect(&mut subscription, |_| false).await;
    assert_eq!(events(&updates), [("here".into(), "".into())]);
    let requests = server.requests().await;
    assert!(requests[1].starts_with("GET /moved HTTP/1.1\r\n"), "{}", requests[1]);
}

/// After a 301 or a 308, a reconnection goes straight to where the redirect led (the fetch's
/// final URL, as Chromium's EventSource does), still sending `Last-Event-ID`.
#[tokio::test]
async fn reconnections_go_to_the_redirects_target() {
    for status in ["301 Moved Permanently", "308 Permanent Redirect"] {
        let server = spawn_script(vec![
            Reply::raw(&format!("HTTP/1.1 {status}\r\nlocation: /new?stream=x\r\ncontent-length: 0")),
            Reply::sse("retry: 10\nid: 1\ndata: a\n\n"),
            Reply::sse("id: 2\ndata: b\n\n"),
        ])
        .await;
        let request = SubscribeRequest::new(&server.url("/old")).unwrap();
        let mut subscription = Subscription::new(request);
        let updates = collect(&mut subscription, |updates| events(updates).len() == 2).await;
        assert_eq!(events(&updates), [("a".into(), "1".into()), ("b".into(), "2".into())], "{status}");
        let requests = server.requests().await;
        assert!(requests[0].starts_with("GET /old HTTP/1.1\r\n"), "{}", requests[0]);
        assert!(requests[2].starts_with("GET /new?stream=x HTTP/1.1\r\n"), "{status}: {}", requests[2]);
        assert!(requests[2].contains("\r\nlast-event-id: 1\r\n"), "{}", requests[2]);
        let reconnecting = updates.iter().filter_map(|u| match u {
            Update::Connecting { url, attempt: 2, .. } => Some(url.clone()),
            _ => None,
        });
        assert_eq!(
            reconnecting.collect::<Vec<_>>(),
            [server.url("/new?stream=x")],
            "the attempt names the new URL"
        );
    }
}

/// Basic authentication is sent as `Authorization: Basic base64(user:password)`.
#[tokio::test]
async fn basic_auth_is_sent() {
    let server = spawn_script(vec![Reply::sse("data: in\n\n")]).await;
    let request = SubscribeRequest::new(&server.url("/"))
        .unwrap()
        .basic_auth("aladdin", "opensesame")
        .unwrap()
        .reconnect(false);
    let mut subscription = Subscription::new(request);
    collect(&mut subscription, |_| false).await;
    let head = server.requests().await.remove(0);
    assert!(head.contains("\r\nauthorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\n"), "{head}");
}

/// `sse-sub` uses the proxy named in the environment (`http_proxy`).
#[tokio::test]
async fn the_environments_proxy_is_used() {
    let proxy = spawn_script(vec![Reply::sse("data: via proxy\n\n")]).await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--no-reconnect", "http://sse.example.test/stream"])
        .env("http_proxy", proxy.url(""))
        .env("HTTP_PROXY", proxy.url(""))
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout, b"via proxy\n");
    let head = proxy.requests().await.remove(0);
    assert!(head.starts_with("GET http://sse.example.test/stream HTTP/1.1\r\n"), "{head}");
}

/// `next` is cancel-safe: polling it under short timeouts loses no event and no connection.
#[tokio::test]
async fn next_survives_cancellation() {
    let chunks = (1..=5)
        .map(|n| (Duration::from_millis(60), format!("id: {n}\ndata: {n}\n\n").into_bytes()))
        .collect();
    let addr = support::spawn_chunked(chunks).await;
    let request = SubscribeRequest::new(&format!("http://{addr}/")).unwrap().reconnect(false);
    let mut subscription = Subscription::new(request);
    let mut seen = Vec::new();
    let mut connects = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(Instant::now() < deadline, "stuck; seen {seen:?}");
        match tokio::time::timeout(Duration::from_millis(25), subscription.next()).await {
            Err(_) => continue,
            Ok(None) => break,
            Ok(Some(Update::Event(event))) => seen.push(event.data),
            Ok(Some(Update::Connecting { .. })) => connects += 1,
            Ok(Some(Update::Error { error, .. })) => panic!("{error}"),
            Ok(Some(_)) => {}
        }
    }
    assert_eq!(seen, ["1", "2", "3", "4", "5"]);
    assert_eq!(connects, 1, "one connection throughout");
}
