//! Conversations of revision 2026-07-28 (the modern era), written as the official SDK v2 sends
//! them: one call per POST with its metadata headers read beside the body, a listen stream with
//! its acknowledgement, a multi round-trip call folded into one with its round, a cancelled
//! call, a failed tool call; each modern rule reported when an exchange breaks it, and no legacy
//! rule on a modern conversation; a client's fallback to `initialize` as one conversation that
//! changed era.

use sse_mcp::{Conversation, Era, HttpExchange, StreamEvent, Transport};

const META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#;

/// A modern POST of `body` (its params' `_meta` added) with its metadata headers, answered
/// `status` with `content_type` and `answer`.
fn post(id: u64, method: &str, name: Option<&str>, body: &str) -> HttpExchange {
    let body = body.replace("{META}", META);
    let mut headers = vec![("MCP-Protocol-Version".to_owned(), "2026-07-28".to_owned())];
    if body.contains("\"id\"") {
        headers.push(("Mcp-Method".to_owned(), method.to_owned()));
    }
    if let Some(name) = name {
        headers.push(("Mcp-Name".to_owned(), name.to_owned()));
    }
    HttpExchange {
        id,
        started_ms: 1000.0 + id as f64 * 100.0,
        method: "POST".into(),
        target: "/mcp".into(),
        request_headers: headers,
        request_body: body,
        head_ms: Some(1000.0 + id as f64 * 100.0 + 5.0),
        ..HttpExchange::default()
    }
}

fn json_answer(mut exchange: HttpExchange, status: u16, answer: &str) -> HttpExchange {
    exchange.status = Some(status);
    exchange.response_headers = vec![("content-type".into(), "application/json".into())];
    exchange.response_body = answer.into();
    exchange
}

fn stream_answer(mut exchange: HttpExchange, events: &[&str]) -> HttpExchange {
    exchange.status = Some(200);
    exchange.response_headers =
        vec![("content-type".into(), "text/event-stream".into()), ("x-accel-buffering".into(), "no".into())];
    let start = exchange.started_ms;
    exchange.events = events
        .iter()
        .enumerate()
        .map(|(at, data)| StreamEvent {
            at_ms: start + 10.0 + at as f64,
            event: "message".into(),
            id: String::new(),
            data: (*data).into(),
        })
        .collect();
    exchange
}

const TOOLS: &str = r#"{"jsonrpc":"2.0","id":0,"result":{"tools":[{"name":"greet","inputSchema":{"type":"object","properties":{"greeting":{"type":"string","x-mcp-header":"Greeting"}}}},{"name":"count","inputSchema":{"type":"object"}}],"resultType":"complete"}}"#;

/// The SDK client's session against the SDK server, as it went through a tap.
fn sdk_conversation() -> Vec<HttpExchange> {
    let discover = json_answer(
        post(
            1,
            "server/discover",
            None,
            r#"{"jsonrpc":"2.0","id":"probe","method":"server/discover","params":{{META}}}"#,
        ),
        200,
        r#"{"jsonrpc":"2.0","id":"probe","result":{"supportedVersions":["2026-07-28"],"resultType":"complete"}}"#,
    );
    let list = json_answer(
        post(2, "tools/list", None, r#"{"jsonrpc":"2.0","id":0,"method":"tools/list","params":{{META}}}"#),
        200,
        TOOLS,
    );
    let mut listen = stream_answer(
        post(
            3,
            "subscriptions/listen",
            None,
            r#"{"jsonrpc":"2.0","id":"listen:0","method":"subscriptions/listen","params":{{META},"notifications":{"toolsListChanged":true}}}"#,
        ),
        &[
            r#"{"jsonrpc":"2.0","method":"notifications/subscriptions/acknowledged","params":{"_meta":{"io.modelcontextprotocol/subscriptionId":"listen:0"},"notifications":{"toolsListChanged":true}}}"#,
        ],
    );
    listen.client_closed = true;
    let count = stream_answer(
        post(
            4,
            "tools/call",
            Some("count"),
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"count","arguments":{"to":2},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":1}}}"#,
        ),
        &[
            r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1,"total":2}}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":2,"total":2}}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"counted to 2"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"2"}],"resultType":"complete"}}"#,
        ],
    );
    let mut greet = post(
        5,
        "tools/call",
        Some("greet"),
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{"greeting":"Grüße, 世界"},{META}}}"#,
    );
    greet.request_headers.push(("Mcp-Param-Greeting".into(), "=?base64?R3LDvMOfZSwg5LiW55WM?=".into()));
    let greet = json_answer(
        greet,
        200,
        r#"{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"Grüße, 世界"}],"resultType":"complete"}}"#,
    );
    let confirm = json_answer(
        post(
            6,
            "tools/call",
            Some("confirm"),
            r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"confirm","arguments":{},{META}}}"#,
        ),
        200,
        r#"{"jsonrpc":"2.0","id":3,"result":{"resultType":"input_required","inputRequests":{"confirm":{"method":"elicitation/create","params":{"message":"Go ahead?"}}}}}"#,
    );
    let retry = json_answer(
        post(
            7,
            "tools/call",
            Some("confirm"),
            r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"confirm","arguments":{},"inputResponses":{"confirm":{"action":"accept","content":{"confirm":true}}},{META}}}"#,
        ),
        200,
        r#"{"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"confirmed"}],"resultType":"complete"}}"#,
    );
    let mut slow = stream_answer(
        post(
            8,
            "tools/call",
            Some("slow"),
            r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","progressToken":5}}}"#,
        ),
        &[r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":5,"progress":1}}"#],
    );
    slow.client_closed = true;
    let fail = json_answer(
        post(
            9,
            "tools/call",
            Some("fail"),
            r#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"fail","arguments":{},{META}}}"#,
        ),
        200,
        r#"{"jsonrpc":"2.0","id":6,"result":{"content":[{"type":"text","text":"it failed"}],"isError":true,"resultType":"complete"}}"#,
    );
    let mut cancel = post(
        10,
        "",
        None,
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"listen:0",{META}}}"#,
    );
    cancel.status = Some(202);
    vec![discover, list, listen, count, greet, confirm, retry, slow, fail, cancel]
}

/// The SDK's conversation: every call paired by its POST, named, the listen stream's
/// acknowledgement under it, the round folded in, the cancelled and failed calls said; no rule
/// broken, no advice.
#[test]
fn a_modern_conversation_is_read_call_by_call() {
    let conversation = Conversation::read(&sdk_conversation());
    assert_eq!(
        (conversation.transport, conversation.era),
        (Some(Transport::StreamableHttp), Some(Era::Modern))
    );
    assert_eq!(conversation.violations, vec![], "no rule broken");
    assert_eq!(conversation.advice, vec![]);
    let calls: Vec<(&str, Option<&str>)> =
        conversation.calls.iter().map(|call| (call.method.as_str(), call.name.as_deref())).collect();
    assert_eq!(
        calls,
        [
            ("server/discover", None),
            ("tools/list", None),
            ("subscriptions/listen", None),
            ("tools/call", Some("count")),
            ("tools/call", Some("greet")),
            ("tools/call", Some("confirm")),
            ("tools/call", Some("slow")),
            ("tools/call", Some("fail")),
            ("notifications/cancelled", None),
        ],
        "the retry is a round of its call"
    );
    let call = |name: &str| {
        conversation.calls.iter().find(|call| call.name.as_deref() == Some(name)).expect("a call")
    };
    let listen = &conversation.calls[2];
    assert_eq!(listen.notes[0].method, "notifications/subscriptions/acknowledged");
    assert!(listen.cancelled, "its client closed the listen stream");
    assert_eq!(call("count").notes.len(), 3);
    assert!(call("count").reply.as_ref().is_some_and(|reply| reply.ok));
    let greeting = call("greet").headers.iter().find(|h| h.name == "Mcp-Param-Greeting").expect("mirrored");
    assert_eq!(greeting.decoded.as_deref(), Some("Grüße, 世界"));
    assert_eq!(greeting.body_value.as_deref(), Some("Grüße, 世界"));
    let confirm = call("confirm");
    assert_eq!(confirm.rounds.len(), 1);
    assert!(confirm.rounds[0].asked.contains("elicitation/create"));
    assert_eq!(
        confirm.rounds[0].answered.as_deref(),
        Some(r#"{"confirm":{"action":"accept","content":{"confirm":true}}}"#)
    );
    assert!(confirm.reply.as_ref().is_some_and(|reply| reply.value.contains("confirmed")));
    assert!(call("slow").cancelled && call("slow").reply.is_none());
    assert!(call("fail").failed);
    assert_eq!(conversation.unanswered, 2, "the listen request and the cancelled call");
}

/// Each modern rule is named when broken, with its revision; no legacy rule fires on a modern
/// conversation.
#[test]
fn modern_rules_are_named_when_broken() {
    let mut exchanges = sdk_conversation();
    // A client whose Mcp-Method differs from its body, answered 200 instead of 400 HeaderMismatch.
    exchanges[3].request_headers.retain(|(name, _)| name != "Mcp-Method");
    exchanges[3].request_headers.push(("Mcp-Method".into(), "tools/list".into()));
    // A server that sends a JSON-RPC request on a response stream.
    exchanges[3].events.insert(
        0,
        StreamEvent {
            at_ms: 1405.0,
            event: "message".into(),
            id: String::new(),
            data: r#"{"jsonrpc":"2.0","id":"s1","method":"elicitation/create","params":{}}"#.into(),
        },
    );
    // A message for the cancelled call after its stream closed, on the listen stream.
    exchanges[2].events.push(StreamEvent {
        at_ms: 1900.0,
        event: "message".into(),
        id: String::new(),
        data:
            r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":5,"progress":2}}"#
                .into(),
    });
    // An Mcp-Param value with an invalid sentinel.
    exchanges[4].request_headers.retain(|(name, _)| name != "Mcp-Param-Greeting");
    exchanges[4].request_headers.push(("Mcp-Param-Greeting".into(), "=?base64?***?=".into()));
    let conversation = Conversation::read(&exchanges);
    let rules: Vec<(&str, u64)> =
        conversation.violations.iter().map(|v| (v.rule.as_str(), v.exchange)).collect();
    for expected in [
        ("metadata-headers", 4),
        ("header-mismatch-answer", 4),
        ("request-on-stream", 4),
        ("after-cancel", 3),
        ("listen-scoped", 3),
        ("header-encoding", 5),
        ("header-mismatch-answer", 5),
    ] {
        assert!(rules.contains(&expected), "{expected:?} in {rules:?}");
    }
    assert!(conversation.violations.iter().all(|v| v.revision == "2026-07-28"), "no legacy rule");
    let mismatch = conversation.violations.iter().find(|v| v.rule == "metadata-headers").expect("named");
    assert!(
        mismatch.detail.contains("Mcp-Method: `tools/list` differs from the body's method `tools/call`"),
        "{}",
        mismatch.detail
    );
}

/// A client that tries the modern era, is refused without a modern error and falls back to
/// `initialize` is one conversation that changed era there, and breaks no rule by it; a
/// refusal with a modern error keeps it modern.
#[test]
fn a_fallback_to_initialize_changes_the_era() {
    let mut probe = post(
        1,
        "server/discover",
        None,
        r#"{"jsonrpc":"2.0","id":"probe","method":"server/discover","params":{{META}}}"#,
    );
    probe.status = Some(400);
    probe.response_body = "Bad Request: No valid session ID provided".into();
    let mut initialize = HttpExchange {
        id: 2,
        started_ms: 1300.0,
        method: "POST".into(),
        target: "/mcp".into(),
        request_body:
            r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#
                .into(),
        status: Some(200),
        response_headers: vec![
            ("content-type".into(), "application/json".into()),
            ("mcp-session-id".into(), "s1".into()),
        ],
        head_ms: Some(1305.0),
        response_body:
            r#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{}}}"#.into(),
        ..HttpExchange::default()
    };
    let mut list = initialize.clone();
    (list.id, list.started_ms, list.head_ms) = (3, 1400.0, Some(1405.0));
    list.request_headers =
        vec![("mcp-session-id".into(), "s1".into()), ("mcp-protocol-version".into(), "2025-11-25".into())];
    list.request_body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#.into();
    list.response_body = r#"{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}"#.into();
    initialize.request_headers.clear();
    let conversation = Conversation::read(&[probe.clone(), initialize.clone(), list.clone()]);
    assert_eq!(conversation.era, Some(Era::Legacy));
    let change = conversation.era_change.expect("it changed era");
    assert_eq!((change.refused, change.fell_back), (1, 2));
    assert_eq!(conversation.violations, vec![], "the fallback breaks no rule");
    assert_eq!(conversation.session_id.as_deref(), Some("s1"));
    probe.response_headers = vec![("content-type".into(), "application/json".into())];
    probe.response_body = r#"{"jsonrpc":"2.0","id":"probe","error":{"code":-32022,"message":"unsupported","data":{"supported":["2026-07-28"]}}}"#.into();
    let stays = Conversation::read(&[probe]);
    assert_eq!((stays.era, stays.era_change), (Some(Era::Modern), None));
    let refused = stays.calls[0].reply.as_ref().expect("answered");
    assert_eq!(refused.error.as_deref(), Some("-32022 UnsupportedProtocolVersion"), "the error named");
    let forced = Conversation::read_as(&[initialize, list], Some(Era::Modern));
    assert_eq!(forced.era, Some(Era::Modern), "a choice made by hand");
}

/// A listen stream that lasted 30 s without a keep-alive comment is advised one; an SSE answer
/// without `X-Accel-Buffering: no` is advised it; neither is a broken rule.
#[test]
fn long_quiet_listen_streams_and_buffered_answers_are_advice() {
    let mut exchanges = sdk_conversation();
    exchanges[2].duration_ms = Some(45_000.0);
    exchanges[3].response_headers.retain(|(name, _)| name != "x-accel-buffering");
    let conversation = Conversation::read(&exchanges);
    let advice: Vec<(&str, u64)> =
        conversation.advice.iter().map(|a| (a.rule.as_str(), a.exchange)).collect();
    assert_eq!(advice, [("x-accel-buffering", 4), ("keep-alive", 3)]);
    assert_eq!(conversation.violations, vec![]);
    exchanges[2].comments = 2;
    let kept_alive = Conversation::read(&exchanges);
    assert!(kept_alive.advice.iter().all(|a| a.rule != "keep-alive"), "{:#?}", kept_alive.advice);
}
