// The report card's six scenarios, shared by embedded-server/tests/graded_clients.rs (npm
// eventsource, Chromium) and src-tauri/tests/gui/clients.rs (the webview), each `include!`s it.

/// The six scenarios: stream suffix and profile (`CLIENT` is replaced by the client's name).
/// `retry` is told a short retry and `long-retry` one longer than any common default (4 s): a
/// client that always waits its own default fails "waits at least the retry" at one of them.
const SCENARIOS: [(&str, &str); 6] = [
    // `retry: 200` and the greeting are 18 bytes, each event 22 or 23: byte 51 is inside the
    // second event of every connection. The stall after the first lets the client take it
    // before the cut: Chromium once dropped an event that came in the same instant as a cut.
    ("cut", r#"{"cutAfterBytes": 51, "retryMs": 200, "stall": {"afterEvents": 1, "ms": 400}}"#),
    ("retry", r#"{"cutAfterEvents": 1, "retryMs": 300}"#),
    ("gone", r#"{"cutAfterEvents": 1, "retryMs": 200, "onReconnect": {"status": 204}}"#),
    ("down", r#"{"cutAfterEvents": 1, "retryMs": 200, "onReconnect": {"status": 503}}"#),
    (
        "moved",
        r#"{"cutAfterEvents": 1, "retryMs": 200, "onReconnect": {"redirect": "/events?stream=CLIENT-moved&client=CLIENT-moved&via=redirect"}}"#,
    ),
    ("long-retry", r#"{"cutAfterEvents": 1, "retryMs": 4000}"#),
];

/// Whether the give-up rule has decided (a 5 s watch after the answer) for `client`'s 204 and 503
/// scenarios, in a report's `clients`.
fn gave_up_decided(cards: &[serde_json::Value], client: &str) -> bool {
    ["gone", "down"].iter().all(|scenario| {
        cards.iter().find(|c| c["client"] == format!("{client}-{scenario}").as_str()).is_some_and(|card| {
            let rules = card["card"]["rules"].as_array().cloned().unwrap_or_default();
            rules.iter().any(|r| {
                r["rule"].as_str().is_some_and(|name| name.starts_with("makes no attempt"))
                    && r["verdict"] != "notObserved"
            })
        })
    })
}
