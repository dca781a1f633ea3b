//! Ready-made connections: the embedded counter, and the LLM APIs' streaming requests (the
//! most common reason people inspect SSE today): OpenAI Chat Completions and Responses,
//! Anthropic Messages, Google Gemini, Ollama's native and OpenAI-compatible APIs. Keys go in
//! credential headers (kept in the keyring); no chat preset reconnects.

use serde::Serialize;

use crate::spec::{Auth, ConnectionSpec, HeaderField, ReconnectOptions};

/// Where OpenAI-compatible streams put each piece of text.
pub const OPENAI_TEXT_PATH: &str = "choices[0].delta.content";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub id: &'static str,
    pub label: &'static str,
    /// What the user still has to fill in, if anything.
    pub hint: &'static str,
    /// The form field the hint is about, where the window shows it.
    pub hint_field: HintField,
    pub spec: ConnectionSpec,
}

/// Where in the request form a preset's hint belongs: beside the field the key goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum HintField {
    /// No hint.
    None,
    /// The request line (a local server that must be running).
    Url,
    /// Authentication's bearer token.
    BearerToken,
    /// The headers, where a key header waits with an empty value.
    Headers,
}

const PROMPT: &str = "Write a haiku about streams.";

/// A POST of `body` as JSON with `headers`, assembling the text at `path`.
fn llm_request(
    name: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: serde_json::Value,
    path: &str,
) -> ConnectionSpec {
    let mut fields = vec![HeaderField::new("Content-Type", "application/json")];
    fields.extend(headers.iter().map(|(name, value)| HeaderField::new(name, value)));
    ConnectionSpec {
        name: name.to_owned(),
        url: url.to_owned(),
        method: "POST".into(),
        headers: fields,
        body: serde_json::to_string_pretty(&body).unwrap_or_default(),
        assemble_path: path.into(),
        // An answer is asked for once: reconnecting would POST again and start another.
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    }
}

fn chat_completion(name: &str, url: &str, model: &str, auth: Auth) -> ConnectionSpec {
    let body = serde_json::json!({
        "model": model,
        "stream": true,
        "messages": [{"role": "user", "content": PROMPT}],
    });
    ConnectionSpec { auth, ..llm_request(name, url, &[], body, OPENAI_TEXT_PATH) }
}

/// The embedded server's counter on `messages`, at `counter_url`.
pub fn embedded_counter(counter_url: &str) -> ConnectionSpec {
    ConnectionSpec {
        name: "Embedded counter".into(),
        url: counter_url.to_owned(),
        ..ConnectionSpec::default()
    }
}

/// The field a hint is about, read from what the preset leaves empty: its bearer token, else a
/// header waiting for a key, else (a local server to start) the request line.
fn hint_field(hint: &str, spec: &ConnectionSpec) -> HintField {
    if hint.is_empty() {
        HintField::None
    } else if matches!(&spec.auth, Auth::Bearer { token } if token.is_empty()) {
        HintField::BearerToken
    } else if spec.headers.iter().any(|h| h.value.is_empty()) {
        HintField::Headers
    } else {
        HintField::Url
    }
}

/// A preset, its hint placed by [`hint_field`].
fn preset(id: &'static str, label: &'static str, hint: &'static str, spec: ConnectionSpec) -> Preset {
    Preset { id, label, hint, hint_field: hint_field(hint, &spec), spec }
}

/// Every preset, the embedded counter first.
pub fn presets(counter_url: &str) -> Vec<Preset> {
    vec![
        preset(
            "counter",
            "Embedded counter",
            "",
            embedded_counter(counter_url),
        ),
        preset(
            "openai",
            "OpenAI chat completions",
            "paste your API key as the bearer token",
            chat_completion(
                "OpenAI chat",
                "https://api.openai.com/v1/chat/completions",
                "gpt-4o-mini",
                Auth::Bearer { token: String::new() },
            ),
        ),
        preset(
            "openai-responses",
            "OpenAI Responses",
            "paste your API key as the bearer token",
            ConnectionSpec {
                auth: Auth::Bearer { token: String::new() },
                ..llm_request(
                    "OpenAI responses",
                    "https://api.openai.com/v1/responses",
                    &[],
                    serde_json::json!({"model": "gpt-4.1-mini", "stream": true, "input": PROMPT}),
                    "delta",
                )
            },
        ),
        preset(
            "anthropic",
            "Anthropic messages",
            "paste your API key as the x-api-key header",
            llm_request(
                "Anthropic messages",
                "https://api.anthropic.com/v1/messages",
                &[("x-api-key", ""), ("anthropic-version", "2023-06-01")],
                serde_json::json!({
                    "model": "claude-sonnet-4-5",
                    "max_tokens": 1024,
                    "stream": true,
                    "messages": [{"role": "user", "content": PROMPT}],
                }),
                "delta.text",
            ),
        ),
        preset(
            "gemini",
            "Google Gemini",
            "paste your API key as the x-goog-api-key header",
            llm_request(
                "Gemini",
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                &[("x-goog-api-key", "")],
                serde_json::json!({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}),
                "candidates[0].content.parts[0].text",
            ),
        ),
        preset(
            "ollama-native",
            "Ollama (native API, local)",
            "needs `ollama serve` and the model pulled; its stream is NDJSON",
            llm_request(
                "Ollama",
                "http://127.0.0.1:11434/api/chat",
                &[],
                serde_json::json!({
                    "model": "llama3.2",
                    "stream": true,
                    "messages": [{"role": "user", "content": PROMPT}],
                }),
                "message.content",
            ),
        ),
        preset(
            "ollama",
            "Ollama (OpenAI-compatible, local)",
            "needs `ollama serve` and the model pulled",
            chat_completion(
                "Ollama chat",
                "http://127.0.0.1:11434/v1/chat/completions",
                "llama3.2",
                Auth::None,
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_makes_a_valid_request() {
        for preset in presets("http://127.0.0.1:1/events?stream=messages") {
            assert!(preset.spec.to_request().is_ok(), "{}", preset.id);
        }
    }

    #[test]
    fn chat_presets_post_a_streaming_json_body() {
        let openai = presets("http://x/").into_iter().find(|p| p.id == "openai").unwrap().spec;
        assert_eq!(openai.method, "POST");
        let body: serde_json::Value = serde_json::from_str(&openai.body).unwrap();
        assert_eq!(body["stream"], true);
        assert_eq!(openai.assemble_path, OPENAI_TEXT_PATH);
        assert!(!openai.reconnect.enabled, "a finished completion must not be requested again");
        assert!(!openai.browser_limits().is_empty(), "EventSource cannot POST");
    }

    /// Every LLM preset asks once (no reconnect), with streaming on, and its key (if it
    /// needs one) goes in a credential header, which the keyring keeps.
    #[test]
    fn llm_presets_stream_once_and_keep_their_keys_as_secrets() {
        for preset in presets("http://x/").into_iter().filter(|p| p.id != "counter") {
            let spec = preset.spec;
            assert!(!spec.reconnect.enabled, "{}", preset.id);
            assert!(!spec.assemble_path.is_empty(), "{}", preset.id);
            let body: serde_json::Value = serde_json::from_str(&spec.body).unwrap();
            let streams = body["stream"] == true || spec.url.contains("alt=sse");
            assert!(streams, "{}: streaming on", preset.id);
            for field in spec.headers.iter().filter(|h| h.value.is_empty()) {
                assert!(
                    sse_wire::is_credential_name(&field.name),
                    "{}: {} is to be filled with a key",
                    preset.id,
                    field.name
                );
            }
        }
    }

    /// A hint sits beside the field its key goes in: a bearer token's by Authentication, a key
    /// header's by the headers, a local server's by the request line; no hint, no field.
    #[test]
    fn each_hint_names_the_field_its_key_goes_in() {
        let field = |id: &str| presets("http://x/").into_iter().find(|p| p.id == id).map(|p| p.hint_field);
        assert_eq!(field("counter"), Some(HintField::None));
        assert_eq!(field("openai"), Some(HintField::BearerToken));
        assert_eq!(field("openai-responses"), Some(HintField::BearerToken));
        assert_eq!(field("anthropic"), Some(HintField::Headers));
        assert_eq!(field("gemini"), Some(HintField::Headers));
        assert_eq!(field("ollama-native"), Some(HintField::Url));
        assert_eq!(field("ollama"), Some(HintField::Url));
    }
}
