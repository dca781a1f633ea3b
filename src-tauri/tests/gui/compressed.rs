//! A server as a new user meets one: its stream gzip-compressed (flushed after each event) and
//! no CORS header. The window decodes the stream, Raw marks each read with both sizes, the
//! Diagnostics tab says how the body came, and the browser pane says in full why its
//! EventSource failed, which the comparison repeats instead of comparing.

use std::io::Write;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::*;

const EVENTS: u32 = 5;

/// Serves every connection `EVENTS` gzip-flushed events (ids 1 to 5), one every 100 ms like the
/// demo's counter, then holds it open until the client goes; no `Access-Control-Allow-Origin`.
async fn gzip_server() -> String {
    spawn_sse_server("Content-Encoding: gzip\r\nConnection: close\r\n", |mut socket| async move {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut pace = tokio::time::interval(std::time::Duration::from_millis(100));
        for n in 1..=EVENTS {
            pace.tick().await;
            let flushed = gzip
                .write_all(format!("id: {n}\ndata: value {n}\n\n").as_bytes())
                .and_then(|()| gzip.flush());
            if flushed.is_err() || socket.write_all(&std::mem::take(gzip.get_mut())).await.is_err() {
                return;
            }
        }
        // Held open: a reconnect would count the events again.
        while matches!(socket.read(&mut [0u8; 1024]).await, Ok(n) if n > 0) {}
    })
    .await
}

/// The compressed stream's events arrive; Raw (which aborted the app on such a stream) shows
/// its lines with each read's wire and decoded sizes; Diagnostics says it was gzip-compressed;
/// the browser pane and the comparison give the CORS failure whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_stream_without_cors_is_decoded_and_explained() {
    let url = gzip_server().await;
    let app = spawn_app_with(&["--url", &url]).await;
    app.wait_until(30, "the five compressed events arrive", || async {
        app.number("ipc-count").await == Some(i64::from(EVENTS))
    })
    .await;
    assert_eq!(app.text("ipc-latest").await, "value 5");

    app.click("raw-button").await;
    app.wait_until(10, "Raw shows the decoded lines and the reads' two sizes", || async {
        let raw = app.text("raw-view").await;
        raw.contains("data: value 5") && raw.contains(", gzip, ") && raw.contains(" decoded")
    })
    .await;

    app.click("tab-diagnostics").await;
    app.wait_until(10, "Diagnostics says how the body came", || async {
        let summary = app.text("diagnostics-summary").await;
        // How many reads the five blocks took depends on the machine's pace.
        summary.contains("body gzip-compressed, decoded here: ") && summary.contains(" B decoded, ")
    })
    .await;

    app.wait_until(20, "the browser pane gives the CORS failure whole", || async {
        app.text("es-state").await == "closed"
            && app.text("es-detail").await.contains("Access-Control-Allow-Origin")
    })
    .await;
    // Shown whole: the reason wraps instead of being cut at the card's edge.
    let cut = app
        .eval("const d = document.getElementById('es-detail'); return d.scrollWidth > d.clientWidth + 1")
        .await;
    assert_eq!(cut, false, "the reason is cut: {}", app.text("es-detail").await);
    app.wait_until(10, "the comparison says the browser feed failed, and why", || async {
        app.text("comparison").await.starts_with("the browser feed failed")
            && app
                .text("comparison-ids")
                .await
                .contains("Why: The server sends no Access-Control-Allow-Origin")
    })
    .await;
    app.close().await;
}
