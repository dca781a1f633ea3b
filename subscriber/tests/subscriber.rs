//! The subscriber library against real servers over loopback HTTP.

mod support;

use std::time::{Duration, SystemTime};

use sse_subscriber::{connect, parse_header_line, watch, FeedUpdate, SubscribeError, SubscribeRequest};
use support::{dead_address, spawn_app, spawn_raw, SSE_OK};

fn request(url: &str) -> SubscribeRequest {
    SubscribeRequest::new(url).unwrap()
}

/// Counter events arrive in order with their ids, the default type and a receive time.
#[tokio::test]
async fn receives_the_counter_with_ids() {
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    let before = SystemTime::now();
    let mut subscription = connect(&request(&app.url("/events?stream=messages"))).await.unwrap();
    assert_eq!(subscription.status(), 200);
    let mut previous: Option<(u64, u64)> = None;
    for _ in 0..5 {
        let event = subscription.next_event().await.unwrap().unwrap();
        assert_eq!(event.event, "message");
        assert!(event.received_at >= before);
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
    let server = spawn_raw(SSE_OK, b"data: hi\n\n").await;
    let (name, value) = parse_header_line("X-Forwarded-For: 127.0.0.1").unwrap();
    let mut subscription = connect(&request(&server.url("/events")).header(name, value)).await.unwrap();
    assert_eq!(subscription.next_event().await.unwrap().unwrap().data, "hi");
    let head = server.request.await.unwrap().to_ascii_lowercase();
    assert!(head.starts_with("get /events http/1.1\r\n"), "{head}");
    assert!(head.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), "{head}");
    assert!(head.contains("\r\naccept: text/event-stream\r\n"), "{head}");
}

/// `id` persists across events and the type resets to `message` after each dispatch.
#[tokio::test]
async fn last_event_id_persists_and_type_resets() {
    let body = b"id: 5\ndata: a\n\nevent: x\ndata: b\n\ndata: c\n\nid\ndata: d\n\n";
    let server = spawn_raw(SSE_OK, body).await;
    let mut subscription = connect(&request(&server.url("/"))).await.unwrap();
    let mut seen = Vec::new();
    while let Some(event) = subscription.next_event().await {
        let event = event.unwrap();
        seen.push((event.event, event.data, event.id));
    }
    let expected = [("message", "a", "5"), ("x", "b", "5"), ("message", "c", "5"), ("message", "d", "")];
    let expected: Vec<_> =
        expected.iter().map(|(t, d, i)| (t.to_string(), d.to_string(), i.to_string())).collect();
    assert_eq!(seen, expected);
}

/// A refused connection is reported as such.
#[tokio::test]
async fn connection_refused_is_reported() {
    let addr = dead_address().await;
    let error = connect(&request(&format!("http://{addr}/events"))).await.unwrap_err();
    assert!(matches!(error, SubscribeError::Connect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("cannot connect to") && message.contains("refused"), "{message}");
}

/// A non-200 status is an error carrying the status and the server's reason.
#[tokio::test]
async fn non_200_status_is_reported_with_its_reason() {
    let app = spawn_app(None).await;
    let error = connect(&request(&app.url("/events?stream=nope"))).await.unwrap_err();
    assert!(matches!(error, SubscribeError::Status { status: 404, .. }), "{error:?}");
    assert_eq!(error.to_string(), "HTTP 404: Not Found: stream `nope` does not exist");
}

/// A response that is not `text/event-stream` is refused; parameters are fine.
#[tokio::test]
async fn content_type_is_checked() {
    let app = spawn_app(None).await;
    let error = connect(&request(&app.url("/"))).await.unwrap_err();
    assert_eq!(error.to_string(), "expected Content-Type text/event-stream, got text/html; charset=utf-8");

    let server = spawn_raw("HTTP/1.1 200 OK", b"data: x\n\n").await;
    let error = connect(&request(&server.url("/"))).await.unwrap_err();
    assert_eq!(error.to_string(), "expected Content-Type text/event-stream, got none");

    let server =
        spawn_raw("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8", b"data: x\n\n").await;
    let mut subscription = connect(&request(&server.url("/"))).await.unwrap();
    assert_eq!(subscription.next_event().await.unwrap().unwrap().data, "x");
}

/// `watch` reports connecting, open, each event and the end of the stream, in order.
#[tokio::test]
async fn watch_reports_the_whole_lifecycle() {
    let server = spawn_raw(SSE_OK, b"data: 1\n\ndata: 2\n\n").await;
    let url = server.url("/s");
    let mut updates = Vec::new();
    watch(&request(&url), |update| {
        updates.push(update);
        true
    })
    .await;
    let kinds: Vec<_> = updates
        .iter()
        .map(|u| match u {
            FeedUpdate::Connecting { url } => format!("connecting {url}"),
            FeedUpdate::Open { status, content_type } => format!("open {status} {content_type}"),
            FeedUpdate::Event { data, .. } => format!("event {data}"),
            FeedUpdate::Error { message } => format!("error {message}"),
            FeedUpdate::Closed => "closed".into(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            format!("connecting {url}"),
            "open 200 text/event-stream".into(),
            "event 1".into(),
            "event 2".into(),
            "closed".into()
        ]
    );
}

/// `watch` ends with an error update when the server refuses the subscription.
#[tokio::test]
async fn watch_reports_errors() {
    let app = spawn_app(None).await;
    let mut updates = Vec::new();
    watch(&request(&app.url("/events?stream=nope")), |update| {
        updates.push(update);
        true
    })
    .await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert_eq!(
        updates[1],
        FeedUpdate::Error { message: "HTTP 404: Not Found: stream `nope` does not exist".into() }
    );
}

/// `watch` stops as soon as its receiver is gone.
#[tokio::test]
async fn watch_stops_when_the_receiver_is_gone() {
    let app = spawn_app(Some(Duration::from_millis(10))).await;
    let mut events = 0;
    let counter = request(&app.url("/events?stream=messages"));
    let watched = watch(&counter, |update| {
        if matches!(update, FeedUpdate::Event { .. }) {
            events += 1;
        }
        events < 3
    });
    tokio::time::timeout(Duration::from_secs(5), watched).await.expect("watch returned");
    assert_eq!(events, 3);
}
