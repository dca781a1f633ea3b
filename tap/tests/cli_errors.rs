//! sse-tap says a failure in one line, `sse-tap: what is wrong`, with no `Error:` prefix and no
//! backtrace, and exits 2 for its arguments and 1 for what fails at run time.

use std::process::{Command, Output};

use sse_test_support::failure_line;

fn sse_tap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sse-tap"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run sse-tap")
}

/// An upstream that is not a URL, or a CA file that does not exist: exit 2.
#[test]
fn bad_arguments_exit_2() {
    let output = sse_tap(&["--upstream", "not a url"]);
    assert_eq!(output.status.code(), Some(2));
    failure_line(&output, "sse-tap");
    let output = sse_tap(&["--upstream", "https://127.0.0.1:1", "--cacert", "/nonexistent/ca.pem"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(failure_line(&output, "sse-tap").contains("/nonexistent/ca.pem"));
}

/// A listening address another program holds fails at run time: exit 1.
#[test]
fn a_port_taken_exits_1() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = held.local_addr().expect("address").to_string();
    let output = sse_tap(&["--upstream", "http://127.0.0.1:1", "--listen", &addr]);
    assert_eq!(output.status.code(), Some(1));
    assert!(failure_line(&output, "sse-tap").contains(&format!("cannot listen on {addr}")));
}

/// A `--faults` file that does not parse, or whose rule has an unknown field or a value out of
/// bounds, stops the tap at start with one line naming the rule's position and the field.
#[test]
fn a_bad_faults_file_exits_2_naming_the_rule_and_field() {
    let dir = std::env::temp_dir().join(format!("sse-tap-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for (rules, says) in [
        ("[{\"path\": \"/x\"}, {\"cutAfterEvent\": 5}]", "rule 2: unknown field `cutAfterEvent`"),
        ("[{\"dripBytesPerSecond\": 0}]", "rule 1: `dripBytesPerSecond` is 0 bytes/s"),
        ("{\"path\": \"/x\"}", "the rules are a JSON array of objects"),
    ] {
        let file = dir.join("rules.json");
        std::fs::write(&file, rules).expect("write the rules");
        let output = sse_tap(&["--upstream", "http://127.0.0.1:1", "--faults", &file.display().to_string()]);
        assert_eq!(output.status.code(), Some(2), "{rules}");
        let line = failure_line(&output, "sse-tap");
        assert!(line.contains(says) && line.contains("--faults"), "{rules}: {line}");
    }
    let output = sse_tap(&["--upstream", "http://127.0.0.1:1", "--faults", "/nonexistent/rules.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(failure_line(&output, "sse-tap").contains("cannot read --faults /nonexistent/rules.json"));
    let _ = std::fs::remove_dir_all(&dir);
}
