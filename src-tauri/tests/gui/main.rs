//! End-to-end tests of the real `sse-monitor` binary, driven through `tauri-driver` and
//! WebKitWebDriver. They need a display (run them under `xvfb-run`, as `scripts/test.sh` does)
//! and `tauri-driver` on PATH or in `~/.cargo/bin`. `SSE_MONITOR_BIN` points them at another
//! build of the app, e.g. the installed package's `/usr/bin/sse-monitor`, and `SSE_SERVER_BIN`
//! at another `sse-server` (by default the one built beside these tests).

mod big_event;
mod check;
mod clients;
mod compressed;
mod counts;
mod expectations;
mod fast_stream;
mod faults;
mod focus;
mod harness;
mod layout;
mod llm;
mod maximise;
mod mcp;
mod panics;
mod presets;
mod reference;
mod selection;
mod shortcuts;
mod tap_breakpoints;
mod tap_clients;
mod tap_faults;
mod tap_record;
mod taps;

use std::time::Duration;

use serde_json::{json, Value};

use harness::*;

/// Both panes receive the counter, both keep advancing, and they stay within 5 values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_feeds_advance_together() {
    eprintln!("driving {}", app_binary());
    let app = spawn_app().await;

    app.wait_until(30, "both feeds reach 5 events", || async {
        app.number("ipc-count").await.unwrap_or(0) >= 5 && app.number("es-count").await.unwrap_or(0) >= 5
    })
    .await;

    let mut previous = (None, None);
    for round in 0..3 {
        let ipc = app.number("ipc-latest").await;
        let browser = app.number("es-latest").await;
        let (Some(ipc), Some(browser)) = (ipc, browser) else {
            panic!("latest values are not numbers: {}", app.describe().await);
        };
        assert!(
            (ipc - browser).abs() <= 5,
            "feeds are {} values apart (ipc {ipc}, browser {browser})",
            (ipc - browser).abs()
        );
        if let (Some(prev_ipc), Some(prev_browser)) = previous {
            assert!(ipc > prev_ipc, "IPC feed stopped at {ipc} (round {round})");
            assert!(browser > prev_browser, "browser feed stopped at {browser} (round {round})");
        }
        // The embedded server counts both: the Rust subscriber and the webview's EventSource.
        assert_eq!(app.text("subscribers").await, "2 subscribers");
        assert_eq!(app.text("ipc-state").await, "open");
        assert_eq!(app.text("es-state").await, "open");
        previous = (Some(ipc), Some(browser));
        // The counter ticks every 100 ms: wait for both feeds to show a few more values.
        app.wait_until(10, "both feeds show newer values", || async {
            app.number("ipc-latest").await.unwrap_or(0) >= ipc + 3
                && app.number("es-latest").await.unwrap_or(0) >= browser + 3
        })
        .await;
    }
    app.close().await;
}

/// `sse-monitor --url URL -H 'X-Token: secret'` opens subscribed to a protected remote server:
/// its events flow, and the browser pane says why EventSource cannot send the header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_options_open_a_protected_remote_server() {
    let remote = spawn_remote_server();
    let url = remote.events_url();
    let app = spawn_app_with(&["--url", &url, "-H", "X-Token: secret"]).await;
    app.wait_until(30, "remote events flow over IPC", || async {
        app.number("ipc-count").await.unwrap_or(0) >= 3
    })
    .await;
    assert_eq!(app.text("ipc-state").await, "open");
    assert_eq!(app.text("es-state").await, "unavailable");
    assert!(app.text("es-detail").await.contains("custom headers"), "{}", app.text("es-detail").await);
    // The header carries a credential: the command shown on screen masks it.
    assert!(
        app.text("command-preview").await.contains("-H 'X-Token: ***'"),
        "{}",
        app.text("command-preview").await
    );
    assert_eq!(remote.subscribers().await, 1);
    app.close().await;
}

/// In the connection form: a refused URL shows its message and the attempt the retry will be,
/// a URL without a scheme says to add one (once), a 401 shows its reason; adding the required header makes events flow; closing the connection
/// ends it on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_form_reports_failures_and_connects() {
    let remote = spawn_remote_server();
    let unused = free_port();
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;

    app.click("new-connection").await;
    app.type_into("f-url", &format!("http://127.0.0.1:{unused}/events")).await;
    app.click("connect-button").await;
    app.wait_until(15, "a refused connection is reported with the next attempt", || async {
        let detail = app.text("ipc-detail").await.to_lowercase();
        detail.contains("refused") && detail.contains("(attempt 2)")
    })
    .await;

    // A URL without a scheme: what to do, said once, under the form.
    app.type_into("f-url", "localhost:8080/events").await;
    app.click("connect-button").await;
    app.wait_until(10, "the missing scheme is reported", || async {
        app.text("form-problem").await.contains("add http:// or https://")
    })
    .await;
    let said = app.eval("return document.body.innerText.split('add http:// or https://').length - 1").await;
    assert_eq!(said, json!(1), "the missing scheme is said exactly once");
    // The form's message is written at once; the feed's state in the frame after it.
    app.wait_until(5, "the feed to show it failed", || async { app.text("ipc-state").await == "failed" })
        .await;

    app.type_into("f-url", &remote.events_url()).await;
    app.click("connect-button").await;
    app.wait_until(15, "the 401 and its reason are shown", || async {
        let detail = app.text("ipc-detail").await;
        detail.contains("401") && detail.contains("x-token")
    })
    .await;
    assert_eq!(app.text("ipc-state").await, "failed");

    app.click("options-toggle").await;
    app.type_into("f-headers", "X-Token: secret").await;
    app.click("connect-button").await;
    app.wait_until(30, "events flow once the header is set", || async {
        app.number("ipc-count").await.unwrap_or(0) >= 3
    })
    .await;
    assert_eq!(remote.subscribers().await, 1);
    // The form edits the selected connection: the counter and this one are listed.
    let listed = app.eval("return document.querySelectorAll('#connection-list li').length").await;
    assert_eq!(listed, json!(2));

    app.eval("document.querySelector('#connection-list li.selected .close').click()").await;
    app.wait_until(10, "the remote has no subscriber left after closing", || async {
        remote.subscribers().await == 0
    })
    .await;
    app.close().await;
}

/// A log that follows the counter stays the height of its rows (it once grew a row per
/// redraw, scrolling after rows drawn below its end), shows the newest event at its bottom,
/// and the mouse wheel takes it back into history (and Follow off).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_following_log_keeps_its_height_and_shows_the_newest_row() {
    let app = spawn_app().await;
    app.wait_until(30, "30 counter events", || async { app.number("ipc-count").await.unwrap_or(0) >= 30 })
        .await;
    let measure = "const log = document.getElementById('ipc-log'); \
                   const rows = document.getElementById('vlog-rows').children; \
                   const last = rows[rows.length - 1]; \
                   const view = log.getBoundingClientRect(), row = last.getBoundingClientRect(); \
                   return { overflow: log.scrollHeight - parseFloat(document.getElementById('vlog-spacer').style.height), \
                            follow: document.getElementById('follow').checked, \
                            lastId: last.children[2].textContent, inView: row.top >= view.top - 1 && row.bottom <= view.bottom + 1, \
                            scrollTop: log.scrollTop, clientHeight: log.clientHeight, rowTop: row.top, viewTop: view.top };";
    // Ten looks, each after the counter moved on: the log never grows past its rows and never
    // stops following; the newest row is in view once the redraw the event asked for is done.
    for look in 0..10 {
        let seen_id = app.number("ipc-id").await.unwrap_or(0);
        app.wait_until(5, "the counter to move on by three events", || async {
            app.number("ipc-id").await.unwrap_or(0) >= seen_id + 3
        })
        .await;
        let seen = app.eval(measure).await;
        assert!(seen["overflow"].as_f64().is_some_and(|o| o <= 1.0), "the log grew past its rows: {seen}");
        assert_eq!(seen["follow"], json!(true), "Follow went off by itself: {seen}");
        // Polled, not slept on: the redraw is at most a frame or two away.
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        if seen["inView"] != json!(true) {
            eprintln!("look {look}: the newest row was out of view for a moment: {seen}");
        }
        let mut last_seen = seen;
        while last_seen["inView"] != json!(true) && std::time::Instant::now() < deadline {
            last_seen = app.eval(measure).await;
        }
        let in_view = last_seen["inView"] == json!(true);
        assert!(in_view, "look {look}: the newest row stayed out of view for 2 s: {last_seen}");
    }
    // The newest row is the newest event (ids move on 10 a second: allow the one in flight).
    let seen = app.eval(measure).await;
    let shown: i64 = seen["lastId"].as_str().unwrap().parse().unwrap();
    let newest = app.number("ipc-id").await.unwrap();
    assert!((newest - shown).abs() <= 2, "shown {shown}, newest {newest}");

    // The wheel, over the log, scrolls it up into older events and stops following.
    let centre = app
        .eval(
            "const r = document.getElementById('ipc-log').getBoundingClientRect(); \
             return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];",
        )
        .await;
    let (x, y) = (centre[0].as_i64().unwrap(), centre[1].as_i64().unwrap());
    let mut wheel = fantoccini::actions::WheelActions::new("wheel".into());
    wheel.push(fantoccini::actions::WheelAction::Scroll { duration: None, x, y, delta_x: 0, delta_y: -400 });
    app.client.perform_actions(wheel).await.expect("scroll the wheel");
    app.wait_until(5, "the wheel scrolls the log back and turns Follow off", || async {
        let seen = app
            .eval(
                "const rows = document.getElementById('vlog-rows').children; \
                 return { follow: document.getElementById('follow').checked, \
                          first: Number(rows[0].children[2].textContent), \
                          top: document.getElementById('ipc-log').scrollTop };",
            )
            .await;
        let newest = app.number("ipc-id").await.unwrap_or(0);
        seen["follow"] == json!(false) && seen["first"].as_i64().is_some_and(|first| newest - first > 20)
    })
    .await;
    app.close().await;
}

/// A connection set up in the form is saved and listed again on the next launch, and a
/// corrupt settings file is reported in the window instead of stopping the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_saved_and_a_corrupt_file_is_reported() {
    let remote = spawn_remote_server();
    let config = fresh_config_dir("persist");
    let app = spawn_app_in(&config, &[]).await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("new-connection").await;
    app.click("options-toggle").await;
    app.type_into("f-name", "Remote counter").await;
    app.type_into("f-url", &remote.events_url()).await;
    let settings = config.join("settings.json");
    app.wait_until(10, "the connection is saved", || async {
        std::fs::read_to_string(&settings).is_ok_and(|text| text.contains("Remote counter"))
    })
    .await;
    app.close().await;

    let app = spawn_app_in(&config, &[]).await;
    let names =
        "return [...document.querySelectorAll('#connection-list .name')].map(e => e.textContent).join('|')";
    app.wait_until(30, "the saved connection is listed again", || async {
        app.eval(names).await.as_str().unwrap_or_default().contains("Remote counter")
    })
    .await;
    app.close().await;

    std::fs::write(&settings, "{ not json").expect("write a corrupt settings file");
    let app = spawn_app_in(&config, &[]).await;
    app.wait_until(30, "the corrupt file is reported", || async {
        let text = app.eval("return document.getElementById('notices').textContent").await;
        text.as_str().unwrap_or_default().contains("could not be used")
    })
    .await;
    app.wait_until(30, "the app works on with the defaults", || async {
        app.text("ipc-state").await == "open"
    })
    .await;
    app.close().await;
    let _ = std::fs::remove_dir_all(config);
}

/// Event data never executes: markup streamed through both panes shows as text, no element is
/// made from it, and its script does not run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_data_is_shown_as_text_and_never_runs() {
    let app = spawn_app().await;
    app.wait_until(30, "both feeds open", || async {
        app.text("ipc-state").await == "open" && app.text("es-state").await == "open"
    })
    .await;
    let payloads = [
        r#"<img src=x onerror="window.__pwned = 'img'">"#,
        r#"<script>window.__pwned = 'script'</script>"#,
        r#"<svg onload="window.__pwned = 'svg'"></svg>"#,
    ];
    // The browser's log is a tab below the log: shown, so it is drawn.
    app.click("tab-es-events").await;
    for data in payloads {
        publish_to_app(&app, &json!({ "data": data })).await;
    }
    let shown_in_both = "return ['ipc-log', 'es-log'].every(id => \
        [...arguments[0]].every(p => document.getElementById(id).textContent.includes(p)))";
    app.wait_until(10, "the markup is shown as text in both logs", || async {
        app.client.execute(shown_in_both, vec![json!(payloads)]).await.expect("script") == json!(true)
    })
    .await;
    // An event after them, shown in both logs: every handler a payload could trigger has had its
    // turn by then (image errors and loads are queued ahead of it).
    publish_to_app(&app, &json!({ "data": "after the markup" })).await;
    app.wait_until(10, "the event after the markup is shown in both logs", || async {
        app.client.execute(shown_in_both, vec![json!(["after the markup"])]).await.expect("script")
            == json!(true)
    })
    .await;
    assert_eq!(app.eval("return window.__pwned === undefined").await, json!(true), "event data ran as code");
    let made = app.eval("return document.querySelectorAll('main img, main svg, main script').length").await;
    assert_eq!(made, json!(0), "elements were made from event data");
    app.close().await;
}

/// The inspector filters by type, text and regex (a bad one is reported), shows an event's
/// JSON, raw bytes and whitespace-only data in the detail pane, styles blank rows by their
/// data, and pausing freezes the log while events are still received.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_filters_pauses_and_shows_details() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 3 })
        .await;
    publish_to_app(&app, &json!({ "event": "note", "data": r#"{"user":"ada","n":1}"# })).await;
    publish_to_app(&app, &json!({ "data": " \n" })).await;

    app.wait_until(10, "the note type is offered", || async {
        app.eval("return [...document.getElementById('filter-type').options].some(o => o.value === 'note')")
            .await
            == json!(true)
    })
    .await;
    app.set_value("filter-type", "note").await;
    app.wait_until(10, "only the note is listed", || async {
        app.shown_rows().await == [r#"{"user":"ada","n":1}"#]
    })
    .await;
    assert!(app.text("log-counts").await.contains("1 match"), "{}", app.text("log-counts").await);

    app.eval("document.querySelector('#vlog-rows .vrow').click()").await;
    app.wait_until(10, "the detail pane shows the JSON and its raw bytes", || async {
        let json = app.text("detail-json").await;
        let raw = app.text("detail-raw").await;
        json.contains("\"user\"") && json.contains("\"ada\"") && raw.contains("event: note")
    })
    .await;

    app.set_value("filter-type", "").await;
    app.type_into("filter-text", "ADA").await;
    app.wait_until(10, "the text filter finds it, ignoring case", || async {
        app.shown_rows().await == [r#"{"user":"ada","n":1}"#]
    })
    .await;
    app.click("filter-regex").await;
    app.type_into("filter-text", "(").await;
    app.wait_until(10, "a bad regex is reported", || async {
        app.text("filter-problem").await.contains("regular expression")
    })
    .await;
    app.wait_until(10, "a bad regex lists none of the old filter's matches", || async {
        app.shown_rows().await.is_empty()
    })
    .await;
    app.type_into("filter-text", r"^ \n$").await;
    app.wait_until(10, "the regex finds the whitespace-only event, shown visibly", || async {
        app.shown_rows().await == ["␣⏎"]
    })
    .await;
    app.eval("document.querySelector('#vlog-rows .vrow').click()").await;
    app.wait_until(10, "the detail pane says it is only whitespace", || async {
        app.text("detail-note").await.contains("Only whitespace: 2 characters")
    })
    .await;

    // Blank is decided on the data: a literal ⏎ is text, a lone vertical tab is whitespace.
    publish_to_app(&app, &json!({ "data": "⏎" })).await;
    publish_to_app(&app, &json!({ "data": "\u{b}" })).await;
    app.type_into("filter-text", r"^(⏎|\x0b)$").await;
    app.wait_until(10, "the symbol and the vertical tab are listed", || async {
        app.shown_rows().await == ["⏎", "^K"]
    })
    .await;
    let classes = app
        .eval("return [...document.querySelectorAll('#vlog-rows .vrow .data')].map(d => d.className)")
        .await;
    assert_eq!(classes, json!(["data", "data blank"]));

    app.eval(
        "document.getElementById('filter-text').value = ''; document.getElementById('filter-regex').click()",
    )
    .await;
    app.wait_until(10, "the counter is listed again", || async {
        app.shown_rows().await.last().is_some_and(|d| d.parse::<u64>().is_ok())
    })
    .await;
    // Selecting events above turned Follow off; back on, the log follows the newest again.
    assert_eq!(app.eval("return document.getElementById('follow').checked").await, json!(false));
    app.click("follow").await;
    let pause = "document.getElementById('pause-button').click()";
    app.eval(pause).await;
    app.wait_until(5, "the button offers to resume", || async { app.text("pause-button").await == "Resume" })
        .await;
    // A frame or two after the pause (the count moves on each), the log holds still.
    let paused_at = app.number("ipc-count").await.unwrap_or(0);
    app.wait_until(5, "events still come while paused", || async {
        app.number("ipc-count").await.unwrap_or(0) >= paused_at + 2
    })
    .await;
    let frozen = app.shown_rows().await;
    let count = app.number("ipc-count").await.unwrap_or(0);
    app.wait_until(10, "five more events counted while paused", || async {
        app.number("ipc-count").await.unwrap_or(0) >= count + 5
    })
    .await;
    assert_eq!(app.shown_rows().await, frozen, "the log moved while paused");
    assert!(app.text("paused-note").await.contains("received since"), "{}", app.text("paused-note").await);
    app.click("pause-button").await;
    app.wait_until(10, "the log moves on after resuming", || async { app.shown_rows().await != frozen })
        .await;
    app.close().await;
}

/// Pause survives "Apply and reconnect": the view stays paused on the new connection (the
/// status says so and counts what arrives), and Resume shows the new connection's events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_survives_apply_and_reconnect() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 3 })
        .await;
    app.click("pause-button").await;
    app.wait_until(15, "paused", || async { app.text("pause-button").await == "Resume" }).await;
    assert_eq!(app.text("connect-button").await, "Apply and reconnect");
    app.click("connect-button").await;
    let received_since = || async {
        let note = app.text("paused-note").await;
        note.strip_prefix("Paused · ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.replace(',', "").parse::<u64>().ok())
    };
    app.wait_until(15, "the new connection counts events while still paused", || async {
        app.text("ipc-state").await == "open" && received_since().await.unwrap_or(0) >= 3
    })
    .await;
    assert_eq!(app.text("pause-button").await, "Resume", "still paused after reconnecting");
    let hidden = app.eval("return document.getElementById('paused-note').hidden").await;
    assert_eq!(hidden, json!(false), "the status says Paused");
    assert!(app.shown_rows().await.is_empty(), "the paused view is frozen on the new, empty log");
    app.click("pause-button").await;
    app.wait_until(10, "resumed, the new connection's events are listed", || async {
        app.text("pause-button").await == "Pause" && app.shown_rows().await.len() >= 3
    })
    .await;
    app.close().await;
}

/// The keyboard drives the inspector: `p` pauses and resumes, `k` and `j` select the previous
/// and next event in the detail pane, `/` focuses the filter and Escape leaves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_shortcuts_drive_the_inspector() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 5 })
        .await;
    app.eval("document.activeElement && document.activeElement.blur()").await;

    app.press('p').await;
    app.wait_until(5, "p pauses", || async { app.text("pause-button").await == "Resume" }).await;
    app.press('k').await;
    app.wait_until(5, "k selects an event", || async {
        app.text("detail-title").await.starts_with("Event ")
    })
    .await;
    let title = app.text("detail-title").await;
    app.press('k').await;
    app.wait_until(5, "k again selects the one before", || async {
        let now = app.text("detail-title").await;
        now != title && !now.is_empty()
    })
    .await;
    let number = |title: &str| {
        title.trim_start_matches("Event ").split(' ').next().and_then(|n| n.parse::<u64>().ok())
    };
    let before = number(&app.text("detail-title").await).expect("an event number");
    // The title names the id as the selected row's Id column shows it.
    let row_id = app.eval("return document.querySelector('#vlog-rows .vrow.selected .id').textContent").await;
    let row_id = row_id.as_str().expect("the selected row is in view").to_owned();
    assert!(
        app.text("detail-title").await.contains(&format!("· id {row_id}")),
        "title {:?}, row id {row_id:?}",
        app.text("detail-title").await
    );
    app.press('j').await;
    app.wait_until(5, "j selects the next one", || async {
        number(&app.text("detail-title").await) == Some(before + 1)
    })
    .await;
    app.press('p').await;
    app.wait_until(5, "p resumes", || async { app.text("pause-button").await == "Pause" }).await;

    app.press('/').await;
    app.wait_until(5, "/ focuses the filter", || async { app.focused().await == "filter-text" }).await;
    app.press('p').await;
    assert_eq!(app.text("pause-button").await, "Pause", "typing in the filter is not a shortcut");
    app.press(char::from(fantoccini::key::Key::Escape)).await;
    app.wait_until(5, "Escape leaves the filter", || async { app.focused().await != "filter-text" }).await;
    app.close().await;
}

/// Tests that need the app's `test-hooks` feature (paths instead of native dialogs): on in the
/// test command and CI's debug package; `package-test.sh --release` skips them and says so.
mod test_hooks {
    use super::*;

    /// The export command writes what was received: NDJSON lines with the `sse-sub --json` fields
    /// and time, for every kept counter event in order, and a CSV with a header; importing the
    /// NDJSON replays it, in full, as a new connection.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn exported_events_match_and_replay_on_import() {
        let app = spawn_app().await;
        app.wait_until(30, "20 counter events", || async {
            app.number("ipc-count").await.unwrap_or(0) >= 20
        })
        .await;
        let dir = fresh_config_dir("export");
        std::fs::create_dir_all(&dir).unwrap();
        let ndjson = dir.join("capture.ndjson");
        let id = app.eval("return window.__sseMonitorTest.selected().id").await;
        app.export(&id, "ndjson", &ndjson).await;
        let text = std::fs::read_to_string(&ndjson).unwrap();
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
        assert!(lines.len() >= 20, "{} lines", lines.len());
        for (n, line) in lines.iter().enumerate() {
            let id: u64 = line["id"].as_str().unwrap().parse().unwrap();
            let data: u64 = line["data"].as_str().unwrap().parse().unwrap();
            assert_eq!(id, data + 1, "line {n}: {line}");
            assert_eq!(line["event"], "message");
            assert!(line["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{line}");
            if n > 0 {
                assert_eq!(
                    id,
                    lines[n - 1]["id"].as_str().unwrap().parse::<u64>().unwrap() + 1,
                    "a gap at line {n}"
                );
            }
        }
        let csv = dir.join("capture.csv");
        app.export(&id, "csv", &csv).await;
        let csv = std::fs::read_to_string(&csv).unwrap();
        assert!(csv.starts_with("time,delta_ms,id,event,size,data\r\n"), "{csv}");
        assert!(csv.lines().count() > lines.len(), "a record per event and the header");

        // Imported, the capture replays through the embedded server into a new connection; the
        // notice that says so is a success, over the workspace (the form does not move).
        app.set_value("replay-speed", "0").await;
        let form_top = "return document.getElementById('request-form').getBoundingClientRect().top";
        let top_before = app.eval(form_top).await;
        app.client
            .execute(
                "window.__sseMonitorTest.importCapture(arguments[0])",
                vec![json!(ndjson.display().to_string())],
            )
            .await
            .expect("import");
        // A success shows for a few seconds: looked for while it does.
        let toast = "const n = document.querySelector('#toasts .notice'); return n ? n.className + '|' + n.textContent : ''";
        app.wait_until(10, "the replay's success notice floats over the workspace", || async {
            app.eval(toast)
                .await
                .as_str()
                .is_some_and(|notice| notice.starts_with("notice success|Replaying"))
        })
        .await;
        assert_eq!(app.eval(form_top).await, top_before, "the notice did not push the form down");
        let replayed = lines.len() as u64;
        app.wait_until(30, "the replay arrives in full in a new connection", || async {
            let name = app.eval("return window.__sseMonitorTest.selected().name").await;
            name.as_str().is_some_and(|n| n.starts_with("Replay of capture.ndjson"))
                && app.number("ipc-count").await == Some(replayed as i64)
        })
        .await;
        // The log follows a frame or two behind the count.
        let last_data = lines.last().unwrap()["data"].as_str().unwrap().to_owned();
        app.wait_until(10, "the log shows the replay ending with the capture's last event", || async {
            app.shown_rows().await.last() == Some(&last_data)
        })
        .await;
        app.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
