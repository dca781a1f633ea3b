//! A panic in Rust never takes the window down: the command is answered with an error, the
//! window says what happened, and everything else goes on.

use serde_json::json;

use crate::harness::*;

/// Needs the app's `test-hooks` feature (the command that panics on purpose).
mod test_hooks {
    use super::*;

    /// A command that panics is answered with an `internal` error naming it, the window shows
    /// the panic above the workspace, and the app lives on: the counter keeps arriving.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_command_is_reported_and_the_window_goes_on() {
        let app = spawn_app().await;
        app.wait_until(30, "the counter's first events", || async {
            app.number("ipc-count").await.unwrap_or(0) >= 2
        })
        .await;
        let answer = app
            .client
            .execute(
                "return window.__sseMonitorTest.panicInRust(arguments[0])",
                vec![json!("deliberate panic of the GUI test")],
            )
            .await
            .expect("call the panicking command");
        assert_eq!(
            answer.as_str().unwrap_or_default(),
            "internal: panic_for_test failed with an internal error: deliberate panic of the GUI test"
        );
        app.wait_until(10, "the window tells of the panic", || async {
            app.text("notices").await.contains("Internal error, logged; the app goes on: deliberate panic")
        })
        .await;
        let before = app.number("ipc-count").await.unwrap_or(0);
        app.wait_until(20, "the counter goes on after the panic", || async {
            app.number("ipc-count").await.unwrap_or(0) > before + 3
        })
        .await;
        assert_eq!(app.text("ipc-state").await, "open");
        app.close().await;
    }
}
