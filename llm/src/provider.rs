//! Which provider's stream this is: from the URL, else from the first event; the user can say.

use serde::Serialize;
use serde_json::Value;

/// A stream format this crate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Provider {
    /// OpenAI Chat Completions, and the many APIs compatible with it (Ollama's `/v1` too).
    OpenAiChat,
    OpenAiResponses,
    Anthropic,
    Gemini,
    /// Ollama's native API: NDJSON, one object per line, ending with `done: true`.
    Ollama,
}

impl Provider {
    pub const ALL: [Provider; 5] =
        [Self::OpenAiChat, Self::OpenAiResponses, Self::Anthropic, Self::Gemini, Self::Ollama];

    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAiChat => "OpenAI Chat Completions",
            Self::OpenAiResponses => "OpenAI Responses",
            Self::Anthropic => "Anthropic Messages",
            Self::Gemini => "Google Gemini",
            Self::Ollama => "Ollama",
        }
    }

    /// The short name a user types (`sse-sub --llm anthropic`).
    pub fn key(self) -> &'static str {
        match self {
            Self::OpenAiChat => "openai",
            Self::OpenAiResponses => "responses",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
            Self::Ollama => "ollama",
        }
    }

    /// Every provider's key, as a message lists them: `openai, responses, ...`.
    pub fn key_list() -> String {
        Self::ALL.map(Self::key).join(", ")
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|provider| provider.key().eq_ignore_ascii_case(key.trim()))
    }

    /// The event that ends a complete stream, as a user would look for it.
    pub fn terminal_name(self) -> &'static str {
        match self {
            Self::OpenAiChat => "[DONE]",
            Self::OpenAiResponses => "response.completed",
            Self::Anthropic => "message_stop",
            Self::Gemini => "a finishReason",
            Self::Ollama => "done: true",
        }
    }

    /// Guessed from the request's URL.
    pub fn from_url(url: &str) -> Option<Self> {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        if path.ends_with(":streamGenerateContent") {
            Some(Self::Gemini)
        } else if path.ends_with("/chat/completions") {
            Some(Self::OpenAiChat)
        } else if path.ends_with("/responses") {
            Some(Self::OpenAiResponses)
        } else if path.ends_with("/messages") {
            Some(Self::Anthropic)
        } else if path.ends_with("/api/chat") || path.ends_with("/api/generate") {
            Some(Self::Ollama)
        } else {
            None
        }
    }

    /// Guessed from the request's header names, for a URL that names no provider (a proxy,
    /// a gateway): only Anthropic's and Gemini's requests carry headers of their own.
    pub fn from_headers<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        names.into_iter().find_map(|name| {
            let name = name.trim();
            if name.eq_ignore_ascii_case("anthropic-version") {
                Some(Self::Anthropic)
            } else if name.eq_ignore_ascii_case("x-goog-api-key") {
                Some(Self::Gemini)
            } else {
                None
            }
        })
    }

    /// Guessed from an event: its SSE type, or the shape of its JSON data.
    pub fn from_event(event_type: &str, data: &str) -> Option<Self> {
        let json: Option<Value> = serde_json::from_str(data).ok();
        let data_type = json.as_ref().and_then(|json| json.get("type")).and_then(Value::as_str).unwrap_or("");
        let typed = if event_type != "message" { event_type } else { data_type };
        if typed.starts_with("response.") {
            return Some(Self::OpenAiResponses);
        }
        if matches!(typed, "message_start" | "content_block_start" | "content_block_delta" | "ping") {
            return Some(Self::Anthropic);
        }
        let json = json?;
        if json.get("choices").is_some() {
            Some(Self::OpenAiChat)
        } else if json.get("candidates").is_some() || json.get("usageMetadata").is_some() {
            Some(Self::Gemini)
        } else if json.get("done").is_some_and(Value::is_boolean)
            && (json.get("message").is_some() || json.get("response").is_some())
        {
            Some(Self::Ollama)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_headers_name_their_provider() {
        assert_eq!(Provider::from_headers(["Content-Type", "Anthropic-Version"]), Some(Provider::Anthropic));
        assert_eq!(Provider::from_headers(["x-goog-api-key"]), Some(Provider::Gemini));
        assert_eq!(Provider::from_headers(["Authorization", "Accept"]), None);
    }

    #[test]
    fn urls_name_their_provider() {
        for (url, provider) in [
            ("https://api.openai.com/v1/chat/completions", Some(Provider::OpenAiChat)),
            ("http://127.0.0.1:11434/v1/chat/completions", Some(Provider::OpenAiChat)),
            ("https://api.openai.com/v1/responses", Some(Provider::OpenAiResponses)),
            ("https://api.anthropic.com/v1/messages", Some(Provider::Anthropic)),
            (
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                Some(Provider::Gemini),
            ),
            ("http://localhost:11434/api/chat", Some(Provider::Ollama)),
            ("http://localhost:8080/events?stream=messages", None),
        ] {
            assert_eq!(Provider::from_url(url), provider, "{url}");
        }
    }

    #[test]
    fn first_events_name_their_provider() {
        assert_eq!(Provider::from_event("message_start", "{}"), Some(Provider::Anthropic));
        assert_eq!(
            Provider::from_event("message", r#"{"type":"response.created","sequence_number":0}"#),
            Some(Provider::OpenAiResponses)
        );
        assert_eq!(Provider::from_event("message", r#"{"choices":[]}"#), Some(Provider::OpenAiChat));
        assert_eq!(Provider::from_event("message", r#"{"candidates":[]}"#), Some(Provider::Gemini));
        assert_eq!(
            Provider::from_event("message", r#"{"model":"m","message":{"content":"a"},"done":false}"#),
            Some(Provider::Ollama)
        );
        assert_eq!(Provider::from_event("message", "42"), None);
        assert_eq!(Provider::from_key("Anthropic"), Some(Provider::Anthropic));
    }
}
