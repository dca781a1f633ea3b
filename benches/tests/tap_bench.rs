//! The short version of `sse-tap-bench`, run in CI: the debug `sse-tap` between the load
//! upstream and the measuring subscribers (nginx and mitmproxy only where `scripts/setup.sh
//! bench` installed them). The full run and its figures are in docs/benchmarks.md.

use std::process::Command;

/// `sse-tap-bench --quick` runs every scenario through the tap without an error, delivering
/// what the upstream publishes, and under a minute.
#[test]
fn the_tap_bench_smoke_run_delivers_through_the_tap() {
    let bench = std::path::Path::new(env!("CARGO_BIN_EXE_sse-tap-bench"));
    for needed in ["sse-server", "sse-tap"] {
        let binary = bench.with_file_name(needed);
        assert!(binary.is_file(), "{} not built: run the workspace tests", binary.display());
    }
    let started = std::time::Instant::now();
    let output = Command::new(bench).arg("--quick").output().expect("run sse-tap-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "sse-tap-bench failed:\n{stdout}\n{stderr}");
    let tap_rows: Vec<Vec<&str>> = stdout
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("| sse-tap ") && !l.contains("skipped"))
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
        // The measurement rows, not the saturation table's.
        .filter(|row| row.len() > 11)
        .collect();
    // The two fixed-rate scenarios and at least the first firehose step.
    assert!(tap_rows.len() >= 3, "{stdout}");
    for row in &tap_rows {
        let (scenario, delivered, errors) = (row[1], row[3], row[10]);
        assert_eq!(errors, "0", "{scenario}: {stdout}");
        let delivered: f64 = delivered.parse().unwrap();
        let published = if scenario.starts_with("10 streams") {
            1000.0
        } else if scenario.starts_with("1 stream") {
            2000.0
        } else {
            0.0
        };
        assert!(delivered >= published * 0.95, "{scenario}: {delivered} of {published}/s");
    }
    assert!(stdout.contains("| sse-tap   |"), "the saturation table lists the tap: {stdout}");
    assert!(started.elapsed().as_secs() < 90, "the smoke run stays short");
}
