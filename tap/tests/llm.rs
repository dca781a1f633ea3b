//! Streams through the tap read as LLM streams (`Exchange::llm`): the provider guessed from
//! the upstream URL, the milestones on the record's clock, each at the chunk that brought it;
//! a stream of no provider's format is not read as one.

mod common;

use std::time::Duration;

use common::{ended_where, exchange, raw_upstream, start_tap};
use sse_llm::{Completeness, Provider};
use sse_tap::TapConfig;

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

/// A time in the record as the milestones give it: ms, to the microsecond.
fn ms(at: Duration) -> f64 {
    (at.as_secs_f64() * 1e6).round() / 1e3
}

/// An Anthropic stream (thinking, text, a tool call) through the tap: every milestone, in
/// order; the first content is the first thinking delta (event 2, after `message_start` and an
/// empty block start), the first text event 8, the last content event 15.
#[tokio::test]
async fn a_tapped_llm_stream_has_its_milestones_on_the_records_clock() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llm/tests/fixtures/anthropic-tools.sse");
    let fixture = std::fs::read_to_string(path).expect("the fixture");
    let mut chunks = vec![HEAD.to_vec()];
    chunks.extend(fixture.split_inclusive("\n\n").map(|block| block.as_bytes().to_vec()));
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(TapConfig::new(&format!("http://{upstream}")).unwrap()).await;
    let request =
        "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
    exchange(tap, request).await;
    let tapped = ended_where(&recorder, "POST /v1/messages", |target| target == "/v1/messages").await;
    let summary = tapped.llm().unwrap_or_else(|| panic!("read as an LLM stream: {tapped:?}"));
    assert_eq!((summary.provider, summary.completeness), (Provider::Anthropic, Completeness::Complete));
    let m = &summary.milestones;
    let all = [
        m.request_sent,
        m.head_received,
        m.first_byte,
        m.first_event,
        m.first_content,
        m.first_text,
        m.last_content,
        m.end,
    ];
    let all: Vec<f64> = all.iter().map(|at| at.unwrap_or_else(|| panic!("every milestone: {m:?}"))).collect();
    assert!(all.windows(2).all(|pair| pair[0] <= pair[1]), "in order: {m:?}");
    let event_ms = |n: usize| ms(tapped.events[n].at);
    assert_eq!(
        (m.first_event, m.first_content, m.first_text, m.last_content),
        (Some(event_ms(0)), Some(event_ms(2)), Some(event_ms(8)), Some(event_ms(15))),
        "{m:?}"
    );
    assert_eq!(m.head_received, tapped.head_after.map(ms));
    assert_eq!(m.first_byte, tapped.first_byte_after.map(ms));
    assert_eq!(m.end, tapped.duration.map(ms));
}

/// A counter's stream is a stream, but of no provider's format: not read as an LLM's.
#[tokio::test]
async fn a_plain_stream_is_not_read_as_an_llm_stream() {
    let chunks = vec![HEAD.to_vec(), b"data: 1\n\n".to_vec(), b"data: 2\n\n".to_vec()];
    let (upstream, _) = raw_upstream(chunks, false).await;
    let (tap, recorder, _stop) = start_tap(TapConfig::new(&format!("http://{upstream}")).unwrap()).await;
    exchange(tap, "GET /events HTTP/1.1\r\nHost: localhost\r\nconnection: close\r\n\r\n").await;
    let tapped = ended_where(&recorder, "GET /events", |target| target == "/events").await;
    assert!(tapped.is_stream && tapped.events.len() == 2, "{tapped:?}");
    assert!(tapped.llm().is_none(), "{:?}", tapped.llm());
}

/// `sse-tap --otlp URL --otlp-protocol http/json`: an LLM call through the tap reaches a real
/// OTLP receiver when its exchange ends, as a span with the request's model (from its body)
/// and the stream's milestones, and the metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sse_tap_exports_each_llm_call_as_it_ends() {
    let mut receiver = sse_test_support::OtlpReceiver::start().await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llm/tests/fixtures/openai-chat-text.sse");
    let fixture = std::fs::read_to_string(path).expect("the fixture");
    let mut chunks = vec![HEAD.to_vec()];
    chunks.extend(fixture.split_inclusive("\n\n").map(|block| block.as_bytes().to_vec()));
    let (upstream, _) = raw_upstream(chunks, false).await;
    let upstream = format!("http://{upstream}");
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        &upstream,
        "--otlp",
        &receiver.url,
        "--otlp-protocol",
        "http/json",
    ];
    let (tap, url) = common::start_sse_tap(&args);
    let body = r#"{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;
    let addr = url.trim_start_matches("http://").parse().expect("the tap's address");
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, &request).await;
    let traces = receiver.next("/v1/traces").await;
    let span = &traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    assert_eq!(span["name"], "chat gpt-4o", "{span}");
    let a = sse_test_support::otlp::attributes(&span["attributes"]);
    let get = |key| sse_test_support::otlp::get(&a, key).cloned();
    assert_eq!(get("gen_ai.provider.name"), Some("openai".into()));
    assert_eq!(get("gen_ai.response.model"), Some("gpt-4o-2024-08-06".into()));
    assert_eq!(get("gen_ai.response.finish_reasons"), Some(serde_json::json!(["stop"])));
    assert_eq!(get("gen_ai.usage.input_tokens"), Some(19.into()));
    let resource =
        sse_test_support::otlp::attributes(&traces["body"]["resourceSpans"][0]["resource"]["attributes"]);
    assert_eq!(sse_test_support::otlp::get(&resource, "service.name"), Some(&"sse-tap".into()));
    let metrics = receiver.next("/v1/metrics").await;
    assert!(
        metrics["body"].to_string().contains("gen_ai.client.operation.time_per_output_chunk"),
        "{metrics}"
    );
    common::terminate(tap).await;
}

/// A collector that is down: the stream through the tap is whole, and the tap says so once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_is_down_never_stops_a_stream() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let collector = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llm/tests/fixtures/openai-chat-text.sse");
    let fixture = std::fs::read_to_string(path).expect("the fixture");
    let (upstream, _) = raw_upstream(vec![HEAD.to_vec(), fixture.clone().into_bytes()], false).await;
    let upstream = format!("http://{upstream}");
    let (mut tap, url) =
        common::start_sse_tap(&["--listen", "127.0.0.1:0", "--upstream", &upstream, "--otlp", &collector]);
    let addr = url.trim_start_matches("http://").parse().expect("the tap's address");
    for _ in 0..2 {
        let response = exchange(
            addr,
            "GET /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nconnection: close\r\n\r\n",
        )
        .await;
        let text = String::from_utf8_lossy(&response);
        assert!(text.contains("data: [DONE]"), "the stream is whole: {text}");
    }
    let mut stderr = tap.stderr.take().expect("its stderr");
    common::terminate(tap).await;
    let mut said = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut said).unwrap();
    let failures: Vec<&str> = said.lines().filter(|line| line.contains("OpenTelemetry export")).collect();
    assert_eq!(failures.len(), 1, "said once: {said}");
    assert!(
        failures[0].starts_with(&format!("sse-tap: OpenTelemetry export to {collector} failed: ")),
        "{said}"
    );
}

/// `--otlp-protocol grpc` (or anything but HTTP's two) is refused before the tap listens, with
/// exit 2 and the reason in one line.
#[test]
fn a_protocol_other_than_http_is_refused() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sse-tap"))
        .args([
            "--upstream",
            "http://127.0.0.1:9",
            "--otlp",
            "http://127.0.0.1:4318",
            "--otlp-protocol",
            "grpc",
        ])
        .output()
        .expect("sse-tap runs");
    assert_eq!(output.status.code(), Some(2));
    let said = sse_test_support::failure_line(&output, "sse-tap");
    assert!(said.contains("--otlp-protocol: the OTLP protocol `grpc` is not supported"), "{said}");
}
