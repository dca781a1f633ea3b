//! The reference pages: the Server tab's and the Expectations tab's Reference links show the page
//! installed with the app (the package's `/usr/share/doc/sse-monitor`, or the source tree's
//! `docs/` for a build from the repository), and Escape gives the focus back to the link.

use serde_json::json;

use crate::harness::*;

/// Where the page `file` should come from for the app under test.
fn expected_path(file: &str) -> String {
    if app_binary().starts_with("/usr/bin/") {
        format!("/usr/share/doc/sse-monitor/{file}")
    } else {
        format!("docs/{file}")
    }
}

/// Whether the reference dialog is open.
async fn dialog_open(app: &App) -> bool {
    app.eval("return document.getElementById('doc-dialog').open").await == json!(true)
}

/// Reference in the Faults box shows docs/faults.md whole, from where it is installed; Escape
/// closes it and the focus is back on the link; the Expectations tab's shows its own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_links_show_the_installed_pages() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("tab-server").await;
    app.click("fault-reference").await;
    app.wait_until(10, "the fault profiles page is shown", || async { dialog_open(&app).await }).await;
    assert_eq!(app.text("doc-title").await, "Fault profiles");
    let path = app.text("doc-path").await;
    assert!(path.ends_with(&expected_path("faults.md")), "read from {path}");
    let text = app.text("doc-text").await;
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/faults.md"))
        .expect("docs/faults.md");
    assert_eq!(text.trim(), source.trim(), "the whole page, as written");
    app.press('\u{E00C}').await; // Escape
    app.wait_until(5, "Escape closes the page", || async { !dialog_open(&app).await }).await;
    app.wait_until(5, "the focus is back on the link", || async { app.focused().await == "fault-reference" })
        .await;

    app.click("tab-expectations").await;
    app.click("expect-reference").await;
    app.wait_until(10, "the expectations page is shown", || async {
        dialog_open(&app).await && app.text("doc-title").await == "Stream expectations"
    })
    .await;
    let path = app.text("doc-path").await;
    assert!(path.ends_with(&expected_path("expectations.md")), "read from {path}");
    app.click("doc-close").await;
    app.wait_until(5, "Close closes the page", || async { !dialog_open(&app).await }).await;
    app.close().await;
}
