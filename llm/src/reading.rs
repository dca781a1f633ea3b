//! The one driver of the LLM reader: what the window's connections and `sse-sub --llm` both
//! feed a subscription's lifecycle to. It picks the provider (chosen, else guessed from the
//! URL, the request's headers or the first events), keeps the clock, and starts a new reading
//! at each response.
//!
//! # The clock (where TTFB and TTFT are computed)
//! Per attempt, from its request being sent: [`Lifecycle::RequestSent`] starts an attempt's
//! clock; the response head of that attempt ([`Lifecycle::HeadReceived`]) starts a new
//! reading, its body's first byte ([`Lifecycle::FirstByte`]), each event and the end are at
//! `their time - sent`: the stream's [`crate::Milestones`]. Every time comes with the
//! lifecycle (a stream read again from a record keeps its times), never from this reader's
//! own clock.

use std::time::{Duration, SystemTime};

use crate::provider::Provider;
use crate::stream::{LlmStream, Summary};

/// Events looked at for a guess before saying that none fits.
const GUESS_EVENTS: u64 = 20;

/// What a reader is told of one subscription, in order.
#[derive(Debug, Clone, Copy)]
pub enum Lifecycle<'a> {
    /// An attempt's request went to `url` at `at`.
    RequestSent { url: &'a str, at: SystemTime },
    /// That attempt's response head came at `at`: a new stream.
    HeadReceived { at: SystemTime },
    /// The first bytes of that response's body came at `at`.
    FirstByte { at: SystemTime },
    /// An event (an NDJSON line is a `message`) and when it came.
    Event { event_type: &'a str, data: &'a str, received_at: SystemTime },
    /// The stream ended, or the attempt failed, at `at`.
    End { at: SystemTime },
}

/// How a stream is to be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReadAs {
    /// Guessed from the URL, the request's headers, else the first events.
    #[default]
    Auto,
    /// Not read as an LLM stream.
    Off,
    Provider(Provider),
}

/// One subscription read as an LLM stream, a reading per response.
#[derive(Debug, Clone, Default)]
pub struct LlmReading {
    read_as: ReadAs,
    /// What the request's headers say (`anthropic-version`, `x-goog-api-key`).
    from_headers: Option<Provider>,
    url: String,
    /// When the latest attempt's request went, and the current stream's.
    attempt_sent: Option<SystemTime>,
    sent: Option<SystemTime>,
    /// When the current stream's response head, first body byte and end came.
    head_at: Option<SystemTime>,
    first_byte_at: Option<SystemTime>,
    ended_at: Option<SystemTime>,
    stream: Option<LlmStream>,
    found: String,
    /// Events looked at without a guess.
    unguessed: u64,
    readings: u32,
}

fn since(time: SystemTime, start: Option<SystemTime>) -> Duration {
    start.and_then(|start| time.duration_since(start).ok()).unwrap_or(Duration::ZERO)
}

impl LlmReading {
    /// `from_headers`: the provider the request's headers name, if any.
    pub fn new(read_as: ReadAs, from_headers: Option<Provider>) -> Self {
        Self { read_as, from_headers, ..Self::default() }
    }

    /// Takes the next step of the subscription; whether the reading changed.
    pub fn observe(&mut self, lifecycle: Lifecycle<'_>) -> bool {
        match lifecycle {
            Lifecycle::RequestSent { url, at } => {
                url.clone_into(&mut self.url);
                self.attempt_sent = Some(at);
                false
            }
            Lifecycle::HeadReceived { at } => {
                self.sent = self.attempt_sent;
                self.head_at = Some(at);
                self.first_byte_at = None;
                self.ended_at = None;
                self.restart();
                true
            }
            Lifecycle::FirstByte { at } => {
                if self.first_byte_at.is_some() || self.ended_at.is_some() || self.head_at.is_none() {
                    return false;
                }
                self.first_byte_at = Some(at);
                let since_sent = since(at, self.sent);
                self.stream.as_mut().map(|stream| stream.first_byte(since_sent)).is_some()
            }
            Lifecycle::Event { event_type, data, received_at } => self.event(event_type, data, received_at),
            Lifecycle::End { at } => {
                if self.ended_at.is_some() {
                    return false;
                }
                self.ended_at = Some(at);
                let since_sent = since(at, self.sent);
                if let Some(stream) = self.stream.as_mut() {
                    stream.end(since_sent);
                }
                true
            }
        }
    }

    /// Reads the current stream again as `read_as` says: the caller feeds its events again.
    pub fn read_as(&mut self, read_as: ReadAs) {
        self.read_as = read_as;
        self.restart();
    }

    /// Ends the reading again after its events were fed again, if the stream had ended.
    pub fn end_again(&mut self) {
        if let (Some(stream), Some(at)) = (self.stream.as_mut(), self.ended_at) {
            stream.end(since(at, self.sent));
        }
    }

    /// Forgets the current reading and starts one with the provider chosen or named by the URL
    /// or the request's headers (else the first events say).
    fn restart(&mut self) {
        self.stream = None;
        self.unguessed = 0;
        self.found = String::new();
        match self.read_as {
            ReadAs::Off => self.found = "off: not read as an LLM stream".into(),
            ReadAs::Provider(provider) => self.start(provider, "chosen"),
            ReadAs::Auto => {
                if let Some(provider) = Provider::from_url(&self.url) {
                    self.start(provider, "guessed from the URL");
                } else if let Some(provider) = self.from_headers {
                    self.start(provider, "guessed from the request's headers");
                }
            }
        }
        self.readings += 1;
    }

    fn start(&mut self, provider: Provider, found: &str) {
        let mut stream = LlmStream::new(provider);
        if let Some(head_at) = self.head_at {
            stream.head(since(head_at, self.sent));
        }
        if let Some(first_byte_at) = self.first_byte_at {
            stream.first_byte(since(first_byte_at, self.sent));
        }
        self.stream = Some(stream);
        self.found = found.to_owned();
    }

    fn event(&mut self, event_type: &str, data: &str, received_at: SystemTime) -> bool {
        let mut changed = false;
        if self.stream.is_none() && self.read_as == ReadAs::Auto && self.unguessed < GUESS_EVENTS {
            match Provider::from_event(event_type, data) {
                Some(provider) => self.start(provider, "guessed from the first event"),
                None => {
                    self.unguessed += 1;
                    let plural = if self.unguessed == 1 { "" } else { "s" };
                    self.found = format!(
                        "no provider's format in the first {} event{plural}: choose one to read it as one",
                        self.unguessed
                    );
                    changed = true;
                }
            }
        }
        let at = since(received_at, self.sent);
        if let Some(stream) = &mut self.stream {
            stream.push(event_type, data, at);
            changed = true;
        }
        changed
    }

    /// How the stream is read (as chosen, not as guessed).
    pub fn chosen(&self) -> ReadAs {
        self.read_as
    }

    pub fn summary(&self) -> Option<Summary> {
        self.stream.as_ref().map(LlmStream::summary)
    }

    /// When each event of the current stream came, from its request being sent.
    pub fn event_times(&self) -> &[Duration] {
        self.stream.as_ref().map_or(&[], LlmStream::event_times)
    }

    /// When the current stream's request was sent (the origin of its times).
    pub fn request_sent(&self) -> Option<SystemTime> {
        self.sent
    }

    /// How the provider was found ("chosen", "guessed from the URL", ...), or why there is none.
    pub fn found(&self) -> &str {
        &self.found
    }

    /// Counts the readings begun (each response, each `read_as`).
    pub fn readings(&self) -> u32 {
        self.readings
    }

    /// Whether a response came (a reading of a stream is under way or done).
    pub fn has_stream(&self) -> bool {
        self.head_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
    }

    const CHUNK: &str = r#"{"choices":[{"index":0,"delta":{"content":"hi"}}]}"#;
    const ROLE: &str = r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#;

    /// TTFB and TTFT count from the attempt's request, by the times the lifecycle carries; a
    /// second attempt starts its own clock and reading.
    #[test]
    fn each_attempt_is_timed_from_its_own_request() {
        let mut reading = LlmReading::new(ReadAs::Auto, None);
        let url = "http://127.0.0.1:1/v1/chat/completions";
        reading.observe(Lifecycle::RequestSent { url, at: at(1_000) });
        reading.observe(Lifecycle::HeadReceived { at: at(1_040) });
        reading.observe(Lifecycle::FirstByte { at: at(1_060) });
        reading.observe(Lifecycle::Event { event_type: "message", data: ROLE, received_at: at(1_070) });
        reading.observe(Lifecycle::Event { event_type: "message", data: CHUNK, received_at: at(1_100) });
        let m = reading.summary().expect("read as Chat Completions").milestones;
        assert_eq!(
            (m.request_sent, m.head_received, m.first_byte, m.first_event, m.first_content, m.first_text),
            (Some(0.0), Some(40.0), Some(60.0), Some(70.0), Some(100.0), Some(100.0))
        );
        assert_eq!((m.end, m.no_content_reason), (None, None), "still streaming");
        assert_eq!(reading.found(), "guessed from the URL");
        reading.observe(Lifecycle::End { at: at(1_200) });
        assert_eq!(reading.summary().expect("ended").milestones.end, Some(200.0));
        reading.observe(Lifecycle::RequestSent { url, at: at(5_000) });
        reading.observe(Lifecycle::HeadReceived { at: at(5_010) });
        reading.observe(Lifecycle::FirstByte { at: at(5_020) });
        reading.observe(Lifecycle::Event { event_type: "message", data: CHUNK, received_at: at(5_030) });
        let summary = reading.summary().expect("a new reading");
        let m = summary.milestones;
        assert_eq!(
            (m.head_received, m.first_byte, m.first_content, m.end),
            (Some(10.0), Some(20.0), Some(30.0), None)
        );
        assert_eq!(summary.timing.tokens, 1);
        assert_eq!(reading.readings(), 2);
    }

    /// With no hint, the first events are looked at; after 20 that fit no provider, it says so.
    #[test]
    fn a_guess_from_events_gives_up_after_twenty() {
        let mut reading = LlmReading::new(ReadAs::Auto, None);
        reading.observe(Lifecycle::RequestSent { url: "http://127.0.0.1:1/s", at: at(0) });
        reading.observe(Lifecycle::HeadReceived { at: at(1) });
        for _ in 0..25 {
            reading.observe(Lifecycle::Event { event_type: "message", data: "tick", received_at: at(2) });
        }
        assert!(reading.summary().is_none());
        assert!(
            reading.found().starts_with("no provider's format in the first 20 events"),
            "{}",
            reading.found()
        );
        reading.read_as(ReadAs::Off);
        assert_eq!(reading.found(), "off: not read as an LLM stream");
    }
}
