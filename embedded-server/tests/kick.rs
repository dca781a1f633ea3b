//! `POST /streams/NAME/kick` ends every open subscription of a stream at once (a reconnect
//! storm on purpose); clients resume with `Last-Event-ID` and miss nothing.

mod support;

use std::time::Duration;

use embedded_server::Publish;
use support::{quiet_config, spawn_app, Blocks};

async fn kick(app: &support::TestServer, stream: &str, content_type: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/streams/{stream}/kick")))
        .header("content-type", content_type)
        .body("{}")
        .send()
        .await
        .unwrap()
}

/// Both subscribers' responses end after a `kicked` comment; the answer counts them; one
/// resuming from its last id gets what was published meanwhile.
#[tokio::test]
async fn a_kick_ends_every_subscription_and_resume_misses_nothing() {
    let app = spawn_app(quiet_config()).await;
    let mut first = Blocks::new(app.get("/events?stream=messages").await);
    let mut second = Blocks::new(app.get("/events?stream=messages").await);
    for blocks in [&mut first, &mut second] {
        assert_eq!(blocks.next(Duration::from_secs(5)).await.as_deref(), Some(": ok"));
    }
    app.broker.publish("messages", Publish::data("one")).unwrap();
    assert_eq!(first.next_event().await, (1, "one".to_owned()));

    let answer = kick(&app, "messages", "application/json").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<serde_json::Value>().await.unwrap(), serde_json::json!({"kicked": 2}));
    for blocks in [&mut first, &mut second] {
        let mut last = None;
        while let Some(block) = blocks.next(Duration::from_secs(5)).await {
            last = Some(block);
        }
        assert_eq!(last.as_deref(), Some(": kicked: the server ended this response"));
    }

    app.broker.publish("messages", Publish::data("two")).unwrap();
    let resumed = reqwest::Client::new()
        .get(app.url("/events?stream=messages"))
        .header("last-event-id", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(Blocks::new(resumed).next_event().await, (2, "two".to_owned()));
}

/// A kick without JSON is refused (no cross-origin page can send one without a preflight),
/// and an unknown stream is a 404.
#[tokio::test]
async fn kicks_need_json_and_a_known_stream() {
    let app = spawn_app(quiet_config()).await;
    assert_eq!(kick(&app, "messages", "text/plain").await.status(), 415);
    assert_eq!(kick(&app, "nope", "application/json").await.status(), 404);
}
