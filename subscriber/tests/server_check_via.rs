//! `sse-sub --check URL --via URL2`: the battery on PyPI sse-starlette directly and through a
//! hop, side by side. Debian's nginx with buffering on and its gzip of `text/event-stream` is
//! blamed ("buffered by the hop"); nginx with buffering off and `sse-tap` are not.

mod support;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncBufReadExt;
use tokio::process::Command;

use support::check::{rule, sse_sub_check};
use support::servers::{nginx, starlette, Ngx};

/// Runs `sse-sub URL --check --check-for SECS --via VIA --json` to its end.
async fn check_via(url: &str, via: &str, secs: u64) -> (Option<i32>, Value, String) {
    let secs_arg = secs.to_string();
    sse_sub_check(&[url, "--check", "--check-for", &secs_arg, "--via", via], secs).await
}

/// The hop's own rules: none failed.
fn hop_not_blamed(card: &Value) {
    for rule in card["rules"].as_array().unwrap() {
        if rule["rule"].as_str().unwrap().starts_with("the hop ") && rule["level"] == "SHOULD" {
            assert_ne!(rule["verdict"], "fail", "{rule:#}");
        }
    }
}

/// nginx with buffering on and gzip holds sse-starlette's stream: the hop is blamed; with
/// buffering off it is not; each rule has both verdicts and `via` names the second URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_is_blamed_only_when_it_buffers() {
    let (_server, upstream) = starlette().await;
    let (buffering, passing) = tokio::join!(nginx(upstream, Ngx::Gzip), nginx(upstream, Ngx::BufferingOff));
    let direct = format!("http://{upstream}/events?count=100000&every=20");
    let [held, clean] =
        [&buffering, &passing].map(|hop| format!("http://{}/events?count=100000&every=20", hop.addr));
    let (held, clean) = tokio::join!(check_via(&direct, &held, 6), check_via(&direct, &clean, 6));
    let (code, card, stderr) = held;
    assert_eq!(code, Some(0), "{stderr}\n{card:#}");
    assert!(card["via"].as_str().is_some_and(|via| via.contains(&buffering.addr.to_string())), "{card:#}");
    let events = rule(&card, "the hop passes events as they come");
    assert_eq!(events["verdict"], "fail", "{card:#}");
    assert_eq!(events["evidence"][0], "buffered by the hop");
    assert!(
        rule(&card, "answers 200")["via"]["verdict"].is_string(),
        "each rule has both verdicts: {card:#}"
    );
    let (code, card, stderr) = clean;
    assert_eq!(code, Some(0), "{stderr}\n{card:#}");
    hop_not_blamed(&card);
    assert_eq!(rule(&card, "the hop passes events as they come")["verdict"], "pass", "{card:#}");
}

/// Through `sse-tap` nothing differs: every hop rule holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tap_in_between_changes_nothing() {
    let (_server, upstream) = starlette().await;
    let tap_bin = PathBuf::from(env!("CARGO_BIN_EXE_sse-sub")).with_file_name("sse-tap");
    assert!(tap_bin.is_file(), "{} not built: run the workspace tests", tap_bin.display());
    let mut tap = Command::new(tap_bin)
        .args(["--upstream", &format!("http://{upstream}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("run sse-tap");
    let mut said = String::new();
    let mut stderr = tokio::io::BufReader::new(tap.stderr.take().unwrap());
    tokio::time::timeout(Duration::from_secs(10), stderr.read_line(&mut said))
        .await
        .expect("the tap listens")
        .unwrap();
    let listening =
        said.split_whitespace().find(|w| w.starts_with("http://")).expect("its URL").trim_end_matches(',');
    let direct = format!("http://{upstream}/events?count=100000&every=20");
    let through = format!("{listening}/events?count=100000&every=20");
    let (code, card, stderr) = check_via(&direct, &through, 6).await;
    assert_eq!(code, Some(0), "{stderr}\n{card:#}");
    hop_not_blamed(&card);
    for name in ["the hop passes events", "the hop passes the server's headers", "the hop gives a resume"] {
        assert_eq!(rule(&card, name)["verdict"], "pass", "{name}: {card:#}");
    }
}
