//! The tabs below the log get room: the splitter gives them all but three log rows, and
//! Ctrl+M (or the tab bar's ⤢) maximises them and restores them, remembered in the settings.

use crate::harness::*;
use crate::layout::{config_with_window, rect};

/// How many of the visible tab's `selector` elements are wholly in view in the tab area.
async fn wholly_shown(app: &App, selector: &str) -> u64 {
    let script = format!(
        "const area = document.getElementById('slot-tabs').getBoundingClientRect();
         return [...document.querySelectorAll({selector:?})].filter((el) => {{
             const r = el.getBoundingClientRect();
             return r.height > 0 && r.top >= area.top - 0.5 && r.bottom <= area.bottom + 0.5;
         }}).length"
    );
    app.eval(&script).await.as_u64().unwrap_or(0)
}

/// At `width`x`height` with an event selected: maximised, a report card shows at least 8 rules
/// and the Server tab its Set button without scrolling; restored, the log is back; the state
/// is saved; the splitter can take the tabs down to three log rows.
async fn the_tabs_get_the_room(width: u32, height: u32) {
    let dir = config_with_window(&format!("maximise-{width}"), width, height);
    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 5 })
        .await;
    app.eval("document.querySelector('#vlog-rows .vrow').click()").await;
    app.wait_until(10, "an event is selected", || async {
        app.eval("return !document.getElementById('detail-body').hidden").await == true
    })
    .await;

    // The splitter, to its end by keyboard: the log keeps three rows, the tabs get the rest.
    let before = rect(&app, "#lower").await;
    app.eval("document.getElementById('split-lower').focus()").await;
    app.press('\u{E010}').await; // End
    let after = rect(&app, "#lower").await;
    let rows = app
        .eval("const log = document.getElementById('ipc-log'); return Math.floor(log.clientHeight / 22)")
        .await;
    assert!(after[3] - after[1] >= before[3] - before[1], "the tabs shrank from {before:?} to {after:?}");
    assert!(
        matches!(rows.as_u64(), Some(3..=4)),
        "the log keeps three rows and gives the tabs the rest: {rows} rows, tabs from {before:?} to {after:?}"
    );
    app.press('\u{E007}').await; // Enter: back to the default

    app.press_with_ctrl('m').await;
    app.wait_until(5, "Ctrl+M maximises the tabs", || async {
        app.eval("return document.getElementById('workspace').classList.contains('lower-maximised')").await
            == true
    })
    .await;
    assert_eq!(app.eval("return document.getElementById('inspector').offsetParent === null").await, true);
    app.click("tab-clients").await;
    app.wait_until(15, "a report card shows 8 rules or more without scrolling", || async {
        wholly_shown(&app, "#client-cards details[open] .card-rules tr[data-verdict]").await >= 8
    })
    .await;
    app.click("tab-server").await;
    app.wait_until(10, "the Faults box's Set button shows without scrolling", || async {
        wholly_shown(&app, "#fault-set").await == 1
    })
    .await;
    let settings = dir.join("settings.json");
    app.wait_until(5, "the maximised tabs are saved", || async {
        std::fs::read_to_string(&settings).is_ok_and(|text| text.contains("\"lowerMaximised\": true"))
    })
    .await;

    app.click("lower-max").await;
    app.wait_until(5, "⤡ restores the log", || async {
        app.eval("return document.getElementById('inspector').offsetParent !== null").await == true
    })
    .await;
    app.close().await;
}

/// At 1280x800.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tabs_get_the_room_at_1280x800() {
    the_tabs_get_the_room(1280, 800).await;
}

/// At the smallest window, 900x600.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tabs_get_the_room_at_900x600() {
    the_tabs_get_the_room(900, 600).await;
}
