//! One huge event (16 MiB) never stops the window: selecting it shows the first 64 KiB of its
//! data with its full size, the stream's next events keep arriving while it is shown, and
//! Save data… writes all of it.

use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::harness::*;

/// The huge event's data: 16 MiB less 1 KiB, under the parser's 16 MiB bound for its line.
const BIG: usize = (16 << 20) - 1024;

/// Serves every connection the huge event (id 1), then `tick N` every 100 ms, no CORS.
async fn big_event_server() -> String {
    spawn_sse_server("", |mut socket| async move {
        let big = format!("id: 1\ndata: {}\n\n", "x".repeat(BIG));
        if socket.write_all(big.as_bytes()).await.is_err() {
            return;
        }
        let mut pace = tokio::time::interval(std::time::Duration::from_millis(100));
        for n in 2.. {
            pace.tick().await;
            if socket.write_all(format!("id: {n}\ndata: tick {n}\n\n").as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await
}

/// Needs the app's `test-hooks` feature (Save data… to a path, no dialog).
mod test_hooks {
    use super::*;

    /// Selecting the 16 MiB event shows its start and size at once, the ticks after it keep
    /// coming while it is shown, and Save data… writes the whole of it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_16_mib_event_is_shown_cut_and_the_window_keeps_up() {
        let url = big_event_server().await;
        let app = spawn_app_with(&["--url", &url]).await;
        app.wait_until(60, "the huge event and a tick arrive", || async {
            app.number("ipc-count").await.unwrap_or(0) >= 2
        })
        .await;
        app.eval("const follow = document.getElementById('follow'); if (follow.checked) follow.click()")
            .await;
        app.eval("document.querySelector('#vlog-rows .vrow[data-seq=\"0\"]').click()").await;
        app.wait_until(10, "the detail shows the event's start and its size", || async {
            app.text("detail-note").await.starts_with("Showing the first 64.0 KiB of 16.0 MiB of data")
        })
        .await;
        let shown = app.eval("return document.getElementById('detail-data').textContent.length").await;
        assert_eq!(shown.as_u64(), Some(64 * 1024), "only the start is laid out");
        let before = app.number("ipc-count").await.unwrap_or(0);
        app.wait_until(10, "the ticks keep coming while the huge event is shown", || async {
            app.number("ipc-count").await.unwrap_or(0) >= before + 5
        })
        .await;

        let id = app.eval("return window.__sseMonitorTest.selected().id").await;
        let path = fresh_config_dir("big-event").join("data.txt");
        let _ = std::fs::create_dir_all(path.parent().expect("a folder"));
        let saved = app
            .invoke("save_event_data", json!({ "id": id, "seq": 0, "path": path.display().to_string() }))
            .await;
        assert_eq!(saved["bytes"].as_u64(), Some(BIG as u64), "{saved}");
        assert_eq!(std::fs::metadata(&path).map(|m| m.len()).ok(), Some(BIG as u64));
        app.close().await;
    }
}
