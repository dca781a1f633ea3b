//! The Server tab: a stream made in the window, a fault profile set on it, an event published
//! from the window; the window's own EventSource gets the event, is cut, and is told 204 on
//! reconnect, so it closes.

use crate::harness::*;

/// Sets a profile and publishes from the window, and the window's EventSource reacts: the
/// event arrives, the stream is cut after it, and the reconnect's 204 closes the EventSource.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_set_in_the_window_cuts_its_own_eventsource() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    faulty_stream_connected(
        &app,
        "faulty",
        r#"{"cutAfterEvents": 1, "onReconnect": {"status": 204, "every": true}}"#,
    )
    .await;
    app.type_into("server-data", "from the window").await;
    app.press('\u{E007}').await; // Enter publishes
    app.wait_until(20, "the EventSource gets the event, is cut, and closes on the 204", || async {
        app.text("es-latest").await == "from the window" && app.text("es-state").await == "closed"
    })
    .await;
    assert_eq!(app.number("es-count").await, Some(1));
    app.close().await;
}

/// In the Server tab, makes `stream` (Enter creates it) and sets `profile` on it; then opens a
/// connection to it and waits for both feeds to open, the Server tab shown again.
pub(crate) async fn faulty_stream_connected(app: &App, stream: &str, profile: &str) {
    app.click("tab-server").await;
    app.wait_until(10, "the streams are listed", || async {
        app.text("server-stream-rows").await.contains("messages")
    })
    .await;
    app.type_into("server-new-stream", stream).await;
    app.press('\u{E007}').await; // Enter creates it
    app.wait_until(10, "the stream is made and chosen", || async {
        app.text("server-stream-rows").await.contains(stream)
            && app.text("server-note").await.contains(stream)
    })
    .await;
    app.set_value("server-stream", stream).await;
    app.set_value("fault-json", profile).await;
    app.click("fault-set").await;
    app.wait_until(10, "the profile is set", || async {
        app.text("fault-current").await.starts_with("Set: ")
    })
    .await;
    let base = app.text("server-url").await;
    app.click("new-connection").await;
    app.type_into("f-url", &format!("{base}/events?stream={stream}")).await;
    app.click("connect-button").await;
    app.wait_until(20, "both feeds open", || async {
        app.text("ipc-state").await == "open" && app.text("es-state").await == "open"
    })
    .await;
    app.click("tab-server").await;
}
