//! LLM streams the tap forwards, read as `sse-sub --llm` reads them: `sse_llm`'s one driver,
//! the provider guessed from the upstream URL, the request's headers or the first events, on
//! the record's clock (the request taken at `started`, the head, the first body byte, each
//! event as it came from upstream, the end). The reading is the upstream's stream, before any
//! fault rule or breakpoint changed what the client got.

use std::time::{Duration, SystemTime};

use sse_llm::{Lifecycle, LlmReading, Provider, ReadAs, Summary};

use crate::record::Exchange;

impl Exchange {
    fn at(&self, after: Duration) -> SystemTime {
        self.started.unwrap_or(SystemTime::UNIX_EPOCH) + after
    }

    /// A stream's head came: its reading starts (with the times the record has).
    pub(crate) fn begin_llm(&mut self) {
        let names = self.request_headers.iter().map(|(name, _)| name.as_str());
        let mut reading = LlmReading::new(ReadAs::Auto, Provider::from_headers(names));
        let sent = self.at(Duration::ZERO);
        reading.observe(Lifecycle::RequestSent { url: &self.url, at: sent });
        reading.observe(Lifecycle::HeadReceived { at: self.at(self.head_after.unwrap_or_default()) });
        if let Some(first_byte) = self.first_byte_after {
            reading.observe(Lifecycle::FirstByte { at: self.at(first_byte) });
        }
        self.llm = Some(Box::new(reading));
    }

    /// The body's first byte came from upstream, `after` the exchange began.
    pub(crate) fn llm_first_byte(&mut self, after: Duration) {
        let at = self.at(after);
        if let Some(reading) = &mut self.llm {
            reading.observe(Lifecycle::FirstByte { at });
        }
    }

    /// An event came from upstream `after` the exchange began.
    pub(crate) fn llm_event(&mut self, event_type: &str, data: &str, after: Duration) {
        let received_at = self.at(after);
        if let Some(reading) = &mut self.llm {
            reading.observe(Lifecycle::Event { event_type, data, received_at });
        }
    }

    /// The exchange ended `after` it began.
    pub(crate) fn llm_end(&mut self, after: Duration) {
        let at = self.at(after);
        if let Some(reading) = &mut self.llm {
            reading.observe(Lifecycle::End { at });
        }
    }

    /// Its stream read as an LLM's: none when it is not a stream, or no provider's format
    /// fits its first events.
    pub fn llm(&self) -> Option<Summary> {
        self.llm.as_ref().and_then(|reading| reading.summary())
    }
}
