//! `--llm`: an LLM stream understood (`sse_llm`'s reader, fed the subscription's lifecycle as
//! the window feeds it), its summary printed when it ends.

use sse_llm::{LlmReading, Provider, ReadAs};
use sse_subscriber::analyzers::llm_lifecycle;
use sse_subscriber::Update;

pub struct LlmWatch {
    reading: LlmReading,
}

impl LlmWatch {
    /// `--llm` as given: `auto` or a provider's key; an error names the keys. `header_names`:
    /// the request's, which can name the provider behind a URL that does not.
    pub fn new<'a>(given: &str, header_names: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let read_as = match given {
            "auto" => ReadAs::Auto,
            key => ReadAs::Provider(Provider::from_key(key).ok_or_else(|| {
                format!(
                    "--llm: unknown provider `{key}`: say one of {} (or nothing, to guess)",
                    Provider::key_list()
                )
            })?),
        };
        Ok(Self { reading: LlmReading::new(read_as, Provider::from_headers(header_names)) })
    }

    pub fn observe(&mut self, update: &Update) {
        if let Some(lifecycle) = llm_lifecycle(update) {
            self.reading.observe(lifecycle);
        }
    }

    /// The last stream as the call `--otlp` exports (once it ended): none when it was not
    /// read as an LLM's. `url` and `body`: the request's.
    pub fn call(&self, url: &str, body: &[u8]) -> Option<sse_otlp::LlmCall> {
        sse_otlp::LlmCall::from_reading(&self.reading, url, body)
    }

    /// The stream is over (if the subscription did not say so already).
    pub fn end(&mut self) {
        self.reading.observe(sse_llm::Lifecycle::End { at: std::time::SystemTime::now() });
    }

    /// The summary of the last stream, once ended: text, or with `json` a last NDJSON line.
    /// `failure`: why the subscription failed, if it did (with no stream, that is what is
    /// said).
    pub fn finish(&self, json: bool, failure: Option<String>) -> String {
        let Some(summary) = self.reading.summary() else {
            let unknown = "not a stream of a provider it knows (openai, responses, anthropic, gemini, ollama): name one with --llm PROVIDER";
            let why = match failure.filter(|_| !self.reading.has_stream()) {
                Some(failure) => format!("no stream: {failure}"),
                None => unknown.to_owned(),
            };
            return if json {
                format!("{}\n", serde_json::json!({ "llm": null, "reason": why }))
            } else {
                format!("LLM stream: {why}\n")
            };
        };
        if json {
            format!("{}\n", serde_json::json!({ "llm": summary }))
        } else {
            summary.text()
        }
    }
}
