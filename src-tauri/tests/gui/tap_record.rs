//! A tap's record outlives Stop: the exchanges stay listed and readable, Start records on
//! after them on the same port, and only Clear record… (which asks first) forgets them.

use crate::harness::*;

/// The rows of the exchange table, as their paths.
async fn row_paths(app: &App) -> Vec<String> {
    let rows = app
        .eval("return [...document.querySelectorAll('#tap-rows tr')].map(tr => tr.querySelector('td.col-path').textContent)")
        .await;
    rows.as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Sends one plain request through the tap at `listen_url`.
async fn request_through(listen_url: &str, path: &str) {
    let addr = listen_url.trim_start_matches("http://");
    let response =
        http_exchange(addr, &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"))
            .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

/// Stop keeps the exchange (listed, shown whole), Start listens on the same port and adds to
/// the record, Keep leaves it, and Forget clears it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_tap_keeps_its_record_until_it_is_cleared() {
    let remote = spawn_remote_server();
    let app = spawn_app_in(&fresh_config_dir("tap-record"), &[]).await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    app.click("new-tap").await;
    app.type_into("t-upstream", &remote.base_url).await;
    app.click("tap-start").await;
    app.wait_until(20, "the tap listens", || async { app.text("tap-state").await == "listening" }).await;
    let listen_url = app.text("tap-url").await;
    request_through(&listen_url, "/streams").await;
    app.wait_until(10, "the exchange is listed", || async { row_paths(&app).await == ["/streams"] }).await;

    app.click("tap-stop").await;
    app.wait_until(10, "the tap stops", || async { app.text("tap-state").await == "stopped" }).await;
    assert_eq!(row_paths(&app).await, ["/streams"], "Stop keeps the record");
    app.eval("document.querySelector('#tap-rows tr').click()").await;
    app.click("tap-tab-exchange").await;
    app.wait_until(10, "a stopped tap's exchange is shown whole", || async {
        app.text("exchange-title").await == "GET /streams → 200"
    })
    .await;

    app.click("tap-start").await;
    app.wait_until(20, "the tap listens again", || async { app.text("tap-state").await == "listening" })
        .await;
    assert_eq!(app.text("tap-url").await, listen_url, "on the same port");
    request_through(&listen_url, "/streams?again").await;
    app.wait_until(10, "the new exchange joins the kept one", || async { row_paths(&app).await.len() == 2 })
        .await;

    app.click("tap-clear").await;
    assert_eq!(app.text("tap-clear-confirm").await, "Forget 2 exchanges");
    app.click("tap-clear-cancel").await;
    assert_eq!(row_paths(&app).await.len(), 2, "Keep keeps them");
    app.click("tap-clear").await;
    app.click("tap-clear-confirm").await;
    app.wait_until(10, "Forget clears the record", || async { row_paths(&app).await.is_empty() }).await;
    assert_eq!(app.text("tap-state").await, "listening", "clearing does not stop the tap");
    app.close().await;
}
