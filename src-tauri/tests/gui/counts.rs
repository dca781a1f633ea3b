//! One count: every place that shows how many events the app received on the selected
//! connection (its feed's card, the sidebar, Live stats) shows the same number at any moment.

use crate::harness::*;

/// While the counter flows, each look at the three places finds one number (the sidebar and
/// Live stats used to follow on a slower beat and lag the card).
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
        let counts: Vec<&str> =
            seen.as_array().expect("three texts").iter().filter_map(|v| v.as_str()).collect();
        assert!(counts.len() == 3 && counts.iter().all(|c| *c == counts[0]), "round {round}: {seen}");
    }
    app.close().await;
}
