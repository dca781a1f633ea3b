//! Window-wide shortcuts: Ctrl+N makes a new connection, as the New button's title says.

use crate::harness::*;

/// How many connections the sidebar lists.
async fn connections(app: &App) -> u64 {
    app.eval("return document.querySelectorAll('#connection-list li').length").await.as_u64().unwrap_or(0)
}

/// Ctrl+N, even with the focus in a field, adds a blank connection and shows it (its URL field
/// empty), as the New button does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_n_makes_a_new_connection() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 3 })
        .await;
    assert_eq!(connections(&app).await, 1);
    app.eval("document.getElementById('filter-text').focus()").await;
    app.press_with_ctrl('n').await;
    app.wait_until(5, "Ctrl+N adds a second connection", || async { connections(&app).await == 2 }).await;
    app.wait_until(5, "the new, blank connection is shown", || async {
        app.eval("return document.getElementById('f-url').value").await == serde_json::json!("")
    })
    .await;
    app.close().await;
}
