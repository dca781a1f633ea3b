//! The broker over HTTP: publishing, stream management, resume, replay and limits.

mod support;

use std::time::Duration;

use embedded_server::{BrokerConfig, ServerConfig};
use reqwest::header::HeaderValue;
use serde_json::{json, Value};
use support::{quiet_config, spawn_app, Blocks, TestServer};

fn config(broker: BrokerConfig) -> ServerConfig {
    ServerConfig { broker, ..quiet_config() }
}

/// The publish and subscribe requests these tests send.
trait HttpApi {
    async fn publish(&self, stream: &str, body: Value) -> reqwest::Response;
    async fn subscribe(&self, query: &str, last_event_id: Option<&str>) -> reqwest::Response;
}

impl HttpApi for TestServer {
    async fn publish(&self, stream: &str, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(&format!("/streams/{stream}/events")))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn subscribe(&self, query: &str, last_event_id: Option<&str>) -> reqwest::Response {
        let mut request = reqwest::Client::new().get(self.url(&format!("/events?{query}")));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        request.send().await.unwrap()
    }
}

/// `POST /streams/{name}/events` publishes and answers with the new id; subscribers get it.
#[tokio::test]
async fn publish_over_http_reaches_subscribers() {
    let app = spawn_app(quiet_config()).await;
    let mut blocks = Blocks::new(app.subscribe("stream=messages", None).await);
    blocks.next(Duration::from_secs(5)).await;
    let response = app.publish("messages", json!({"event": "note", "data": "a\nb", "retry": 500})).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"id": 1}));
    assert_eq!(blocks.next_event_block().await, "event: note\nretry: 500\nid: 1\ndata: a\ndata: b");
    app.stop().await;
}

/// A repeated `Idempotency-Key` publishes once and answers with the first id.
#[tokio::test]
async fn idempotency_key_makes_retries_count_once() {
    let app = spawn_app(quiet_config()).await;
    let client = reqwest::Client::new();
    let send = |key: &'static str| {
        client
            .post(app.url("/streams/messages/events"))
            .header("idempotency-key", key)
            .json(&json!({"data": "once"}))
            .send()
    };
    let first = send("k-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let again = send("k-1").await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers().get("idempotent-replayed"), Some(&HeaderValue::from_static("true")));
    assert_eq!(again.json::<Value>().await.unwrap(), json!({"id": 1}));
    assert_eq!(app.broker.streams()[0].last_event_id, 1);
    app.stop().await;
}

/// Bad publishes get clear errors: not JSON, malformed JSON, unknown stream, oversized data,
/// a line break in the event type.
#[tokio::test]
async fn bad_publishes_get_clear_errors() {
    let app = spawn_app(config(BrokerConfig { max_event_size: 100, ..BrokerConfig::default() })).await;
    let client = reqwest::Client::new();
    let plain =
        client.post(app.url("/streams/messages/events")).body("{\"data\":\"x\"}").send().await.unwrap();
    assert_eq!(plain.status(), 415);
    assert_eq!(plain.text().await.unwrap(), "publish with Content-Type: application/json\n");
    let malformed = client
        .post(app.url("/streams/messages/events"))
        .header("content-type", "application/json")
        .body("{\"dat\":1}")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert!(malformed
        .text()
        .await
        .unwrap()
        .starts_with("body must be {\"event\"?: string, \"data\": string"));
    let unknown = app.publish("nope", json!({"data": "x"})).await;
    assert_eq!(
        (unknown.status().as_u16(), unknown.text().await.unwrap()),
        (404, "stream `nope` does not exist\n".into())
    );
    let big = app.publish("messages", json!({"data": "x".repeat(101)})).await;
    assert_eq!(
        (big.status().as_u16(), big.text().await.unwrap()),
        (413, "event data is 101 bytes; the limit is 100\n".into())
    );
    let huge = app.publish("messages", json!({"data": "x".repeat(1_000_000)})).await;
    assert_eq!(huge.status(), 413);
    let bad_type = app.publish("messages", json!({"event": "a\r\nid: 9", "data": "x"})).await;
    assert_eq!(bad_type.status(), 400);
    assert_eq!(app.broker.streams()[0].last_event_id, 0, "nothing was published");
    app.stop().await;
}

/// `PUT /streams/{name}` creates a stream; `GET /streams` lists them with counts and ids.
#[tokio::test]
async fn streams_are_created_and_listed() {
    let app = spawn_app(quiet_config()).await;
    let client = reqwest::Client::new();
    assert_eq!(client.put(app.url("/streams/orders")).send().await.unwrap().status(), 201);
    assert_eq!(client.put(app.url("/streams/orders")).send().await.unwrap().status(), 200);
    assert_eq!(client.put(app.url("/streams/bad%20name")).send().await.unwrap().status(), 400);
    app.publish("orders", json!({"data": "1"})).await;
    let _subscriber = app.subscribe("stream=orders", None).await;
    let listing: Value = app.get("/streams").await.json().await.unwrap();
    assert_eq!(
        listing,
        json!([
            {"name": "messages", "subscribers": 0, "lastEventId": 0},
            {"name": "orders", "subscribers": 1, "lastEventId": 1}
        ])
    );
    app.stop().await;
}

/// A subscriber that reconnects with `Last-Event-ID` gets exactly what it missed.
#[tokio::test]
async fn resume_across_a_dropped_connection_has_no_gap_or_duplicate() {
    let app = spawn_app(quiet_config()).await;
    let mut blocks = Blocks::new(app.subscribe("stream=messages", None).await);
    blocks.next(Duration::from_secs(5)).await;
    for n in 1..=3 {
        app.publish("messages", json!({"data": n.to_string()})).await;
    }
    let mut last = 0;
    for expected in 1..=2 {
        let (id, data) = blocks.next_event().await;
        assert_eq!((id, data), (expected, expected.to_string()));
        last = id;
    }
    drop(blocks);
    for n in 4..=5 {
        app.publish("messages", json!({"data": n.to_string()})).await;
    }
    let mut blocks = Blocks::new(app.subscribe("stream=messages", Some(&last.to_string())).await);
    for expected in 3..=5 {
        assert_eq!(blocks.next_event().await, (expected, expected.to_string()));
    }
    app.publish("messages", json!({"data": "6"})).await;
    assert_eq!(blocks.next_event().await, (6, "6".into()));
    app.stop().await;
}

/// Resuming from before the replay log first sends a `sse-monitor.lost` event with the count.
#[tokio::test]
async fn resume_past_the_log_announces_the_loss() {
    let app = spawn_app(config(BrokerConfig { replay_log_size: 2, ..BrokerConfig::default() })).await;
    for n in 1..=5 {
        app.publish("messages", json!({"data": n.to_string()})).await;
    }
    let mut blocks = Blocks::new(app.subscribe("stream=messages", Some("1")).await);
    assert_eq!(blocks.next_event_block().await, "event: sse-monitor.lost\ndata: 2");
    assert_eq!(blocks.next_event().await, (4, "4".into()));
    assert_eq!(blocks.next_event().await, (5, "5".into()));
    app.stop().await;
}

/// `lastEventId` in the query resumes too; the header wins when both are sent.
#[tokio::test]
async fn last_event_id_query_parameter_and_header_precedence() {
    let app = spawn_app(quiet_config()).await;
    for n in 1..=4 {
        app.publish("messages", json!({"data": n.to_string()})).await;
    }
    let mut blocks = Blocks::new(app.subscribe("stream=messages&lastEventId=2", None).await);
    assert_eq!(blocks.next_event().await, (3, "3".into()));
    let mut blocks = Blocks::new(app.subscribe("stream=messages&lastEventId=1", Some("3")).await);
    assert_eq!(blocks.next_event().await, (4, "4".into()));
    app.stop().await;
}

/// A Last-Event-ID that is not an integer is a 400 with a reason.
#[tokio::test]
async fn non_integer_last_event_id_is_refused() {
    let app = spawn_app(quiet_config()).await;
    let response = app.subscribe("stream=messages", Some("abc")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text().await.unwrap(), "Last-Event-ID must be an event id (an integer), got `abc`\n");
    let response = app.subscribe("stream=messages&lastEventId=-1", None).await;
    assert_eq!(response.status(), 400);
    app.stop().await;
}

/// With `auto_replay`, a new subscriber first gets the whole log.
#[tokio::test]
async fn auto_replay_sends_the_log_first() {
    let app = spawn_app(config(BrokerConfig { auto_replay: true, ..BrokerConfig::default() })).await;
    for n in 1..=3 {
        app.publish("messages", json!({"data": n.to_string()})).await;
    }
    let mut blocks = Blocks::new(app.subscribe("stream=messages", None).await);
    for expected in 1..=3 {
        assert_eq!(blocks.next_event().await, (expected, expected.to_string()));
    }
    app.stop().await;
}

/// With `auto_stream`, subscribing creates the stream; without it, a 404.
#[tokio::test]
async fn auto_stream_creates_on_subscribe() {
    let app = spawn_app(config(BrokerConfig { auto_stream: true, ..BrokerConfig::default() })).await;
    let response = app.subscribe("stream=fresh", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.publish("fresh", json!({"data": "x"})).await.status(), 201);
    app.stop().await;
}

/// `required_header` answers 401 with a reason to subscribers without it.
#[tokio::test]
async fn required_header_protects_streams() {
    let required = Some(("x-token".parse().unwrap(), HeaderValue::from_static("s3cret")));
    let app = spawn_app(ServerConfig { required_header: required, ..quiet_config() }).await;
    let missing = app.get("/events?stream=messages").await;
    assert_eq!(
        (missing.status().as_u16(), missing.text().await.unwrap()),
        (401, "missing required header `x-token`\n".into())
    );
    let client = reqwest::Client::new();
    let wrong =
        client.get(app.url("/events?stream=messages")).header("x-token", "nope").send().await.unwrap();
    assert_eq!(
        (wrong.status().as_u16(), wrong.text().await.unwrap()),
        (401, "header `x-token` has the wrong value\n".into())
    );
    let right =
        client.get(app.url("/events?stream=messages")).header("x-token", "s3cret").send().await.unwrap();
    assert_eq!(right.status(), 200);
    app.stop().await;
}

/// Past the subscriber limit, subscribing is a 503 with a reason.
#[tokio::test]
async fn subscriber_limit_is_a_clear_error() {
    let app = spawn_app(config(BrokerConfig { max_subscribers: 2, ..BrokerConfig::default() })).await;
    let _first = app.subscribe("stream=messages", None).await;
    let _second = app.subscribe("stream=messages", None).await;
    let third = app.subscribe("stream=messages", None).await;
    assert_eq!(
        (third.status().as_u16(), third.text().await.unwrap()),
        (503, "too many subscribers (limit 2)\n".into())
    );
    app.stop().await;
}

/// 1,000 concurrent subscribers all get every event, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_subscribers_get_every_event_in_order() {
    let app = spawn_app(quiet_config()).await;
    let mut subscribers = Vec::new();
    for _ in 0..1000 {
        let mut blocks = Blocks::new(app.subscribe("stream=messages", None).await);
        blocks.next(Duration::from_secs(5)).await;
        subscribers.push(blocks);
    }
    for n in 1..=20 {
        app.broker.publish("messages", embedded_server::Publish::data(n.to_string())).unwrap();
    }
    let readers = subscribers.into_iter().map(|mut blocks| {
        tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..20 {
                seen.push(blocks.next_event().await.0);
            }
            seen
        })
    });
    for reader in futures_util::future::join_all(readers).await {
        assert_eq!(reader.unwrap(), (1..=20).collect::<Vec<u64>>());
    }
    app.stop().await;
}

/// A subscriber that stops reading is cut off once its queue overflows, while another keeps
/// receiving every event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_subscriber_is_cut_off_and_others_keep_going() {
    let broker = BrokerConfig { subscriber_queue: 16, ..BrokerConfig::default() };
    let app = spawn_app(ServerConfig { write_stall_timeout: Duration::from_secs(1), ..config(broker) }).await;
    // The stalled one: opened, never read.
    let stalled = app.subscribe("stream=messages", None).await;
    let mut healthy = Blocks::new(app.subscribe("stream=messages", None).await);
    healthy.next(Duration::from_secs(5)).await;
    let data = "x".repeat(16 * 1024);
    let total = 2_000;
    let publisher = {
        let broker = app.broker.clone();
        tokio::spawn(async move {
            for _ in 0..total {
                broker.publish("messages", embedded_server::Publish::data(data.as_str())).unwrap();
                tokio::task::yield_now().await;
            }
        })
    };
    for expected in 1..=total {
        let (id, _) = healthy.next_event().await;
        assert_eq!(id, expected);
    }
    publisher.await.unwrap();
    // Its queue is bounded (16 events) and, once its socket buffers are full for 1 s, the
    // server closes the connection.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.broker.streams()[0].subscribers > 1 {
        assert!(std::time::Instant::now() < deadline, "the stalled subscriber is still connected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(stalled);
    app.stop().await;
}

/// An imported capture waits for its first viewer, so the viewer sees it from its first event.
#[tokio::test]
async fn a_replay_waits_for_someone_to_watch() {
    let app = spawn_app(quiet_config()).await;
    app.broker.create_stream("replay-1").unwrap();
    let events: Vec<_> =
        ["first", "second"].iter().map(|data| embedded_server::CapturedEvent::message(*data)).collect();
    let broker = app.broker.clone();
    let replay = tokio::spawn(async move {
        embedded_server::replay_when_watched(
            &broker,
            "replay-1",
            &events,
            embedded_server::Pace::AsFastAsPossible,
            Duration::from_secs(10),
            Duration::from_millis(50),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut blocks = Blocks::new(app.subscribe("stream=replay-1", None).await);
    assert_eq!(blocks.next_event_block().await, "id: 1\ndata: first");
    assert_eq!(blocks.next_event_block().await, "id: 2\ndata: second");
    assert_eq!(replay.await.unwrap(), Ok(2));
    app.stop().await;
}
