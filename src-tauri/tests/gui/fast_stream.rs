//! A stream faster than the window can show: the log says it shows a sample, and the browser's
//! own feed can be paused (and resumed) while the app's connection goes on.

use fantoccini::key::Key;

use crate::harness::*;

/// Subscribers of the embedded server's `stream`.
async fn embedded_subscribers(app: &App, stream: &str) -> u64 {
    stream_subscribers(&app.text("server-url").await, stream).await
}

/// At 5,000 events/s the log, following the newest rows a few times a second, cannot show
/// every event and says what share it shows; with Follow off it no longer claims to sample.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fast_stream_is_sampled_in_the_log() {
    let app = spawn_app_with(&["--load-rate", "5000"]).await;
    app.wait_until(30, "the log to say it samples the stream", || async {
        app.text("log-counts").await.contains("sampling: showing 1 event in ")
    })
    .await;
    let counts = app.text("log-counts").await;
    let one_in: u64 = counts
        .split("sampling: showing 1 event in ")
        .nth(1)
        .and_then(|rest| rest.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok())
        .unwrap_or(0);
    assert!(one_in >= 2, "1 event in {one_in}: {counts}");
    app.click("follow").await;
    app.wait_until(10, "the log to stop claiming to sample once it no longer follows", || async {
        !app.text("log-counts").await.contains("sampling")
    })
    .await;
    app.close().await;
}

/// On the counter, the browser feed's Pause (pressed from the keyboard) closes its
/// EventSource (the server loses that subscriber), its count holds while the app's goes on,
/// the comparison says it is paused; Resume opens it again and it counts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_feed_pauses_and_resumes() {
    let app = spawn_app().await;
    app.wait_until(30, "both feeds to count the counter", || async {
        app.number("es-count").await.unwrap_or(0) >= 2 && app.number("ipc-count").await.unwrap_or(0) >= 2
    })
    .await;
    app.wait_until(10, "the app and the browser to subscribe to the counter", || async {
        embedded_subscribers(&app, "messages").await == 2
    })
    .await;
    app.eval("document.getElementById('es-pause').focus()").await;
    assert_eq!(app.text("es-pause").await, "Pause");
    app.press(char::from(Key::Enter)).await;
    app.wait_until(10, "the browser feed to show it is paused", || async {
        app.text("es-state").await == "paused" && app.text("es-pause").await == "Resume"
    })
    .await;
    app.wait_until(10, "the server to lose the browser's subscription", || async {
        embedded_subscribers(&app, "messages").await == 1
    })
    .await;
    let held = app.number("es-count").await.unwrap_or(-1);
    let ipc = app.number("ipc-count").await.unwrap_or(0);
    app.wait_until(10, "the app's own count to go on", || async {
        app.number("ipc-count").await.unwrap_or(0) >= ipc + 3
    })
    .await;
    assert_eq!(app.number("es-count").await.unwrap_or(-2), held, "a paused feed counts nothing");
    assert!(app.text("comparison").await.contains("paused"), "{}", app.text("comparison").await);
    assert_eq!(app.focused().await, "es-pause", "the focus stays on the button");
    app.press(char::from(Key::Enter)).await;
    app.wait_until(10, "the browser feed to count again", || async {
        app.number("es-count").await.unwrap_or(0) > held && app.text("es-state").await == "open"
    })
    .await;
    assert_eq!(embedded_subscribers(&app, "messages").await, 2);
    assert_eq!(app.text("es-pause").await, "Pause");
    app.close().await;
}

/// A stand-in server pouring numbered events at up to 100,000 a second (1,000 every 10 ms), with
/// CORS open so that the window's EventSource reads it too; the URL of its events. (Unpaced,
/// the window's page is too busy to answer WebDriver at all.)
async fn spawn_flood_server() -> String {
    spawn_sse_server("Access-Control-Allow-Origin: *\r\n", |mut socket| async move {
        use std::fmt::Write as _;
        use tokio::io::AsyncWriteExt;
        let mut next = 1u64;
        let mut chunk = String::with_capacity(40_000);
        loop {
            chunk.clear();
            for _ in 0..1000 {
                let _ = write!(chunk, "id: {next}\ndata: {next}\n\n");
                next += 1;
            }
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
}

/// At 100,000 events/s the window's EventSource holds much of the window's time: the browser
/// card says it stalls the window and offers Pause in red, and once paused it says so no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_feed_that_stalls_the_window_says_so() {
    let url = spawn_flood_server().await;
    let app = spawn_app_with(&["--url", &url]).await;
    app.wait_until(60, "the browser feed to say it stalls the window", || async {
        app.text("es-detail").await.contains("so the window stalls")
    })
    .await;
    let offer = app.eval("return document.getElementById('es-pause').className").await;
    assert!(offer.as_str().is_some_and(|c| c.contains("danger")), "Pause is offered in red: {offer}");
    app.click("es-pause").await;
    app.wait_until(20, "the paused feed to stop saying it stalls", || async {
        app.text("es-state").await == "paused" && !app.text("es-detail").await.contains("stalls")
    })
    .await;
    app.close().await;
}
