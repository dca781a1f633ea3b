//! One count: every place that shows how many events the app received on the selected
//! connection (its feed's card, Live stats) shows the same number at any moment; the sidebar
//! shows the counts of the connections not on screen, so a frame's news changes the workspace
//! only.

use crate::harness::*;

/// While the counter flows, each look at the card and Live stats finds one number (Live stats
/// used to follow on a slower beat and lag the card); the selected entry in the sidebar shows
/// none, and once another connection is selected, the counter's entry shows its count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_place_shows_the_same_count() {
    let app = spawn_app().await;
    app.wait_until(30, "the counter flows", || async { app.number("ipc-count").await.unwrap_or(0) >= 3 })
        .await;
    let look = "return [document.getElementById('ipc-count').textContent, \
                document.getElementById('stat-events').textContent, \
                document.querySelector('#connection-list li.selected .count').textContent]";
    for round in 0..15 {
        let before = app.number("ipc-count").await.unwrap_or(0);
        app.wait_until(5, "the counter to move on", || async {
            app.number("ipc-count").await.unwrap_or(0) > before
        })
        .await;
        let seen = app.eval(look).await;
        let texts: Vec<&str> =
            seen.as_array().expect("three texts").iter().filter_map(|v| v.as_str()).collect();
        assert!(texts.len() == 3 && texts[0] == texts[1], "round {round}: {seen}");
        assert_eq!(texts[2], "", "round {round}: the selected entry shows a count: {seen}");
    }
    let shown = app.number("ipc-count").await.unwrap_or(0);
    app.click("new-connection").await;
    let counter_entry = "return document.querySelector('#connection-list li:first-child .count').textContent";
    app.wait_until(10, "the counter's entry, no longer selected, to show its count", || async {
        let text = app.eval(counter_entry).await;
        text.as_str().and_then(|t| t.parse::<i64>().ok()).is_some_and(|count| count >= shown)
    })
    .await;
    app.close().await;
}
