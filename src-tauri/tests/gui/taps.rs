//! Taps in the window: one made in the form, a stream sent through it from outside by curl,
//! its exchange listed live and then as cut, shown whole (raw bytes by chunk) and in the waterfall, its HAR checked
//! by npm har-validator, replayed, the list filtered, and the tap found listening on the same
//! port after a restart.

use std::process::{Command, Stdio};

use serde_json::json;

use crate::harness::*;

/// The rows of the exchange table as `path|status|state|events`, newest first.
async fn exchange_rows(app: &App) -> Vec<String> {
    let rows = app
        .eval(
            "return [...document.querySelectorAll('#tap-rows tr')].filter(tr => !tr.hidden).map(tr => \
             ['path', 'status', 'state', 'events'].map(c => tr.querySelector('td.col-' + c).textContent).join('|'))",
        )
        .await;
    rows.as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Clicks button `id` once it is shown and enabled (the exchange's detail arrives after its
/// row is clicked), within 10 s.
async fn click_when_shown(app: &App, id: &str) {
    app.wait_until(10, &format!("#{id} is shown and enabled"), || async {
        let script = format!(
            "const b = document.getElementById('{id}'); return b.offsetParent !== null && !b.disabled"
        );
        app.eval(&script).await == true
    })
    .await;
    app.click(id).await;
}

/// Binds `port` as soon as it is free (a closed app lets its tap's port go as it exits, which
/// takes a moment, more on a loaded machine), within 30 s; else fails naming who holds it.
async fn hold_port_when_free(port: u16) -> std::net::TcpListener {
    for _ in 0..300 {
        if let Ok(listener) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            return listener;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("port {port} still taken 30 s after the app closed, by: {}", listener_of(port));
}

/// The command lines of the processes listening on `port` (from /proc), for a failure message.
fn listener_of(port: u16) -> String {
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    // Fields: sl, local address (hex IP:port), remote, state (0A = LISTEN), ..., inode (10th).
    let inodes: Vec<String> = tcp
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() > 9 && f[3] == "0A" && f[1].ends_with(&format!(":{port:04X}")))
        .map(|f| format!("socket:[{}]", f[9]))
        .collect();
    let mut holders = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let fds = std::fs::read_dir(entry.path().join("fd")).into_iter().flatten().flatten();
        if fds
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .any(|l| inodes.iter().any(|i| l.to_str() == Some(i)))
        {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            holders.push(format!(
                "{} {}",
                entry.file_name().to_string_lossy(),
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            ));
        }
    }
    if holders.is_empty() {
        "no process found".into()
    } else {
        holders.join("; ")
    }
}

/// `curl -sN` through the tap for `secs` seconds, in the background.
fn curl_stream(url: &str, secs: u32) -> std::process::Child {
    Command::new("curl")
        .args(["-sN", "--max-time", &secs.to_string(), url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run curl (scripts/setup.sh installs it)")
}

/// It needs the app's `test-hooks` feature (the HAR written to a path, the tap's id), so a
/// release package's test run skips it (`package-test.sh --release`).
mod test_hooks {
    use super::*;

    /// A tap made in the window forwards curl's stream with the header it adds, lists the
    /// exchange live and then as cut by the client, shows it whole (the header masked), opens its
    /// events in the inspector, draws it in the waterfall, exports a valid HAR, replays it,
    /// filters it, is back on its port after a restart (where a live stream follows in the
    /// inspector), and says so when that port is taken.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_tap_made_in_the_window_lists_a_stream_sent_through_it() {
        // The remote answers only requests with `X-Team: blue`: the tap adds it, curl does not. The
        // tap adds a credential too, masked on screen and in the HAR (and, with no keyring, not
        // saved: the restart below needs only X-Team).
        let remote = spawn_remote_server_requiring("X-Team: blue");
        let config = fresh_config_dir("taps");
        let app = spawn_app_in(&config, &[]).await;
        // The window is shown once the page has started (its first connection open).
        app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
        app.click("new-tap").await;
        app.type_into("t-upstream", &remote.base_url).await;
        app.click("tap-options-toggle").await;
        // Two lines (WebKitWebDriver types no line breaks): set as the form's value.
        app.set_value("t-headers", "X-Team: blue\nX-Api-Key: k-123").await;
        app.click("tap-start").await;
        app.wait_until(20, "the tap listens", || async { app.text("tap-state").await == "listening" }).await;
        let listen_url = app.text("tap-url").await;
        assert!(listen_url.starts_with("http://127.0.0.1:"), "{listen_url}");
        assert!(app.text("tap-hint").await.contains("Point your app's base URL here"));

        let curl = curl_stream(&format!("{listen_url}/events?stream=messages"), 4);
        app.wait_until(20, "the stream is listed live with its events", || async {
            exchange_rows(&app).await.first().is_some_and(|row| {
                let cells: Vec<&str> = row.split('|').collect();
                cells[..3] == ["/events?stream=messages", "200", "live"]
                    && cells[3].parse::<u32>().is_ok_and(|events| events >= 3)
            })
        })
        .await;
        let received = curl.wait_with_output().expect("curl ends after --max-time").stdout;
        assert!(String::from_utf8_lossy(&received).contains("data:"), "curl got the events");
        app.wait_until(20, "the exchange is listed as cut by its client", || async {
            exchange_rows(&app).await.first().is_some_and(|row| row.contains("|client hung up after"))
        })
        .await;
        assert!(app.text("tap-counts").await.starts_with("1 exchange"), "{}", app.text("tap-counts").await);

        // The exchange whole: its title, the header the tap added masked on screen.
        app.eval("document.querySelector('#tap-rows tr').click()").await;
        app.wait_until(10, "the exchange is shown whole", || async {
            app.text("exchange-title").await == "GET /events?stream=messages → 200"
        })
        .await;
        let headers = app.text("exchange-request-headers").await;
        assert!(
            headers.contains("x-teamblue") && headers.contains("[redacted]") && !headers.contains("k-123"),
            "{headers}"
        );
        assert!(app.text("exchange-response-body").await.contains("an event stream"));
        // Its raw bytes, chunk by chunk: each chunk under its own line, the events' lines in them.
        let raw = app.text("exchange-raw").await;
        assert!(raw.contains("── chunk at +") && raw.contains("data: "), "{raw}");
        let curl = app.text("exchange-curl-shown").await;
        assert!(curl.starts_with("curl -N ") && curl.contains("x-api-key: [redacted]"), "{curl}");
        // The whole inspector on it: its events in the log (the counter's values), told closed as the
        // tap saw it end; the comparison says it does not apply; back to the tap by its button.
        app.click("exchange-inspect").await;
        app.wait_until(20, "the tapped stream's events are in the log", || async {
            let rows = app.shown_rows().await;
            rows.len() >= 3
                && rows.iter().all(|data| data.parse::<u64>().is_ok())
                && app.text("ipc-state").await == "closed"
        })
        .await;
        let name = app.eval("return window.__sseMonitorTest.selected().name").await;
        assert_eq!(name, "GET /events?stream=messages");
        assert!(app.text("ipc-detail").await.contains("client hung up"), "{}", app.text("ipc-detail").await);
        // The summary cards are redrawn about four times a second.
        app.wait_until(5, "the comparison says it does not apply", || async {
            app.text("comparison").await == "does not apply to a tapped stream"
        })
        .await;
        assert!(app.eval("return document.getElementById('request-form').hidden").await == true);
        assert!(app.eval("return document.getElementById('es').hidden").await == true, "no browser feed");
        // Ended, it has nothing left to follow (no dead "Stop following"), and the window never
        // reconnects your app's stream (no Reconnects figure).
        assert!(app.eval("return document.getElementById('disconnect-button').hidden").await == true);
        app.click("tab-stats").await;
        app.wait_until(5, "Live stats has no Reconnects figure", || async {
            app.eval("return document.getElementById('stat-reconnects-figure').hidden").await == true
        })
        .await;
        app.click("tapped-back").await;
        app.wait_until(10, "back on the tap", || async {
            app.eval("return document.getElementById('tap-workspace').hidden").await == false
        })
        .await;
        // Its waterfall: a row drawn, the axis says over how long.
        app.click("tap-tab-waterfall").await;
        app.wait_until(10, "the waterfall draws the exchange", || async {
            app.text("waterfall-axis").await.starts_with("1 exchange over")
                && app.eval("return document.getElementById('waterfall-canvas').height").await.as_u64()
                    > Some(0)
        })
        .await;

        // The HAR (through the command the button calls, to a path: no dialog) is valid HAR 1.2,
        // with the stream's events and the credential redacted.
        let tap_id = app.eval("return window.__sseMonitorTest.selectedTap().id").await;
        let har_path = config.join("tap.har");
        let _ = std::fs::create_dir_all(&config);
        let saved = app
            .invoke(
                "export_har",
                json!({ "id": tap_id, "withSecrets": false, "path": har_path.display().to_string() }),
            )
            .await;
        assert!(saved.get("bytes").is_some(), "{saved}");
        let validator = concat!(env!("CARGO_MANIFEST_DIR"), "/../tap/tests/clients/har-validate.mjs");
        let checked = Command::new("node").arg(validator).arg(&har_path).output().expect("run node");
        assert_eq!(String::from_utf8_lossy(&checked.stdout).trim(), "valid", "har-validator");
        let har = std::fs::read_to_string(&har_path).expect("the HAR");
        assert!(
            har.contains("_eventSourceMessages") && har.contains("[redacted]") && !har.contains("secret"),
            "{har}"
        );

        // Replay: the stream plays again on the embedded server, as a new connection.
        app.eval("document.querySelector('#tap-rows tr').click()").await;
        app.click("tap-tab-exchange").await;
        click_when_shown(&app, "exchange-replay").await;
        app.wait_until(20, "the replay plays as a new connection", || async {
            let name = app.eval("const s = window.__sseMonitorTest.selected(); return s ? s.name : ''").await;
            name.as_str().is_some_and(|n| n.starts_with("Replay of tapped exchange"))
                && app.number("ipc-count").await.unwrap_or(0) >= 3
        })
        .await;
        app.eval("document.querySelector('#tap-list li .pick').click()").await;

        app.type_into("tap-filter-path", "/chat").await;
        app.wait_until(10, "the path filter hides it", || async { exchange_rows(&app).await.is_empty() })
            .await;
        assert_eq!(app.text("tap-counts").await, "0 of 1 exchange shown");
        app.type_into("tap-filter-path", "/events").await;
        app.set_value("tap-filter-status", "2").await;
        app.wait_until(10, "2xx shows it again", || async { exchange_rows(&app).await.len() == 1 }).await;
        app.close().await;

        // Restarted with the same settings: the tap listens again on its port, with its header.
        let port: u16 = listen_url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("a port");
        let _ = hold_port_when_free(port).await; // the closed app lets it go as it exits
        let app = spawn_app_in(&config, &[]).await;
        app.wait_until(20, "the saved tap is listed", || async {
            app.eval("return document.querySelectorAll('#tap-list li').length").await == 1
        })
        .await;
        app.eval("document.querySelector('#tap-list li .pick').click()").await;
        app.wait_until(20, "the saved tap listens again", || async {
            app.text("tap-state").await == "listening"
        })
        .await;
        assert_eq!(app.text("tap-url").await, listen_url, "on the port it had");
        let curl = curl_stream(&format!("{listen_url}/events?stream=messages"), 2);
        let received = curl.wait_with_output().expect("curl ends").stdout;
        assert!(String::from_utf8_lossy(&received).contains("data:"), "the header is still added");
        app.wait_until(20, "the new exchange is listed", || async { exchange_rows(&app).await.len() == 1 })
            .await;

        // A stream still open follows in the inspector as new events come through the tap.
        let curl = curl_stream(&format!("{listen_url}/events?stream=messages"), 8);
        app.wait_until(20, "the live stream is listed", || async {
            let rows = exchange_rows(&app).await;
            rows.len() == 2 && rows[0].contains("|live|")
        })
        .await;
        app.eval("document.querySelector('#tap-rows tr').click()").await;
        click_when_shown(&app, "exchange-inspect").await;
        app.wait_until(20, "the tapped stream is open in the inspector", || async {
            app.text("ipc-state").await == "open" && app.number("ipc-count").await.unwrap_or(0) >= 1
        })
        .await;
        assert_eq!(app.text("disconnect-button").await, "Stop following", "a live one can be let go");
        let before = app.number("ipc-count").await.unwrap_or(0);
        app.wait_until(10, "new events follow", || async {
            app.number("ipc-count").await.unwrap_or(0) >= before + 3
        })
        .await;
        let _ = curl.wait_with_output();
        app.eval("document.querySelector('#tap-list li .pick').click()").await;

        // By keyboard: in the list, ↓ selects the newest exchange and shows it whole.
        app.eval("document.getElementById('tap-exchange-list').focus()").await;
        app.press(char::from(fantoccini::key::Key::Down)).await;
        app.wait_until(10, "↓ shows the exchange", || async {
            app.text("exchange-title").await == "GET /events?stream=messages → 200"
                && app
                    .eval("return document.getElementById('tap-tab-exchange').getAttribute('aria-selected')")
                    .await
                    == "true"
        })
        .await;
        app.close().await;

        // Its port taken by another program: the tap listens elsewhere, and the window says so.
        let _taken = hold_port_when_free(port).await;
        let app = spawn_app_in(&config, &[]).await;
        app.wait_until(20, "the window says the port is taken", || async {
            app.text("notices").await.contains(&format!("Port {port} is taken"))
        })
        .await;
        app.close().await;
        let _ = std::fs::remove_dir_all(config);
    }
}
