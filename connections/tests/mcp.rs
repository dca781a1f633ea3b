//! MCP through a tap: a server and a client from the official TypeScript SDK (npm
//! `@modelcontextprotocol/sdk`, run under Node; `tests/mcp/*.mjs`) talk through a tap over
//! Streamable HTTP and over the older HTTP+SSE transport, and the tap's record reads as their
//! conversation: paired, notifications under their call, the session followed, no rule broken;
//! the SDK v2 (`@modelcontextprotocol/server` and `/client`) speaking revision 2026-07-28 reads
//! call by call, its rounds, listen stream, cancellation and metadata headers with it.
//! A raw server that breaks the transport's rules is reported, rule by rule.

mod support;

use std::time::Duration;

use serde_json::Value;
use sse_connections::{
    ConnectionSpec, HeaderField, ReconnectOptions, RunningConnections, RunningTaps, TapSpec,
};
use sse_mcp::{CallKind, Conversation, Transport, Via};
use support::{emitter, node_server, request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

fn script(name: &str) -> String {
    format!("{}/tests/mcp/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root, where `npm ci` put the SDK.
fn root() -> String {
    format!("{}/..", env!("CARGO_MANIFEST_DIR"))
}

/// Starts the SDK's server over `kind` (`streamable` or `sse`); it and its port.
async fn sdk_server(kind: &str) -> (Child, u16) {
    node_server("server.mjs", &[kind]).await
}

/// Runs the SDK's client against `url` over `kind`; what it saw (its one JSON line).
async fn sdk_client(url: &str, kind: &str) -> Value {
    node_client("client.mjs", &[url, kind]).await
}

/// Runs `script` with `args` under Node to its end; what it saw (its last line, JSON).
async fn node_client(script_name: &str, args: &[&str]) -> Value {
    let run = Command::new("node").arg(script(script_name)).args(args).current_dir(root()).output();
    let output =
        tokio::time::timeout(Duration::from_secs(30), run).await.expect("the client ends").expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A tap in front of `port`: the taps, its id and port, and its updates (a tap whose updates
/// nobody receives closes).
fn tap_in_front_of(port: u16) -> (RunningTaps, u64, u16, support::Updates) {
    let taps = RunningTaps::new(tokio::runtime::Handle::current());
    let (emit, updates) = emitter();
    let spec = TapSpec { upstream: format!("http://127.0.0.1:{port}"), ..TapSpec::default() };
    let opened = taps.open(&spec, emit).expect("open the tap");
    (taps, opened.id, opened.port, updates)
}

/// The conversation once `done` holds for it (the record catches up with the last exchange's
/// end), within 5 s.
async fn conversation_when(
    taps: &RunningTaps,
    id: u64,
    done: impl Fn(&Conversation) -> bool,
) -> Conversation {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let conversation = taps.mcp_conversation(id, None).expect("the tap is open");
        if done(&conversation) || tokio::time::Instant::now() > deadline {
            return conversation;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn call<'c>(conversation: &'c Conversation, method: &str) -> &'c sse_mcp::Call {
    conversation
        .calls
        .iter()
        .find(|call| call.method == method)
        .unwrap_or_else(|| panic!("no {method} in {:#?}", conversation.calls))
}

/// The SDK's client and server over Streamable HTTP through a tap: initialize, tools/list and
/// a tool call with three progress notifications and a log message, paired and in order; the
/// session id and revision the SDK used; its DELETE; no rule broken.
#[tokio::test]
async fn the_sdk_over_streamable_http_reads_as_its_conversation() {
    let (_server, port) = sdk_server("streamable").await;
    let (taps, id, tap_port, _updates) = tap_in_front_of(port);
    let seen = sdk_client(&format!("http://127.0.0.1:{tap_port}/mcp"), "streamable").await;
    assert_eq!(seen["result"], "3", "{seen}");

    let conversation = conversation_when(&taps, id, |c| c.session_end.is_some() && c.unanswered == 0).await;
    assert_eq!(conversation.transport, Some(Transport::StreamableHttp));
    assert_eq!(conversation.endpoint.as_deref(), Some("/mcp"));
    assert_eq!(conversation.session_id.as_deref(), seen["sessionId"].as_str(), "the session the SDK used");
    assert_eq!(conversation.protocol_version.as_deref(), seen["protocolVersion"].as_str());
    assert_eq!(conversation.session_end.as_ref().and_then(|end| end.status), Some(200), "the DELETE");
    assert!(conversation.violations.is_empty(), "the SDK keeps the rules: {:#?}", conversation.violations);
    assert_eq!(conversation.unanswered, 0);

    let initialize = call(&conversation, "initialize");
    assert!(initialize.reply.as_ref().is_some_and(|reply| reply.ok), "{initialize:#?}");
    assert!(initialize.latency_ms.is_some_and(|ms| ms >= 0.0));
    assert_eq!(call(&conversation, "notifications/initialized").kind, CallKind::Notification);
    let list = call(&conversation, "tools/list");
    assert!(list.reply.as_ref().is_some_and(|reply| reply.value.contains("\"count\"")), "{list:#?}");
    let count = call(&conversation, "tools/call");
    let reply = count.reply.as_ref().expect("tools/call answered");
    assert!(reply.ok && reply.value.contains("\"text\":\"3\""), "{reply:#?}");
    let notes: Vec<&str> = count.notes.iter().map(|note| note.method.as_str()).collect();
    assert_eq!(
        notes,
        [
            "notifications/progress",
            "notifications/progress",
            "notifications/progress",
            "notifications/message"
        ],
        "progress and the log message under their call"
    );
    assert!(
        count.notes.iter().all(|note| note.via == Via::PostStream),
        "they came on the call's POST stream"
    );
    let order: Vec<&str> = conversation.calls.iter().map(|call| call.method.as_str()).collect();
    let position = |method: &str| order.iter().position(|m| *m == method).unwrap_or(usize::MAX);
    assert!(
        position("initialize") < position("tools/list") && position("tools/list") < position("tools/call"),
        "{order:?}"
    );
}

/// The SDK v2's client and server (npm `@modelcontextprotocol/client` and `/server` 2.4.0)
/// speaking revision 2026-07-28 through a tap: the conversation is modern, every call paired on
/// its POST and named, progress under its call, the listen stream's acknowledgement and
/// list-changed notification under it, the elicitation round folded into its call, the
/// cancelled call and the failed one said, the non-ASCII parameter header decoded and equal to
/// the body; no rule broken.
#[tokio::test]
async fn the_sdk_v2_over_revision_2026_07_28_reads_call_by_call() {
    let (_server, port) = node_server("server-v2.mjs", &[]).await;
    let (taps, id, tap_port, _updates) = tap_in_front_of(port);
    let seen = node_client("client-v2.mjs", &[&format!("http://127.0.0.1:{tap_port}/mcp")]).await;
    assert_eq!((seen["counted"].as_str(), seen["cancelled"].as_str()), (Some("3"), Some("yes")), "{seen}");

    let named = |c: &Conversation, name: &str| {
        c.calls.iter().any(|call| call.name.as_deref() == Some(name) && call.reply.is_some())
    };
    let conversation = conversation_when(&taps, id, |c| {
        named(c, "fail") && c.calls.iter().any(|call| call.method == "notifications/cancelled")
    })
    .await;
    assert_eq!(conversation.era, Some(sse_mcp::Era::Modern), "{conversation:#?}");
    assert!(conversation.violations.is_empty(), "the SDK keeps the rules: {:#?}", conversation.violations);
    let tool = |name: &str| {
        conversation
            .calls
            .iter()
            .find(|call| call.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no {name} call"))
    };
    let progress = tool("count").notes.iter().filter(|note| note.method == "notifications/progress").count();
    assert_eq!(progress, 3, "{:#?}", tool("count"));
    assert!(tool("count").notes.iter().any(|note| note.method == "notifications/message"));
    let listen = call(&conversation, "subscriptions/listen");
    let heard: Vec<&str> = listen.notes.iter().map(|note| note.method.as_str()).collect();
    assert_eq!(heard, ["notifications/subscriptions/acknowledged", "notifications/tools/list_changed"]);
    let confirm = tool("confirm");
    assert_eq!(confirm.rounds.len(), 1, "{confirm:#?}");
    assert!(confirm.rounds[0].asked.contains("elicitation/create"));
    assert!(confirm.reply.as_ref().is_some_and(|reply| reply.value.contains("confirmed the deploy")));
    assert!(tool("slow").cancelled, "{:#?}", tool("slow"));
    assert!(tool("fail").failed);
    let greeting = tool("greet")
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("Mcp-Param-Greeting"))
        .expect("mirrored");
    assert_eq!(
        (greeting.decoded.as_deref(), greeting.problem.as_deref()),
        (Some("Grüße, 世界"), None),
        "{greeting:#?}"
    );
    assert!(tool("greet").headers.iter().all(|h| h.problem.is_none()), "{:#?}", tool("greet").headers);
}

/// A connection whose body is a JSON-RPC request naming revision 2026-07-28 adds the request
/// metadata headers the SDK v2's server requires (it refuses a request without them): its tool
/// call streams its progress and result, and reads as a modern call with no rule broken.
#[tokio::test]
async fn a_connection_adds_the_metadata_headers_a_modern_server_requires() {
    let (_server, port) = node_server("server-v2.mjs", &[]).await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"count","arguments":{"to":2},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"sse-monitor","version":"1"},"io.modelcontextprotocol/clientCapabilities":{},"progressToken":7}}}"#;
    let spec = ConnectionSpec {
        url: format!("http://127.0.0.1:{port}/mcp"),
        method: "POST".into(),
        headers: vec![
            HeaderField::new("Content-Type", "application/json"),
            HeaderField::new("Accept", "application/json, text/event-stream"),
        ],
        body: body.into(),
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    };
    let added: Vec<(String, String)> = spec.added_headers().into_iter().map(|h| (h.name, h.value)).collect();
    assert_eq!(
        added,
        [
            ("MCP-Protocol-Version".to_owned(), "2026-07-28".to_owned()),
            ("Mcp-Method".to_owned(), "tools/call".to_owned()),
            ("Mcp-Name".to_owned(), "count".to_owned())
        ]
    );
    let id = connections.open(spec, std::sync::Arc::new(|_| true)).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let conversation = loop {
        let read = connections.mcp_conversation(id).unwrap();
        if let Some(conversation) = read.filter(|c| c.calls.first().is_some_and(|call| call.reply.is_some()))
        {
            break conversation;
        }
        assert!(tokio::time::Instant::now() < deadline, "no answered tools/call within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(conversation.era, Some(sse_mcp::Era::Modern));
    let count = call(&conversation, "tools/call");
    assert!(
        count.reply.as_ref().is_some_and(|reply| reply.ok && reply.value.contains("\"text\":\"2\"")),
        "{count:#?}"
    );
    assert_eq!(count.notes.iter().filter(|note| note.method == "notifications/progress").count(), 2);
    assert!(conversation.violations.is_empty(), "{:#?}", conversation.violations);
}

/// The SDK's client and server over the older HTTP+SSE transport through a tap: the endpoint
/// event's session, each POSTed request answered on the /sse stream and paired, the tool call's
/// progress under it.
#[tokio::test]
async fn the_sdk_over_http_sse_reads_as_its_conversation() {
    let (_server, port) = sdk_server("sse").await;
    let (taps, id, tap_port, _updates) = tap_in_front_of(port);
    let seen = sdk_client(&format!("http://127.0.0.1:{tap_port}/sse"), "sse").await;
    assert_eq!(seen["result"], "3", "{seen}");

    let conversation = conversation_when(&taps, id, |c| c.unanswered == 0 && c.calls.len() >= 4).await;
    assert_eq!(conversation.transport, Some(Transport::HttpSse));
    assert_eq!(conversation.endpoint.as_deref(), Some("/messages"));
    assert!(conversation.session_id.as_deref().is_some_and(|id| !id.is_empty()), "{conversation:#?}");
    assert!(conversation.violations.is_empty(), "{:#?}", conversation.violations);
    for method in ["initialize", "tools/list", "tools/call"] {
        let asked = call(&conversation, method);
        assert_eq!(asked.via, Via::PostBody);
        assert_eq!(asked.reply.as_ref().map(|reply| reply.via), Some(Via::SseStream), "{asked:#?}");
    }
    let progress = call(&conversation, "tools/call")
        .notes
        .iter()
        .filter(|n| n.method == "notifications/progress")
        .count();
    assert_eq!(progress, 3);
}

/// A raw Streamable HTTP server that breaks the rules: it answers a notification's POST with
/// 200 and the GET with JSON; a client request without the session id. Each is reported with
/// its rule and exchange.
#[tokio::test]
async fn a_server_that_breaks_the_rules_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = socket.read(&mut buf).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                let (head, body) = if request.contains("\"initialize\"") {
                    (
                        "content-type: application/json\r\nmcp-session-id: s-1",
                        r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18"}}"#,
                    )
                } else if request.starts_with("GET") {
                    ("content-type: application/json", "{}")
                } else if request.contains("\"id\"") {
                    ("content-type: application/json", r#"{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}"#)
                } else {
                    ("content-type: application/json", "{}")
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\n{head}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    let (taps, id, tap_port, _updates) = tap_in_front_of(port);
    let post = |body: &str, headers: &str| {
        format!(
            "POST /mcp HTTP/1.1\r\nHost: {{host}}\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let session = "mcp-session-id: s-1\r\nmcp-protocol-version: 2025-06-18\r\n";
    request(tap_port, &post(r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#, ""), "}}").await;
    request(tap_port, &post(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session), "{}")
        .await;
    let get = format!("GET /mcp HTTP/1.1\r\nHost: {{host}}\r\naccept: text/event-stream\r\n{session}connection: close\r\n\r\n");
    request(tap_port, &get, "{}").await;
    request(
        tap_port,
        &post(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, "mcp-protocol-version: 2025-06-18\r\n"),
        "}}",
    )
    .await;

    let conversation = conversation_when(&taps, id, |c| c.violations.len() >= 3).await;
    let found: Vec<(&str, &str)> =
        conversation.violations.iter().map(|v| (v.rule.as_str(), v.detail.as_str())).collect();
    assert!(
        found.iter().any(|(rule, detail)| *rule == "post-answer"
            && detail.contains("POST /mcp → 200")
            && detail.contains("only notifications")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(rule, detail)| *rule == "get-stream"
            && detail.contains("GET /mcp → 200: answered 200 application/json")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(rule, detail)| *rule == "session-id"
            && detail.contains("no Mcp-Session-Id (the session is s-1)")),
        "{found:#?}"
    );
    assert_eq!(found.len(), 3, "nothing else: {found:#?}");
    assert!(call(&conversation, "tools/list").reply.is_some(), "still paired");
}

/// A connection whose body is a JSON-RPC request (an `initialize` POSTed to the SDK's server)
/// reads as a conversation too: the request paired with the response its stream carried, the
/// session id the server gave.
#[tokio::test]
async fn a_connection_posting_json_rpc_reads_as_its_conversation() {
    let (_server, port) = sdk_server("streamable").await;
    let connections = RunningConnections::new(tokio::runtime::Handle::current());
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sse-monitor","version":"1"}}}"#;
    let spec = ConnectionSpec {
        url: format!("http://127.0.0.1:{port}/mcp"),
        method: "POST".into(),
        headers: vec![
            HeaderField::new("Content-Type", "application/json"),
            HeaderField::new("Accept", "application/json, text/event-stream"),
        ],
        body: body.into(),
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    };
    let id = connections.open(spec, std::sync::Arc::new(|_| true)).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let conversation = loop {
        let read = connections.mcp_conversation(id).unwrap();
        if let Some(conversation) = read.filter(|c| c.unanswered == 0 && !c.calls.is_empty()) {
            break conversation;
        }
        assert!(tokio::time::Instant::now() < deadline, "no answered initialize within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(conversation.transport, Some(Transport::StreamableHttp));
    let initialize = call(&conversation, "initialize");
    assert_eq!(initialize.reply.as_ref().map(|reply| reply.via), Some(Via::PostStream), "{initialize:#?}");
    assert_eq!(conversation.protocol_version.as_deref(), Some("2025-06-18"));
    assert!(conversation.session_id.as_deref().is_some_and(|id| !id.is_empty()), "{conversation:#?}");
    assert!(conversation.violations.is_empty(), "{:#?}", conversation.violations);
}
