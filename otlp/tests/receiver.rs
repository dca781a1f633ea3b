//! LLM calls exported to a real OTLP receiver: the official `opentelemetry-proto` definitions
//! (PyPI, in the test venv) behind a few lines of HTTP server (`sse_test_support::OtlpReceiver`) decode what was
//! sent in both protocols, and the span's and metrics' names, units, attributes and bucket
//! boundaries are those of the GenAI semantic conventions. Prompts and completions only when
//! asked; the headers go; a collector that is down fails each export within its bound.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use sse_llm::{Lifecycle, LlmReading, ReadAs};
use sse_otlp::{Exporter, LlmCall, OtlpConfig, OtlpProtocol};
use sse_subscriber::EventParser;
use sse_test_support::otlp::{attributes, get};
use sse_test_support::OtlpReceiver as Receiver;

const BODY: &str = r#"{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"system":"Be brief.","messages":[{"role":"user","content":"Weather in San Francisco?"}]}"#;

/// Anthropic's tool-use fixture read as a connection would: sent at `start`, the head 40 ms
/// later, an event every 20 ms from 100 ms, the end 20 ms after the last.
fn anthropic_call(start: SystemTime) -> LlmCall {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llm/tests/fixtures/anthropic-tools.sse");
    let mut parser = EventParser::new(1 << 20);
    parser.feed(&std::fs::read(path).expect("the fixture"));
    let at = |ms: u64| start + Duration::from_millis(ms);
    let url = "http://127.0.0.1:9/v1/messages";
    let mut reading = LlmReading::new(ReadAs::Auto, None);
    reading.observe(Lifecycle::RequestSent { url, at: at(0) });
    reading.observe(Lifecycle::HeadReceived { at: at(40) });
    reading.observe(Lifecycle::FirstByte { at: at(100) });
    let mut n = 0;
    while let Some(event) = parser.next_event().expect("the fixture parses") {
        reading.observe(Lifecycle::Event {
            event_type: &event.event,
            data: &event.data,
            received_at: at(100 + 20 * n),
        });
        n += 1;
    }
    reading.observe(Lifecycle::End { at: at(100 + 20 * n) });
    LlmCall::from_reading(&reading, url, BODY.as_bytes()).expect("read as Anthropic's")
}

const SECONDS_BUCKETS: [f64; 14] =
    [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// Both protocols: the span (name, kind, times, the conventions' attributes, ours beside
/// them) and the four metrics (names, units, bucket boundaries, counts) as the conventions
/// say; no prompt or completion unless asked; the configured header sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_reach_a_real_receiver_as_the_conventions_define_them() {
    for protocol in [OtlpProtocol::HttpProtobuf, OtlpProtocol::HttpJson] {
        let mut receiver = Receiver::start().await;
        let mut config = OtlpConfig::new(&receiver.url, protocol, "sse-otlp-test").unwrap();
        config.headers = vec![("x-collector-token".into(), "t0ken".into())];
        let exporter = Exporter::new(config).unwrap();
        let start = SystemTime::now();
        let call = anthropic_call(start);
        exporter.export(&call).await.unwrap_or_else(|e| panic!("{}: {e}", protocol.name()));

        let traces = receiver.next("/v1/traces").await;
        let expected_type =
            if protocol == OtlpProtocol::HttpJson { "application/json" } else { "application/x-protobuf" };
        assert_eq!(traces["contentType"], expected_type);
        assert_eq!(traces["headers"]["x-collector-token"], "t0ken");
        let resource = attributes(&traces["body"]["resourceSpans"][0]["resource"]["attributes"]);
        assert_eq!(get(&resource, "service.name"), Some(&Value::from("sse-otlp-test")));
        let span = &traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        assert_eq!(span["name"], "chat claude-sonnet-4-5", "{span}");
        assert_eq!(span["kind"], "SPAN_KIND_CLIENT");
        let nanos = |key: &str| span[key].as_str().and_then(|s| s.parse::<u128>().ok()).expect(key);
        let start_ns = start.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos();
        assert_eq!(nanos("startTimeUnixNano"), start_ns, "the span starts when the request was sent");
        assert_eq!(
            nanos("endTimeUnixNano") - start_ns,
            480_000_000,
            "19 events from 100 ms, the end 20 ms after the last"
        );
        let a = attributes(&span["attributes"]);
        for (key, value) in [
            ("gen_ai.operation.name", Value::from("chat")),
            ("gen_ai.provider.name", Value::from("anthropic")),
            ("gen_ai.request.model", Value::from("claude-sonnet-4-5")),
            ("gen_ai.response.model", Value::from("claude-sonnet-4-5")),
            ("gen_ai.response.id", Value::from("msg_014p7gG3wDgGV9EUtLvnow3U")),
            ("gen_ai.response.finish_reasons", Value::from(vec!["tool_use"])),
            ("gen_ai.usage.input_tokens", Value::from(472)),
            ("gen_ai.usage.output_tokens", Value::from(89)),
            ("gen_ai.request.stream", Value::from(true)),
            ("gen_ai.response.time_to_first_chunk", Value::from(0.1)),
            ("sse_monitor.time_to_first_content", Value::from(0.14)),
            ("server.address", Value::from("127.0.0.1")),
            ("server.port", Value::from(9)),
        ] {
            assert_eq!(get(&a, key), Some(&value), "{key} in {}: {a:?}", protocol.name());
        }
        assert!(
            get(&a, "gen_ai.input.messages").is_none() && get(&a, "gen_ai.output.messages").is_none(),
            "no content unless asked: {a:?}"
        );

        let metrics = receiver.next("/v1/metrics").await;
        let listed = &metrics["body"]["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
        let metric = |name: &str| {
            listed
                .as_array()
                .into_iter()
                .flatten()
                .find(|m| m["name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} in {listed}"))
        };
        let bounds = |m: &Value| -> Vec<f64> {
            m["histogram"]["dataPoints"][0]["explicitBounds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_f64().unwrap())
                .collect()
        };
        let count =
            |point: &Value| point["count"].as_str().and_then(|c| c.parse::<u64>().ok()).expect("a count");
        for (name, unit, buckets, points) in [
            ("gen_ai.client.operation.duration", "s", SECONDS_BUCKETS, 1),
            ("gen_ai.client.operation.time_to_first_chunk", "s", SECONDS_BUCKETS, 1),
            ("gen_ai.client.operation.time_per_output_chunk", "s", SECONDS_BUCKETS, 18),
            ("gen_ai.client.token.usage", "{token}", TOKEN_BUCKETS, 1),
        ] {
            let m = metric(name);
            assert_eq!(m["unit"], unit, "{name}");
            assert_eq!(bounds(&m), buckets.to_vec(), "{name}");
            assert_eq!(
                m["histogram"]["aggregationTemporality"], "AGGREGATION_TEMPORALITY_CUMULATIVE",
                "{name}"
            );
            let first = &m["histogram"]["dataPoints"][0];
            assert_eq!(count(first), points, "{name}: recorded {points} times");
            let a = attributes(&first["attributes"]);
            assert_eq!(get(&a, "gen_ai.operation.name"), Some(&Value::from("chat")), "{name}");
            assert_eq!(get(&a, "gen_ai.provider.name"), Some(&Value::from("anthropic")), "{name}");
            assert_eq!(get(&a, "gen_ai.request.model"), Some(&Value::from("claude-sonnet-4-5")), "{name}");
        }
        let usage = metric("gen_ai.client.token.usage");
        let by_type: Vec<(Value, f64)> = usage["histogram"]["dataPoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    get(&attributes(&p["attributes"]), "gen_ai.token.type").cloned().unwrap_or(Value::Null),
                    p["sum"].as_f64().unwrap(),
                )
            })
            .collect();
        assert!(
            by_type.contains(&(Value::from("input"), 472.0))
                && by_type.contains(&(Value::from("output"), 89.0)),
            "{by_type:?}"
        );
        let ttfc = metric("gen_ai.client.operation.time_to_first_chunk");
        assert_eq!(ttfc["histogram"]["dataPoints"][0]["sum"].as_f64(), Some(0.1));
        let per_chunk = metric("gen_ai.client.operation.time_per_output_chunk");
        let sum = per_chunk["histogram"]["dataPoints"][0]["sum"].as_f64().unwrap();
        assert!((sum - 0.36).abs() < 1e-9, "18 gaps of 20 ms: {sum}");
        exporter.shutdown().await;
    }
}

/// With content asked for, the span carries the prompt (the system and user messages) and the
/// answer (reasoning, text, the tool call with its arguments) in the conventions' form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_and_completions_go_only_when_asked() {
    let mut receiver = Receiver::start().await;
    let mut config = OtlpConfig::new(&receiver.url, OtlpProtocol::HttpJson, "t").unwrap();
    config.content = true;
    let exporter = Exporter::new(config).unwrap();
    exporter.export(&anthropic_call(SystemTime::now())).await.unwrap();
    let traces = receiver.next("/v1/traces").await;
    let a = attributes(&traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"]);
    let input: Value = serde_json::from_str(
        get(&a, "gen_ai.input.messages").and_then(Value::as_str).expect("input messages"),
    )
    .unwrap();
    assert_eq!(input[0]["role"], "system");
    assert_eq!(input[1]["parts"][0]["content"], "Weather in San Francisco?");
    let output: Value = serde_json::from_str(
        get(&a, "gen_ai.output.messages").and_then(Value::as_str).expect("output messages"),
    )
    .unwrap();
    let parts = &output[0]["parts"];
    assert_eq!(parts[0]["type"], "reasoning");
    assert_eq!(parts[1]["content"], "Okay, let's check the weather for San Francisco, CA:");
    assert_eq!(
        (parts[2]["type"].as_str(), parts[2]["name"].as_str()),
        (Some("tool_call"), Some("get_weather"))
    );
    assert_eq!(parts[2]["arguments"]["unit"], "fahrenheit");
    assert_eq!(output[0]["finish_reason"], "tool_use");
    exporter.shutdown().await;
}

/// A collector that is down: the export fails (said once), within its bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_is_down_fails_within_the_bound_and_is_said_once() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let exporter = Exporter::new(OtlpConfig::new(&url, OtlpProtocol::HttpProtobuf, "t").unwrap()).unwrap();
    let began = std::time::Instant::now();
    let error = exporter.export(&anthropic_call(SystemTime::now())).await.expect_err("nothing listens");
    assert!(began.elapsed() < Duration::from_secs(13), "bounded: {:?}", began.elapsed());
    let said = exporter.first_failure(&error).expect("said the first time");
    assert!(said.starts_with(&format!("OpenTelemetry export to {url} failed: ")), "{said}");
    assert!(exporter.first_failure(&error).is_none(), "said once");
    exporter.shutdown().await;
}

/// `OTEL_EXPORTER_OTLP_HEADERS` is honoured (URL-decoded, as the variable is written), beside
/// the configured headers. (nextest runs each test in a process of its own: the variable is
/// this test's alone.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_headers_are_sent() {
    std::env::set_var("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cret,x-tenant=acme");
    let mut receiver = Receiver::start().await;
    let exporter =
        Exporter::new(OtlpConfig::new(&receiver.url, OtlpProtocol::HttpProtobuf, "t").unwrap()).unwrap();
    exporter.export(&anthropic_call(SystemTime::now())).await.unwrap();
    let traces = receiver.next("/v1/traces").await;
    assert_eq!(traces["headers"]["authorization"], "Bearer s3cret", "{}", traces["headers"]);
    assert_eq!(traces["headers"]["x-tenant"], "acme");
    let metrics = receiver.next("/v1/metrics").await;
    assert_eq!(metrics["headers"]["x-tenant"], "acme");
    exporter.shutdown().await;
}
