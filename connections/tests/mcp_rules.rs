//! A raw modern (revision 2026-07-28) client and server that break the revision's rules, through
//! a tap, each reported rule by rule with its exchange: a client whose `Mcp-Method` differs from
//! its body and a server that answers it 200 instead of 400 with `HeaderMismatch`; a server that
//! sends a JSON-RPC request on a response stream; a server that sends a message for a call after
//! its client closed the call's stream, on a `subscriptions/listen` stream where the tap sees
//! it; an `Mcp-Param-*` value with an invalid Base64 sentinel.

mod support;

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use sse_connections::{RunningTaps, TapSpec};
use support::emitter;
use tokio::sync::Notify;

const META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":9}"#;

fn event(json: &str) -> Result<Bytes, Infallible> {
    Ok(Bytes::from(format!("event: message\ndata: {json}\n\n")))
}

fn stream_response(body: Body) -> Response {
    (
        [
            (CONTENT_TYPE, "text/event-stream"),
            (axum::http::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        body,
    )
        .into_response()
}

/// Tells the listen stream once the slow call's stream is gone.
struct ClosedGuard(Arc<Notify>);

impl Drop for ClosedGuard {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

/// The rule-breaking server: every request answered by its body's method and name.
async fn answer(State(closed): State<Arc<Notify>>, body: String) -> Response {
    let id =
        serde_json::from_str::<serde_json::Value>(&body).map(|b| b["id"].to_string()).unwrap_or_default();
    if body.contains("\"subscriptions/listen\"") {
        let ack = r#"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"notifications":{}}}"#;
        let after = async move {
            closed.notified().await;
            // A message for the cancelled call, where the tap sees it.
            event(
                r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":9,"progress":2}}"#,
            )
        };
        let body = stream::iter([event(ack)]).chain(stream::once(after)).chain(stream::pending());
        return stream_response(Body::from_stream(body));
    }
    if body.contains("\"slow\"") {
        let guard = ClosedGuard(closed);
        let first = event(
            r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":9,"progress":1}}"#,
        );
        let rest = stream::pending().map(move |item: Result<Bytes, Infallible>| {
            let _ = &guard;
            item
        });
        return stream_response(Body::from_stream(stream::iter([first]).chain(rest)));
    }
    if body.contains("\"ask\"") {
        let request = r#"{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{}}"#;
        let result =
            format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{{"content":[],"resultType":"complete"}}}}"#);
        return stream_response(Body::from_stream(stream::iter([event(request), event(&result)])));
    }
    let result =
        format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{{"content":[],"resultType":"complete"}}}}"#);
    ([(CONTENT_TYPE, "application/json")], result).into_response()
}

/// A modern request through the tap with `headers`: its response.
async fn post_call(
    client: &reqwest::Client,
    url: &str,
    id: u32,
    name: &str,
    method_header: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let (method, params) = match name {
        "listen" => ("subscriptions/listen", format!(r#"{{{META},"notifications":{{}}}}"#)),
        _ => ("tools/call", format!(r#"{{"name":"{name}","arguments":{{"greeting":"hi"}},{META}}}"#)),
    };
    let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"{method}","params":{params}}}"#);
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", if method_header.is_empty() { method } else { method_header })
        .body(body);
    if method == "tools/call" {
        request = request.header("Mcp-Name", name);
    }
    for (header, value) in extra {
        request = request.header(*header, *value);
    }
    request.send().await.expect("the tap answers")
}

/// Each broken rule is reported with the exchange that broke it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_breaking_client_and_server_are_reported_rule_by_rule() {
    let closed = Arc::new(Notify::new());
    let app = Router::new().route("/mcp", post(answer)).with_state(closed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("bound").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, _updates) = emitter();
    let opened = taps
        .open(&TapSpec { upstream: format!("http://127.0.0.1:{port}"), ..TapSpec::default() }, emit)
        .expect("open the tap");
    let url = format!("http://127.0.0.1:{}/mcp", opened.port);
    let client = reqwest::Client::new();

    // The listen stream, read in the background.
    let heard = Arc::new(Mutex::new(String::new()));
    let mut listen = post_call(&client, &url, 1, "listen", "", &[]).await;
    let into = heard.clone();
    let reading = tokio::spawn(async move {
        while let Ok(Some(chunk)) = listen.chunk().await {
            into.lock().expect("not poisoned").push_str(&String::from_utf8_lossy(&chunk));
        }
    });
    // The slow call: its first progress, then its client closes the stream.
    let mut slow = post_call(&client, &url, 2, "slow", "", &[]).await;
    let first =
        tokio::time::timeout(Duration::from_secs(5), slow.chunk()).await.expect("its first event within 5 s");
    assert!(first.expect("readable").is_some());
    drop(slow);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !heard.lock().expect("not poisoned").contains("\"progress\":2") {
        assert!(tokio::time::Instant::now() < deadline, "the late progress on the listen stream within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let asked = post_call(&client, &url, 3, "ask", "", &[]).await.text().await.expect("the ask stream");
    assert!(asked.contains("sampling/createMessage"));
    let mismatched = post_call(&client, &url, 4, "greet", "tools/list", &[]).await;
    assert_eq!(mismatched.status(), 200, "the server took it");
    let _ = mismatched.text().await;
    let sentinel =
        post_call(&client, &url, 5, "encoded", "", &[("Mcp-Param-Greeting", "=?base64?***?=")]).await;
    let _ = sentinel.text().await;
    reading.abort();

    let expected = [
        ("metadata-headers", "greet"),
        ("header-mismatch-answer", "greet"),
        ("request-on-stream", "ask"),
        ("after-cancel", "listen"),
        ("header-encoding", "encoded"),
    ];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let (conversation, found) = loop {
        let conversation = taps.mcp_conversation(opened.id, None).expect("the tap is open");
        let exchange_of = |name: &str| {
            conversation
                .calls
                .iter()
                .find(|call| {
                    call.name.as_deref() == Some(name)
                        || (name == "listen" && call.method == "subscriptions/listen")
                })
                .map(|call| call.exchange)
        };
        let found: Vec<(&str, &str)> = expected
            .iter()
            .copied()
            .filter(|(rule, name)| {
                conversation
                    .violations
                    .iter()
                    .any(|v| v.rule == *rule && Some(v.exchange) == exchange_of(name))
            })
            .collect();
        if found.len() == expected.len() || tokio::time::Instant::now() > deadline {
            break (conversation, found);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(found, expected, "{:#?}", conversation.violations);
    assert!(conversation.calls.iter().any(|call| call.name.as_deref() == Some("slow") && call.cancelled));
    assert!(conversation.violations.iter().all(|v| v.revision == "2026-07-28"));
}
