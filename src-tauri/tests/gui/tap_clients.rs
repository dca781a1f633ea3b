//! A tap's Clients tab, by keyboard: two `curl -N` reads through a tap in front of the app's
//! embedded server, one tagged `client=` and one not, each get their card (named by the client
//! parameter, and by address and User-Agent), the spec's words show under the rules when asked
//! for, and a card closes with Enter on its line.

use std::process::Command;

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::*;

/// Each card's line, in order.
async fn card_lines(app: &App) -> Vec<String> {
    let lines = app.eval("return [...document.querySelectorAll('#tap-client-cards > details > summary')].map(s => s.textContent)").await;
    lines
        .as_array()
        .map(|all| all.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The Clients tab grades the tap's own clients, live, and works by keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taps_clients_are_graded_in_its_clients_tab() {
    let config = fresh_config_dir("tap-clients");
    let app = spawn_app_in(&config, &[]).await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    let upstream = app.text("server-url").await;
    let tap = app.start_tap(&upstream).await;

    // To the Clients tab with the arrow keys.
    app.click("tap-tab-waterfall").await;
    for _ in 0..5 {
        app.press(char::from(Key::Right)).await;
    }
    assert_eq!(app.focused().await, "tap-tab-clients");
    assert_eq!(app.eval("return document.getElementById('tap-clients').hidden").await, json!(false));
    app.wait_until(10, "the tab says no client came yet", || async {
        app.text("tap-clients-summary").await.starts_with("No client has asked the tap")
    })
    .await;

    for target in ["/events?stream=messages&client=ui-under-test", "/events?stream=messages"] {
        let status = Command::new("curl")
            .args(["-sN", "--max-time", "1", "-H", "Accept: text/event-stream", "-o", "/dev/null"])
            .arg(format!("{tap}{target}"))
            .status()
            .expect("run curl");
        // Ended by --max-time (28): the stream never ends on its own.
        assert_eq!(status.code(), Some(28));
    }
    app.wait_until(10, "both curls have a card", || async {
        app.text("tap-clients-summary").await == "2 clients, graded against the spec's reconnection rules."
    })
    .await;
    let lines = card_lines(&app).await;
    assert!(lines[0].starts_with("ui-under-test client parameter · 1 attempt"), "{lines:?}");
    assert!(
        lines[1].starts_with("127.0.0.1 curl/") && lines[1].contains("address and User-Agent"),
        "{lines:?}"
    );
    let ended = "return document.querySelector('#tap-client-cards .card-attempts tr:nth-child(2) td:last-child').textContent";
    app.wait_until(10, "the tagged curl's attempt ended, the client left", || async {
        app.eval(ended).await.as_str().is_some_and(|text| text.starts_with("clientLeft at"))
    })
    .await;

    // The spec's words, by keyboard: Tab to the box, Space ticks it.
    let spec_shown =
        "return getComputedStyle(document.querySelector('#tap-client-cards .card-spec')).display !== 'none'";
    assert_eq!(app.eval(spec_shown).await, json!(false));
    app.tab_to("tap-clients-spec", 10).await;
    app.press(' ').await;
    app.wait_until(5, "the spec's words show under the rules", || async {
        app.eval(spec_shown).await == json!(true)
    })
    .await;

    // A card's line takes the focus and Enter closes it.
    app.eval("document.querySelector('#tap-client-cards > details > summary').focus()").await;
    app.press(char::from(Key::Enter)).await;
    app.wait_until(5, "the first card closed", || async {
        app.eval("return document.querySelector('#tap-client-cards > details').open").await == json!(false)
    })
    .await;
    app.close().await;
    let _ = std::fs::remove_dir_all(config);
}
