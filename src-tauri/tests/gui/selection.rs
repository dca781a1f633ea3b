//! Picking an event keeps it in view: selecting a row while Follow is on turns Follow off (the
//! box says so), so the newest events no longer scroll the selected one away.

use crate::harness::*;

/// A row clicked while the counter flows stays selected and in view as more events arrive; the
/// Follow box is off and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selecting_a_row_turns_follow_off_and_keeps_it_in_view() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter's first events", || async {
        app.number("ipc-count").await.unwrap_or(0) >= 5
    })
    .await;
    assert_eq!(app.eval("return document.getElementById('follow').checked").await, true);
    app.eval("document.querySelector('#vlog-rows .vrow[data-seq=\"2\"]').click()").await;
    app.wait_until(10, "the row is selected and Follow is off", || async {
        app.eval("return document.getElementById('follow').checked").await == false
            && app.text("detail-title").await.starts_with("Event 3 ")
    })
    .await;
    let why = app.eval("return document.getElementById('follow').closest('label').title").await;
    assert_eq!(
        why.as_str().unwrap_or_default(),
        "Follow turned off: an event is selected (F turns it back on)"
    );
    let before = app.number("ipc-count").await.unwrap_or(0);
    app.wait_until(20, "ten more events arrive", || async {
        app.number("ipc-count").await.unwrap_or(0) >= before + 10
    })
    .await;
    let in_view = app
        .eval(
            "const row = document.querySelector('#vlog-rows .vrow.selected'); \
             if (!row) return false; \
             const r = row.getBoundingClientRect(), log = document.getElementById('ipc-log').getBoundingClientRect(); \
             return r.top >= log.top - 0.5 && r.bottom <= log.bottom + 0.5",
        )
        .await;
    assert_eq!(in_view, true, "the selected row scrolled away");
    app.close().await;
}

/// With Follow off, a cleared log fills in as events come while it is shorter than its view,
/// then holds its rows still as more come below them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_follow_off_a_short_log_fills_in_and_then_holds_still() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter's first events", || async {
        app.number("ipc-count").await.unwrap_or(0) >= 3
    })
    .await;
    app.click("follow").await;
    assert_eq!(app.eval("return document.getElementById('follow').checked").await, false);
    app.click("clear-button").await;
    let rows = "return [...document.querySelectorAll('#vlog-rows .vrow')].map((row) => row.dataset.seq)";
    // The rows the log draws for its view: those it fits, and one more (vlist.js).
    let fits = app.eval("return Math.ceil(document.getElementById('ipc-log').clientHeight / 22) + 1").await;
    let fits = fits.as_u64().unwrap_or(0) as usize;
    assert!(fits >= 4, "the log draws {fits} rows");
    app.wait_until(30, "the cleared log to fill its view with Follow off", || async {
        app.eval(rows).await.as_array().is_some_and(|shown| shown.len() >= fits)
    })
    .await;
    let first_view = app.eval(rows).await;
    let before = app.number("ipc-count").await.unwrap_or(0);
    app.wait_until(20, "five more events below the view", || async {
        app.number("ipc-count").await.unwrap_or(0) >= before + 5
    })
    .await;
    assert_eq!(app.eval(rows).await, first_view, "the rows in view moved with Follow off");
    assert_eq!(app.eval("return document.getElementById('follow').checked").await, false);
    app.close().await;
}
