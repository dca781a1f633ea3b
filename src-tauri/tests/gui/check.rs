//! The Check server tab, by keyboard: the embedded counter checked for 5 s with Ctrl+Enter, a
//! live progress line while it runs, its rules grouped by level, ↓ moving between them and
//! Enter opening one's evidence, and the check's command line shown when copied.

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::*;

/// The tab runs the battery on the connection's request and shows every rule, by keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_server_tab_grades_the_connections_server() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("tab-clients").await;
    app.press(char::from(Key::Right)).await;
    assert_eq!(app.focused().await, "tab-check", "the tab after Clients");
    app.press(char::from(Key::Tab)).await;
    // Into the tab: Tab to the seconds, typed, then Ctrl+Enter runs.
    app.tab_to("check-for", 10).await;
    // Select what is there and type over it, as a keyboard user does.
    app.press_with_ctrl('a').await;
    app.press('5').await;
    app.wait_until(5, "the seconds read 5", || async {
        app.eval("return document.getElementById('check-for').value").await == json!("5")
    })
    .await;
    app.press_with_ctrl(char::from(Key::Enter)).await;
    app.wait_until(5, "the progress line says it runs", || async {
        app.text("check-progress").await.starts_with("Checking… ")
    })
    .await;
    assert_eq!(app.eval("return document.getElementById('check-run').disabled").await, json!(true));
    app.wait_until(30, "the card is drawn", || async {
        app.text("check-progress").await.contains(" rules in ")
    })
    .await;
    let progress = app.text("check-progress").await;
    assert!(progress.contains("no MUST failed"), "{progress}");
    let headings = app
        .eval(
            "return [...document.querySelectorAll('#check-rules h3')].map(h => h.textContent.split(':')[0])",
        )
        .await;
    assert_eq!(headings, json!(["MUST", "SHOULD", "INFO"]));
    let first = app.eval("return document.querySelector('#check-rules .check-rule').dataset.rule").await;
    assert_eq!(first, json!("answers 200 (after any redirects)"));

    // ↓ moves to the next rule's line; Enter opens its evidence.
    app.eval("document.querySelector('#check-rules summary').focus()").await;
    app.press(char::from(Key::Down)).await;
    let focused = "return document.activeElement.closest('details')?.dataset.rule ?? ''";
    assert_eq!(app.eval(focused).await, json!("answers with Content-Type text/event-stream"));
    app.press(char::from(Key::Enter)).await;
    app.wait_until(5, "its evidence shows", || async {
        let open = app.eval("const d = document.activeElement.closest('details'); return d.open && d.textContent.includes('Content-Type: text/event-stream')").await;
        open == json!(true)
    })
    .await;

    // The same check as a command line, shown when copied.
    app.click("check-copy").await;
    app.wait_until(5, "the command is shown", || async {
        app.text("check-command").await.starts_with("sse-sub --check --check-for 5 ")
    })
    .await;
    app.close().await;
}
