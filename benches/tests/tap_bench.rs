//! The short version of `sse-tap-bench`, run in CI: the debug `sse-tap` between the load
//! upstream and the measuring subscribers (nginx and mitmproxy only where `scripts/setup.sh
//! bench` installed them). The full run and its figures are in docs/benchmarks.md.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// The processes of session `sid` still running (zombies aside), as `pid command`.
fn session_members(sid: u32) -> Vec<String> {
    sse_bench::all_pids()
        .into_iter()
        .filter_map(|pid| {
            let stat = sse_bench::Stat::of(pid)?;
            // After the command name: state, parent, group, session.
            let in_session = stat.number(3)? == u64::from(sid);
            (in_session && stat.fields.first().map(String::as_str) != Some("Z"))
                .then(|| format!("{pid} {}", stat.command))
        })
        .collect()
}

/// `sse-tap-bench --quick` runs every scenario through the tap without an error, delivering
/// what the upstream publishes, under a minute, and leaves no process it started running (nginx's
/// workers included, where nginx is installed).
#[test]
fn the_tap_bench_smoke_run_delivers_through_the_tap() {
    let bench = std::path::Path::new(env!("CARGO_BIN_EXE_sse-tap-bench"));
    for needed in ["sse-server", "sse-tap"] {
        let binary = bench.with_file_name(needed);
        assert!(binary.is_file(), "{} not built: run the workspace tests", binary.display());
    }
    let started = std::time::Instant::now();
    let mut command = Command::new(bench);
    command.arg("--quick");
    // SAFETY: setsid(2) only, between fork and exec: the bench leads a session of its own, which
    // every process it starts stays in unless it leaves on purpose (none of ours does).
    unsafe {
        command.pre_exec(|| if libc::setsid() < 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) });
    }
    let child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sse-tap-bench");
    let session = child.id();
    let output = child.wait_with_output().expect("run sse-tap-bench");
    // Killed processes take a moment to go: wait up to 5 s for the session to empty.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut left = session_members(session);
    while !left.is_empty() && std::time::Instant::now() < deadline {
        std::thread::yield_now();
        left = session_members(session);
    }
    assert!(left.is_empty(), "processes the bench started outlive it by 5 s: {left:?}");
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
