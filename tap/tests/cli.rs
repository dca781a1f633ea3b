//! The `sse-tap` binary between `curl -N` and the embedded server on 127.0.0.1:0: what a user
//! types, what they see.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use embedded_server::Publish;
use serde_json::Value;

mod common;
use common::{embedded_server, start_sse_tap, terminate};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sse-tap-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn validate_har(path: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/har-validate.mjs");
    let output = Command::new("node").arg(script).arg(path).output().expect("run node");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success() && said.trim() == "valid", "har-validator: {said}");
}

/// `sse-tap --upstream URL` says where it listens; `curl -N` through it gets each event as it
/// is published; when curl goes, the tap prints the exchange's line (who ended it included);
/// SIGTERM stops it cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_through_sse_tap_streams_and_the_exchange_is_printed() {
    let upstream = embedded_server().await;
    let (mut tap, url) =
        start_sse_tap(&["--listen", "127.0.0.1:0", "--upstream", &format!("http://{}", upstream.addr)]);

    let curl = Command::new("curl")
        .args(["-sN", "--max-time", "3", &format!("{url}/events?stream=messages")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run curl");
    upstream.wait_for_subscriber("messages").await;
    for n in 0..3 {
        upstream.broker.publish("messages", Publish::data(format!("via curl {n}"))).unwrap();
    }
    let output = tokio::task::spawn_blocking(move || curl.wait_with_output()).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for n in 0..3 {
        assert!(text.contains(&format!("data: via curl {n}\n")), "{text}");
    }

    let mut lines = BufReader::new(tap.stdout.take().unwrap()).lines();
    let line = tokio::task::spawn_blocking(move || lines.next()).await.unwrap().expect("a line").unwrap();
    assert!(line.starts_with("GET /events?stream=messages 200 "), "{line}");
    assert!(line.contains("3 events") && line.contains("client hung up after"), "{line}");
    terminate(tap).await;
}

/// `--har FILE --capture DIR`: at SIGTERM the HAR holds every exchange (a stream that ended,
/// a JSON POST, a stream still open) and passes npm `har-validator`; each stream's events are
/// in its entry; the credential headers added by `-H` and the credential query parameters are
/// redacted, in the HAR and the captures; each stream has a capture file that reads back with
/// its head and events.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn har_and_captures_are_written_at_exit() {
    let upstream = embedded_server().await;
    let dir = scratch("har");
    let har_path = dir.join("session.har");
    let captures = dir.join("captures");
    let (mut tap, url) = start_sse_tap(&[
        "--upstream",
        &format!("http://{}", upstream.addr),
        "-H",
        "Authorization: Bearer sk-never-written",
        "-H",
        "X-Auth-Token: auth-never-written",
        "--har",
        har_path.to_str().unwrap(),
        "--capture",
        captures.to_str().unwrap(),
    ]);
    let stream_url = format!("{url}/events?stream=messages");
    // Credentials in the query too: an `access_token` and Gemini's `key`.
    let with_keys = format!("{stream_url}&access_token=token-never-written&key=key-never-written");
    let ended = Command::new("curl").args(["-sN", "--max-time", "2", &with_keys]).spawn().unwrap();
    upstream.wait_for_subscriber("messages").await;
    upstream.broker.publish("messages", Publish::data("before the end")).unwrap();
    let published = Command::new("curl")
        .args(["-s", "-H", "content-type: application/json", "-d", r#"{"data":"via the tap"}"#])
        .arg(format!("{url}/streams/messages/events"))
        .output()
        .unwrap();
    assert!(published.status.success());
    tokio::task::spawn_blocking(move || ended.wait_with_output()).await.unwrap().unwrap();
    // The server lets the ended stream's subscriber go before the next one comes, so the wait
    // below is for the new one (else its event can go out before it subscribes).
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while upstream.broker.streams().iter().any(|s| s.subscribers > 0) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the ended stream's subscriber is let go");
    let mut lines = BufReader::new(tap.stdout.take().unwrap()).lines();
    let mut still_open =
        Command::new("curl").args(["-sN", &stream_url]).stdout(Stdio::piped()).spawn().unwrap();
    // Two lines printed (the POST, the stream that ended): the open one is the third exchange.
    for _ in 0..2 {
        tokio::task::block_in_place(|| lines.next()).expect("a line").unwrap();
    }
    upstream.wait_for_subscriber("messages").await;
    upstream.broker.publish("messages", Publish::data("while open")).unwrap();
    // Once curl has the event the tap has passed it on (and recorded it), however busy the
    // machine is.
    let curl_out = still_open.stdout.take().unwrap();
    let seen = tokio::task::spawn_blocking(move || {
        BufReader::new(curl_out).lines().map_while(Result::ok).find(|line| line == "data: while open")
    });
    tokio::time::timeout(std::time::Duration::from_secs(10), seen)
        .await
        .expect("curl got the event through the tap within 10 s")
        .unwrap()
        .expect("curl got the event through the tap");
    terminate(tap).await;
    let _ = still_open.kill();
    let _ = still_open.wait();

    validate_har(&har_path);
    let har: Value = serde_json::from_slice(&std::fs::read(&har_path).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let text = har.to_string();
    assert!(!text.contains("never-written") && text.contains(sse_tap::REDACTED), "redacted: {text}");
    let messages = |entry: &Value| -> Vec<String> {
        entry["_eventSourceMessages"]
            .as_array()
            .map(|m| m.iter().map(|e| e["data"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let streams: Vec<&Value> = entries.iter().filter(|e| e["request"]["method"] == "GET").collect();
    assert_eq!(messages(streams[0]), ["before the end", "via the tap"]);
    assert!(
        streams[1]["_ending"] == "still open" && messages(streams[1]) == ["while open"],
        "{:#}",
        streams[1]
    );
    let post = entries.iter().find(|e| e["request"]["method"] == "POST").unwrap();
    assert_eq!(post["request"]["postData"]["text"], r#"{"data":"via the tap"}"#);

    let mut files: Vec<PathBuf> = std::fs::read_dir(&captures).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("never-written"), "credentials in a capture: {text}");
    }
    for (file, first) in files.iter().zip(["before the end", "while open"]) {
        let capture = sse_capture::read_capture(&std::fs::read(file).unwrap()[..]).unwrap();
        let request = capture.head.and_then(|h| h.request).expect("a head with the request");
        assert!(request.url.contains("/events?stream=messages"), "{}", request.url);
        assert_eq!(capture.events[0].data, first, "{}", file.display());
        assert!(capture.events[0].time.is_some());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sse-tap --faults FILE`: a faulted exchange's line ends with what its rule did, and the HAR
/// marks the entry (`_fault`) and still passes npm `har-validator`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulted_exchange_is_said_in_its_line_and_marked_in_the_har() {
    let upstream = embedded_server().await;
    let dir = scratch("faults");
    let rules = dir.join("rules.json");
    std::fs::write(&rules, r#"[{"path": "/events*", "cutAfterEvents": 2}]"#).unwrap();
    let har_file = dir.join("session.har");
    let (mut tap, url) = start_sse_tap(&[
        "--upstream",
        &format!("http://{}", upstream.addr),
        "--faults",
        &rules.display().to_string(),
        "--har",
        &har_file.display().to_string(),
    ]);
    let curl = Command::new("curl")
        .args(["-sN", "--max-time", "10", &format!("{url}/events?stream=messages")])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run curl");
    upstream.wait_for_subscriber("messages").await;
    for n in 0..3 {
        upstream.broker.publish("messages", Publish::data(format!("cut {n}"))).unwrap();
    }
    let output = tokio::task::spawn_blocking(move || curl.wait_with_output()).await.unwrap().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("data: cut 1\n") && !text.contains("data: cut 2"), "{text}");
    let mut lines = BufReader::new(tap.stdout.take().unwrap()).lines();
    let line = tokio::task::spawn_blocking(move || lines.next()).await.unwrap().expect("a line").unwrap();
    assert!(line.contains("cut by the tap after"), "{line}");
    assert!(line.contains("; rule 1: cut after 2 events at byte "), "{line}");
    terminate(tap).await;
    validate_har(&har_file);
    let har: Value = serde_json::from_slice(&std::fs::read(&har_file).unwrap()).unwrap();
    let fault = &har["log"]["entries"][0]["_fault"];
    assert_eq!(fault["rule"], 1, "{fault}");
    assert_eq!(fault["profile"]["cutAfterEvents"], 2, "{fault}");
    assert!(fault["did"][0].as_str().unwrap_or("").starts_with("cut after 2 events"), "{fault}");
}

/// `sse-tap --mcp` prints one line per MCP call instead of its exchange's line: time, era,
/// method and name, id, outcome and the rules its exchange broke (a client whose `Mcp-Method`
/// differs from its body, a server that answers it 200); other exchanges keep their line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_mcp_each_call_is_a_line() {
    let answer = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true,"resultType":"complete"}}"#;
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let (upstream, _heads) = common::raw_upstream(vec![response.into_bytes()], false).await;
    let (mut tap, url) =
        start_sse_tap(&["--listen", "127.0.0.1:0", "--upstream", &format!("http://{upstream}"), "--mcp"]);
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"greet","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
    let posted = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-H",
            "Content-Type: application/json",
            "-H",
            "MCP-Protocol-Version: 2026-07-28",
        ])
        .args([
            "-H",
            "Mcp-Method: tools/list",
            "-H",
            "Mcp-Name: greet",
            "--data",
            body,
            &format!("{url}/mcp"),
        ])
        .status()
        .expect("run curl");
    assert!(posted.success());
    let plain = Command::new("curl")
        .args(["-s", "-o", "/dev/null", &format!("{url}/plain")])
        .status()
        .expect("run curl");
    assert!(plain.success());
    let mut lines = BufReader::new(tap.stdout.take().unwrap()).lines();
    let (first, second) = tokio::task::spawn_blocking(move || {
        let mut next = || lines.next().expect("a line").expect("readable");
        (next(), next())
    })
    .await
    .unwrap();
    let call = first.split_once(' ').map(|(time, rest)| (time.len(), rest.to_owned())).expect("a time first");
    assert_eq!(call.0, "HH:MM:SS.mmm".len(), "{first}");
    assert!(call.1.starts_with("modern tools/call greet #1 isError "), "{first}");
    assert!(call.1.ends_with("· breaks metadata-headers, header-mismatch-answer"), "{first}");
    assert!(second.starts_with("GET /plain 200 "), "an exchange that is not MCP keeps its line: {second}");
    terminate(tap).await;
}
