//! A tap's Breakpoints tab, by keyboard only: a breakpoint added from its fields, a stream
//! through the tap (curl, to the app's embedded server) stopped at the event it names, an event
//! injected before it (I, Ctrl+Enter), the held event edited (E, Ctrl+Enter), the next one
//! dropped (Delete), the one after resumed (F8) so that nothing stops any more: curl gets
//! exactly that, and the row and the badge say so.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::*;

/// curl reading a stream through the tap, its lines gathered as they come.
struct Curl {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Curl {
    fn start(url: &str) -> Self {
        let mut child = Command::new("curl")
            .args(["-sN", "--max-time", "120", url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run curl (scripts/setup.sh installs it)");
        let stdout = child.stdout.take().expect("piped");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let gathered = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                gathered.lock().expect("not poisoned").push(line);
            }
        });
        Self { child, lines }
    }

    /// The `data:` lines it got so far.
    fn data(&self) -> Vec<String> {
        let lines = self.lines.lock().expect("not poisoned");
        lines.iter().filter_map(|line| line.strip_prefix("data: ").map(str::to_owned)).collect()
    }
}

impl Drop for Curl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Publishes an `error` event with `data` on the app's own `messages` stream.
async fn publish_error(app: &App, data: &str) {
    publish_to_app(app, &json!({ "event": "error", "data": data })).await;
}

/// Waits until the held event's panel shows the event with `data`, and puts the focus on it
/// by keyboard.
async fn held_and_focused(app: &App, data: &str) {
    app.wait_until(10, &format!("the event `{data}` is held"), || async {
        app.eval("return document.getElementById('bp-event').hidden").await == json!(false)
            && app.text("bp-fields").await.contains(data)
    })
    .await;
    if app.focused().await != "bp-event" {
        app.tab_to("bp-event", 60).await;
    }
}

/// A breakpoint set, hit and acted on by keyboard; what curl gets through the tap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breakpoint_holds_edits_drops_and_resumes_by_keyboard() {
    let config = fresh_config_dir("tap-breakpoints");
    let app = spawn_app_in(&config, &[]).await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    let upstream = app.text("server-url").await;
    let listen_url = app.start_tap(&upstream).await;

    // To the Breakpoints tab with the arrow keys; a breakpoint from the Type field, by Enter.
    app.click("tap-tab-waterfall").await;
    for _ in 0..4 {
        app.press(char::from(Key::Right)).await;
    }
    assert_eq!(app.focused().await, "tap-tab-breakpoints");
    app.tab_to("bp-n-event", 40).await;
    app.type_into("bp-n-event", "error").await;
    app.press(char::from(Key::Enter)).await;
    app.wait_until(10, "the tap has the breakpoint", || async {
        app.text("bp-state").await.starts_with("1 breakpoint")
    })
    .await;
    let list = app.eval("return document.getElementById('bp-json').value").await;
    assert_eq!(list, "[\n  {\"event\":\"error\"}\n]\n");

    let curl = Curl::start(&format!("{listen_url}/events?stream=messages"));
    app.wait_until(10, "curl's stream is through the tap", || async {
        app.eval("return document.querySelectorAll('#tap-rows tr').length").await == json!(1)
    })
    .await;

    publish_error(&app, "boom 1").await;
    held_and_focused(&app, "boom 1").await;
    assert_eq!(app.text("tap-held-badge").await, "HELD: 1 EVENT");
    assert!(app.text("tap-list").await.contains("1 held"), "{}", app.text("tap-list").await);
    // I: an event before it.
    app.press('i').await;
    assert_eq!(app.focused().await, "bp-f-data");
    app.type_into("bp-f-data", "before it").await;
    app.press_with_ctrl(char::from(Key::Enter)).await;
    app.wait_until(10, "the injected event reached curl", || async {
        curl.data().contains(&"before it".to_owned())
    })
    .await;
    assert!(!curl.data().contains(&"boom 1".to_owned()), "still held");
    // E: the held event edited, then sent by Ctrl+Enter.
    held_and_focused(&app, "boom 1").await;
    app.press('e').await;
    let prefilled = app.eval("return document.getElementById('bp-f-data').value").await;
    assert_eq!(prefilled, "boom 1", "the form holds the event's data");
    assert_eq!(app.eval("return document.getElementById('bp-f-event').value").await, "error");
    app.type_into("bp-f-data", "edited 1").await;
    app.press_with_ctrl(char::from(Key::Enter)).await;
    app.wait_until(10, "the edited event reached curl", || async {
        curl.data().contains(&"edited 1".to_owned())
    })
    .await;

    // Delete drops the next one; F8 sends the one after and stops no more.
    publish_error(&app, "boom 2").await;
    held_and_focused(&app, "boom 2").await;
    app.press(char::from(Key::Delete)).await;
    publish_error(&app, "boom 3").await;
    held_and_focused(&app, "boom 3").await;
    app.press(char::from(Key::F8)).await;
    publish_error(&app, "boom 4").await;
    app.wait_until(10, "the events after the resume reached curl", || async {
        curl.data().contains(&"boom 4".to_owned())
    })
    .await;
    let got: Vec<String> =
        curl.data().into_iter().filter(|data| !data.chars().all(|c| c.is_ascii_digit())).collect();
    assert_eq!(got, ["before it", "edited 1", "boom 3", "boom 4"], "the counter's numbers aside");
    app.wait_until(10, "nothing is held and the row says what was done", || async {
        let hover = app.eval("return document.querySelector('#tap-rows tr td.col-state')?.title ?? ''").await;
        app.eval("return document.getElementById('tap-held-badge').hidden").await == json!(true)
            && hover.as_str().is_some_and(|hover| {
                hover.contains("breakpoints: event") && hover.contains("edited") && hover.contains("dropped")
            })
    })
    .await;
    drop(curl);
    app.close().await;
}
