//! The window's layout: what fits at the smallest size, the splitters and tabs by keyboard and
//! remembered, connections told apart, and panels that always draw the connection shown.

use serde_json::{json, Value};

use crate::harness::*;

/// Writes a settings file that opens the window at `width`x`height`.
pub(crate) fn config_with_window(name: &str, width: u32, height: u32) -> std::path::PathBuf {
    let dir = fresh_config_dir(name);
    std::fs::create_dir_all(&dir).expect("make the config dir");
    let settings = json!({
        "version": 1,
        "connections": [],
        "window": { "width": width, "height": height, "x": 0, "y": 0, "maximized": false }
    });
    std::fs::write(dir.join("settings.json"), settings.to_string()).expect("write settings");
    dir
}

/// The page's box of `selector` as [left, top, right, bottom].
pub(crate) async fn rect(app: &App, selector: &str) -> [f64; 4] {
    let script = format!(
        "const r = document.querySelector({}).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]",
        json!(selector)
    );
    let value = app.eval(&script).await;
    let n = |i: usize| value[i].as_f64().unwrap_or(f64::NAN);
    [n(0), n(1), n(2), n(3)]
}

/// The workspace's parts, top to bottom, after the sidebar.
const PARTS: [&str; 6] = [".sidebar", ".request", ".status-line", "#slot-summary", "#inspector", "#lower"];

/// Waits until every part is shown inside the `width`x`height` window, then checks that the
/// workspace's parts stack without overlapping and the sidebar stays beside them.
async fn every_part_in_view(app: &App, width: u32, height: u32) {
    let size = app.eval("return [window.innerWidth, window.innerHeight]").await;
    assert_eq!(size, json!([width, height]), "the window opened at the saved size");
    let (width, height) = (f64::from(width), f64::from(height));
    app.wait_until(10, "every part shown inside the window", || async {
        let mut inside = true;
        for part in PARTS {
            let [left, top, right, bottom] = rect(app, part).await;
            inside &= left >= 0.0 && top >= 0.0 && right <= width + 0.5 && bottom <= height + 0.5;
            inside &= right - left > 0.0 && bottom - top > 0.0;
        }
        inside
    })
    .await;
    let mut boxes = Vec::new();
    for part in PARTS {
        boxes.push((part, rect(app, part).await));
    }
    for pair in boxes[1..].windows(2) {
        let ((above, a), (below, b)) = (pair[0], pair[1]);
        assert!(a[3] <= b[1] + 0.5, "{above} (bottom {}) overlaps {below} (top {})", a[3], b[1]);
    }
    assert!(boxes[0].1[2] <= boxes[1].1[0], "the sidebar overlaps the workspace");
}

/// How many of the log's rows are wholly in view.
async fn log_rows_in_view(app: &App) -> u64 {
    app.eval(
        "const log = document.getElementById('ipc-log').getBoundingClientRect(); \
         return [...document.querySelectorAll('#vlog-rows .vrow')].filter((row) => { \
           const r = row.getBoundingClientRect(); return r.top >= log.top - 0.5 && r.bottom <= log.bottom + 0.5; }).length",
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

/// At 1280x800, as the README says, everything that moves is in view at once: the sidebar, the
/// request bar and status line, both feeds and their comparison, the log (at least 10 rows) with
/// the detail pane beside it, and the tabs below with their panel (at least 120 px of it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_1280x800_everything_that_moves_is_in_view() {
    let dir = config_with_window("default-size", 1280, 800);
    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 12 })
        .await;
    every_part_in_view(&app, 1280, 800).await;
    for card in ["#ipc", "#es", "#comparison-pane"] {
        let [left, top, right, bottom] = rect(&app, card).await;
        assert!(right - left > 100.0 && bottom - top > 40.0 && right <= 1280.5, "{card} is shown whole");
    }
    let rows = log_rows_in_view(&app).await;
    assert!(rows >= 10, "{rows} log rows in view");
    let (log, detail) = (rect(&app, "#ipc-log").await, rect(&app, "#detail").await);
    assert!(detail[0] >= log[2] - 0.5, "the detail pane is beside the log, not under it");
    let panel = rect(&app, ".tab-panels").await;
    assert!(panel[3] - panel[1] >= 120.0, "the tab's panel has {} px", panel[3] - panel[1]);
    app.close().await;
}

/// At the smallest window (900x600) the parts do not overlap and stay inside the window, the
/// log's Data column keeps 200 px, the URL field shows 40 characters, and the newest row is in
/// view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smallest_window_keeps_every_part_usable() {
    let dir = config_with_window("smallest", 900, 600);
    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 5 })
        .await;
    every_part_in_view(&app, 900, 600).await;
    let data = rect(&app, "#log-head span:last-child").await;
    assert!(data[2] - data[0] >= 200.0, "the Data column is {} px", data[2] - data[0]);
    let fits = app
        .eval(
            "const url = document.getElementById('f-url'); const style = getComputedStyle(url); \
             const ctx = document.createElement('canvas').getContext('2d'); ctx.font = style.font; \
             const inner = url.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight); \
             return inner / ctx.measureText('x').width",
        )
        .await;
    assert!(fits.as_f64().unwrap_or(0.0) >= 40.0, "the URL field shows {fits} characters");
    let newest = app
        .eval(
            "const log = document.getElementById('ipc-log').getBoundingClientRect(); \
             const rows = [...document.querySelectorAll('#vlog-rows .vrow')]; \
             const last = rows[rows.length - 1].getBoundingClientRect(); \
             return rows.length > 0 && last.top >= log.top - 0.5 && last.bottom <= log.bottom + 0.5",
        )
        .await;
    assert_eq!(newest, json!(true), "the newest row is in view");
    // A selected event's detail, under the log, keeps room to be read; the tabs give way for it.
    app.eval("document.querySelector('#vlog-rows .vrow').click()").await;
    app.wait_until(5, "the detail under the log keeps 6rem (96 px) or more", || async {
        let [_, top, _, bottom] = rect(&app, "#detail").await;
        bottom - top >= 96.0
    })
    .await;
    every_part_in_view(&app, 900, 600).await;
    app.close().await;
}

/// The width of `selector`'s box, rounded.
async fn width(app: &App, selector: &str) -> f64 {
    let [left, _, right, _] = rect(app, selector).await;
    (right - left).round()
}

/// The splitters move by keyboard (arrows, Home) and the tabs by arrow keys, as ARIA says; the
/// sizes and the tab shown come back on the next launch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn splitters_and_tabs_work_by_keyboard_and_are_remembered() {
    let dir = config_with_window("splitters", 1280, 800);
    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    let detail_before = width(&app, "#detail").await;
    app.eval("document.getElementById('split-detail').focus()").await;
    app.press(char::from(fantoccini::key::Key::Left)).await;
    app.press(char::from(fantoccini::key::Key::Left)).await;
    app.wait_until(5, "ArrowLeft widens the detail pane", || async {
        (width(&app, "#detail").await - detail_before - 32.0).abs() <= 1.0
    })
    .await;
    let separator = app
        .eval(
            "const s = document.getElementById('split-detail'); \
             return [s.getAttribute('role'), s.getAttribute('aria-orientation'), Number(s.getAttribute('aria-valuenow'))]",
        )
        .await;
    assert_eq!(separator[0], json!("separator"));
    assert_eq!(separator[1], json!("vertical"));
    assert_eq!(separator[2].as_f64().map(f64::round), Some(detail_before + 32.0));
    let sidebar_before = width(&app, "#sidebar").await;
    app.eval("document.getElementById('split-sidebar').focus()").await;
    app.press(char::from(fantoccini::key::Key::Home)).await;
    app.wait_until(5, "Home makes the list its narrowest", || async {
        width(&app, "#sidebar").await < sidebar_before
    })
    .await;
    let sidebar = width(&app, "#sidebar").await;

    let selected_tab = "return document.querySelector('#lower-tabs [aria-selected=true]').id";
    assert_eq!(app.eval(selected_tab).await, json!("tab-stats"));
    app.eval("document.getElementById('tab-stats').focus()").await;
    app.press(char::from(fantoccini::key::Key::Right)).await;
    app.wait_until(5, "ArrowRight shows the next tab", || async {
        app.eval(selected_tab).await == json!("tab-diagnostics")
    })
    .await;
    let shown = app
        .eval(
            "return [document.getElementById('diagnostics').hidden, document.getElementById('stats').hidden]",
        )
        .await;
    assert_eq!(shown, json!([false, true]), "only the chosen tab's panel is shown");
    assert_eq!(app.focused().await, "tab-diagnostics", "the focus moves with the tab");
    // Saved a moment after the last change.
    app.wait_until(5, "the settings file has the tab shown", || async {
        std::fs::read_to_string(dir.join("settings.json")).unwrap_or_default().contains("\"diagnostics\"")
    })
    .await;
    app.close().await;

    let app = spawn_app_in(&dir, &[]).await;
    app.wait_until(30, "the counter opens again", || async { app.text("ipc-state").await == "open" }).await;
    assert_eq!(app.eval(selected_tab).await, json!("tab-diagnostics"), "the tab shown comes back");
    assert_eq!(width(&app, "#detail").await, detail_before + 32.0, "the detail pane's width comes back");
    assert_eq!(width(&app, "#sidebar").await, sidebar, "the list's width comes back");
    app.close().await;
}

/// Connections to one server are told apart in the list (path and stream over host:port; the
/// embedded one by its stream) with the full URL on hover, and a name typed in place is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_told_apart_and_renamed_in_place() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    let base = app.text("server-url").await;
    for stream in ["alpha", "beta"] {
        app.click("new-connection").await;
        app.type_into("f-url", &format!("{base}/events?stream={stream}")).await;
    }
    let labels = "return [...document.querySelectorAll('#connection-list li')].map(li => \
                  [li.querySelector('.name').textContent, li.querySelector('.where').textContent, li.querySelector('.pick').title.split('\\n')[0]])";
    let expected = json!([
        ["Embedded counter", "embedded · messages", format!("{base}/events?stream=messages")],
        ["stream alpha", "embedded server", format!("{base}/events?stream=alpha")],
        ["stream beta", "embedded server", format!("{base}/events?stream=beta")],
    ]);
    app.wait_until(5, "the list tells the three apart", || async { app.eval(labels).await == expected })
        .await;

    // A double click puts a name field in focus; the new connections' own work can still move
    // the focus on a busy machine, which closes the field (blur keeps the old name), so the
    // double click is given again until the field holds the focus.
    let rename = "if (!document.querySelector('#connection-list .rename')) \
                    document.querySelectorAll('#connection-list li .pick')[1].dispatchEvent(new MouseEvent('dblclick', {bubbles: true})); \
                  return document.activeElement && document.activeElement.className === 'rename'";
    app.wait_until(5, "a name field in focus after a double click", || async {
        app.eval(rename).await == json!(true)
    })
    .await;
    let field =
        app.client.find(fantoccini::Locator::Css("#connection-list .rename")).await.expect("a name field");
    field.send_keys("Alpha feed\u{E007}").await.expect("type a name and Enter");
    app.wait_until(5, "the list shows the new name", || async {
        app.eval("return document.querySelectorAll('#connection-list .name')[1].textContent").await
            == json!("Alpha feed")
    })
    .await;
    let where_now =
        app.eval("return document.querySelectorAll('#connection-list .where')[1].textContent").await;
    assert_eq!(where_now, json!("embedded · alpha"));
    app.close().await;
}

/// A blank connection says nothing is wrong before the user types; a URL without a scheme is
/// then reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_validation_error_before_the_user_types() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("new-connection").await;
    // The form's check (debounced) writes the command preview and the problem together.
    app.wait_until(5, "the blank connection's form is checked", || async {
        app.text("command-preview").await.ends_with("''")
    })
    .await;
    assert_eq!(app.text("form-problem").await, "", "a blank connection is not an error yet");
    app.type_into("f-url", "example.com/events").await;
    app.wait_until(5, "the URL's problem is said once typed", || async {
        app.text("form-problem").await.contains("http://")
    })
    .await;
    app.close().await;
}

/// Switching A -> B -> A redraws every panel for A: Diagnostics shows A's response, not B's
/// refusal; and B's refused response (a 401) is shown whole there, its body as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panels_draw_the_connection_shown_and_a_refusal_whole() {
    let remote = spawn_remote_server();
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("tab-diagnostics").await;
    app.wait_until(5, "A's diagnostics", || async {
        app.text("diagnostics-summary").await.starts_with("HTTP 200")
    })
    .await;

    app.click("new-connection").await;
    app.type_into("f-url", &remote.events_url()).await;
    app.click("connect-button").await;
    app.wait_until(15, "B is refused and its response shown", || async {
        app.text("diagnostics-summary").await.starts_with("HTTP 401")
    })
    .await;
    let refused: Value = app
        .eval("return [document.getElementById('refused').hidden, document.getElementById('refused-body').textContent]")
        .await;
    assert_eq!(refused[0], json!(false), "the refused body is shown");
    assert!(!refused[1].as_str().unwrap_or_default().is_empty(), "{refused}");
    assert!(app.text("response-headers").await.to_lowercase().contains("content-type"));
    let made = app.eval("return document.querySelectorAll('#refused-body *').length").await;
    assert_eq!(made, json!(0), "the body is text, not markup");

    app.eval("document.querySelectorAll('#connection-list .pick')[0].click()").await;
    app.wait_until(5, "A's diagnostics again", || async {
        app.text("diagnostics-summary").await.starts_with("HTTP 200")
    })
    .await;
    assert_eq!(app.eval("return document.getElementById('refused').hidden").await, json!(true));
    assert!(!app.text("response-headers").await.contains("www-authenticate"));
    app.close().await;
}
