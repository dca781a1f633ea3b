//! The app's OpenTelemetry export (Export to OpenTelemetry… in the LLM tab) against a real OTLP
//! receiver (PyPI `opentelemetry-proto`): while it is set, a connection's LLM call is exported
//! when its stream ends and a tap's as its exchange ends, with the configured header; the
//! status counts them; turned off, it says so.

mod support;

use std::sync::Arc;
use std::time::Duration;

use sse_connections::{
    ConnectionSpec, ConnectionUpdate, OtlpSettings, ReconnectOptions, RunningConnections, RunningTaps,
    SharedExport, TapSpec,
};
use sse_test_support::otlp::{attributes, get};
use sse_test_support::{OtlpReceiver, RawAnswer, RawServer};

fn fixture(name: &str) -> String {
    let path = format!("{}/../llm/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves an Anthropic stream to every connection, an event every 5 ms, then closes.
async fn anthropic_server() -> std::net::SocketAddr {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    let answer = RawAnswer::paced_events(
        head,
        &fixture("anthropic-tools.sse"),
        Duration::ZERO,
        Duration::from_millis(5),
        Duration::from_millis(5),
    );
    RawServer::start(RawAnswer { every_connection: true, ..answer }).await.addr
}

/// A connection's call and a tap's call both reach the receiver, as `sse-monitor`, with the
/// header set in the window; the status counts them and names no secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_and_taps_export_their_llm_calls_while_it_is_set() {
    let mut receiver = OtlpReceiver::start().await;
    let runtime = tokio::runtime::Handle::current();
    let export = SharedExport::default();
    let settings = OtlpSettings {
        url: receiver.url.clone(),
        protocol: "http/json".into(),
        content: false,
        header_name: "authorization".into(),
        header_value: "Bearer collector-secret".into(),
    };
    let status = export.set(&runtime, Some(&settings)).unwrap();
    assert!(status.on && status.url == receiver.url && status.header_name == "authorization", "{status:?}");
    assert!(!format!("{status:?}").contains("collector-secret"), "no secret in the status");
    let connections = RunningConnections::new(runtime.clone()).with_export(export.clone());
    let taps = RunningTaps::new(runtime.clone()).with_export(export.clone());
    let upstream = anthropic_server().await;

    let (tx, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let spec = ConnectionSpec {
        url: format!("http://{upstream}/v1/messages"),
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    };
    let id = connections.open(spec, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    let traces = receiver.next("/v1/traces").await;
    assert_eq!(traces["headers"]["authorization"], "Bearer collector-secret");
    let resource = attributes(&traces["body"]["resourceSpans"][0]["resource"]["attributes"]);
    assert_eq!(get(&resource, "service.name"), Some(&"sse-monitor".into()));
    let span = attributes(&traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"]);
    assert_eq!(get(&span, "gen_ai.provider.name"), Some(&"anthropic".into()));
    assert_eq!(get(&span, "gen_ai.response.id"), Some(&"msg_014p7gG3wDgGV9EUtLvnow3U".into()));
    receiver.next("/v1/metrics").await;
    while let Ok(Some(update)) = tokio::time::timeout(Duration::from_millis(50), updates.recv()).await {
        drop::<ConnectionUpdate>(update);
    }
    connections.close(id);

    let (emit, mut rows) = support::emitter();
    let tap =
        taps.open(&TapSpec { upstream: format!("http://{upstream}"), ..TapSpec::default() }, emit).unwrap();
    let head = "GET /v1/messages HTTP/1.1\r\nHost: {host}\r\nconnection: close\r\n\r\n";
    drop(support::request(tap.port, head, "message_stop").await);
    support::next_row(&mut rows, |row| row.is_stream && row.ending.is_some()).await;
    let traces = receiver.next("/v1/traces").await;
    let span = attributes(&traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"]);
    assert_eq!(get(&span, "gen_ai.operation.name"), Some(&"chat".into()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while export.status().exported < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "two calls counted as sent within 10 s: {:?}",
            export.status()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(export.status().failure, None);

    let off = export.set(&runtime, None).unwrap();
    assert!(!off.on, "{off:?}");
    taps.apply_export();
    taps.close(tap.id).await;
}

/// A collector that is down: the stream is read whole and the failure is in the status, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_is_down_is_in_the_status() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let runtime = tokio::runtime::Handle::current();
    let export = SharedExport::default();
    let settings =
        OtlpSettings { url: url.clone(), protocol: "http/protobuf".into(), ..OtlpSettings::default() };
    export.set(&runtime, Some(&settings)).unwrap();
    let connections = RunningConnections::new(runtime).with_export(export.clone());
    let upstream = anthropic_server().await;
    let (tx, _updates) = tokio::sync::mpsc::unbounded_channel();
    let spec = ConnectionSpec {
        url: format!("http://{upstream}/v1/messages"),
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    };
    connections.open(spec, Arc::new(move |update| tx.send(update).is_ok())).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let failure = loop {
        if let Some(failure) = export.status().failure {
            break failure;
        }
        assert!(tokio::time::Instant::now() < deadline, "the failure was said within 15 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(failure.starts_with(&format!("OpenTelemetry export to {url} failed: ")), "{failure}");
    assert_eq!(export.status().exported, 0);
}

/// Bad settings are refused with their reason, and leave the export as it was.
#[tokio::test]
async fn wrong_settings_are_refused() {
    let runtime = tokio::runtime::Handle::current();
    let export = SharedExport::default();
    for (url, protocol, said) in [
        ("http://127.0.0.1:4318", "grpc", "`grpc` is not supported"),
        ("127.0.0.1:4318", "http/json", "is not valid"),
    ] {
        let settings = OtlpSettings { url: url.into(), protocol: protocol.into(), ..OtlpSettings::default() };
        let error = export.set(&runtime, Some(&settings)).unwrap_err().to_string();
        assert!(error.contains(said), "{error}");
        assert!(!export.status().on);
    }
}
