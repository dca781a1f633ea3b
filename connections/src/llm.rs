//! A connection's stream read as an LLM's (`sse_llm`), for the window's LLM panel. The
//! provider is the one the user chose, else guessed from the URL, the request's headers, or
//! the first events.
//! Each connection that opens is one answer. While events come, reports go at most every
//! [`REPORT_EVERY`] (longer when summing up is slow) and carry only the text each block added
//! since the last report, so a long answer does not cross to the window again and again.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sse_inspector::Capture;
use sse_llm::{LlmStream, Provider, Summary};
use sse_subscriber::Update;

use crate::error::SpecError;

/// The least time between two reports while events come.
const REPORT_EVERY: Duration = Duration::from_millis(200);
/// Events looked at for a guess before saying that none fits.
const GUESS_EVENTS: u64 = 20;

pub(crate) type SharedLlm = Arc<Mutex<LlmView>>;

pub(crate) fn lock(llm: &SharedLlm) -> MutexGuard<'_, LlmView> {
    llm.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How a connection's stream is read: a spec's `llm` field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LlmChoice {
    /// Guessed from the URL, else from the first events (`""`).
    #[default]
    Auto,
    /// Not read as an LLM stream (`"off"`).
    Off,
    /// As this provider's stream (its key, as `sse-sub --llm` takes it).
    Named(Provider),
}

impl LlmChoice {
    /// The spec's text: empty (or `auto`), `off`, or a provider's key.
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        match text.trim() {
            "" | "auto" => Ok(Self::Auto),
            "off" => Ok(Self::Off),
            key => Provider::from_key(key).map(Self::Named).ok_or_else(|| SpecError::Invalid {
                field: "LLM provider",
                reason: format!("`{key}` is none of {}, off or empty (to guess)", Provider::key_list()),
            }),
        }
    }

    /// As the spec writes it.
    pub fn text(self) -> &'static str {
        match self {
            Self::Auto => "",
            Self::Off => "off",
            Self::Named(provider) => provider.key(),
        }
    }
}

/// Where a connection's stream stands, read as an LLM's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct LlmReport {
    /// The choice, as the spec writes it: `""` (guess), `"off"` or a provider's key.
    pub choice: String,
    /// How the provider was found ("chosen", "guessed from the URL", "guessed from the first
    /// event"), or why there is none.
    pub found: String,
    /// The stream so far. Unless `fresh`, each block's `text` is only what it added since the
    /// last report (blocks the window has not seen come whole).
    pub summary: Option<Summary>,
    /// The blocks' text is whole (a new stream, or read again as another provider's): the
    /// window replaces what it has.
    pub fresh: bool,
    /// Counts the readings (each connection that opens, each choice): a report of an earlier
    /// reading than the window holds is stale.
    pub reading: u32,
}

/// One connection's LLM reading, shared by its task (which feeds it) and the commands (which
/// change the choice).
#[derive(Default)]
pub(crate) struct LlmView {
    choice: LlmChoice,
    /// What the request's headers say (`anthropic-version`, `x-goog-api-key`).
    from_headers: Option<Provider>,
    url: String,
    /// When the latest attempt's request went, and the current stream's.
    attempt_sent: Option<SystemTime>,
    sent: Option<SystemTime>,
    /// When the current stream's response head came.
    opened: Option<SystemTime>,
    /// The capture's number of the current connection (its kept events carry it).
    connection: u32,
    ended: bool,
    stream: Option<LlmStream>,
    found: String,
    /// Events looked at without a guess.
    unguessed: u64,
    /// Bytes of each block's text the window has.
    shown: Vec<usize>,
    fresh: bool,
    reading: u32,
    changed: bool,
    last_report: Option<Instant>,
    /// How long the last report took to make (a long stream's timing sorts every gap).
    report_cost: Duration,
}

fn since(time: SystemTime, start: Option<SystemTime>) -> Duration {
    start.and_then(|start| time.duration_since(start).ok()).unwrap_or(Duration::ZERO)
}

impl LlmView {
    /// `from_headers`: the provider the request's headers name, if any.
    pub(crate) fn new(choice: LlmChoice, from_headers: Option<Provider>) -> Self {
        Self { choice, from_headers, ..Self::default() }
    }

    /// What the task saw, in order; `sent` is when an attempt's request went, `connection` the
    /// capture's current connection number.
    pub(crate) fn observe(&mut self, update: &Update, sent: SystemTime, connection: u32) {
        match update {
            Update::Connecting { url, .. } => {
                self.url.clone_from(url);
                self.attempt_sent = Some(sent);
            }
            Update::Open { .. } => {
                self.sent = self.attempt_sent;
                self.opened = Some(SystemTime::now());
                self.connection = connection;
                self.ended = false;
                self.restart();
            }
            Update::Event(event) => self.feed(&event.event, &event.data, event.received_at),
            Update::Error { .. } | Update::Retrying { .. } | Update::Closed { .. } => {
                if !self.ended {
                    self.ended = true;
                    if let Some(stream) = &mut self.stream {
                        stream.end();
                    }
                    self.changed = true;
                }
            }
            Update::Raw(_) => {}
        }
    }

    /// Forgets the current reading and starts one with the provider chosen or named by the URL
    /// (else the first events say).
    fn restart(&mut self) {
        self.stream = None;
        self.unguessed = 0;
        self.found = String::new();
        match self.choice {
            LlmChoice::Off => self.found = "off: not read as an LLM stream".into(),
            LlmChoice::Named(provider) => self.start(provider, "chosen"),
            LlmChoice::Auto => {
                if let Some(provider) = Provider::from_url(&self.url) {
                    self.start(provider, "guessed from the URL");
                } else if let Some(provider) = self.from_headers {
                    self.start(provider, "guessed from the request's headers");
                }
            }
        }
        self.fresh = true;
        self.reading += 1;
        self.changed = true;
    }

    fn start(&mut self, provider: Provider, found: &str) {
        let mut stream = LlmStream::new(provider);
        if let Some(opened) = self.opened {
            stream.first_byte(since(opened, self.sent));
        }
        self.stream = Some(stream);
        self.found = found.to_owned();
    }

    fn feed(&mut self, event_type: &str, data: &str, received_at: SystemTime) {
        if self.stream.is_none() && self.choice == LlmChoice::Auto && self.unguessed < GUESS_EVENTS {
            match Provider::from_event(event_type, data) {
                Some(provider) => self.start(provider, "guessed from the first event"),
                None => {
                    self.unguessed += 1;
                    self.found = format!(
                        "no provider's format in the first {} event{}: choose one to read it as one",
                        self.unguessed,
                        if self.unguessed == 1 { "" } else { "s" }
                    );
                    self.changed = true;
                }
            }
        }
        let at = since(received_at, self.sent);
        if let Some(stream) = &mut self.stream {
            stream.push(event_type, data, at);
            self.changed = true;
        }
    }

    /// Reads the current connection again as `choice` says: the events the log keeps of it,
    /// then new ones. The report, whole.
    pub(crate) fn choose(&mut self, choice: LlmChoice, capture: &Capture) -> LlmReport {
        self.choice = choice;
        self.restart();
        let history = capture.history();
        let (opened, connection) = (self.opened.is_some(), self.connection);
        for event in history.from_seq(0).filter(|event| opened && event.connection == connection) {
            let received_at = UNIX_EPOCH + Duration::from_micros(event.received_at_us);
            self.feed(&event.event, &event.data, received_at);
        }
        if self.ended {
            if let Some(stream) = &mut self.stream {
                stream.end();
            }
        }
        self.report()
    }

    /// A report if something changed and one is due (`now`: whatever the time since the last).
    pub(crate) fn take_report(&mut self, now: bool) -> Option<LlmReport> {
        if !self.changed {
            return None;
        }
        let every = REPORT_EVERY.max(self.report_cost * 10);
        if !now && self.last_report.is_some_and(|last| last.elapsed() < every) {
            return None;
        }
        Some(self.report())
    }

    fn report(&mut self) -> LlmReport {
        let began = Instant::now();
        let mut summary = self.stream.as_ref().map(LlmStream::summary);
        if self.fresh {
            self.shown.clear();
        }
        if let Some(summary) = &mut summary {
            for (index, block) in summary.blocks.iter_mut().enumerate() {
                let whole = block.text.len();
                match self.shown.get_mut(index) {
                    // Text only grows: the window has the first `shown` bytes.
                    Some(shown) => {
                        let from = (*shown).min(whole);
                        block.text.drain(..from);
                        *shown = whole;
                    }
                    None => self.shown.push(whole),
                }
            }
        }
        let report = LlmReport {
            choice: self.choice.text().to_owned(),
            found: self.found.clone(),
            summary,
            fresh: self.fresh,
            reading: self.reading,
        };
        self.fresh = false;
        self.changed = false;
        self.last_report = Some(Instant::now());
        self.report_cost = began.elapsed();
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sse_subscriber::SseEvent;

    fn event(data: &str, received_at: SystemTime) -> Update {
        Update::Event(SseEvent {
            event: "message".into(),
            data: data.into(),
            id: String::new(),
            id_set: false,
            retry: None,
            size: data.len(),
            stream_offset: 0,
            received_at,
        })
    }

    fn chunk(text: &str) -> String {
        serde_json::json!({"choices": [{"index": 0, "delta": {"content": text}}]}).to_string()
    }

    fn open(view: &mut LlmView, url: &str, sent: SystemTime) {
        view.observe(&Update::Connecting { url: url.into(), attempt: 1 }, sent, 1);
        let head = Update::Open { status: 200, headers: Default::default() };
        view.observe(&head, sent, 1);
    }

    /// A report carries only the text added since the last one; the first is whole.
    #[test]
    fn reports_carry_the_text_added_since_the_last() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(LlmChoice::Auto, None);
        open(&mut view, "http://h/v1/chat/completions", sent);
        view.observe(&event(&chunk("Hel"), sent + Duration::from_millis(300)), sent, 1);
        let first = view.take_report(true).unwrap();
        assert!(first.fresh);
        assert_eq!(first.found, "guessed from the URL");
        assert_eq!(first.summary.as_ref().unwrap().blocks[0].text, "Hel");
        view.observe(&event(&chunk("lo"), sent + Duration::from_millis(320)), sent, 1);
        assert!(view.take_report(false).is_none(), "not due yet");
        let second = view.take_report(true).unwrap();
        assert!(!second.fresh);
        let summary = second.summary.unwrap();
        assert_eq!(summary.blocks[0].text, "lo");
        assert_eq!(summary.timing.first_token_ms, Some(300.0));
        assert!(view.take_report(true).is_none(), "nothing changed");
    }

    /// A stream no provider's format fits says so, and stays unread.
    #[test]
    fn an_unknown_stream_is_not_guessed() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(LlmChoice::Auto, None);
        open(&mut view, "http://h/events?stream=messages", sent);
        view.observe(&event("17", sent), sent, 1);
        let report = view.take_report(true).unwrap();
        assert!(report.summary.is_none());
        assert!(report.found.starts_with("no provider's format in the first 1 event:"), "{}", report.found);
    }

    /// A URL that names no provider (a gateway) is read as the request's headers say.
    #[test]
    fn the_request_headers_name_the_provider_behind_a_gateway() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(LlmChoice::Auto, Some(Provider::Anthropic));
        open(&mut view, "https://gateway.example/llm", sent);
        let report = view.take_report(true).unwrap();
        assert_eq!(report.found, "guessed from the request's headers");
        assert_eq!(report.summary.unwrap().provider, Provider::Anthropic);
    }

    /// The choice is the spec's text; a wrong one names the keys.
    #[test]
    fn choices_parse_from_the_spec() {
        assert_eq!(LlmChoice::parse("").unwrap(), LlmChoice::Auto);
        assert_eq!(LlmChoice::parse("off").unwrap(), LlmChoice::Off);
        assert_eq!(LlmChoice::parse("anthropic").unwrap(), LlmChoice::Named(Provider::Anthropic));
        let wrong = LlmChoice::parse("claude").unwrap_err().to_string();
        assert!(wrong.contains("openai, responses, anthropic, gemini, ollama"), "{wrong}");
    }
}
