//! The subscriber library against real servers over loopback HTTP.

mod support;

use std::time::{Duration, SystemTime};

use sse_subscriber::{
    parse_header_line, watch, FeedUpdate, SseEvent, SubscribeError, SubscribeRequest, Subscription, Update,
};
use support::{dead_address, spawn_app, spawn_raw, SSE_OK};

fn request(url: &str) -> SubscribeRequest {
    SubscribeRequest::new(url).unwrap()
}

/// The next event, skipping lifecycle updates; panics on an error or the end.
async fn next_event(subscription: &mut Subscription) -> SseEvent {
    loop {
        let update = tokio::time::timeout(Duration::from_secs(5), subscription.next())
            .await
            .expect("an update within 5 s")
            .expect("the subscription is still open");
        match update {
            Update::Event(event) => return event,
            Update::Error { error, .. } => panic!("unexpected error: {error}"),
            Update::Closed { reason, .. } => panic!("closed: {reason}"),
            _ => {}
        }
    }
}

/// Every event until the subscription closes (reconnection off), and how it ended.
async fn all_events(request: SubscribeRequest) -> (Vec<SseEvent>, Option<Update>) {
    let mut subscription = Subscription::new(request.reconnect(false));
    let mut events = Vec::new();
    loop {
        match subscription.next().await {
            Some(Update::Event(event)) => events.push(event),
            Some(end @ (Update::Closed { .. } | Update::Error { .. })) => return (events, Some(end)),
            Some(_) => {}
            None => return (events, None),
        }
    }
}

/// The first error a subscription reports.
async fn first_error(request: SubscribeRequest) -> SubscribeError {
    match all_events(request).await {
        (_, Some(Update::Error { error, will_retry: false })) => error,
        (_, other) => panic!("expected an error, got {other:?}"),
    }
}

/// Counter events arrive in order with their ids, the default type, a size and receive time.
#[tokio::test]
async fn receives_the_counter_with_ids() {
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    let before = SystemTime::now();
    let mut subscription = Subscription::new(request(&app.url("/events?stream=messages")));
    let mut previous: Option<(u64, u64)> = None;
    for _ in 0..5 {
        let event = next_event(&mut subscription).await;
        assert_eq!(event.event, "message");
        assert!(event.received_at >= before);
        assert!(event.size > 0);
        let current = (event.id.parse::<u64>().unwrap(), event.data.parse::<u64>().unwrap());
        if let Some(previous) = previous {
            assert_eq!(current, (previous.0 + 1, previous.1 + 1));
        }
        previous = Some(current);
    }
}

/// Custom headers are sent, beside `Accept: text/event-stream`.
#[tokio::test]
async fn custom_headers_are_sent() {
    let mut server = spawn_raw(SSE_OK, b"data: hi\n\n").await;
    let (name, value) = parse_header_line("X-Forwarded-For: 127.0.0.1").unwrap();
    let (events, _) = all_events(request(&server.url("/events")).header(name, value)).await;
    assert_eq!(events[0].data, "hi");
    let head = server.next_request().await.to_ascii_lowercase();
    assert!(head.starts_with("get /events http/1.1\r\n"), "{head}");
    assert!(head.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), "{head}");
    assert!(head.contains("\r\naccept: text/event-stream\r\n"), "{head}");
    assert!(!head.contains("last-event-id"), "no id yet: {head}");
}

/// Method, body, bearer auth and a preset Last-Event-ID are sent.
#[tokio::test]
async fn method_body_auth_and_last_event_id_are_sent() {
    let mut server = spawn_raw(SSE_OK, b"data: ok\n\n").await;
    let request = request(&server.url("/chat"))
        .method(reqwest::Method::POST)
        .body(r#"{"stream":true}"#)
        .bearer_auth("s3cret")
        .unwrap()
        .last_event_id("41");
    let (events, _) = all_events(request).await;
    assert_eq!((events[0].data.as_str(), events[0].id.as_str()), ("ok", "41"));
    let head = server.next_request().await;
    let lower = head.to_ascii_lowercase();
    assert!(lower.starts_with("post /chat http/1.1\r\n"), "{head}");
    assert!(lower.contains("\r\nauthorization: bearer s3cret\r\n"), "{head}");
    assert!(lower.contains("\r\nlast-event-id: 41\r\n"), "{head}");
    assert!(lower.contains("\r\ncontent-length: 15\r\n"), "{head}");
}

/// `id` persists across events and the type resets to `message` after each dispatch.
#[tokio::test]
async fn last_event_id_persists_and_type_resets() {
    let body = b"id: 5\ndata: a\n\nevent: x\ndata: b\n\ndata: c\n\nid\ndata: d\n\n";
    let server = spawn_raw(SSE_OK, body).await;
    let (events, end) = all_events(request(&server.url("/"))).await;
    let seen: Vec<_> = events.iter().map(|e| (e.event.as_str(), e.data.as_str(), e.id.as_str())).collect();
    assert_eq!(seen, [("message", "a", "5"), ("x", "b", "5"), ("message", "c", "5"), ("message", "d", "")]);
    assert!(matches!(end, Some(Update::Closed { .. })), "{end:?}");
}

/// A refused connection is reported as such.
#[tokio::test]
async fn connection_refused_is_reported() {
    let addr = dead_address().await;
    let error = first_error(request(&format!("http://{addr}/events"))).await;
    assert!(matches!(error, SubscribeError::Connect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("cannot connect to") && message.contains("refused"), "{message}");
}

/// A non-200 status is an error carrying the status and the server's reason.
#[tokio::test]
async fn non_200_status_is_reported_with_its_reason() {
    let app = spawn_app(None).await;
    let error = first_error(request(&app.url("/events?stream=nope"))).await;
    assert!(matches!(error, SubscribeError::Status { status: 404, .. }), "{error:?}");
    assert_eq!(error.to_string(), "HTTP 404: Not Found: stream `nope` does not exist");
}

/// A response that is not `text/event-stream` is refused; parameters are fine.
#[tokio::test]
async fn content_type_is_checked() {
    let app = spawn_app(None).await;
    let error = first_error(request(&app.url("/"))).await;
    assert_eq!(error.to_string(), "expected Content-Type text/event-stream, got text/html; charset=utf-8");

    let server = spawn_raw("HTTP/1.1 200 OK", b"data: x\n\n").await;
    let error = first_error(request(&server.url("/"))).await;
    assert_eq!(error.to_string(), "expected Content-Type text/event-stream, got none");

    let server =
        spawn_raw("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8", b"data: x\n\n").await;
    let (events, _) = all_events(request(&server.url("/"))).await;
    assert_eq!(events[0].data, "x");
}

/// An event over the size limit ends the subscription with a clear error.
#[tokio::test]
async fn oversized_events_are_refused() {
    let body = format!("data: {}\n\n", "x".repeat(2000));
    let server = spawn_raw(SSE_OK, body.as_bytes()).await;
    let error = first_error(request(&server.url("/")).max_event_size(1024)).await;
    assert_eq!(error.to_string(), "event larger than the 1024-byte limit");
}

/// `watch` reports connecting, open, each event and the end of the stream, in order.
#[tokio::test]
async fn watch_reports_the_whole_lifecycle() {
    let server = spawn_raw(SSE_OK, b"data: 1\n\ndata: 2\n\n").await;
    let url = server.url("/s");
    let mut updates = Vec::new();
    watch(request(&url).reconnect(false), |update| {
        updates.push(update);
        true
    })
    .await;
    let kinds: Vec<_> = updates
        .iter()
        .map(|u| match u {
            FeedUpdate::Connecting { url, attempt } => format!("connecting {url} {attempt}"),
            FeedUpdate::Open { status, content_type, .. } => format!("open {status} {content_type}"),
            FeedUpdate::Event { data, .. } => format!("event {data}"),
            FeedUpdate::Error { message, will_retry, .. } => format!("error {message} {will_retry}"),
            FeedUpdate::Retrying { in_ms } => format!("retrying {in_ms}"),
            FeedUpdate::Closed { reason } => format!("closed {reason}"),
            FeedUpdate::Raw { text } => format!("raw {text}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            format!("connecting {url} 1"),
            "open 200 text/event-stream".into(),
            "event 1".into(),
            "event 2".into(),
            "closed the server ended the stream".into()
        ]
    );
}

/// `watch` stops as soon as its receiver is gone.
#[tokio::test]
async fn watch_stops_when_the_receiver_is_gone() {
    let app = spawn_app(Some(Duration::from_millis(10))).await;
    let mut events = 0;
    let watched = watch(request(&app.url("/events?stream=messages")), |update| {
        if matches!(update, FeedUpdate::Event { .. }) {
            events += 1;
        }
        events < 3
    });
    tokio::time::timeout(Duration::from_secs(5), watched).await.expect("watch returned");
    assert_eq!(events, 3);
}

/// With raw reporting on, the raw chunks add up to the exact body (comments, CRLF and all), and
/// each event's `stream_offset` and `size` point at its own block in those bytes.
#[tokio::test]
async fn raw_bytes_are_reported_and_events_point_into_them() {
    let body: &[u8] = b": keep-alive\r\nid: 1\r\ndata: one\r\n\r\nevent: x\ndata: two\n\n:bye\n";
    let server = spawn_raw(SSE_OK, body).await;
    let mut subscription =
        Subscription::new(request(&server.url("/events")).reconnect(false).report_raw(true));
    let (mut raw, mut events) = (Vec::new(), Vec::new());
    while let Some(update) = subscription.next().await {
        match update {
            Update::Raw(read) => raw.extend_from_slice(&read.bytes),
            Update::Event(event) => events.push(event),
            _ => {}
        }
    }
    assert_eq!(raw, body);
    let blocks: Vec<&[u8]> = events
        .iter()
        .map(|e| {
            let end = usize::try_from(e.stream_offset).unwrap();
            &raw[end - e.size..end]
        })
        .collect();
    assert_eq!(blocks, [&b": keep-alive\r\nid: 1\r\ndata: one\r\n\r\n"[..], b"event: x\ndata: two\n\n"]);
}

/// Without raw reporting, no raw updates are made.
#[tokio::test]
async fn raw_bytes_are_not_reported_unless_asked() {
    let server = spawn_raw(SSE_OK, b"data: hi\n\n").await;
    let mut subscription = Subscription::new(request(&server.url("/events")).reconnect(false));
    while let Some(update) = subscription.next().await {
        assert!(!matches!(update, Update::Raw(_)), "raw bytes were reported");
    }
}

/// A caller polling `next()` under short timeouts (as a `select!` with a timer does) does not
/// restart a slow request: the attempt goes on and opens, still attempt 1.
#[tokio::test]
async fn a_slow_response_survives_callers_timeouts() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut head = [0u8; 2048];
                let _ = socket.read(&mut head).await;
                tokio::time::sleep(Duration::from_millis(400)).await;
                let _ = socket.write_all(SSE_OK.as_bytes()).await;
                let _ = socket.write_all(b"\r\n\r\ndata: late\n\n").await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            });
        }
    });
    let mut subscription = Subscription::new(request(&format!("http://{addr}/events")));
    let mut attempts = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        assert!(std::time::Instant::now() < deadline, "never opened; attempts {attempts:?}");
        match tokio::time::timeout(Duration::from_millis(50), subscription.next()).await {
            Ok(Some(Update::Connecting { attempt, .. })) => attempts.push(attempt),
            Ok(Some(Update::Event(event))) => {
                assert_eq!(event.data, "late");
                break;
            }
            Ok(Some(Update::Error { error, .. })) => panic!("{error}"),
            _ => {}
        }
    }
    assert_eq!(attempts, [1]);
}
