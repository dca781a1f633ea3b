//! Conversations read from exchanges written as the transports' pages describe them: requests
//! paired with their responses wherever those came, notifications under their request, the
//! session followed; and each rule of the transport reported when an exchange breaks it.

use sse_mcp::{CallKind, Conversation, Direction, HttpExchange, StreamEvent, Transport, Via};

const SESSION: &str = "4f2c";

fn rpc(text: &str) -> String {
    text.replace('\'', "\"")
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

fn event(at_ms: f64, id: &str, data: &str) -> StreamEvent {
    StreamEvent { at_ms, event: "message".into(), id: id.into(), data: rpc(data) }
}

/// The client's headers after initialization, as the rules ask.
fn in_session() -> Vec<(String, String)> {
    headers(&[("mcp-session-id", SESSION), ("mcp-protocol-version", "2025-06-18")])
}

fn post(id: u64, at: f64, body: &str, status: u16, content_type: &str) -> HttpExchange {
    HttpExchange {
        id,
        started_ms: at,
        method: "POST".into(),
        target: "/mcp".into(),
        request_headers: in_session(),
        request_body: rpc(body),
        status: Some(status),
        response_headers: headers(&[("content-type", content_type)]),
        head_ms: Some(at + 2.0),
        ..HttpExchange::default()
    }
}

/// A whole Streamable HTTP session, every rule kept: initialize answered on its POST's stream,
/// a GET stream with a notification, a tool call with progress and a log message on its
/// stream, the DELETE.
fn session() -> Vec<HttpExchange> {
    let mut initialize = post(
        1,
        1000.0,
        "{'jsonrpc':'2.0','id':0,'method':'initialize','params':{'protocolVersion':'2025-06-18'}}",
        200,
        "text/event-stream",
    );
    initialize.request_headers.clear();
    initialize.response_headers.push(("mcp-session-id".into(), SESSION.into()));
    initialize.events = vec![event(
        1010.0,
        "",
        "{'jsonrpc':'2.0','id':0,'result':{'protocolVersion':'2025-06-18','capabilities':{}}}",
    )];
    let initialized = post(2, 1020.0, "{'jsonrpc':'2.0','method':'notifications/initialized'}", 202, "");
    let mut get = post(3, 1030.0, "", 200, "text/event-stream");
    get.method = "GET".into();
    get.events = vec![event(1200.0, "g1", "{'jsonrpc':'2.0','method':'notifications/tools/list_changed'}")];
    let mut call = post(
        4,
        1100.0,
        "{'jsonrpc':'2.0','id':1,'method':'tools/call','params':{'name':'count','_meta':{'progressToken':7}}}",
        200,
        "text/event-stream",
    );
    call.events = vec![
        event(1110.0, "", "{'jsonrpc':'2.0','method':'notifications/progress','params':{'progressToken':7,'progress':1,'total':2}}"),
        event(1120.0, "", "{'jsonrpc':'2.0','method':'notifications/message','params':{'level':'info','data':'half way'}}"),
        event(1150.0, "", "{'jsonrpc':'2.0','id':1,'result':{'content':[{'type':'text','text':'2'}]}}"),
    ];
    let mut delete = post(5, 1300.0, "", 200, "");
    delete.method = "DELETE".into();
    vec![initialize, initialized, get, call, delete]
}

/// Each request is paired with its response, its notifications under it, the session followed,
/// and a session that keeps every rule has no violation.
#[test]
fn a_streamable_http_session_is_paired_and_followed() {
    let conversation = Conversation::read(&session());
    assert_eq!(conversation.transport, Some(Transport::StreamableHttp));
    assert_eq!(conversation.endpoint.as_deref(), Some("/mcp"));
    assert_eq!(conversation.session_id.as_deref(), Some(SESSION));
    assert_eq!(conversation.protocol_version.as_deref(), Some("2025-06-18"));
    assert_eq!(conversation.session_end.as_ref().map(|end| end.exchange), Some(5));
    assert!(conversation.violations.is_empty(), "{:#?}", conversation.violations);
    assert_eq!(conversation.unanswered, 0);
    let methods: Vec<&str> = conversation.calls.iter().map(|call| call.method.as_str()).collect();
    assert_eq!(
        methods,
        ["initialize", "notifications/initialized", "tools/call", "notifications/tools/list_changed"]
    );
    let initialize = &conversation.calls[0];
    assert_eq!(
        (initialize.latency_ms, initialize.reply.as_ref().map(|r| r.via)),
        (Some(10.0), Some(Via::PostStream))
    );
    let call = &conversation.calls[2];
    assert_eq!(call.kind, CallKind::Request);
    assert_eq!(call.id.as_deref(), Some("1"));
    assert_eq!(call.latency_ms, Some(50.0));
    assert!(call.reply.as_ref().is_some_and(|reply| reply.ok && reply.value.contains("\"text\":\"2\"")));
    let notes: Vec<&str> = call.notes.iter().map(|note| note.method.as_str()).collect();
    assert_eq!(notes, ["notifications/progress", "notifications/message"]);
    let changed = &conversation.calls[3];
    assert_eq!(
        (changed.kind, changed.direction, changed.via),
        (CallKind::Notification, Direction::ServerToClient, Via::GetStream)
    );
}

fn rules(exchanges: &[HttpExchange]) -> Vec<(String, u64)> {
    Conversation::read(exchanges).violations.into_iter().map(|v| (v.rule, v.exchange)).collect()
}

/// A request without the session id, or with another, breaks the session rule; one without
/// the agreed revision's header breaks that one.
#[test]
fn requests_after_initialize_must_carry_the_session_and_the_revision() {
    let mut exchanges = session();
    exchanges[3].request_headers.retain(|(name, _)| name != "mcp-session-id");
    exchanges[1].request_headers =
        headers(&[("mcp-session-id", "other"), ("mcp-protocol-version", "2025-06-18")]);
    exchanges[4].request_headers.retain(|(name, _)| name != "mcp-protocol-version");
    let found = rules(&exchanges);
    assert!(found.contains(&("session-id".into(), 4)), "{found:?}");
    assert!(found.contains(&("session-id".into(), 2)), "{found:?}");
    assert!(found.contains(&("protocol-version".into(), 5)), "{found:?}");
    let violation = &Conversation::read(&exchanges).violations[0];
    assert!(violation.quote.contains("MUST include it in the Mcp-Session-Id header"), "{violation:?}");
}

/// A GET answered with JSON breaks the GET rule; a response on a GET stream that is not a
/// resumption breaks that one; with Last-Event-ID it is allowed.
#[test]
fn the_get_stream_is_an_event_stream_or_405_and_carries_no_responses() {
    let mut exchanges = session();
    let mut json_get = exchanges[2].clone();
    json_get.id = 6;
    json_get.response_headers = headers(&[("content-type", "application/json")]);
    json_get.events.clear();
    exchanges[2].events.push(event(1160.0, "g2", "{'jsonrpc':'2.0','id':1,'result':{}}"));
    exchanges.push(json_get);
    let found = rules(&exchanges);
    assert!(found.contains(&("get-stream".into(), 6)), "{found:?}");
    assert!(found.contains(&("response-on-get".into(), 3)), "{found:?}");

    let mut refused = session();
    refused[2].status = Some(405);
    refused[2].response_headers.clear();
    refused[2].events.clear();
    assert!(rules(&refused).is_empty(), "405 is an answer the rule allows");
}

/// Resuming with Last-Event-ID replays only what came after it on that stream: an event
/// delivered before, or an id never sent, is reported.
#[test]
fn a_resumption_replays_only_its_streams_missed_events() {
    let mut exchanges = session();
    exchanges[2].events.push(event(
        1210.0,
        "g2",
        "{'jsonrpc':'2.0','method':'notifications/message','params':{}}",
    ));
    let mut resumed = exchanges[2].clone();
    resumed.id = 6;
    resumed.started_ms = 1250.0;
    resumed.request_headers.push(("last-event-id".into(), "g1".into()));
    resumed.events = vec![
        event(1260.0, "g2", "{'jsonrpc':'2.0','method':'notifications/message','params':{}}"),
        event(1261.0, "g3", "{'jsonrpc':'2.0','id':1,'result':{}}"),
    ];
    let mut never = resumed.clone();
    never.id = 7;
    never.started_ms = 1270.0;
    never.request_headers.retain(|(name, _)| name != "last-event-id");
    never.request_headers.push(("last-event-id".into(), "zz".into()));
    never.events.clear();
    exchanges.extend([resumed, never]);
    let conversation = Conversation::read(&exchanges);
    let found: Vec<(&str, u64, &str)> =
        conversation.violations.iter().map(|v| (v.rule.as_str(), v.exchange, v.detail.as_str())).collect();
    assert!(
        found.iter().any(|(rule, at, detail)| *rule == "resume"
            && *at == 6
            && detail.contains("replayed event g2, delivered before")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(rule, at, detail)| *rule == "resume" && *at == 7 && detail.contains("zz was never sent")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(rule, ..)| *rule == "response-on-get"),
        "a resumption may carry a response: {found:?}"
    );
}

/// A POST of a notification answered 200, and a request answered with text/plain, break the
/// POST rules.
#[test]
fn posts_are_answered_as_the_rules_say() {
    let mut exchanges = session();
    exchanges[1].status = Some(200);
    let mut plain = post(6, 1280.0, "{'jsonrpc':'2.0','id':2,'method':'tools/list'}", 200, "text/plain");
    plain.response_body = "ok".into();
    exchanges.push(plain);
    let found = rules(&exchanges);
    assert!(found.contains(&("post-answer".into(), 2)), "{found:?}");
    assert!(found.contains(&("post-answer".into(), 6)), "{found:?}");
}

/// The HTTP+SSE transport (2024-11-05): the endpoint event names the message endpoint and its
/// session; responses to the POSTs come on the /sse stream and are paired.
#[test]
fn the_http_sse_transport_is_paired_across_its_stream() {
    let sse = HttpExchange {
        id: 1,
        started_ms: 1000.0,
        method: "GET".into(),
        target: "/sse".into(),
        status: Some(200),
        response_headers: headers(&[("content-type", "text/event-stream")]),
        head_ms: Some(1001.0),
        events: vec![
            StreamEvent {
                at_ms: 1002.0,
                event: "endpoint".into(),
                id: String::new(),
                data: "/messages?sessionId=abc".into(),
            },
            event(1050.0, "", "{'jsonrpc':'2.0','id':0,'result':{'protocolVersion':'2024-11-05'}}"),
            event(1090.0, "", "{'jsonrpc':'2.0','id':1,'result':{'tools':[]}}"),
        ],
        ..HttpExchange::default()
    };
    let mut initialize =
        post(2, 1040.0, "{'jsonrpc':'2.0','id':0,'method':'initialize','params':{}}", 202, "");
    initialize.target = "/messages?sessionId=abc".into();
    let mut list = post(3, 1080.0, "{'jsonrpc':'2.0','id':1,'method':'tools/list'}", 202, "");
    list.target = "/messages?sessionId=abc".into();
    let conversation = Conversation::read(&[list, sse, initialize]);
    assert_eq!(conversation.transport, Some(Transport::HttpSse));
    assert_eq!(conversation.session_id.as_deref(), Some("abc"));
    assert_eq!(conversation.protocol_version.as_deref(), Some("2024-11-05"));
    let paired: Vec<(&str, Option<f64>, Option<Via>)> = conversation
        .calls
        .iter()
        .map(|call| (call.method.as_str(), call.latency_ms, call.reply.as_ref().map(|r| r.via)))
        .collect();
    assert_eq!(
        paired,
        [("initialize", Some(10.0), Some(Via::SseStream)), ("tools/list", Some(10.0), Some(Via::SseStream))]
    );
    assert!(conversation.violations.is_empty(), "{:#?}", conversation.violations);
}

/// Two clients through one tap, each with its session: each request is held to the session
/// whose id it carries, and a request without one, with two sessions open, is nobody's to judge.
#[test]
fn each_client_is_held_to_its_own_session() {
    let first = session();
    let mut second: Vec<HttpExchange> = session()
        .into_iter()
        .map(|mut exchange| {
            exchange.id += 10;
            exchange.started_ms += 50.0;
            exchange.head_ms = exchange.head_ms.map(|at| at + 50.0);
            for event in &mut exchange.events {
                event.at_ms += 50.0;
            }
            for (name, value) in
                exchange.request_headers.iter_mut().chain(exchange.response_headers.iter_mut())
            {
                if name.eq_ignore_ascii_case("mcp-session-id") {
                    *value = "second".into();
                }
            }
            exchange
        })
        .collect();
    second[3].request_headers.retain(|(name, _)| name != "mcp-session-id");
    let both: Vec<HttpExchange> = first.into_iter().chain(second).collect();
    assert_eq!(rules(&both), vec![], "each request kept its own session's rules");
}
