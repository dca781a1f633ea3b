//! `--llm`: an LLM stream understood (`sse_llm`), its summary printed when it ends.

use std::time::{Duration, SystemTime};

use sse_llm::{LlmStream, Provider};
use sse_subscriber::SseEvent;

pub struct LlmWatch {
    /// The provider the user named, if any.
    named: Option<Provider>,
    url: String,
    /// What the request's headers say (`anthropic-version`, `x-goog-api-key`).
    from_headers: Option<Provider>,
    stream: Option<LlmStream>,
    sent: Option<SystemTime>,
    opened: Option<SystemTime>,
}

impl LlmWatch {
    /// `--llm` as given: `auto` or a provider's key; an error names the keys. `header_names`:
    /// the request's, which can name the provider behind a URL that does not.
    pub fn new<'a>(
        given: &str,
        url: &str,
        header_names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, String> {
        let named = match given {
            "auto" => None,
            key => Some(Provider::from_key(key).ok_or_else(|| {
                format!(
                    "--llm: unknown provider `{key}`: say one of {} (or nothing, to guess)",
                    Provider::key_list()
                )
            })?),
        };
        Ok(Self {
            named,
            url: url.to_owned(),
            from_headers: Provider::from_headers(header_names),
            stream: None,
            sent: None,
            opened: None,
        })
    }

    pub fn connecting(&mut self) {
        self.sent.get_or_insert_with(SystemTime::now);
    }

    pub fn opened(&mut self) {
        self.opened.get_or_insert_with(SystemTime::now);
    }

    fn since_sent(&self, time: SystemTime) -> Duration {
        self.sent.and_then(|sent| time.duration_since(sent).ok()).unwrap_or_default()
    }

    pub fn event(&mut self, event: &SseEvent) {
        if self.stream.is_none() {
            let provider = self
                .named
                .or_else(|| Provider::from_url(&self.url))
                .or(self.from_headers)
                .or_else(|| Provider::from_event(&event.event, &event.data));
            let Some(provider) = provider else { return };
            let mut stream = LlmStream::new(provider);
            if let Some(opened) = self.opened {
                stream.first_byte(self.since_sent(opened));
            }
            self.stream = Some(stream);
        }
        let at = self.since_sent(event.received_at);
        if let Some(stream) = &mut self.stream {
            stream.push(&event.event, &event.data, at);
        }
    }

    /// The summary: text, or with `json` a last NDJSON line.
    pub fn finish(mut self, json: bool) -> String {
        let Some(stream) = &mut self.stream else {
            let why = "not a stream of a provider it knows (openai, responses, anthropic, gemini, ollama): name one with --llm PROVIDER";
            return if json {
                format!("{}\n", serde_json::json!({ "llm": null, "reason": why }))
            } else {
                format!("LLM stream: {why}\n")
            };
        };
        stream.end();
        let summary = stream.summary();
        if json {
            format!("{}\n", serde_json::json!({ "llm": summary }))
        } else {
            summary.text()
        }
    }
}
