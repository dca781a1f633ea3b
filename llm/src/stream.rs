//! One LLM stream read event by event: the provider's module assembles the answer; this keeps
//! count of what did not fit, and says whether the stream is complete, cut or failed.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::answer::{Answer, Block, Usage};
use crate::completeness::Completeness;
use crate::milestones::{milestones, Milestones, Moments};
use crate::provider::Provider;
use crate::shared::Fit;
use crate::timing::Timing;
use crate::{anthropic, gemini, ollama, openai_chat, openai_responses};

/// Events that did not fit, kept as they came (a few, cut short) to be shown raw.
const SAMPLES: usize = 5;
const SAMPLE_CHARS: usize = 300;
/// After this many events none of which fitted, the guess is wrong.
const GUESS_AFTER: u64 = 3;
/// The most event times kept (16 MB); later events are counted but not timed.
const MAX_EVENT_TIMES: usize = 1_000_000;

/// Counts of what did not fit, and examples of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Oddities {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub events: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub not_json: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unexpected: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unknown_types: u64,
    /// Blocks past the 256 kept.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub dropped_blocks: u64,
    /// The first few events that did not fit, as they came (cut at 300 characters).
    pub samples: Vec<String>,
    /// Gaps in the Responses API's `sequence_number`: `[expected, got]`.
    #[cfg_attr(feature = "ts", ts(type = "Array<[number, number]>"))]
    pub sequence_gaps: Vec<(u64, u64)>,
}

/// What a stream amounts to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub provider: Provider,
    /// False when the events do not look like `provider`'s: show the plain view instead.
    pub fits: bool,
    pub model: Option<String>,
    /// The response's id, as the provider names it.
    pub response_id: Option<String>,
    pub blocks: Vec<Block>,
    pub usage: Option<Usage>,
    /// Finish or stop reasons, one per choice or candidate.
    pub finish: Vec<String>,
    pub completeness: Completeness,
    /// Says why: "message_stop", "the stream ended without message_stop", the error.
    pub detail: String,
    pub error: Option<String>,
    /// When each moment came, TTFT (the first content) among them.
    pub milestones: Milestones,
    pub timing: Timing,
    pub oddities: Oddities,
}

/// One stream of one provider, fed its events as they arrive.
#[derive(Debug, Clone)]
pub struct LlmStream {
    provider: Provider,
    answer: Answer,
    oddities: Oddities,
    fitted: u64,
    next_sequence: Option<u64>,
    moments: Moments,
    /// When each event came (the first [`MAX_EVENT_TIMES`]).
    event_times: Vec<Duration>,
    ended: bool,
}

impl LlmStream {
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            answer: Answer::default(),
            oddities: Oddities::default(),
            fitted: 0,
            next_sequence: None,
            moments: Moments::default(),
            event_times: Vec::new(),
            ended: false,
        }
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// When the response's head came, from the request being sent.
    pub fn head(&mut self, at: Duration) {
        self.moments.head.get_or_insert(at);
    }

    /// When the response body's first byte came, from the request being sent.
    pub fn first_byte(&mut self, at: Duration) {
        self.moments.first_byte.get_or_insert(at);
    }

    /// One event (its SSE type and data; an NDJSON line is a `message`), received `at` after
    /// the request was sent.
    pub fn push(&mut self, event_type: &str, data: &str, at: Duration) {
        self.oddities.events += 1;
        self.moments.first_event.get_or_insert(at);
        if self.event_times.len() < MAX_EVENT_TIMES {
            self.event_times.push(at);
        }
        if self.provider == Provider::OpenAiChat && data.trim() == "[DONE]" {
            self.answer.terminal = Some("[DONE]".into());
            self.answer.close_all();
            self.fitted += 1;
            return;
        }
        let Ok(json) = serde_json::from_str::<Value>(data) else {
            self.oddities.not_json += 1;
            self.sample(event_type, data);
            return;
        };
        if self.provider == Provider::OpenAiResponses {
            self.check_sequence(&json);
        }
        let fit = match self.provider {
            Provider::OpenAiChat => openai_chat::apply(&mut self.answer, &json, at),
            Provider::OpenAiResponses => openai_responses::apply(&mut self.answer, event_type, &json, at),
            Provider::Anthropic => anthropic::apply(&mut self.answer, event_type, &json, at),
            Provider::Gemini => gemini::apply(&mut self.answer, &json, at),
            Provider::Ollama => ollama::apply(&mut self.answer, &json, at),
        };
        match fit {
            Fit::Expected => self.fitted += 1,
            Fit::Unexpected => {
                self.oddities.unexpected += 1;
                self.sample(event_type, data);
            }
            Fit::Unknown => {
                self.oddities.unknown_types += 1;
                self.sample(event_type, data);
            }
        }
    }

    /// The stream ended (the server closed it, or the connection failed) `at` after the
    /// request was sent.
    pub fn end(&mut self, at: Duration) {
        self.ended = true;
        self.moments.end.get_or_insert(at);
        self.answer.check_open_blocks();
    }

    /// When each event came, from the request being sent (the first million): the chunks
    /// whose gaps OpenTelemetry's `time_per_output_chunk` counts.
    pub fn event_times(&self) -> &[Duration] {
        &self.event_times
    }

    fn sample(&mut self, event_type: &str, data: &str) {
        if self.oddities.samples.len() < SAMPLES {
            let shown: String = data.chars().take(SAMPLE_CHARS).collect();
            let cut = if shown.len() < data.len() { "…" } else { "" };
            self.oddities.samples.push(format!("{event_type}: {shown}{cut}"));
        }
    }

    fn check_sequence(&mut self, json: &Value) {
        let Some(number) = json.get("sequence_number").and_then(Value::as_u64) else { return };
        if let Some(expected) = self.next_sequence {
            if number != expected && self.oddities.sequence_gaps.len() < 100 {
                self.oddities.sequence_gaps.push((expected, number));
            }
        }
        self.next_sequence = Some(number + 1);
    }

    pub fn summary(&self) -> Summary {
        let answer = &self.answer;
        let terminal = self.provider.terminal_name();
        let (completeness, detail) = if let Some(error) = &answer.error {
            (Completeness::Failed, format!("failed: {error}"))
        } else if let Some(event) = &answer.terminal {
            (Completeness::Complete, format!("complete: {event}"))
        } else if self.provider == Provider::OpenAiChat && !answer.finish.is_empty() && self.ended {
            // A finish reason is an end too, if [DONE] never came.
            (
                Completeness::Complete,
                format!("complete: finish_reason {}, without [DONE]", answer.finish.join(", ")),
            )
        } else if self.ended {
            let partial = answer.blocks.iter().rev().find(|block| !block.closed && !block.text.is_empty());
            let partial = partial.map(|block| format!("; {} is partial", block.place)).unwrap_or_default();
            (Completeness::Truncated, format!("truncated: the stream ended without {terminal}{partial}"))
        } else {
            (Completeness::Streaming, "streaming…".into())
        };
        let mut oddities = self.oddities.clone();
        oddities.dropped_blocks = answer.dropped_blocks();
        Summary {
            provider: self.provider,
            fits: self.fitted > 0 || self.oddities.events < GUESS_AFTER,
            model: answer.model.clone(),
            response_id: answer.response_id.clone(),
            blocks: answer.blocks.clone(),
            usage: answer.usage.clone(),
            finish: answer.finish.clone(),
            completeness,
            detail,
            error: answer.error.clone(),
            milestones: milestones(&self.moments, &answer.content, completeness),
            timing: answer.clock.timing(),
            oddities,
        }
    }
}
