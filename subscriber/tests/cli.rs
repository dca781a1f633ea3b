//! The `sse-sub` binary against real servers.

mod support;

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use support::{dead_address, spawn_app, spawn_raw, SSE_OK};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn sse_sub() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sse-sub"));
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    command
}

/// `--json` prints one object per event with exactly `event`, `data` and `id`, flushed per line.
#[tokio::test]
async fn json_lines_follow_the_live_counter() {
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    let mut child = sse_sub().args(["--json", &app.url("/events?stream=messages")]).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut values = Vec::new();
    for _ in 0..3 {
        let line = tokio::time::timeout(Duration::from_secs(5), lines.next_line())
            .await
            .expect("a line within 5 s (is output flushed per line?)")
            .unwrap()
            .expect("a line");
        let object: serde_json::Map<String, Value> = serde_json::from_str(&line).unwrap();
        let keys: Vec<_> = object.keys().map(String::as_str).collect();
        assert_eq!(keys, ["data", "event", "id"], "{line}");
        assert_eq!(object["event"], "message");
        let data: u64 = object["data"].as_str().unwrap().parse().unwrap();
        let id: u64 = object["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(id, data + 1, "the counter's ids start at 1, values at 0");
        values.push(data);
    }
    assert_eq!(values, [values[0], values[0] + 1, values[0] + 2]);
    child.kill().await.unwrap();
}

/// `--json` keeps the last event id and the event type exactly as the stream set them.
#[tokio::test]
async fn json_output_is_exact() {
    let body = "id: 7\ndata: a\"b\n\nevent: note\ndata: line1\ndata: line2\n\n".as_bytes();
    let server = spawn_raw(SSE_OK, body).await;
    let output = sse_sub().args(["--no-reconnect", "--json", &server.url("/")]).output().await.unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"event\":\"message\",\"data\":\"a\\\"b\",\"id\":\"7\"}\n\
         {\"event\":\"note\",\"data\":\"line1\\nline2\",\"id\":\"7\"}\n"
    );
}

/// Without `--json`, a pipe or file gets one line per event (so `| grep` and `| head` work),
/// and `-H` headers are sent.
#[tokio::test]
async fn plain_output_is_a_line_per_event_in_a_pipe_and_sends_headers() {
    let mut server = spawn_raw(SSE_OK, b"data: 1\n\ndata: 2\n\n").await;
    let output = sse_sub()
        .args(["--no-reconnect", "-H", "X-Forwarded-For: 127.0.0.1", &server.url("/events?stream=messages")])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout, b"1\n2\n");
    let head = server.next_request().await.to_ascii_lowercase();
    assert!(head.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"), "{head}");
}

/// On a terminal (a pty from util-linux `script`), each value overwrites the line
/// (`\r<data>`), like the demo client, and the last one is ended for the prompt.
#[tokio::test]
async fn plain_output_overwrites_the_line_on_a_terminal() {
    let server = spawn_raw(SSE_OK, b"data: 1\n\ndata: 2\n\n").await;
    let command =
        format!("{} --no-reconnect {}", env!("CARGO_BIN_EXE_sse-sub"), server.url("/events?stream=messages"));
    let output = Command::new("script").args(["-qec", &command, "/dev/null"]).output().await.unwrap();
    assert!(output.status.success(), "{output:?}");
    // The pty turns the final LF into CRLF.
    assert_eq!(String::from_utf8_lossy(&output.stdout), "\r1\r2\r\n");
}

/// Failures print one clear line on stderr and exit with status 1; bad arguments with 2.
#[tokio::test]
async fn failures_have_clear_messages_and_exit_codes() {
    let app = spawn_app(None).await;
    let dead = dead_address().await;
    for (args, message) in [
        (vec!["--no-reconnect".into(), format!("http://{dead}/")], "sse-sub: cannot connect to"),
        (vec![app.url("/events?stream=nope")], "sse-sub: HTTP 404: Not Found: stream `nope` does not exist"),
        (vec![app.url("/")], "sse-sub: expected Content-Type text/event-stream"),
        (vec!["ftp://x/".into()], "sse-sub: invalid URL `ftp://x/`"),
        (
            vec!["127.0.0.1:8080/events".into()],
            "sse-sub: invalid URL `127.0.0.1:8080/events`: add http:// or https://",
        ),
        (
            vec!["localhost:8080/events".into()],
            "sse-sub: invalid URL `localhost:8080/events`: add http:// or https://",
        ),
        (vec!["-H".into(), "nocolon".into(), app.url("/")], "sse-sub: invalid header `nocolon`"),
    ] {
        let output = sse_sub().args(&args).output().await.unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    let output = sse_sub().output().await.unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// `--count`, `--event`, `--time` and the `retry` field: only matching events, each with an
/// RFC 3339 time, and exit 0 after N.
#[tokio::test]
async fn count_event_filter_time_and_retry() {
    let body =
        "event: a\ndata: 1\n\nevent: b\nretry: 250\ndata: 2\n\nevent: b\ndata: 3\n\nevent: b\ndata: 4\n\n";
    let server = spawn_raw(SSE_OK, body.as_bytes()).await;
    let output = sse_sub()
        .args(["--json", "--time", "--event", "b", "--count", "2", &server.url("/")])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["data"].as_str(), lines[0]["retry"].as_u64()), (Some("2"), Some(250)));
    assert_eq!((lines[1]["data"].as_str(), lines[1].get("retry")), (Some("3"), None));
    let time = lines[0]["time"].as_str().unwrap();
    assert_eq!(time.len(), "2026-11-27T07:30:00.123456Z".len(), "{time}");
    assert!(time.ends_with('Z') && time.as_bytes()[10] == b'T', "{time}");
}

/// `-X`, `-d` and `--last-event-id` shape the request; `--stats` prints totals on stderr.
#[tokio::test]
async fn request_options_and_stats() {
    let mut server = spawn_raw(SSE_OK, b"data: x\n\n").await;
    let output = sse_sub()
        .args([
            "--no-reconnect",
            "--quiet",
            "--stats",
            "-X",
            "PUT",
            "-d",
            "{\"a\":1}",
            "--last-event-id",
            "9",
        ])
        .arg(server.url("/p"))
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stdout.is_empty(), "--quiet prints no events");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("sse-sub: 1 events, 9 bytes in "), "{stderr}");
    let head = server.next_request().await.to_ascii_lowercase();
    assert!(head.starts_with("put /p http/1.1\r\n"), "{head}");
    assert!(
        head.contains("\r\nlast-event-id: 9\r\n") && head.contains("\r\ncontent-length: 7\r\n"),
        "{head}"
    );
}

/// `--timeout` ends a live subscription with exit code 3.
#[tokio::test]
async fn timeout_exits_with_code_3() {
    let app = spawn_app(Some(Duration::from_millis(50))).await;
    let started = std::time::Instant::now();
    let output = sse_sub()
        .args(["--quiet", "--timeout", "0.5", &app.url("/events?stream=messages")])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Any data published through the broker comes back exactly through `sse-sub --json`, except
/// that CR and CRLF line breaks come back as LF (the spec's own normalisation).
#[tokio::test]
async fn published_data_round_trips_through_sse_sub() {
    let app = spawn_app(None).await;
    let long_line = "y".repeat(200_000);
    let cases: Vec<(Option<&str>, String)> = vec![
        (None, "plain".into()),
        (None, String::new()),
        (None, "\n".into()),
        (None, "a\nb".into()),
        (None, "a\r\nb\rc\n\nd".into()),
        (None, " leading space and trailing \n".into()),
        (Some("custom.type"), "nul \0 and replacement \u{FFFD} and emoji 🎉".into()),
        (None, ": not a comment\ndata: not a field\nid: 99".into()),
        (None, long_line),
        (None, "\r\n\r\n".into()),
    ];
    let mut child = sse_sub()
        .args(["--json", "--count", &cases.len().to_string(), &app.url("/events?stream=messages")])
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    app.wait_for_subscriber("messages").await;
    for (event, data) in &cases {
        app.broker
            .publish(
                "messages",
                embedded_server::Publish {
                    event: event.map(str::to_owned),
                    ..embedded_server::Publish::data(data.as_str())
                },
            )
            .unwrap();
    }
    let mut lines = BufReader::new(stdout).lines();
    for (n, (event, data)) in cases.iter().enumerate() {
        let line = lines.next_line().await.unwrap().expect("one line per event");
        let object: Value = serde_json::from_str(&line).unwrap();
        let expected = data.replace("\r\n", "\n").replace('\r', "\n");
        assert_eq!(object["data"].as_str(), Some(expected.as_str()), "case {n}");
        assert_eq!(object["event"].as_str(), Some(event.unwrap_or("message")), "case {n}");
        assert_eq!(object["id"].as_str(), Some((n + 1).to_string().as_str()), "case {n}");
    }
    assert!(child.wait().await.unwrap().success());
}

/// Record once with `sse-sub --json --time`, replay many times through the broker: types and
/// data survive, ids are the new stream's own.
#[tokio::test]
async fn a_recorded_capture_replays_into_a_stream() {
    let app = spawn_app(None).await;
    let recorder = sse_sub()
        .args(["--json", "--time", "--count", "3", &app.url("/events?stream=messages")])
        .spawn()
        .unwrap();
    app.wait_for_subscriber("messages").await;
    app.broker
        .publish(
            "messages",
            embedded_server::Publish { event: Some("x".into()), ..embedded_server::Publish::data("first") },
        )
        .unwrap();
    app.broker.publish("messages", embedded_server::Publish::data("two\nlines")).unwrap();
    app.broker
        .publish(
            "messages",
            embedded_server::Publish { event: Some("y".into()), ..embedded_server::Publish::data("") },
        )
        .unwrap();
    let capture = recorder.wait_with_output().await.unwrap().stdout;
    let events = sse_capture::read_capture(&capture[..]).unwrap().events;
    assert!(events.iter().all(|e| e.time.is_some()));

    app.broker.create_stream("replayed").unwrap();
    let mut subscription = sse_subscriber::Subscription::new(
        sse_subscriber::SubscribeRequest::new(&app.url("/events?stream=replayed")).unwrap(),
    );
    // Drive the subscription (its `next` is cancel-safe) until the server has registered it.
    while app.broker.streams().iter().find(|s| s.name == "replayed").unwrap().subscribers == 0 {
        let _ = tokio::time::timeout(Duration::from_millis(10), subscription.next()).await;
    }
    for _ in 0..2 {
        embedded_server::replay(&app.broker, "replayed", &events, embedded_server::Pace::AsFastAsPossible)
            .await
            .unwrap();
    }
    let mut received = Vec::new();
    while received.len() < 6 {
        match tokio::time::timeout(Duration::from_secs(5), subscription.next()).await.unwrap() {
            Some(sse_subscriber::Update::Event(e)) => received.push((e.event, e.data, e.id)),
            Some(sse_subscriber::Update::Error { error, .. }) => panic!("{error}"),
            _ => {}
        }
    }
    let expected: Vec<_> = (0..2)
        .flat_map(|round| {
            [("x", "first"), ("message", "two\nlines"), ("y", "")]
                .into_iter()
                .enumerate()
                .map(move |(n, (t, d))| (t.to_owned(), d.to_owned(), (round * 3 + n + 1).to_string()))
        })
        .collect();
    assert_eq!(received, expected);
}

/// `--data-file` sends the file as the body (POST by default).
#[tokio::test]
async fn data_file_is_the_body() {
    let mut server = spawn_raw(SSE_OK, b"data: ok\n\n").await;
    let body_file = std::env::temp_dir().join(format!("sse-sub-body-{}.json", std::process::id()));
    std::fs::write(&body_file, "{\"model\":\"m\",\"stream\":true}").unwrap();
    let output = sse_sub()
        .args(["--no-reconnect", "--data-file"])
        .arg(&body_file)
        .arg(server.url("/v1/chat"))
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let head = server.next_request().await.to_ascii_lowercase();
    assert!(
        head.starts_with("post /v1/chat http/1.1\r\n") && head.contains("\r\ncontent-length: 27\r\n"),
        "{head}"
    );
    let missing =
        sse_sub().args(["--data-file", "/nonexistent/body", "http://127.0.0.1:9/"]).output().await.unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_file(body_file);
}

/// In a pipe whose reader goes away (`sse-sub URL | head -1`), sse-sub exits 0 quietly.
#[tokio::test]
async fn a_closed_pipe_ends_sse_sub_quietly() {
    let app = spawn_app(Some(Duration::from_millis(10))).await;
    let mut child = sse_sub().args(["--json", &app.url("/events?stream=messages")]).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await.unwrap().unwrap().unwrap();
    drop(lines);
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait()).await.expect("exits").unwrap();
    assert!(status.success(), "{status:?}");
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).await.unwrap();
    assert!(stderr.is_empty(), "{stderr}");
}

/// A listener that accepts connections and never answers them, on its own thread.
fn silent_listener() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept() {
            held.push(socket);
        }
    });
    addr
}

/// A server that accepts the connection and never sends a response head fails the attempt at
/// the connect timeout, said as connected without a head: with --no-reconnect sse-sub exits 1
/// saying so; otherwise it retries, the wait in seconds with one decimal.
#[tokio::test]
async fn no_response_head_within_the_connect_timeout_fails_the_attempt() {
    let addr = silent_listener();
    let url = format!("http://{addr}/events");
    let started = std::time::Instant::now();
    let output = sse_sub().args(["--connect-timeout", "1", "--no-reconnect", &url]).output().await.unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("connected, but no response head within 1 s"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());

    let output = sse_sub()
        .args(["--connect-timeout", "0.5", "--reconnect-delay", "100", "--timeout", "2.5", &url])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("connected, but no response head within 0.5 s; retrying in 0.1 s (attempt 2)"),
        "{stderr}"
    );
}

/// Each failed attempt and the wait before the next is one line on stderr, unless -q.
#[tokio::test]
async fn retries_are_said_on_stderr_unless_quiet() {
    let dead = dead_address().await;
    let url = format!("http://{dead}/events");
    let output =
        sse_sub().args(["--reconnect-delay", "200", "--timeout", "1.5", &url]).output().await.unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<_> = stderr.lines().collect();
    assert!(lines.len() >= 2, "{stderr}");
    assert!(
        lines[0].starts_with("sse-sub: cannot connect to ")
            && lines[0].ends_with("retrying in 0.2 s (attempt 2)"),
        "{stderr}"
    );
    assert!(lines[1].ends_with("(attempt 3)"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour codes in a pipe: {stderr:?}");
    let quiet =
        sse_sub().args(["-q", "--reconnect-delay", "200", "--timeout", "1", &url]).output().await.unwrap();
    assert_eq!(String::from_utf8(quiet.stderr).unwrap(), "", "-q says nothing");
}

/// SIGTERM and SIGINT end sse-sub with 143 and 130, and --stats still prints its totals.
#[cfg(unix)]
#[tokio::test]
async fn stats_are_printed_on_sigterm_and_sigint() {
    let app = spawn_app(Some(Duration::from_millis(20))).await;
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let mut child =
            sse_sub().args(["--json", "--stats", &app.url("/events?stream=messages")]).spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        lines.next_line().await.unwrap().expect("a first event");
        let pid = child.id().unwrap().to_string();
        let killed = std::process::Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(killed.success());
        let output =
            tokio::time::timeout(Duration::from_secs(5), child.wait_with_output()).await.unwrap().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(code), "{signal}: {stderr}");
        assert!(stderr.contains(" events, ") && stderr.contains("events/s"), "{signal}: {stderr}");
    }
}

/// `-d @FILE` sends its text as written (it is not curl's file syntax), and when FILE exists
/// sse-sub says so on stderr and names --data-file.
#[tokio::test]
async fn a_data_value_naming_a_file_is_sent_as_written_with_a_warning() {
    let file = std::env::temp_dir().join(format!("sse-sub-request-{}.json", std::process::id()));
    std::fs::write(&file, "{\"ignored\": true}").unwrap();
    let data = format!("@{}", file.display());
    let mut server = spawn_raw(SSE_OK, b"data: ok\n\n").await;
    let output =
        sse_sub().args(["--no-reconnect", "-d", &data, &server.url("/events")]).output().await.unwrap();
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("sse-sub: warning: -d sends `{data}` as written")), "{stderr}");
    assert!(stderr.contains(&format!("use --data-file {}", file.display())), "{stderr}");
    let head = server.next_request().await.to_ascii_lowercase();
    assert!(head.starts_with("post /events"), "{head}");
    assert!(head.contains(&format!("content-length: {}\r\n", data.len())), "the text as written: {head}");
}
