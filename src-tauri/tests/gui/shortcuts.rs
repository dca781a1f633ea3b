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

/// However many connections there are, the sidebar's buttons and fields (New, New tap, the
/// presets, Import…) stay in view at the smallest window; only the list scrolls, with the
/// selected one in view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidebar_buttons_stay_in_view_however_many_connections() {
    let dir = crate::layout::config_with_window("sidebar-many", 900, 600);
    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the page is up", || async { connections(&app).await == 1 }).await;
    for _ in 0..30 {
        app.eval("document.getElementById('new-connection').click()").await;
    }
    app.wait_until(5, "31 connections listed", || async { connections(&app).await == 31 }).await;
    let in_view = "return ['new-connection', 'new-tap', 'preset-select', 'import-button'].filter((id) => { \
                   const r = document.getElementById(id).getBoundingClientRect(); \
                   return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }).length";
    assert_eq!(app.eval(in_view).await, serde_json::json!(4), "every button and field in view");
    let list = app
        .eval("const l = document.getElementById('connection-list'); return l.scrollHeight > l.clientHeight + 1")
        .await;
    assert_eq!(list, serde_json::json!(true), "the list scrolls instead");
    let selected_in_view = "const l = document.getElementById('connection-list').getBoundingClientRect(); \
                            const r = document.querySelector('#connection-list li.selected').getBoundingClientRect(); \
                            return r.top >= l.top - 1 && r.bottom <= l.bottom + 1";
    assert_eq!(app.eval(selected_in_view).await, serde_json::json!(true), "the new, selected one is in view");
    app.close().await;
}
