//! `sse-sub --llm` on the providers' documented streams, served at a pace by a raw server:
//! the summary at the end, as text and as a last JSON line, for a complete, a failed and an
//! unknown stream.

mod support;

use std::time::Duration;

use support::{spawn_chunked, Reply};
use tokio::process::Command;

/// A fixture of `sse-llm`, each event written on its own 10 ms after the one before.
fn paced_fixture(name: &str) -> Vec<(Duration, Vec<u8>)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../llm/tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    text.split_inclusive("\n\n").map(|block| (Duration::from_millis(10), block.as_bytes().to_vec())).collect()
}

async fn sse_sub(args: &[&str]) -> (Option<i32>, String, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_sse-sub")).args(args).kill_on_drop(true).output();
    let output = tokio::time::timeout(Duration::from_secs(30), run).await.unwrap().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

/// Guessed from the URL, an Anthropic stream is summarised: blocks, tool call, usage, timing.
#[tokio::test]
async fn an_anthropic_stream_is_summarised_at_its_end() {
    let addr = spawn_chunked(paced_fixture("anthropic-tools.sse")).await;
    let (code, out, err) = sse_sub(&["--llm", "-q", &format!("http://{addr}/v1/messages")]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    for line in [
        "LLM stream: Anthropic Messages (claude-sonnet-4-5): complete: message_stop",
        "  tool call get_weather [toolu_01T1x1fJ34qAmk2tNTrN7Up6] (block 2, 3 pieces · arguments are valid JSON):",
        "    {\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}",
        "  usage: 472 in, 89 out, 561 total",
    ] {
        assert!(out.contains(line), "{line:?} not in\n{out}");
    }
    assert!(out.contains("  tokens: 7, "), "{out}");
    assert!(out.contains("  time to first content (TTFT): ") && out.contains("    first content  "), "{out}");
}

/// `--json`'s last line carries the milestones in ms from the request, in order, the first
/// content two events (20 ms of pacing) after the first event; a stream of only tool calls
/// says so as its `noContentReason`.
#[tokio::test]
async fn with_json_the_milestones_come_in_order() {
    let addr = spawn_chunked(paced_fixture("anthropic-tools.sse")).await;
    let (code, out, err) = sse_sub(&["--llm", "--json", &format!("http://{addr}/v1/messages")]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let m = &last["llm"]["milestones"];
    let keys = [
        "requestSent",
        "headReceived",
        "firstByte",
        "firstEvent",
        "firstContent",
        "firstText",
        "lastContent",
        "end",
    ];
    let times: Vec<f64> =
        keys.iter().map(|key| m[key].as_f64().unwrap_or_else(|| panic!("{key} in {m}"))).collect();
    assert_eq!(times[0], 0.0, "{m}");
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "in order: {m}");
    assert!(times[4] - times[3] >= 19.0, "the first content is event 2, 20 ms after event 0: {m}");
    assert!(times[5] > times[4], "reasoning came before the text: {m}");
    assert!(m["noContentReason"].is_null(), "{m}");

    let addr = spawn_chunked(paced_fixture("openai-chat-tools.sse")).await;
    let (code, out, err) = sse_sub(&["--llm", "--json", &format!("http://{addr}/v1/chat/completions")]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let m = &last["llm"]["milestones"];
    assert_eq!(
        (m["noContentReason"].as_str(), m["firstText"].as_f64()),
        (Some("onlyToolCalls"), None),
        "{m}"
    );
}

/// With --json the summary is the last line, and a failed stream says it failed.
#[tokio::test]
async fn with_json_the_summary_is_a_last_line_and_says_failed() {
    let addr = spawn_chunked(paced_fixture("anthropic-overloaded.sse")).await;
    let (code, out, err) = sse_sub(&["--llm", "anthropic", "--json", &format!("http://{addr}/stream")]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let summary = &last["llm"];
    assert_eq!(summary["completeness"], "failed", "{summary}");
    assert_eq!(summary["error"], "overloaded_error: Overloaded");
    assert_eq!(summary["blocks"][0]["text"], "Hello");
    assert_eq!(out.lines().count(), 5, "four events, then the summary:\n{out}");
}

/// Behind a gateway whose URL names no provider, the request's `anthropic-version` header does:
/// a stream that is only Anthropic's error event is read as a failed Anthropic stream (without
/// the header nothing names its provider).
#[tokio::test]
async fn the_request_headers_name_the_provider_behind_a_gateway() {
    let error = b"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    let addr = spawn_chunked(vec![(Duration::ZERO, error.to_vec())]).await;
    let url = format!("http://{addr}/gateway");
    let (code, out, err) = sse_sub(&["--llm", "--json", "-H", "anthropic-version: 2023-06-01", &url]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["llm"]["provider"], "anthropic", "{last}");
    assert_eq!(last["llm"]["completeness"], "failed", "{last}");
    let addr = spawn_chunked(vec![(Duration::ZERO, error.to_vec())]).await;
    let (_, out, _) = sse_sub(&["--llm", "--json", &format!("http://{addr}/gateway")]).await;
    assert!(out.contains("not a stream of a provider it knows"), "{out}");
}

/// A stream of no known provider says so and how to name one.
#[tokio::test]
async fn an_unknown_stream_says_how_to_name_its_provider() {
    let addr = spawn_chunked(vec![(Duration::ZERO, b"data: 1\n\ndata: 2\n\n".to_vec())]).await;
    let (code, out, _) = sse_sub(&["--llm", "-q", &format!("http://{addr}/events")]).await;
    assert_eq!(code, Some(0));
    assert!(out.contains("not a stream of a provider it knows") && out.contains("--llm PROVIDER"), "{out}");
}

/// Ollama's native API streams NDJSON: `--llm` (or `--ndjson`) reads a line as an event; without
/// it the response is refused as not an event stream.
#[tokio::test]
async fn an_ollama_ndjson_stream_is_read_line_by_line() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../llm/tests/fixtures/ollama-chat.ndjson");
    let body = std::fs::read_to_string(path).unwrap();
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson";
    let server =
        support::spawn_script(vec![Reply::raw(head).body(&body), Reply::raw(head).body(&body)]).await;
    let (code, out, err) = sse_sub(&["--llm", "-q", &server.url("/api/chat")]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("LLM stream: Ollama (llama3.2): complete: done: true"), "{out}");
    assert!(
        out.contains("    The sky is blue.") && out.contains("usage: 26 in, 282 out, 308 total"),
        "{out}"
    );
    assert!(server.requests().await[0]
        .to_ascii_lowercase()
        .contains("accept: text/event-stream, application/x-ndjson"));

    let (code, _, err) = sse_sub(&["--no-reconnect", &server.url("/api/chat")]).await;
    assert_eq!(code, Some(1));
    assert!(err.contains("expected Content-Type text/event-stream, got application/x-ndjson"), "{err}");
}

/// A request that fails (here an HTTP 500) is said as no stream, not blamed on the provider.
#[tokio::test]
async fn a_failed_request_is_said_as_no_stream() {
    let server =
        support::spawn_script(vec![Reply::raw("HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0")])
            .await;
    let (code, out, err) = sse_sub(&["--llm", "--json", &server.url("/v1/chat/completions")]).await;
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains(r#""reason":"no stream: HTTP 500"#), "{out}");
    assert!(!out.contains("provider it knows"), "{out}");
}

/// `--otlp`: the call, once its stream ends, reaches a real OTLP receiver (the official
/// `opentelemetry-proto` definitions) as a span named by the conventions with its time to first
/// chunk and first content, and the metrics; the summary is printed as without it.
#[tokio::test]
async fn otlp_exports_the_call_when_its_stream_ends() {
    let mut receiver = sse_test_support::OtlpReceiver::start().await;
    let addr = spawn_chunked(paced_fixture("anthropic-tools.sse")).await;
    let url = format!("http://{addr}/v1/messages");
    let (code, out, err) =
        sse_sub(&["--llm", "-q", "--otlp", &receiver.url, "--otlp-protocol", "http/json", &url]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("LLM stream: Anthropic Messages (claude-sonnet-4-5): complete: message_stop"),
        "{out}"
    );
    assert!(err.is_empty(), "nothing said: {err}");
    let traces = receiver.next("/v1/traces").await;
    let span = &traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["name"], "chat", "no request model without a body: {span}");
    let a = sse_test_support::otlp::attributes(&span["attributes"]);
    let get = |key| sse_test_support::otlp::get(&a, key).cloned();
    assert_eq!(get("gen_ai.provider.name"), Some("anthropic".into()));
    assert_eq!(get("gen_ai.response.model"), Some("claude-sonnet-4-5".into()));
    let first_chunk =
        get("gen_ai.response.time_to_first_chunk").and_then(|v| v.as_f64()).expect("time to first chunk");
    let first_content =
        get("sse_monitor.time_to_first_content").and_then(|v| v.as_f64()).expect("time to first content");
    assert!(
        first_content >= first_chunk + 0.019,
        "the first content two events (20 ms) after the first: {a:?}"
    );
    assert!(get("gen_ai.output.messages").is_none(), "no content without --otlp-content");
    let metrics = receiver.next("/v1/metrics").await;
    let names: Vec<&str> = metrics["body"]["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["name"].as_str())
        .collect();
    for name in [
        "gen_ai.client.operation.duration",
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.time_to_first_chunk",
        "gen_ai.client.operation.time_per_output_chunk",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
}

/// A collector that is down: the stream, its summary and the exit code are as without
/// `--otlp`; the failure is one line on stderr. A protocol other than HTTP's two is refused
/// before anything is sent, with exit 2.
#[tokio::test]
async fn a_collector_that_is_down_changes_nothing_but_one_line() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let collector = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let addr = spawn_chunked(paced_fixture("anthropic-tools.sse")).await;
    let url = format!("http://{addr}/v1/messages");
    let (code, out, err) = sse_sub(&["--llm", "--json", "--otlp", &collector, &url]).await;
    assert_eq!(code, Some(0), "{out}{err}");
    let last: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["llm"]["completeness"], "complete", "{last}");
    assert_eq!(out.lines().count(), 20, "19 events, then the summary:\n{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with(&format!("sse-sub: OpenTelemetry export to {collector} failed: ")), "{err}");

    let (code, _, err) = sse_sub(&["--llm", "--otlp", &collector, "--otlp-protocol", "grpc", &url]).await;
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--otlp-protocol: the OTLP protocol `grpc` is not supported"), "{err}");
}
