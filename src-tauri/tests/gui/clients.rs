//! The Clients tab: the window's own EventSource (WebKitGTK), cut by a fault profile and
//! answered 204 on its reconnect, gets a card that says it resumed with the last id it was given
//! and made no attempt after the 204; the cards open and close by keyboard.

use serde_json::Value;

use crate::harness::*;

/// The verdicts on the card of the client whose name contains `agent`, by rule; null if none.
const VERDICTS: &str = "
    const card = [...document.querySelectorAll('#client-cards details.client-card')]
        .find((c) => c.dataset.client.includes(arguments[0]));
    if (!card) return null;
    return Object.fromEntries([...card.querySelectorAll('.card-rules tr[data-verdict]')]
        .map((row) => [row.cells[1].firstChild.textContent, row.dataset.verdict]));";

async fn verdicts(app: &App, agent: &str) -> Value {
    app.client.execute(VERDICTS, vec![serde_json::json!(agent)]).await.expect("read the card")
}

fn verdict<'a>(verdicts: &'a Value, rule: &str) -> &'a str {
    let found = verdicts.as_object().and_then(|rules| rules.iter().find(|(name, _)| name.starts_with(rule)));
    found.and_then(|(_, verdict)| verdict.as_str()).unwrap_or("")
}

/// A profile set in the window cuts the window's own EventSource and answers its reconnect
/// 204; the Clients tab shows the card of that WebKitGTK EventSource updating: Last-Event-ID
/// passes once it reconnects, giving up passes 5 s after the 204.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_own_eventsource_gets_a_card() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("tab-server").await;
    app.wait_until(10, "the streams are listed", || async {
        app.text("server-stream-rows").await.contains("messages")
    })
    .await;
    app.type_into("server-new-stream", "graded").await;
    app.press('\u{E007}').await; // Enter creates it
    app.wait_until(10, "the stream is made and listed", || async {
        app.text("server-stream-rows").await.contains("graded")
            && app.text("server-note").await.contains("graded")
    })
    .await;
    app.set_value("server-stream", "graded").await;
    app.set_value(
        "fault-json",
        r#"{"cutAfterEvents": 1, "retryMs": 300, "onReconnect": {"status": 204, "every": true}}"#,
    )
    .await;
    app.click("fault-set").await;
    app.wait_until(10, "the profile is set", || async {
        app.text("fault-current").await.starts_with("Set: ")
    })
    .await;

    let base = app.text("server-url").await;
    app.click("new-connection").await;
    app.type_into("f-url", &format!("{base}/events?stream=graded")).await;
    app.click("connect-button").await;
    app.wait_until(20, "both feeds open", || async {
        app.text("ipc-state").await == "open" && app.text("es-state").await == "open"
    })
    .await;
    app.click("tab-server").await;
    app.type_into("server-data", "graded once").await;
    app.press('\u{E007}').await; // Enter publishes
    app.wait_until(20, "the EventSource is cut and closes on the 204", || async {
        app.text("es-state").await == "closed"
    })
    .await;

    app.click("tab-clients").await;
    app.wait_until(15, "the window's card says it resumed with the last id", || async {
        verdict(&verdicts(&app, "AppleWebKit").await, "sends Last-Event-ID") == "pass"
    })
    .await;
    app.wait_until(15, "and, 5 s after the 204, that it gave up", || async {
        verdict(&verdicts(&app, "AppleWebKit").await, "makes no attempt after 204") == "pass"
    })
    .await;
    let card = verdicts(&app, "AppleWebKit").await;
    assert_eq!(verdict(&card, "waits the retry"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "sends the same method"), "pass", "{card:#}");

    // By keyboard: the card's line takes the focus, and Enter closes then opens it.
    let open = "return [...document.querySelectorAll('#client-cards details.client-card')]
        .find((c) => c.dataset.client.includes('AppleWebKit')).open";
    app.eval(
        "[...document.querySelectorAll('#client-cards details.client-card')]
            .find((c) => c.dataset.client.includes('AppleWebKit')).querySelector('summary').focus()",
    )
    .await;
    let before = app.eval(open).await;
    app.press('\u{E007}').await;
    app.wait_until(5, "Enter toggles the card", || async { app.eval(open).await != before }).await;
    app.close().await;
}
