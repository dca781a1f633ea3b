//! `sse-sub --expect`, `--capture`, `--expect-from` and `--junit`, run as a user runs them,
//! against the embedded server and raw servers that send exact bytes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use support::{dead_address, spawn_app, spawn_chunked, spawn_script, Reply};
use tokio::process::Command;

async fn sse_sub(args: &[&str]) -> Output {
    let run = Command::new(env!("CARGO_BIN_EXE_sse-sub")).args(args).kill_on_drop(true).output();
    tokio::time::timeout(Duration::from_secs(60), run).await.expect("sse-sub finished").expect("sse-sub ran")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn explain(output: &Output) -> String {
    format!(
        "exit {:?}\n{}\n{}",
        output.status.code(),
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh directory under the target dir for a test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("expectations").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The report lines that start with `verdict`.
fn lines_with(output: &Output, verdict: &str) -> Vec<String> {
    stdout(output).lines().filter(|line| line.starts_with(verdict)).map(str::to_owned).collect()
}

/// A chat-like stream, an event every 30 ms: start, four deltas, usage, done, with ids.
fn chat_events() -> Vec<(&'static str, String, u32)> {
    let mut events = vec![("start", r#"{"model":"m","created":1733200000}"#.to_owned(), 1)];
    for (n, text) in ["Hel", "lo", ", wor", "ld"].iter().enumerate() {
        events.push(("delta", format!(r#"{{"index":{n},"text":"{text}"}}"#), n as u32 + 2));
    }
    events.push(("usage", "tokens 4 of 4096".into(), 6));
    events.push(("done", "[DONE]".into(), 7));
    events
}

fn paced(events: &[(&str, String, u32)], gap: impl Fn(usize) -> u64) -> Vec<(Duration, Vec<u8>)> {
    events
        .iter()
        .enumerate()
        .map(|(n, (event_type, data, id))| {
            let block = format!("event: {event_type}\nid: {id}\ndata: {data}\n\n");
            (Duration::from_millis(gap(n)), block.into_bytes())
        })
        .collect()
}

/// Generated from a capture of a stream, the file passes on that stream run again and fails
/// on it with one event removed, one reordered, or one slowed.
#[tokio::test]
async fn generated_expectations_pass_on_the_same_stream_and_fail_when_it_changes() {
    let dir = scratch("generated");
    let events = chat_events();
    let good = spawn_chunked(paced(&events, |_| 30)).await;
    let url = format!("http://{good}/chat");
    let capture = sse_sub(&["--json", "--time", "--head", "--no-reconnect", &url]).await;
    assert!(capture.status.success(), "{}", explain(&capture));
    let capture_path = write(&dir, "chat.ndjson", &stdout(&capture));
    let generated = sse_sub(&["--expect-from", &capture_path, "--tolerance", "2"]).await;
    assert!(generated.status.success(), "{}", explain(&generated));
    let file = write(&dir, "chat.toml", &stdout(&generated));

    let again = sse_sub(&["--expect", &file, &url]).await;
    assert_eq!(again.status.code(), Some(0), "{}", explain(&again));
    assert!(lines_with(&again, "pass").len() >= 15, "{}", explain(&again));

    let mut removed = events.clone();
    removed.remove(2);
    let server = spawn_chunked(paced(&removed, |_| 30)).await;
    let run = sse_sub(&["--expect", &file, "--keep-going", &format!("http://{server}/chat")]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    let failed = lines_with(&run, "fail").join("\n");
    assert!(failed.contains("`delta` events: exactly 4") && failed.contains("id 4 after 2"), "{failed}");

    let mut reordered = events.clone();
    reordered.swap(5, 6);
    let server = spawn_chunked(paced(&reordered, |_| 30)).await;
    let run = sse_sub(&["--expect", &file, "--keep-going", &format!("http://{server}/chat")]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    let failed = lines_with(&run, "fail").join("\n");
    assert!(failed.contains("in order") && failed.contains("came after the terminal event"), "{failed}");

    let slowed = spawn_chunked(paced(&events, |n| if n == 4 { 600 } else { 30 })).await;
    let slowed = format!("http://{slowed}/chat");
    let run = sse_sub(&["--expect", &file, "--keep-going", &slowed]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    let failed = lines_with(&run, "fail").join("\n");
    assert!(failed.contains("no gap over") && failed.contains("after event #4"), "{failed}");
    // Without --keep-going the first failure (the whole stream's bound runs out first) ends it.
    let run = sse_sub(&["--expect", &file, &slowed]).await;
    assert_eq!((run.status.code(), lines_with(&run, "fail").len()), (Some(1), 1), "{}", explain(&run));
    assert!(lines_with(&run, "undecided").iter().any(|l| l.contains("stopped at the first failure")));
}

const EVERY_KIND: &str = r#"
[response]
headers = { "Cache-Control" = "no-cache" }

[[event]]
position = 1
type = "start"
json = { model = "m", "usage.tokens" = 3 }

[[event]]
type = "delta"
data_matches = '^\{"text":'
schema = { type = "object", required = ["text"], properties = { text = { type = "string" } } }
at_least = 2
at_most = 3

[[event]]
type = "done"
data = "[DONE]"
exactly = 1

[[sequence]]
types = ["start", "delta", "done"]

[[sequence]]
types = ["delta", "delta"]
contiguous = true

[terminal]
type = "done"

[time]
first_event_within_ms = 5000
no_gap_over_ms = 5000
whole_within_ms = 10000

[[time.after]]
event = "done"
after = "start"
within_ms = 5000

[ids]
present = true
increasing = true
no_gap = true
unique = true
"#;

/// Every kind of expectation passes on a stream that fits it (CRLF line endings, a comment, a
/// BOM) and fails on one that breaks each.
#[tokio::test]
async fn every_kind_passes_on_exact_bytes_that_fit_and_fails_on_bytes_that_do_not() {
    let dir = scratch("every-kind");
    let file = write(&dir, "every.toml", EVERY_KIND);
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache";
    let fits = "\u{FEFF}: hello\r\nevent: start\r\nid: 1\r\ndata: {\"model\":\"m\",\"usage\":{\"tokens\":3}}\r\n\r\n\
        event: delta\r\nid: 2\r\ndata: {\"text\":\"a\"}\r\n\r\nevent: delta\r\nid: 3\r\ndata: {\"text\":\"b\"}\r\n\r\n\
        event: done\r\nid: 4\r\ndata: [DONE]\r\n\r\n";
    let server = spawn_script(vec![Reply::raw(head).body(fits)]).await;
    let run = sse_sub(&["--expect", &file, &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(0), "{}", explain(&run));
    assert_eq!(lines_with(&run, "pass").len(), 22, "{}", explain(&run));

    // No Cache-Control; a delta first, with the wrong shape; a start with another model and
    // no usage; four deltas, never two in a row; no done; a ping with no id; an id repeated.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream";
    let breaks = "event: delta\nid: 1\ndata: [1]\n\nevent: start\nid: 1\ndata: {\"model\":\"x\"}\n\n\
        event: delta\nid: 3\ndata: {\"text\":1}\n\nevent: ping\ndata: x\n\nevent: delta\nid: 4\ndata: {}\n\n\
        event: ping\ndata: y\n\nevent: delta\nid: 5\ndata: {}\n\n";
    let server = spawn_script(vec![Reply::raw(head).body(breaks)]).await;
    let run = sse_sub(&["--expect", &file, "--keep-going", &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    let passed = lines_with(&run, "pass");
    // `pass       NAME  (DETAIL)`
    let names: Vec<&str> =
        passed.iter().map(|line| line.get(11..).unwrap_or("").split("  (").next().unwrap_or("")).collect();
    // Only the status, the media type and the time bounds (nothing was slow) hold.
    assert_eq!(
        names,
        [
            "response status is 200",
            "Content-Type is text/event-stream",
            "first event within 5000 ms",
            "no gap over 5000 ms between events",
            "the whole stream within 10000 ms",
        ],
        "{}",
        explain(&run)
    );
    assert_eq!(lines_with(&run, "fail").len(), 17, "{}", explain(&run));
}

/// `reconnect_after_events` drops the connection and resumes with Last-Event-ID: exact on the
/// embedded server; a server that starts over instead fails it.
#[tokio::test]
async fn a_resume_is_exact_on_the_embedded_server_and_fails_on_one_that_starts_over() {
    let dir = scratch("resume");
    let file = write(
        &dir,
        "resume.toml",
        "events = 10\n[ids]\nno_gap = true\nunique = true\nreconnect_after_events = 4\n",
    );
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    let run = sse_sub(&["--expect", &file, &app.url("/events?stream=messages")]).await;
    assert_eq!(run.status.code(), Some(0), "{}", explain(&run));
    assert!(
        stdout(&run).contains("pass       resumes exactly after a reconnect at event 4"),
        "{}",
        explain(&run)
    );

    let body = (1..=8).map(|id| format!("id: {id}\ndata: {id}\n\n")).collect::<String>();
    let server = spawn_script(vec![Reply::sse(&body), Reply::sse(&body)]).await;
    let run = sse_sub(&["--expect", &file, "--keep-going", &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    let report = stdout(&run);
    assert!(report.contains("id `1` was sent again after resuming from `4`"), "{report}");
    let requests = server.requests().await;
    assert!(
        requests.len() == 2 && requests[1].to_ascii_lowercase().contains("last-event-id: 4"),
        "{requests:?}"
    );
}

/// Exit codes: 2 for a file with a mistake (and nothing connects), 3 for undecided at the
/// timeout, 4 for a stream that cannot be read, 1 for an unexpected status.
#[tokio::test]
async fn exit_codes_tell_a_bad_file_an_undecided_run_an_unreadable_stream_and_a_failure() {
    let dir = scratch("exit-codes");
    let server = spawn_script(vec![Reply::sse("data: 1\n\n").hold_open()]).await;
    let bad = write(&dir, "bad.toml", "[[event]]\ntype = \"a\"\ndata_matches = \"(\"\n");
    let run = sse_sub(&["--expect", &bad, &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(2), "{}", explain(&run));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("bad.toml: line 3, column 16"),
        "{}",
        explain(&run)
    );
    assert!(server.requests().await.is_empty(), "a bad file connects to nothing");

    let endless = write(&dir, "endless.toml", "[terminal]\ntype = \"end\"\n");
    let run = sse_sub(&["--expect", &endless, "--timeout", "1", &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(3), "{}", explain(&run));
    assert!(stdout(&run).contains("undecided  ends with `end`, nothing after it  (still open at the timeout"));

    let dead = dead_address().await;
    let run = sse_sub(&["--expect", &endless, &format!("http://{dead}/")]).await;
    assert_eq!(run.status.code(), Some(4), "{}", explain(&run));
    assert!(String::from_utf8_lossy(&run.stderr).contains("cannot connect"), "{}", explain(&run));

    let server = spawn_script(vec![Reply::raw("HTTP/1.1 404 Not Found\r\ncontent-type: text/html")]).await;
    let run = sse_sub(&["--expect", &endless, &server.url("/")]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    assert!(stdout(&run).contains("fail       response status is 200  (HTTP 404)"), "{}", explain(&run));
}

/// The JUnit XML that --junit writes is read by PyPI junitparser with the same results.
#[tokio::test]
async fn junit_xml_is_read_back_by_junitparser() {
    let dir = scratch("junit");
    let file = write(
        &dir,
        "mixed.toml",
        "[[event]]\ndata = \"1\"\n[[event]]\nat_least = 1\n[terminal]\ndata = \"<end & \\\"more\\\">\"\n",
    );
    let server = spawn_script(vec![Reply::sse("data: 1\n\ndata: 2\n\n").hold_open()]).await;
    let junit = dir.join("report.xml");
    let junit_arg = junit.to_string_lossy().into_owned();
    let run = sse_sub(&[
        "--expect",
        &file,
        "--keep-going",
        "--timeout",
        "1",
        "--junit",
        &junit_arg,
        &server.url("/"),
    ])
    .await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));

    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-venv/bin/python");
    assert!(python.exists(), "{} is missing: run `bash scripts/setup.sh test`", python.display());
    let script = "import sys\nfrom junitparser import JUnitXml, Failure, Skipped\n\
        for suite in JUnitXml.fromfile(sys.argv[1]):\n\
        \x20   for case in suite:\n\
        \x20       kinds = [type(r).__name__ for r in case.result]\n\
        \x20       print(suite.name, '|', case.name, '|', ','.join(kinds) or 'pass', '|', (case.result[0].message if case.result else ''))\n";
    let read = Command::new(python).args(["-c", script, &junit_arg]).output().await.unwrap();
    assert!(read.status.success(), "{}", explain(&read));
    let cases = stdout(&read);
    let expected = [
        "mixed.toml | response status is 200 | pass | ",
        "mixed.toml | Content-Type is text/event-stream | pass | ",
        "mixed.toml | every event: data is `1` | Failure | event #2 (`message`) at",
        "mixed.toml | every event: at least 1 | pass | ",
        "mixed.toml | ends with data `<end & \"more\">`, nothing after it | Skipped | still open at the timeout",
    ];
    let lines: Vec<&str> = cases.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{cases}");
    for (line, wanted) in lines.iter().zip(expected) {
        assert!(line.starts_with(wanted), "{line:?} does not start with {wanted:?}");
    }
}

/// A capture is checked offline with its recorded head and times: it passes as recorded, and
/// fails with an event taken out.
#[tokio::test]
async fn a_capture_is_checked_offline_with_its_recorded_head_and_times() {
    let dir = scratch("capture");
    let server = spawn_chunked(paced(&chat_events(), |_| 20)).await;
    let capture =
        sse_sub(&["--json", "--time", "--head", "--no-reconnect", &format!("http://{server}/")]).await;
    let text = stdout(&capture);
    assert!(text.starts_with("{\"capture\":{\"version\":1,\"request\":{\"method\":\"GET\""), "{text}");
    let capture_path = write(&dir, "chat.ndjson", &text);
    let file = write(&dir, "chat.toml", "[[event]]\ntype = \"delta\"\nexactly = 4\n[time]\nfirst_event_within_ms = 2000\n[ids]\nno_gap = true");
    let run = sse_sub(&["--expect", &file, "--capture", &capture_path]).await;
    assert_eq!(run.status.code(), Some(0), "{}", explain(&run));
    assert!(
        stdout(&run).contains("pass       first event within 2000 ms  (event #1 (`start`, id `1`) at"),
        "{}",
        explain(&run)
    );

    let cut: Vec<&str> = text.lines().enumerate().filter(|(n, _)| *n != 3).map(|(_, line)| line).collect();
    let cut_path = write(&dir, "cut.ndjson", &(cut.join("\n") + "\n"));
    let run = sse_sub(&["--expect", &file, "--keep-going", "--capture", &cut_path]).await;
    assert_eq!(run.status.code(), Some(1), "{}", explain(&run));
    assert_eq!(lines_with(&run, "fail").len(), 2, "{}", explain(&run));
}
