//! The LLM tab: provider streams (the fixtures the official SDKs read in llm/tests) served over
//! real HTTP, paced, to a connection made in the form; the window shows the assembled answer
//! per block, time to first content and the milestones, the gap histogram, a stall, a truncation warning, and a
//! provider chosen by keyboard.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::harness::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/../llm/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves, for each request, a fixture by its path: `/v1/messages` Anthropic's tool-use stream
/// (an event every 40 ms, a 900 ms stall after the sixth), `/cut/v1/chat/completions` a Chat
/// Completions stream cut before `[DONE]`; anything else a 404.
pub(crate) async fn serve_llm_fixtures() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the fixture server");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let read = socket.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..read]).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let (body, stall_after) = match path.as_str() {
                    "/v1/messages" => (fixture("anthropic-tools.sse"), Some(6)),
                    "/cut/v1/chat/completions" => (fixture("openai-chat-truncated.sse"), None),
                    _ => {
                        let _ = socket
                            .write_all(
                                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                            )
                            .await;
                        return;
                    }
                };
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for (n, event) in body.split_inclusive("\n\n").enumerate() {
                    let pause = if Some(n) == stall_after { 900 } else { 40 };
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                    if socket.write_all(event.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Opens a POST connection to `url` made in the form, without reconnecting (as the presets do).
pub(crate) async fn open_llm_connection(app: &App, url: &str) {
    app.click("new-connection").await;
    app.type_into("f-url", url).await;
    app.set_value("f-method", "POST").await;
    app.eval("document.getElementById('f-reconnect').checked = false").await;
    app.click("connect-button").await;
}

async fn block_views(app: &App) -> Value {
    app.eval(
        "return [...document.querySelectorAll('#llm-blocks .llm-block')].map(b => \
         [b.dataset.kind, b.querySelector('h3').textContent, b.querySelector('.llm-args').textContent, b.querySelector('.llm-text').textContent])",
    )
    .await
}

/// An Anthropic stream shows its answer per block (thinking, text, the tool call with its
/// arguments checked), its timing, histogram and stall, complete at message_stop; chosen by
/// keyboard as Gemini's it says the events do not fit; a cut Chat Completions stream warns
/// that it is truncated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_llm_stream_shows_its_answer_timing_and_truncation() {
    let fixtures = serve_llm_fixtures().await;
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    open_llm_connection(&app, &format!("http://{fixtures}/v1/messages")).await;
    app.click("tab-llm").await;
    app.wait_until(20, "the answer is complete", || async {
        app.text("llm-headline").await.contains("complete: message_stop")
    })
    .await;
    let headline = app.text("llm-headline").await;
    assert!(
        headline.starts_with("Anthropic Messages (guessed from the URL) · claude-sonnet-4-5 · "),
        "{headline}"
    );
    let blocks = block_views(&app).await;
    let blocks = blocks.as_array().expect("blocks");
    assert_eq!(blocks.len(), 3, "{blocks:#?}");
    assert_eq!(blocks[0][0], "reasoning");
    assert_eq!(blocks[0][3], "The user wants the weather in San Francisco.");
    assert_eq!(blocks[1][0], "text");
    assert!(blocks[1][3].as_str().unwrap_or("").starts_with("Okay, let's check the weather"), "{blocks:#?}");
    assert_eq!(blocks[2][0], "toolCall");
    assert!(blocks[2][1].as_str().unwrap_or("").starts_with("Tool call get_weather"), "{blocks:#?}");
    assert_eq!(blocks[2][2], "arguments: valid JSON");
    let arguments: Value =
        serde_json::from_str(blocks[2][3].as_str().unwrap_or("")).expect("the arguments are JSON");
    assert!(arguments.get("location").is_some(), "{arguments}");

    let figures = app
        .eval("return [...document.querySelectorAll('#llm-figures div')].map(d => d.querySelector('dt').textContent + ': ' + d.querySelector('dd').textContent)")
        .await;
    let ttft = figures
        .as_array()
        .and_then(|f| {
            f.iter().find_map(|f| f.as_str().and_then(|f| f.strip_prefix("TTFT (first content): ")))
        })
        .unwrap_or("–")
        .to_owned();
    assert!(ttft.ends_with(" ms") || ttft.ends_with(" s"), "time to first content: {figures}");
    // The milestones on one axis, each with the gap since the one before; the stream had text.
    let milestones =
        app.eval("return document.getElementById('llm-milestones').getAttribute('aria-label')").await;
    let milestones = milestones.as_str().unwrap_or("");
    assert!(
        milestones
            .starts_with("Milestones from the request being sent: request sent at 0.0 ms; head received at "),
        "{milestones}"
    );
    for said in
        ["; first byte at ", "; first content at ", "; first text at ", "; end at ", " after the one before"]
    {
        assert!(milestones.contains(said), "{said:?} not in {milestones}");
    }
    assert_eq!(app.text("llm-no-content").await, "", "the stream had answer text");
    let histogram =
        app.eval("return document.getElementById('llm-histogram').getAttribute('aria-label')").await;
    assert!(histogram.as_str().unwrap_or("").starts_with("Gaps between tokens, in ms: "), "{histogram}");
    let stalls = app.text("llm-stalls").await;
    assert!(stalls.starts_with("Stalls (over 5× the median gap and 500 ms): "), "the 900 ms pause: {stalls}");
    assert_eq!(app.eval("return document.getElementById('llm-warning').hidden").await, json!(true));

    // Read as Gemini's, chosen by keyboard: the events do not fit, and the panel says so.
    app.eval("document.getElementById('llm-choice').focus()").await;
    for _ in 0..4 {
        app.press('\u{E015}').await; // ArrowDown: Guess, OpenAI, Responses, Anthropic, Gemini
    }
    app.wait_until(5, "the choice applies", || async {
        app.text("llm-headline").await.starts_with("Google Gemini (chosen)")
    })
    .await;
    let warning = app.text("llm-warning").await;
    assert!(warning.contains("do not look like Google Gemini's"), "{warning}");
    assert_eq!(
        app.eval("return document.getElementById('f-llm').value").await,
        json!("gemini"),
        "the form follows"
    );
    app.set_value("llm-choice", "").await;
    app.wait_until(5, "guessed again", || async {
        app.text("llm-headline").await.contains("complete: message_stop")
    })
    .await;

    // A stream cut before [DONE] is never shown as finished.
    open_llm_connection(&app, &format!("http://{fixtures}/cut/v1/chat/completions")).await;
    app.wait_until(20, "the truncation warning", || async {
        app.text("llm-warning").await.starts_with("Truncated: the stream ended without [DONE]")
    })
    .await;
    let text = block_views(&app).await;
    assert!(text[0][3].as_str().unwrap_or("").starts_with("The answer is"), "{text}");
    app.close().await;
}

/// Export to OpenTelemetry… by keyboard: Enter on its button opens the form on the URL field,
/// Enter exports; an LLM stream's call then reaches a real OTLP receiver (PyPI
/// `opentelemetry-proto`) as its span and the tab says where calls go and counts them; Turn
/// off, by keyboard too, says it is off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_calls_are_exported_to_opentelemetry_set_by_keyboard() {
    let mut receiver = sse_test_support::OtlpReceiver::start().await;
    let fixtures = serve_llm_fixtures().await;
    let app = spawn_app().await;
    app.wait_until(30, "the counter opens", || async { app.text("ipc-state").await == "open" }).await;
    app.click("tab-llm").await;
    app.wait_until(5, "the export said to be off", || async {
        app.text("llm-otlp-status").await == "OpenTelemetry export: off."
    })
    .await;
    app.eval("document.getElementById('llm-otlp-open').focus()").await;
    app.press('\u{E007}').await; // Enter
    app.wait_until(5, "the form open on its URL field", || async { app.focused().await == "otlp-url" }).await;
    app.type_into("otlp-url", &receiver.url).await;
    app.press('\u{E007}').await; // Enter exports
    let exporting =
        format!("Every LLM call is exported to OpenTelemetry at {} (http/protobuf)", receiver.url);
    app.wait_until(5, "the export on", || async {
        app.text("llm-otlp-status").await.starts_with(&exporting)
    })
    .await;
    assert_eq!(app.eval("return document.getElementById('llm-otlp-form').hidden").await, json!(true));

    open_llm_connection(&app, &format!("http://{fixtures}/v1/messages")).await;
    let traces = receiver.next("/v1/traces").await;
    let span = &traces["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
    let attributes = sse_test_support::otlp::attributes(&span["attributes"]);
    assert_eq!(sse_test_support::otlp::get(&attributes, "gen_ai.provider.name"), Some(&json!("anthropic")));
    let resource =
        sse_test_support::otlp::attributes(&traces["body"]["resourceSpans"][0]["resource"]["attributes"]);
    assert_eq!(sse_test_support::otlp::get(&resource, "service.name"), Some(&json!("sse-monitor")));
    app.click("tab-llm").await;
    app.wait_until(10, "the call counted", || async {
        app.text("llm-otlp-status").await.ends_with("· 1 call sent")
    })
    .await;

    app.eval("document.getElementById('llm-otlp-open').focus()").await;
    app.press('\u{E007}').await;
    app.wait_until(5, "the form open again", || async { app.focused().await == "otlp-url" }).await;
    app.eval("document.getElementById('otlp-off').focus()").await;
    app.press('\u{E007}').await;
    app.wait_until(5, "the export off", || async {
        app.text("llm-otlp-status").await == "OpenTelemetry export: off."
    })
    .await;
    app.close().await;
}
