//! What a program printed when it failed, checked against the one style every program of the
//! project keeps (`sse_logging::Failure`).

use std::process::Output;

/// The stderr of a program that failed, asserted to be one line `PROGRAM: what is wrong`, with
/// no `Error:` prefix and no backtrace.
pub fn failure_line(output: &Output, program: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with(&format!("{program}: ")), "{stderr}");
    assert!(!stderr.contains("Error:") && !stderr.contains("backtrace"), "{stderr}");
    stderr
}
