//! The Clients tab: the window's own EventSource (WebKitGTK), cut by a fault profile and
//! answered 204 on its reconnect, gets a card that says it resumed with the last id it was given
//! and made no attempt after the 204; the cards open and close by keyboard.

use serde_json::Value;

use crate::faults::faulty_stream_connected;
use crate::harness::*;

/// The verdicts on the card of the client whose name contains `agent` and that reconnected, by
/// rule; null if none. (The webview's EventSources share an address and a User-Agent: each is
/// a card of its own, and the counter's never reconnects.)
const VERDICTS: &str = "
    const card = [...document.querySelectorAll('#client-cards details.client-card[data-reconnects=true]')]
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
    let profile = r#"{"cutAfterEvents": 1, "retryMs": 300, "onReconnect": {"status": 204, "every": true}}"#;
    faulty_stream_connected(&app, "graded", profile).await;
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
    assert_eq!(verdict(&card, "waits at least the retry"), "pass", "{card:#}");
    assert_eq!(verdict(&card, "sends the same method"), "pass", "{card:#}");

    // By keyboard: the card's line takes the focus, and Enter closes then opens it.
    let open =
        "return [...document.querySelectorAll('#client-cards details.client-card[data-reconnects=true]')]
        .find((c) => c.dataset.client.includes('AppleWebKit')).open";
    app.eval(
        "[...document.querySelectorAll('#client-cards details.client-card[data-reconnects=true]')]
            .find((c) => c.dataset.client.includes('AppleWebKit')).querySelector('summary').focus()",
    )
    .await;
    let before = app.eval(open).await;
    app.press('\u{E007}').await;
    app.wait_until(5, "Enter toggles the card", || async { app.eval(open).await != before }).await;
    app.close().await;
}

// The six scenarios the real clients are graded on.
include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../embedded-server/tests/clients/scenarios.rs"));

/// One request to the app's embedded server; the response's body.
async fn request(addr: &str, method: &str, path: &str, body: &str) -> String {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let response = http_exchange(addr, &format!("{head}{body}")).await;
    response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
}

/// The webview's own EventSource (WebKitGTK), opened from the page on each scenario, keeps
/// every MUST: it resumes from the last whole event, waits the retry, gives up after 204 and
/// 503, and follows the redirect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webview_eventsource_keeps_every_must() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    let base = app.text("server-url").await;
    let addr = base.trim_start_matches("http://").to_owned();
    let mut urls = Vec::new();
    for (scenario, profile) in SCENARIOS {
        let stream = format!("webview-{scenario}");
        request(&addr, "PUT", &format!("/streams/{stream}"), "").await;
        for n in 1..=40 {
            request(
                &addr,
                "POST",
                &format!("/streams/{stream}/events"),
                &format!(r#"{{"data": "event {n:02}"}}"#),
            )
            .await;
        }
        let set = request(
            &addr,
            "PUT",
            &format!("/streams/{stream}/faults"),
            &profile.replace("CLIENT", "webview"),
        )
        .await;
        assert!(set.contains("retryMs"), "{set}");
        urls.push(format!("{base}/events?stream={stream}&lastEventId=0&client={stream}"));
    }
    app.client
        .execute(
            "window.graded = arguments[0].map((url) => new EventSource(url))",
            vec![serde_json::json!(urls)],
        )
        .await
        .expect("open the EventSources");
    // Each scenario has run once the long retry's reconnect came and the rule on giving up (a 5 s
    // watch after the answer) has decided for the 204 and the 503.
    let decided = |report: &Value| {
        let clients = report["clients"].as_array().cloned().unwrap_or_default();
        let long_retry = clients.iter().find(|c| c["client"] == "webview-long-retry");
        gave_up_decided(&clients, "webview") && long_retry.is_some_and(|c| c["card"]["reconnects"] == true)
    };
    let fetch = || async {
        serde_json::from_str(&request(&addr, "GET", "/clients", "").await).unwrap_or(Value::Null)
    };
    app.wait_until(20, "the long retry's reconnect and the give-up rule decided", || async {
        decided(&fetch().await)
    })
    .await;
    let report: Value = fetch().await;
    app.eval("window.graded.forEach((source) => source.close())").await;
    let card = |scenario: &str| {
        let name = format!("webview-{scenario}");
        let clients = report["clients"].as_array().expect("clients");
        clients.iter().find(|c| c["client"] == name.as_str()).cloned().unwrap_or_else(|| panic!("no {name}"))
    };
    let rule = |graded: &Value, rule: &str| {
        let rules = graded["card"]["rules"].as_array().expect("rules").clone();
        let found = rules.into_iter().find(|r| r["rule"].as_str().is_some_and(|name| name.starts_with(rule)));
        found.map(|r| r["verdict"].as_str().unwrap_or("").to_owned()).unwrap_or_default()
    };
    let cut = card("cut");
    for name in ["sends Last-Event-ID", "waits at least the retry", "sends the same method"] {
        assert_eq!(rule(&cut, name), "pass", "{name}: {cut:#}");
    }
    let sent: Vec<Value> =
        cut["attempts"].as_array().expect("attempts").iter().map(|a| a["lastEventId"].clone()).collect();
    assert_eq!(sent[..3], [Value::Null, Value::from("1"), Value::from("2")], "{cut:#}");
    for scenario in ["retry", "long-retry"] {
        assert_eq!(rule(&card(scenario), "waits at least the retry"), "pass", "{:#}", card(scenario));
    }
    for scenario in ["gone", "down"] {
        assert_eq!(rule(&card(scenario), "makes no attempt"), "pass", "{:#}", card(scenario));
    }
    assert_eq!(rule(&card("moved"), "follows a redirect"), "pass", "{:#}", card("moved"));
    app.close().await;
}

/// Clients tagged `name/scenario` are shown side by side, a column per scenario, above the
/// cards; a scenario's button, pressed with Enter, opens its card.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_across_scenarios_is_shown_side_by_side() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    let base = app.text("server-url").await;
    let addr = base.trim_start_matches("http://").to_owned();
    // Two short subscriptions of one client, each its own scenario (left by the client).
    for scenario in ["first", "second"] {
        let head = format!(
            "GET /events?stream=messages&client=gui/{scenario} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        let mut socket = tokio::net::TcpStream::connect(&addr).await.expect("connect");
        tokio::io::AsyncWriteExt::write_all(&mut socket, head.as_bytes()).await.expect("subscribe");
        let mut first = [0u8; 64];
        let read = tokio::io::AsyncReadExt::read(&mut socket, &mut first).await.expect("a response");
        assert!(read > 0, "the server answered");
    }
    app.click("tab-clients").await;
    let caption = "return document.querySelector('#client-scenarios caption')?.textContent ?? ''";
    app.wait_until(15, "the client's scenarios side by side", || async {
        app.eval(caption).await == "gui across 2 scenarios"
    })
    .await;
    let columns = app
        .eval("return [...document.querySelectorAll('#client-scenarios th[scope=col]')].map((th) => th.textContent)")
        .await;
    assert_eq!(columns, serde_json::json!(["first", "second"]));
    let card_open =
        "return document.querySelector('#client-cards details[data-client=\"gui/second\"]')?.open ?? null";
    app.eval("document.querySelector('#client-cards details[data-client=\"gui/second\"]').open = false")
        .await;
    app.eval("document.querySelectorAll('#client-scenarios button')[1].focus()").await;
    app.press('\u{E007}').await; // Enter shows the card
    app.wait_until(5, "the second scenario's card is open", || async { app.eval(card_open).await == true })
        .await;
    let focused = app.eval("return document.activeElement.closest('details')?.dataset.client ?? ''").await;
    assert_eq!(focused, "gui/second", "the focus is on the card's line");
    app.close().await;
}
