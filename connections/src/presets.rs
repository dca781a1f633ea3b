//! Ready-made connections: the embedded counter, and OpenAI-compatible chat completions (the
//! most common reason people inspect SSE today).

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
    pub spec: ConnectionSpec,
}

fn chat_completion(name: &str, url: &str, model: &str, auth: Auth) -> ConnectionSpec {
    let body = serde_json::json!({
        "model": model,
        "stream": true,
        "messages": [{"role": "user", "content": "Write a haiku about streams."}],
    });
    ConnectionSpec {
        name: name.to_owned(),
        url: url.to_owned(),
        method: "POST".into(),
        headers: vec![HeaderField::new("Content-Type", "application/json")],
        body: serde_json::to_string_pretty(&body).unwrap_or_default(),
        auth,
        assemble_path: OPENAI_TEXT_PATH.into(),
        // A completion is one answer: reconnecting would POST again and start another.
        reconnect: ReconnectOptions { enabled: false, ..ReconnectOptions::default() },
        ..ConnectionSpec::default()
    }
}

/// The embedded server's counter on `messages`, at `counter_url`.
pub fn embedded_counter(counter_url: &str) -> ConnectionSpec {
    ConnectionSpec {
        name: "Embedded counter".into(),
        url: counter_url.to_owned(),
        ..ConnectionSpec::default()
    }
}

/// Every preset, the embedded counter first.
pub fn presets(counter_url: &str) -> Vec<Preset> {
    vec![
        Preset { id: "counter", label: "Embedded counter", hint: "", spec: embedded_counter(counter_url) },
        Preset {
            id: "openai",
            label: "OpenAI chat completions",
            hint: "paste your API key as the bearer token",
            spec: chat_completion(
                "OpenAI chat",
                "https://api.openai.com/v1/chat/completions",
                "gpt-4o-mini",
                Auth::Bearer { token: String::new() },
            ),
        },
        Preset {
            id: "ollama",
            label: "Ollama (OpenAI-compatible, local)",
            hint: "needs `ollama serve` and the model pulled",
            spec: chat_completion(
                "Ollama chat",
                "http://127.0.0.1:11434/v1/chat/completions",
                "llama3.2",
                Auth::None,
            ),
        },
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
}
