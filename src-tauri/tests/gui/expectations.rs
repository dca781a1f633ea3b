//! The Expectations panel: an expectations file loaded in the window and checked live on the
//! embedded counter, a failure's button leading to its event, a file with a mistake refused
//! with its place, and expectations generated from the stream and saved.

use serde_json::json;

use crate::harness::*;

/// Rows of the panel's list as `verdict|name|detail`.
async fn expectation_rows(app: &App) -> Vec<String> {
    let rows = app
        .eval(
            "return [...document.querySelectorAll('#expect-list li')].map(li => \
             ['.verdict', '.expect-name', '.expect-detail'].map(c => li.querySelector(c).textContent).join('|'))",
        )
        .await;
    rows.as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn load(app: &App, path: &std::path::Path) {
    app.client
        .execute(
            "return window.__sseMonitorTest.loadExpectations(arguments[0])",
            vec![json!(path.display().to_string())],
        )
        .await
        .expect("load expectations");
}

/// Needs the app's `test-hooks` feature (a file's path instead of the native dialog).
mod test_hooks {
    use super::*;

    /// A file loaded while the counter runs is checked on the events already kept, then live:
    /// its passes and its failure show, the failure's button selects the event that broke it,
    /// a bad file is refused with its line and column, and expectations generated from the
    /// stream pass on it and save to a file.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_expectations_file_is_checked_live_and_a_failure_leads_to_its_event() {
        let dir = fresh_config_dir("expectations");
        std::fs::create_dir_all(&dir).unwrap();
        let app = spawn_app_in(&dir, &[]).await;
        app.wait_until(30, "the counter runs", || async { app.number("ipc-count").await.unwrap_or(0) >= 2 })
            .await;
        app.click("tab-expectations").await;
        assert!(app.text("expect-summary").await.starts_with("No expectations"));

        let file = dir.join("counter.toml");
        let expectations = "[[event]]\ntype = \"message\"\nschema = { type = \"integer\" }\nat_least = 8\n\
                            [[event]]\nposition = 5\ndata = \"never\"\n[ids]\nincreasing = true\n";
        std::fs::write(&file, expectations).unwrap();
        load(&app, &file).await;
        app.wait_until(20, "at least 8 passes and event 5 fails", || async {
            let rows = expectation_rows(&app).await;
            rows.iter().any(|r| r.starts_with("pass|`message` events: at least 8|"))
                && rows.iter().any(|r| r.starts_with("fail|event 5: data is `never`|event #5"))
        })
        .await;
        let rows = expectation_rows(&app).await;
        assert!(rows.iter().any(|r| r.starts_with("pass|response status is 200|HTTP 200")), "{rows:#?}");
        assert!(
            rows.iter().any(|r| r.starts_with("pending|`message` events: data valid against the schema|")),
            "{rows:#?}"
        );
        let summary = app.text("expect-summary").await;
        assert!(
            summary.starts_with("6 expectations from counter.toml · ") && summary.contains("1 failed"),
            "{summary}"
        );

        // The failure's button selects its event: the detail shows the data the row names.
        let failed = rows.iter().find(|r| r.starts_with("fail|")).unwrap().clone();
        let data =
            failed.split("data is `").nth(2).and_then(|rest| rest.split('`').next()).unwrap().to_owned();
        app.client
            .find(fantoccini::Locator::Css("#expect-list li[data-verdict='fail'] .expect-go"))
            .await
            .expect("the failure's Go to event button")
            .click()
            .await
            .expect("click Go to event (the row stays the same element while reports come)");
        app.wait_until(10, "the detail shows the failing event", || async {
            app.text("detail-data").await == data
        })
        .await;

        // A file with a mistake is refused where it is; the file checked before stays.
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "[ids]\nincreasing = yes\n").unwrap();
        load(&app, &bad).await;
        app.wait_until(10, "the mistake is shown", || async {
            app.text("expect-problem").await.starts_with("bad.toml: line 2, column 14:")
        })
        .await;
        assert!(app.text("expect-summary").await.contains("from counter.toml"));

        // Generated from the stream's first 5 events: decided at once, all passing.
        app.set_value("expect-events", "5").await;
        app.click("expect-generate").await;
        app.wait_until(10, "generated expectations pass", || async {
            let summary = app.text("expect-summary").await;
            summary.contains("expectations, generated from the first 5 events")
                && summary.contains("0 failed")
                && summary.contains("checking is over")
        })
        .await;
        assert_eq!(app.text("expect-problem").await, "", "the problem went with the new file");
        let id = app.eval("return window.__sseMonitorTest.selected().id").await;
        let saved = dir.join("saved.toml");
        let answer =
            app.invoke("save_expectations", json!({ "id": id, "path": saved.display().to_string() })).await;
        assert!(answer.get("bytes").is_some(), "{answer}");
        let text = std::fs::read_to_string(&saved).unwrap();
        assert!(text.contains("events = 5\n") && text.contains("[ids]"), "{text}");
        app.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
