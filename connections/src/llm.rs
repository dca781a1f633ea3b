//! A connection's stream read as an LLM's (`sse_llm`), for the window's LLM panel. The
//! provider is the one the user chose, else guessed from the URL, the request's headers, or
//! the first events.
//! Each connection that opens is one answer. While events come, reports go at most every
//! [`REPORT_EVERY`] (longer when summing up is slow) and carry only the text each block added
//! since the last report, so a long answer does not cross to the window again and again.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde::Serialize;
use sse_inspector::Capture;
use sse_llm::{Lifecycle, LlmReading, Provider, ReadAs, Summary};
use sse_subscriber::analyzers::llm_lifecycle;
use sse_subscriber::Update;

use crate::error::SpecError;

/// The least time between two reports while events come.
const REPORT_EVERY: Duration = Duration::from_millis(200);

pub(crate) type SharedLlm = Arc<Mutex<LlmView>>;

pub(crate) fn lock(llm: &SharedLlm) -> MutexGuard<'_, LlmView> {
    llm.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How a connection's stream is read, from a spec's `llm` field: empty (or `auto`) to guess,
/// `off`, or a provider's key (as `sse-sub --llm` takes it).
pub fn parse_read_as(text: &str) -> Result<ReadAs, SpecError> {
    match text.trim() {
        "" | "auto" => Ok(ReadAs::Auto),
        "off" => Ok(ReadAs::Off),
        key => Provider::from_key(key).map(ReadAs::Provider).ok_or_else(|| SpecError::Invalid {
            field: "LLM provider",
            reason: format!("`{key}` is none of {}, off or empty (to guess)", Provider::key_list()),
        }),
    }
}

/// As the spec writes `read_as`.
fn read_as_text(read_as: ReadAs) -> &'static str {
    match read_as {
        ReadAs::Auto => "",
        ReadAs::Off => "off",
        ReadAs::Provider(provider) => provider.key(),
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

/// One connection's LLM reading (`sse_llm`'s one driver, which keeps the clock), shared by its
/// task (which feeds it) and the commands (which change the choice); this adds the reports.
pub(crate) struct LlmView {
    reading: LlmReading,
    /// The capture's number of the current connection (its kept events carry it).
    connection: u32,
    /// Bytes of each block's text the window has.
    shown: Vec<usize>,
    /// The reading the window was last sent: another one is sent whole.
    reported_reading: u32,
    changed: bool,
    last_report: Option<Instant>,
    /// How long the last report took to make (a long stream's timing sorts every gap).
    report_cost: Duration,
}

impl LlmView {
    /// `from_headers`: the provider the request's headers name, if any.
    pub(crate) fn new(read_as: ReadAs, from_headers: Option<Provider>) -> Self {
        Self {
            reading: LlmReading::new(read_as, from_headers),
            connection: 0,
            shown: Vec::new(),
            reported_reading: 0,
            changed: false,
            last_report: None,
            report_cost: Duration::ZERO,
        }
    }

    /// What the task saw, in order; `connection` is the capture's current connection number.
    /// Whether it ended the stream (a call to export, if it was read as an LLM's).
    pub(crate) fn observe(&mut self, update: &Update, connection: u32) -> bool {
        if matches!(update, Update::Open { .. }) {
            self.connection = connection;
        }
        let Some(lifecycle) = llm_lifecycle(update) else { return false };
        let end = matches!(lifecycle, Lifecycle::End { .. });
        let changed = self.reading.observe(lifecycle);
        self.changed |= changed;
        end && changed
    }

    /// The current stream as the call the OpenTelemetry export sends (none when it was not read
    /// as an LLM's); `url` and `body`: its request's.
    pub(crate) fn call(&self, url: &str, body: &[u8]) -> Option<sse_otlp::LlmCall> {
        sse_otlp::LlmCall::from_reading(&self.reading, url, body)
    }

    /// Reads the current connection again as `read_as` says: the events the log keeps of it,
    /// then new ones. The report, whole.
    pub(crate) fn choose(&mut self, read_as: ReadAs, capture: &Capture) -> LlmReport {
        self.reading.read_as(read_as);
        let history = capture.history();
        let (opened, connection) = (self.reading.has_stream(), self.connection);
        for event in history.from_seq(0).filter(|event| opened && event.connection == connection) {
            let received_at = UNIX_EPOCH + Duration::from_micros(event.received_at_us);
            let event = Lifecycle::Event { event_type: &event.event, data: &event.data, received_at };
            self.reading.observe(event);
        }
        self.reading.end_again();
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
        let mut summary = self.reading.summary();
        let fresh = self.reading.readings() != self.reported_reading;
        if fresh {
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
            choice: read_as_text(self.reading.chosen()).to_owned(),
            found: self.reading.found().to_owned(),
            summary,
            fresh,
            reading: self.reading.readings(),
        };
        self.reported_reading = self.reading.readings();
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
    use std::time::SystemTime;

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
        view.observe(&Update::Connecting { url: url.into(), attempt: 1, sent_at: sent }, 1);
        let head = Update::Open { status: 200, headers: Default::default(), received_at: sent };
        view.observe(&head, 1);
    }

    /// A report carries only the text added since the last one; the first is whole.
    #[test]
    fn reports_carry_the_text_added_since_the_last() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(ReadAs::Auto, None);
        open(&mut view, "http://h/v1/chat/completions", sent);
        view.observe(&event(&chunk("Hel"), sent + Duration::from_millis(300)), 1);
        let first = view.take_report(true).unwrap();
        assert!(first.fresh);
        assert_eq!(first.found, "guessed from the URL");
        assert_eq!(first.summary.as_ref().unwrap().blocks[0].text, "Hel");
        view.observe(&event(&chunk("lo"), sent + Duration::from_millis(320)), 1);
        assert!(view.take_report(false).is_none(), "not due yet");
        let second = view.take_report(true).unwrap();
        assert!(!second.fresh);
        let summary = second.summary.unwrap();
        assert_eq!(summary.blocks[0].text, "lo");
        assert_eq!(summary.milestones.first_content, Some(300.0));
        assert!(view.take_report(true).is_none(), "nothing changed");
    }

    /// A stream no provider's format fits says so, and stays unread.
    #[test]
    fn an_unknown_stream_is_not_guessed() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(ReadAs::Auto, None);
        open(&mut view, "http://h/events?stream=messages", sent);
        view.observe(&event("17", sent), 1);
        let report = view.take_report(true).unwrap();
        assert!(report.summary.is_none());
        assert!(report.found.starts_with("no provider's format in the first 1 event:"), "{}", report.found);
    }

    /// A URL that names no provider (a gateway) is read as the request's headers say.
    #[test]
    fn the_request_headers_name_the_provider_behind_a_gateway() {
        let sent = SystemTime::now();
        let mut view = LlmView::new(ReadAs::Auto, Some(Provider::Anthropic));
        open(&mut view, "https://gateway.example/llm", sent);
        let report = view.take_report(true).unwrap();
        assert_eq!(report.found, "guessed from the request's headers");
        assert_eq!(report.summary.unwrap().provider, Provider::Anthropic);
    }

    /// The choice is the spec's text; a wrong one names the keys.
    #[test]
    fn choices_parse_from_the_spec() {
        assert_eq!(parse_read_as("").unwrap(), ReadAs::Auto);
        assert_eq!(parse_read_as("off").unwrap(), ReadAs::Off);
        assert_eq!(parse_read_as("anthropic").unwrap(), ReadAs::Provider(Provider::Anthropic));
        assert_eq!(read_as_text(ReadAs::Provider(Provider::Anthropic)), "anthropic");
        let wrong = parse_read_as("claude").unwrap_err().to_string();
        assert!(wrong.contains("openai, responses, anthropic, gemini, ollama"), "{wrong}");
    }
}
