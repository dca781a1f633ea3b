//! The short version of `sse-abuse` (the server under abuse), run in CI: 500 idle subscribers,
//! 50 slow-loris connections, oversized requests and a 3 s connection flood, while a
//! well-behaved client must be served throughout. The long run is documented in
//! docs/reliability.md.

use std::process::Command;

/// `sse-abuse` with small numbers passes all its checks against the debug `sse-server`.
#[test]
fn the_server_stays_responsive_under_abuse() {
    let server = std::path::Path::new(env!("CARGO_BIN_EXE_sse-abuse")).with_file_name("sse-server");
    assert!(server.is_file(), "{} not built: run the workspace tests", server.display());
    let output = Command::new(env!("CARGO_BIN_EXE_sse-abuse"))
        .args(["--idle", "500", "--hold-secs", "6", "--slow-loris", "50", "--flood-secs", "3"])
        .arg("--server-bin")
        .arg(&server)
        .output()
        .expect("run sse-abuse");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "sse-abuse failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
