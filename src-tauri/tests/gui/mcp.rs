//! The tap's MCP tab: the official TypeScript SDK's client and server (the scripts of
//! connections/tests/mcp) talk Streamable HTTP through a tap made in the window; the tab lists
//! their conversation, a call opens to its notifications, and an exchange is one click away;
//! the SDK v2 on revision 2026-07-28 reads call by call, with its metadata headers.

use std::process::{Command, Stdio};

use serde_json::json;

use crate::harness::*;

fn mcp_script(name: &str) -> String {
    format!("{}/../connections/tests/mcp/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn workspace() -> String {
    format!("{}/..", env!("CARGO_MANIFEST_DIR"))
}

/// The SDK's server over Streamable HTTP, killed when dropped; its base URL.
struct SdkServer(std::process::Child, String);

impl Drop for SdkServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sdk_server() -> SdkServer {
    node_server(&[mcp_script("server.mjs").as_str(), "streamable"])
}

/// `node ARGS…` as a server that says `listening on PORT` first.
fn node_server(args: &[&str]) -> SdkServer {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new("node")
        .args(args)
        .current_dir(workspace())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run node");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("its first line");
    let port = line.trim().strip_prefix("listening on ").expect("`listening on PORT`").to_owned();
    SdkServer(child, format!("http://127.0.0.1:{port}"))
}

/// Lists a conversation made by the SDK through a tap made in the window: the session line,
/// the calls in order (a tool call with its progress notifications), and an exchange shown
/// whole from its button.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mcp_tab_lists_a_conversation_through_a_tap() {
    let server = sdk_server();
    let app = spawn_app().await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    let listen_url = app.start_tap(&server.1).await;

    let client = Command::new("node")
        .args([mcp_script("client.mjs").as_str(), &format!("{listen_url}/mcp"), "streamable"])
        .current_dir(workspace())
        .output()
        .expect("run the SDK's client");
    assert!(client.status.success(), "{}", String::from_utf8_lossy(&client.stderr));

    app.click("tap-tab-mcp").await;
    app.wait_until(20, "the session and its end are listed", || async {
        let session = app.text("mcp-session").await;
        session.starts_with("Streamable HTTP · endpoint /mcp · session ")
            && session.contains("ended by DELETE")
    })
    .await;
    let session = app.text("mcp-session").await;
    assert!(session.contains("0 unanswered") && !session.contains("broken"), "{session}");
    let lines =
        app.eval("return [...document.querySelectorAll('#mcp-calls summary')].map(s => s.textContent)").await;
    let lines: Vec<String> =
        lines.as_array().into_iter().flatten().filter_map(|l| l.as_str().map(str::to_owned)).collect();
    let find = |method: &str| lines.iter().position(|line| line.contains(&format!("→ {method} ")));
    let (initialize, list, call) = (find("initialize"), find("tools/list"), find("tools/call"));
    assert!(initialize < list && list < call && call.is_some(), "{lines:#?}");
    let call = call.unwrap_or_default();
    assert!(
        lines[call].contains(" · result in ") && lines[call].contains(" · 4 notifications"),
        "{lines:#?}"
    );

    // By keyboard: the call opens to its notifications.
    app.eval(&format!("document.querySelectorAll('#mcp-calls summary')[{call}].focus()")).await;
    app.press('\u{E007}').await; // Enter
    let notes = app
        .eval(&format!("return [...document.querySelectorAll('#mcp-calls details')[{call}].querySelectorAll('.mcp-notes li')].map(l => l.textContent)"))
        .await;
    let notes = notes.as_array().cloned().unwrap_or_default();
    assert_eq!(notes.len(), 4, "{notes:#?}");
    assert!(notes[0].as_str().unwrap_or("").contains("notifications/progress"), "{notes:#?}");

    // The exchange it travelled on, one click away.
    app.eval(&format!(
        "document.querySelectorAll('#mcp-calls details')[{call}].querySelector('.mcp-exchange').click()"
    ))
    .await;
    app.wait_until(10, "the exchange is shown", || async {
        app.text("exchange-title").await.contains("POST /mcp")
    })
    .await;
    assert_eq!(
        app.eval("return document.getElementById('tap-tab-exchange').getAttribute('aria-selected')").await,
        json!("true")
    );
    app.close().await;
}

/// The SDK v2's client and server on revision 2026-07-28 through a tap made in the window: the
/// MCP tab says the revision, each call line names its tool and says the rounds, the cancel and
/// the failure; a call opens by keyboard to its metadata headers beside the body (a non-ASCII
/// parameter decoded); reading it as the older era is a choice away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mcp_tab_reads_revision_2026_07_28_call_by_call() {
    let server = node_server(&[mcp_script("server-v2.mjs").as_str()]);
    let app = spawn_app().await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    let listen_url = app.start_tap(&server.1).await;
    let client = Command::new("node")
        .args([mcp_script("client-v2.mjs").as_str(), &format!("{listen_url}/mcp")])
        .current_dir(workspace())
        .output()
        .expect("run the SDK v2's client");
    assert!(client.status.success(), "{}", String::from_utf8_lossy(&client.stderr));

    app.click("tap-tab-mcp").await;
    let summaries = || async {
        let lines = app
            .eval("return [...document.querySelectorAll('#mcp-calls summary')].map(s => s.textContent)")
            .await;
        lines
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect::<Vec<String>>()
    };
    app.wait_until(20, "the modern conversation is listed to its last call", || async {
        app.text("mcp-session").await.starts_with("Streamable HTTP · revision 2026-07-28")
            && summaries().await.iter().any(|line| line.contains("→ notifications/cancelled"))
    })
    .await;
    let session = app.text("mcp-session").await;
    assert!(!session.contains("broken"), "{session}");
    let lines = summaries().await;
    for expected in [
        "tools/call confirm #3 · result after 2 rounds in ",
        "tools/call slow #6 · cancelled (its client closed the stream)",
        "tools/call fail #7 · failed (isError) in ",
    ] {
        assert!(lines.iter().any(|line| line.contains(expected)), "{expected} in {lines:#?}");
    }

    // By keyboard: the greet call opens to its metadata headers.
    let greet = lines.iter().position(|line| line.contains("tools/call greet #")).expect("greet listed");
    app.eval(&format!("document.querySelectorAll('#mcp-calls summary')[{greet}].focus()")).await;
    app.press('\u{E007}').await; // Enter
    let rows = app
        .eval(&format!("return [...document.querySelectorAll('#mcp-calls details')[{greet}].querySelectorAll('.mcp-headers tr')].map(r => [r.textContent, r.dataset.problem ?? ''])"))
        .await;
    let rows = rows.as_array().cloned().unwrap_or_default();
    let greeting = rows
        .iter()
        .find(|row| row[0].as_str().unwrap_or("").starts_with("Mcp-Param-Greeting"))
        .expect("the parameter's header");
    assert!(greeting[0].as_str().unwrap_or("").contains("Grüße, 世界"), "{rows:#?}");
    assert!(rows.iter().all(|row| row[1] == ""), "no header differs from the body: {rows:#?}");

    // Read as the older era, by choice.
    app.set_value("mcp-era", "legacy").await;
    app.wait_until(10, "read as the older era", || async {
        !app.text("mcp-session").await.contains("revision 2026-07-28")
    })
    .await;
    app.close().await;
}

/// A connection whose body is a JSON-RPC request (an `initialize` made in the form) gets an MCP
/// tab: the request paired with the result its stream carried, and the session the server gave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_posting_json_rpc_has_an_mcp_tab() {
    let server = sdk_server();
    let app = spawn_app().await;
    app.wait_until(30, "the app has started", || async { app.text("ipc-state").await == "open" }).await;
    app.click("new-connection").await;
    app.type_into("f-url", &format!("{}/mcp", server.1)).await;
    app.set_value("f-method", "POST").await;
    app.set_value("f-headers", "Content-Type: application/json\nAccept: application/json, text/event-stream")
        .await;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sse-monitor","version":"1"}}}"#;
    app.set_value("f-body", body).await;
    app.eval("document.getElementById('f-reconnect').checked = false").await;
    app.click("connect-button").await;
    app.wait_until(10, "the MCP tab is offered", || async {
        app.eval("return !document.getElementById('tab-mcp').hidden").await == json!(true)
    })
    .await;
    app.click("tab-mcp").await;
    app.wait_until(10, "the initialize is answered", || async {
        app.eval("return document.querySelector('#conn-mcp-calls summary')?.textContent ?? ''")
            .await
            .as_str()
            .is_some_and(|line| line.contains("→ initialize #1 · result in "))
    })
    .await;
    let session = app.text("conn-mcp-session").await;
    assert!(
        session.starts_with("Streamable HTTP · endpoint /mcp · session ")
            && session.contains("revision 2025-06-18"),
        "{session}"
    );
    app.close().await;
}
