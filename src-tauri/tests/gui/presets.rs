//! The sidebar's presets: a preset's hint sits beside the field its key goes in, and choosing one
//! takes over a blank connection instead of leaving an empty "New connection" behind.

use serde_json::json;

use crate::harness::*;

/// How many connections the sidebar lists.
async fn connections(app: &App) -> u64 {
    app.eval("return document.querySelectorAll('#connection-list li').length").await.as_u64().unwrap_or(0)
}

/// Chooses the preset `id` in the sidebar's menu, as a user picking it does.
async fn choose_preset(app: &App, id: &str) {
    let script = format!(
        "const s = document.getElementById('preset-select'); s.value = '{id}'; \
         s.dispatchEvent(new Event('change'))"
    );
    app.eval(&script).await;
}

/// The hint shown (null when hidden) and the id or first field of the element it follows.
async fn hint(app: &App) -> serde_json::Value {
    app.eval(
        "const h = document.getElementById('form-hint'); if (h.hidden) return null; \
         const before = h.previousElementSibling; \
         const field = before && (before.id || (before.querySelector('[id]') || {}).id || before.className); \
         return { text: h.textContent, after: field }",
    )
    .await
}

/// New then a preset leaves one connection, the preset's; its key hint sits under the headers
/// (Anthropic's x-api-key) or the bearer token (OpenAI's), and shows only while its connection is
/// the one in the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preset_takes_over_a_blank_connection_and_hints_beside_its_key_field() {
    let app = spawn_app().await;
    app.wait_until(30, "the page is up with the counter", || async { connections(&app).await == 1 }).await;
    app.eval("document.getElementById('new-connection').click()").await;
    app.wait_until(5, "New adds a blank connection", || async { connections(&app).await == 2 }).await;

    choose_preset(&app, "anthropic").await;
    app.wait_until(5, "the preset's request is in the form", || async {
        app.eval("return document.getElementById('f-url').value").await
            == json!("https://api.anthropic.com/v1/messages")
    })
    .await;
    let titles =
        "return [...document.querySelectorAll('#connection-list li .name')].map((n) => n.textContent)";
    app.wait_until(5, "the list shows the preset's connection", || async {
        app.eval(titles).await.to_string().contains("Anthropic messages")
    })
    .await;
    let listed = app.eval(titles).await;
    assert_eq!(listed, json!(["Embedded counter", "Anthropic messages"]), "the blank one was taken over");
    let shown = hint(&app).await;
    assert_eq!(shown["after"], json!("f-headers"), "the hint follows the headers: {shown}");
    assert!(shown["text"].as_str().unwrap_or("").contains("x-api-key"), "{shown}");

    choose_preset(&app, "openai").await;
    app.wait_until(5, "a second preset is added beside the first", || async { connections(&app).await == 3 })
        .await;
    let shown = hint(&app).await;
    assert_eq!(shown["after"], json!("f-token"), "the hint follows the bearer token field: {shown}");

    app.eval("document.querySelector('#connection-list li .pick').click()").await;
    app.wait_until(5, "the counter is in the form, without a hint", || async { hint(&app).await.is_null() })
        .await;
    app.eval("document.querySelectorAll('#connection-list li .pick')[2].click()").await;
    app.wait_until(5, "the OpenAI preset's hint is back with it", || async {
        hint(&app).await["after"] == json!("f-token")
    })
    .await;
    app.close().await;
}
