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
