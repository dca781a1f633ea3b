//! sse-server says a failure in one line, `sse-server: what is wrong`, with no `Error:` prefix
//! and no backtrace, and exits 2 for its arguments (a file they name included) and 1 for what
//! fails at run time.

use std::process::{Command, Output};

use sse_test_support::failure_line;

fn sse_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sse-server"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LOG", "off")
        .output()
        .expect("run sse-server")
}

/// A --faults file that is missing, or names a stream that does not exist, is the user's
/// argument: exit 2.
#[test]
fn a_bad_file_an_argument_names_exits_2() {
    let missing = sse_server(&["--addr", "127.0.0.1:0", "--faults", "/nonexistent/faults.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(failure_line(&missing, "sse-server").contains("cannot read --faults /nonexistent/faults.json"));
    let bad_header = sse_server(&["--addr", "127.0.0.1:0", "--require-header", "no colon"]);
    assert_eq!(bad_header.status.code(), Some(2));
    assert!(failure_line(&bad_header, "sse-server").contains("--require-header `no colon`"));
}

/// A port another program holds fails at run time: exit 1.
#[test]
fn a_port_taken_exits_1() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = held.local_addr().expect("address").to_string();
    let output = sse_server(&["--addr", &addr]);
    assert_eq!(output.status.code(), Some(1));
    assert!(failure_line(&output, "sse-server").contains(&format!("cannot listen on {addr}")));
}
