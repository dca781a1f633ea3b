//! The record of each client's connection attempts and `GET /clients`: clients told apart by
//! the `client` parameter, the `X-SSE-Client` header, or address and User-Agent; credentials
//! masked; refusals recorded with their status; the record bounded; the report private (no
//! CORS, the publish token) and written by `sse-server --report` at SIGTERM.

mod support;

use std::time::Duration;

use embedded_server::{ServerConfig, MAX_ATTEMPTS};
use serde_json::Value;
use support::{quiet_config, spawn_app, spawn_server_binary, Blocks, TestServer};

async fn report(server: &TestServer, query: &str) -> Value {
    let body = server.get(&format!("/clients{query}")).await.text().await.unwrap();
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("{error}: {body}"))
}

/// Each way of naming a client gives its own history; credentials are masked but comparable;
/// Last-Event-ID is kept apart; how each attempt ended is recorded.
#[tokio::test]
async fn attempts_are_recorded_per_client_with_credentials_masked() {
    let server = spawn_app(quiet_config()).await;
    server.broker.create_stream("s").unwrap();
    let http = reqwest::Client::new();
    let by_parameter = http
        .get(server.url("/events?stream=s&client=tested"))
        .header("authorization", "Bearer very-secret")
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    let mut blocks = Blocks::new(by_parameter);
    assert_eq!(blocks.next(Duration::from_secs(5)).await.as_deref(), Some(": ok"));
    drop(blocks);
    http.get(server.url("/events?stream=nope")).header("x-sse-client", "named").send().await.unwrap();
    http.get(server.url("/events?stream=nope")).header("user-agent", "probe/1").send().await.unwrap();
    // The closed stream's end is recorded once the server sees the client gone.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let report = loop {
        let report = report(&server, "").await;
        let ended = report["clients"][0]["attempts"][0]["end"].is_string();
        if ended && report["clients"].as_array().is_some_and(|clients| clients.len() == 3) {
            break report;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the three clients, the first ended, within 5 s: {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let clients = report["clients"].as_array().unwrap();
    let named: Vec<(&str, &str)> =
        clients.iter().map(|c| (c["client"].as_str().unwrap(), c["namedBy"].as_str().unwrap())).collect();
    assert_eq!(
        named,
        [("tested", "parameter"), ("named", "header"), ("127.0.0.1 probe/1", "addressAndAgent")],
        "{report:#}"
    );
    let first = &clients[0]["attempts"][0];
    assert_eq!(first["lastEventId"], "0");
    assert_eq!(first["answer"]["status"], 200);
    let authorization =
        first["headers"].as_array().unwrap().iter().find(|h| h[0] == "authorization").unwrap();
    let shown = authorization[1].as_str().unwrap();
    assert!(shown.starts_with("(masked: 18 bytes, #") && !shown.contains("secret"), "{shown}");
    assert!(!report.to_string().contains("very-secret"));
    assert_eq!(first["end"], "clientLeft", "{first:#}");
    assert_eq!(first["target"], "/events?stream=s&client=tested");
    let refused = &clients[1]["attempts"][0];
    assert_eq!(
        (refused["answer"]["status"].as_u64(), refused["end"].as_str()),
        (Some(404), Some("answered"))
    );
    let only = clients_named(&server, "named").await;
    assert_eq!(only, ["named"]);
}

/// Every header and query parameter named as a credential is (`X-Auth-Token`, `?access_token=`,
/// Gemini's `?key=`), not only the usual few: masked as a length and a fingerprint, the same
/// value the same way, and never in clear in the report.
#[tokio::test]
async fn every_credential_is_masked_in_headers_and_target() {
    let server = spawn_app(quiet_config()).await;
    let http = reqwest::Client::new();
    for _ in 0..2 {
        http.get(
            server.url("/events?stream=none&client=keys&access_token=tok-123456&key=AIza-secret&lang=en"),
        )
        .header("x-auth-token", "auth-value-42")
        .header("x-custom", "plain")
        .send()
        .await
        .unwrap();
    }
    let report = report(&server, "?client=keys").await;
    let text = report.to_string();
    for secret in ["tok-123456", "AIza-secret", "auth-value-42"] {
        assert!(!text.contains(secret), "{secret} in clear: {report:#}");
    }
    let attempts = report["clients"][0]["attempts"].as_array().unwrap();
    let target = attempts[0]["target"].as_str().unwrap();
    assert!(
        target.starts_with("/events?stream=none&client=keys&access_token=(masked: 10 bytes, #"),
        "{target}"
    );
    assert!(target.contains("&key=(masked: 11 bytes, #") && target.ends_with("&lang=en"), "{target}");
    assert_eq!(attempts[0]["target"], attempts[1]["target"], "the same credential masks the same way");
    let header = |name: &str| {
        let headers = attempts[0]["headers"].as_array().unwrap();
        headers.iter().find(|h| h[0] == name).map(|h| h[1].as_str().unwrap().to_owned()).unwrap_or_default()
    };
    assert!(header("x-auth-token").starts_with("(masked: 13 bytes, #"), "{}", header("x-auth-token"));
    assert_eq!(header("x-custom"), "plain");
}

async fn clients_named(server: &TestServer, name: &str) -> Vec<String> {
    let report = report(server, &format!("?client={name}")).await;
    report["clients"].as_array().unwrap().iter().map(|c| c["client"].as_str().unwrap().to_owned()).collect()
}

/// A client keeps its newest MAX_ATTEMPTS attempts; the older ones are counted as dropped.
#[tokio::test]
async fn a_clients_attempts_are_bounded() {
    let server = spawn_app(quiet_config()).await;
    let http = reqwest::Client::new();
    for _ in 0..MAX_ATTEMPTS + 5 {
        http.get(server.url("/events?stream=none&client=busy")).send().await.unwrap();
    }
    let report = report(&server, "?client=busy").await;
    let busy = &report["clients"][0];
    assert_eq!(busy["attempts"].as_array().unwrap().len(), MAX_ATTEMPTS);
    assert_eq!(busy["dropped"], 5);
}

/// Other clients' requests are private: no CORS for another origin, and with a publish token
/// only a request carrying it reads them.
#[tokio::test]
async fn the_report_is_private() {
    let server = spawn_app(ServerConfig { publish_token: Some("t0ken".into()), ..quiet_config() }).await;
    let http = reqwest::Client::new();
    let refused =
        http.get(server.url("/clients")).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let allowed = http
        .get(server.url("/clients"))
        .header("origin", "http://evil.example")
        .bearer_auth("t0ken")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert!(allowed.headers().get("access-control-allow-origin").is_none());
}

/// `sse-server --report FILE` writes every client's card when stopped with SIGTERM, its
/// credentials masked.
#[tokio::test]
async fn sse_server_writes_the_report_at_sigterm() {
    let dir = std::env::temp_dir().join(format!("sse-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.json");
    let (child, base) = spawn_server_binary(&["--addr", "127.0.0.1:0", "--report", path.to_str().unwrap()])
        .expect("sse-server starts");
    reqwest::Client::new()
        .get(format!("{base}/events?stream=missing&client=ci&access_token=ci-token-1"))
        .header("x-auth-token", "ci-token-2")
        .send()
        .await
        .unwrap();
    let status =
        std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut child = child;
    let exit = tokio::task::spawn_blocking(move || child.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "{exit:?}");
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["clients"][0]["client"], "ci", "{report:#}");
    assert_eq!(report["clients"][0]["attempts"][0]["answer"]["status"], 404);
    assert!(report["clients"][0]["card"]["rules"].as_array().is_some_and(|rules| rules.len() == 12));
    assert_eq!(report["clients"][0]["instance"], 1, "{report:#}");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        !written.contains("ci-token-1") && !written.contains("ci-token-2"),
        "credentials in clear: {written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that POSTs to /events is recorded with its method and its body (masked), refused
/// with 405; sending another body on its next attempt fails the card's same-request rule.
#[tokio::test]
async fn another_method_and_a_changed_body_are_on_the_card() {
    let server = spawn_app(quiet_config()).await;
    let http = reqwest::Client::new();
    for body in ["{\"prompt\": \"one\"}", "{\"prompt\": \"two\"}"] {
        let refused =
            http.post(server.url("/events?stream=s&client=poster")).body(body).send().await.unwrap();
        assert_eq!(refused.status(), 405);
        assert_eq!(refused.headers()["allow"], "GET, HEAD");
    }
    let report = report(&server, "?client=poster").await;
    let poster = &report["clients"][0];
    let attempts = poster["attempts"].as_array().unwrap();
    assert_eq!(attempts[0]["method"], "POST");
    let body = attempts[0]["body"].as_str().unwrap();
    assert!(body.starts_with("(masked: 17 bytes, #") && !report.to_string().contains("prompt"), "{body}");
    assert_ne!(attempts[0]["body"], attempts[1]["body"]);
    let rules = poster["card"]["rules"].as_array().unwrap();
    let same =
        rules.iter().find(|r| r["rule"].as_str().unwrap().starts_with("sends the same method")).unwrap();
    assert_eq!(same["verdict"], "fail", "{same:#}");
    assert!(same["evidence"][0].as_str().unwrap().contains("body (masked: 17 bytes"), "{same:#}");
}

/// Reads a response body until it ends or breaks (a cut); its text.
async fn read_to_the_cut(mut response: reqwest::Response) -> String {
    let mut text = String::new();
    let read = async {
        while let Ok(Some(chunk)) = response.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read).await.expect("the stream is cut within 10 s");
    text
}

/// After a cut, a client that resumes with the last id it was given loses no event; one that
/// comes back without Last-Event-ID finds the stream live and loses what was published while
/// it was away: its card names those ids.
#[tokio::test]
async fn events_lost_after_a_cut_are_named_on_the_card() {
    use embedded_server::Publish;
    let server = spawn_app(quiet_config()).await;
    // A connection of its own for each request: a subscribe request on a kept-alive
    // connection takes the server's other path, which fault profiles do not reach.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    for (client, resume_header) in [("resumes", Some("2")), ("forgets", None)] {
        let stream = format!("lose-{client}");
        server.broker.create_stream(&stream).unwrap();
        let set = http
            .put(server.url(&format!("/streams/{stream}/faults")))
            .header("content-type", "application/json")
            .body(r#"{"cutAfterEvents": 2, "once": true}"#)
            .send()
            .await
            .unwrap();
        assert!(set.status().is_success());
        let url = server.url(&format!("/events?stream={stream}&client={client}"));
        let first = http.get(&url).send().await.unwrap();
        server.wait_for_subscriber(&stream).await;
        for data in ["a", "b", "c"] {
            server.broker.publish(&stream, Publish::data(data)).unwrap();
        }
        let given = read_to_the_cut(first).await;
        assert!(given.contains("id: 2\n") && !given.contains("id: 3\n"), "{given}");
        // Published while the client is away.
        for data in ["d", "e"] {
            server.broker.publish(&stream, Publish::data(data)).unwrap();
        }
        let mut resume = http.get(&url);
        if let Some(id) = resume_header {
            resume = resume.header("last-event-id", id);
        }
        let mut blocks = Blocks::new(resume.send().await.unwrap());
        server.wait_for_subscriber(&stream).await;
        server.broker.publish(&stream, Publish::data("f")).unwrap();
        let (first_id, _) = blocks.next_event().await;
        assert_eq!(first_id, if resume_header.is_some() { 3 } else { 6 });
        drop(blocks);
    }
    let lost = |report: &Value, client: &str| {
        let clients = report["clients"].as_array().cloned().unwrap_or_default();
        let card = clients.into_iter().find(|c| c["client"] == client).expect("the client's card");
        card["card"]["eventsLost"][0].clone()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let report = loop {
        let report = report(&server, "").await;
        if lost(&report, "forgets")["count"].is_number() {
            break report;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the resume's first id is recorded within 5 s: {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let resumed = lost(&report, "resumes");
    assert_eq!(
        (resumed["given"].as_str(), resumed["askedAfter"].as_str()),
        (Some("2"), Some("2")),
        "{resumed:#}"
    );
    assert_eq!((resumed["count"].as_u64(), resumed["ids"].as_str()), (Some(0), None), "{resumed:#}");
    let forgot = lost(&report, "forgets");
    assert_eq!(forgot["askedAfter"], Value::Null, "{forgot:#}");
    assert_eq!((forgot["count"].as_u64(), forgot["ids"].as_str()), (Some(3), Some("3-5")), "{forgot:#}");
    assert_eq!(forgot["ended"], "cut");
}

/// A client that never sends Last-Event-ID is tried on reconnect answers too: its next
/// subscription to the stream after a cut is a reconnect, answered 204 by the profile and
/// recorded so.
#[tokio::test]
async fn the_next_attempt_after_a_cut_is_a_reconnect_without_last_event_id() {
    use embedded_server::Publish;
    let server = spawn_app(quiet_config()).await;
    // A connection of its own for each request (see events_lost_after_a_cut_are_named_on_the_card).
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    server.broker.create_stream("plain").unwrap();
    let profile = r#"{"cutAfterEvents": 1, "onReconnect": {"status": 204}}"#;
    let set = http
        .put(server.url("/streams/plain/faults"))
        .header("content-type", "application/json")
        .body(profile)
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    let url = server.url("/events?stream=plain&client=headerless");
    let first = http.get(&url).send().await.unwrap();
    server.wait_for_subscriber("plain").await;
    server.broker.publish("plain", Publish::data("a")).unwrap();
    let given = read_to_the_cut(first).await;
    assert!(given.contains("data: a"), "{given}");
    let again = http.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 204, "a reconnect without the header");
    let report = report(&server, "?client=headerless").await;
    let attempts = report["clients"][0]["attempts"].as_array().cloned().unwrap_or_default();
    assert_eq!(attempts.len(), 2, "{report:#}");
    assert_eq!(
        (attempts[1]["answer"]["status"].as_u64(), &attempts[1]["lastEventId"]),
        (Some(204), &Value::Null)
    );
}
