//! A tap's Faults box, by keyboard: a rule added and set with the controls, applied with
//! Ctrl+Enter, a stream through the tap cut as it says (its row says so, and the rule's
//! words), a list with a mistake refused naming the rule and field, a rule file saved and
//! loaded, the rules cleared. The tap's own upstream is the app's embedded server.

use std::process::{Command, Stdio};

use fantoccini::key::Key;
use serde_json::json;

use crate::harness::*;

/// The newest exchange row's state cell: its text and its hover.
async fn newest_state(app: &App) -> (String, String) {
    let cell = app
        .eval("const td = document.querySelector('#tap-rows tr td.col-state'); return td ? [td.textContent, td.title] : ['', '']")
        .await;
    let text = |at: usize| cell[at].as_str().unwrap_or_default().to_owned();
    (text(0), text(1))
}

/// It needs the app's `test-hooks` feature (a rule file named instead of the dialog), so a
/// release package's test run skips it.
mod test_hooks {
    use super::*;

    /// The Faults box works by keyboard end to end, and a stream through the tap is cut by
    /// the rule set there; the badge and the sidebar say the tap has rules.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn fault_rules_set_by_keyboard_cut_a_stream_through_the_tap() {
        let config = fresh_config_dir("tap-faults");
        let app = spawn_app_in(&config, &[]).await;
        app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
        let upstream = app.text("server-url").await;
        app.start_tap(&upstream).await;
        assert_eq!(app.eval("return document.getElementById('tap-faults-badge').hidden").await, true);

        // To the Faults tab with the arrow keys, then into the box with Tab.
        app.click("tap-tab-waterfall").await;
        for _ in 0..3 {
            app.press(char::from(Key::Right)).await;
        }
        assert_eq!(app.focused().await, "tap-tab-faults");
        assert_eq!(app.eval("return document.getElementById('tap-faults').hidden").await, false);
        app.tab_to("tf-add", 40).await;
        app.press(char::from(Key::Enter)).await; // Add rule
        app.tab_to("tf-path", 40).await;
        app.type_into("tf-path", "/events*").await;
        app.tab_to("tf-cut-events", 40).await;
        app.type_into("tf-cut-events", "2").await;
        let text = app.eval("return document.getElementById('tf-json').value").await;
        assert_eq!(
            text, "[\n  {\"path\":\"/events*\",\"cutAfterEvents\":2}\n]\n",
            "the controls wrote the rule"
        );
        app.press_with_ctrl(char::from(Key::Enter)).await; // Apply
        app.wait_until(10, "the tap has the rule", || async {
            app.text("tap-faults-badge").await == "FAULTS: 1 RULE"
        })
        .await;
        assert!(
            app.text("tf-state").await.starts_with("The tap has 1 fault rule"),
            "{}",
            app.text("tf-state").await
        );
        let sidebar = app.text("tap-list").await;
        assert!(sidebar.contains("1 fault rule"), "{sidebar}");

        // A stream through the tap: two events, then cut (curl sees the cut and exits).
        let listen_url = app.text("tap-url").await;
        let curl = Command::new("curl")
            .args(["-sN", "--max-time", "10", &format!("{listen_url}/events?stream=messages")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .output()
            .expect("run curl (scripts/setup.sh installs it)");
        let got = String::from_utf8_lossy(&curl.stdout);
        assert_eq!(got.matches("data:").count(), 2, "{got}");
        assert_eq!(curl.status.code(), Some(18), "curl: transfer closed with data outstanding (a cut)");
        app.wait_until(10, "the row says the tap cut it, and the rule's words", || async {
            let (state, hover) = newest_state(&app).await;
            state.starts_with("cut by the tap after") && hover.contains("rule 1: cut after 2 events at byte")
        })
        .await;

        // A mistake changes nothing and is named.
        app.type_into("tf-json", r#"[{"path": "/events*", "cutAfterEvent": 2}]"#).await;
        assert_eq!(app.focused().await, "tf-json");
        app.press_with_ctrl(char::from(Key::Enter)).await;
        app.wait_until(10, "the mistake is named", || async {
            app.text("tf-problem").await.contains("rule 1: unknown field `cutAfterEvent`")
        })
        .await;
        assert_eq!(app.text("tap-faults-badge").await, "FAULTS: 1 RULE", "the tap kept its rule");

        // A rule file saved and loaded (named here; the buttons ask the dialog), then cleared.
        let file = config.join("faults.json");
        let rules = "[\n  {\"path\":\"/events*\",\"dripBytesPerSecond\":100}\n]\n";
        let saved = app
            .invoke("save_fault_rules", json!({ "rules": rules, "path": file.display().to_string() }))
            .await;
        assert_eq!(saved["bytes"], rules.len(), "{saved}");
        let bad = app
            .invoke("save_fault_rules", json!({ "rules": "[3]", "path": file.display().to_string() }))
            .await;
        assert!(bad.to_string().contains("rule 1: a rule is a JSON object"), "{bad}");
        let loaded = app.invoke("load_fault_rules", json!({ "path": file.display().to_string() })).await;
        assert_eq!(loaded, rules);
        app.tab_to("tf-clear", 40).await;
        app.press(char::from(Key::Enter)).await;
        app.wait_until(10, "the rules are cleared", || async {
            app.eval("return document.getElementById('tap-faults-badge').hidden").await == true
        })
        .await;
        assert!(!app.text("tap-list").await.contains("fault rule"));
        app.close().await;
    }
}
