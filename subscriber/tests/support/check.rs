//! `sse-sub --check --json` run as a process, and the rules of the card it prints, for the
//! server check's tests.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

/// Runs `sse-sub ARGS --json` to its end (at most `secs` + 30 s); its exit code, its JSON card
/// (null when none) and its stderr. Owns its arguments, so checks can run side by side.
pub fn sse_sub_check(
    args: &[&str],
    secs: u64,
) -> impl std::future::Future<Output = (Option<i32>, Value, String)> {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    async move {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
            .args(&args)
            .arg("--json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(Duration::from_secs(secs + 30), output)
            .await
            .unwrap_or_else(|_| panic!("sse-sub --check did not finish within {} s", secs + 30))
            .expect("run sse-sub");
        let card = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        (output.status.code(), card, String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The rule whose name starts with `name`.
pub fn rule<'a>(card: &'a Value, name: &str) -> &'a Value {
    let rules = card["rules"].as_array().unwrap_or_else(|| panic!("no rules in {card:#}"));
    let found = rules.iter().find(|r| r["rule"].as_str().is_some_and(|rule| rule.starts_with(name)));
    found.unwrap_or_else(|| panic!("no rule `{name}` in {card:#}"))
}

/// Its verdict.
pub fn verdict<'a>(card: &'a Value, name: &str) -> &'a str {
    rule(card, name)["verdict"].as_str().unwrap_or_default()
}
