//! One reader from a stream's bytes to its events, for every place that reads a stream: a
//! subscription, the tap's record and a tapped stream opened in the inspector. What a body is
//! read as is decided here once, by its Content-Type: `text/event-stream` as EventSource reads
//! it, NDJSON / JSON Lines a line an event of type `line`.

use std::collections::VecDeque;
use std::time::Duration;

use crate::error::ParseError;
use crate::lines::{is_json_lines, JsonLines};
use crate::parser::{EventParser, ParsedEvent};

/// The type of the event an NDJSON line becomes.
pub const LINE_EVENT: &str = "line";

/// How a stream's body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    EventStream,
    JsonLines,
}

impl StreamFormat {
    /// By a Content-Type: `text/event-stream`, or NDJSON / JSON Lines; none for any other body.
    pub fn of(content_type: &str) -> Option<Self> {
        if sse_wire::has_essence(content_type, "text/event-stream") {
            Some(Self::EventStream)
        } else if is_json_lines(content_type) {
            Some(Self::JsonLines)
        } else {
            None
        }
    }
}

/// Events read from one stream's bodies, connection after connection: the last event id and
/// the reconnection time carry over from one body to the next, as EventSource keeps them.
#[derive(Debug)]
pub struct StreamReader {
    parser: EventParser,
    max_event_size: usize,
    /// The current body's lines, when it is NDJSON, and those read but not yet taken with
    /// where each ends in the body.
    lines: Option<JsonLines>,
    ready: VecDeque<(ParsedEvent, u64)>,
}

impl StreamReader {
    /// A reader that refuses events and lines longer than `max_event_size` bytes.
    pub fn new(max_event_size: usize) -> Self {
        Self { parser: EventParser::new(max_event_size), max_event_size, lines: None, ready: VecDeque::new() }
    }

    /// Starts with a last event ID, as after a reconnection.
    pub fn with_last_event_id(mut self, id: impl Into<String>) -> Self {
        self.parser = self.parser.with_last_event_id(id);
        self
    }

    /// A new body starts, written as `format`.
    pub fn begin(&mut self, format: StreamFormat) {
        self.ready.clear();
        self.lines = (format == StreamFormat::JsonLines).then(JsonLines::default);
    }

    /// Forgets the body read so far (bytes were missed: reading starts again at a new body);
    /// the last event ID goes with it.
    pub fn restart(&mut self) {
        self.parser = EventParser::new(self.max_event_size);
        self.ready.clear();
        if self.lines.is_some() {
            self.lines = Some(JsonLines::default());
        }
    }

    /// Appends received bytes of the current body.
    pub fn feed(&mut self, bytes: &[u8]) {
        let Some(lines) = &mut self.lines else { return self.parser.feed(bytes) };
        // A line has no id of its own: it carries the last one, as an event without `id:` does.
        let (ready, last_id) = (&mut self.ready, self.parser.last_event_id());
        lines.feed(bytes, |line| {
            let event = ParsedEvent {
                event: LINE_EVENT.to_owned(),
                data: line.text.to_owned(),
                id: last_id.to_owned(),
                id_set: false,
                retry: None,
                size: line.size,
            };
            ready.push_back((event, line.end));
        });
    }

    /// The next complete event and where its bytes end in the body; `Ok(None)` when more
    /// bytes are needed.
    pub fn next_event(&mut self) -> Result<Option<(ParsedEvent, u64)>, ParseError> {
        if self.lines.is_some() {
            return Ok(self.ready.pop_front());
        }
        Ok(self.parser.next_event()?.map(|event| (event, self.parser.position())))
    }

    /// The body ended: an event without its blank line is not dispatched, as in EventSource.
    pub fn finish(&mut self) {
        self.parser.finish();
    }

    /// What a reconnection sends as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// The latest reconnection time a `retry` field set, if any.
    pub fn reconnection_time(&self) -> Option<Duration> {
        self.parser.reconnection_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(reader: &mut StreamReader) -> Vec<(String, String, String, u64)> {
        std::iter::from_fn(|| reader.next_event().ok().flatten())
            .map(|(event, end)| (event.event, event.data, event.id, end))
            .collect()
    }

    /// The format is decided by the Content-Type's essence; anything else is not a stream.
    #[test]
    fn the_format_is_the_content_types() {
        assert_eq!(StreamFormat::of("Text/Event-Stream; charset=utf-8"), Some(StreamFormat::EventStream));
        assert_eq!(StreamFormat::of("application/x-ndjson"), Some(StreamFormat::JsonLines));
        assert_eq!(StreamFormat::of("application/json"), None);
    }

    /// An SSE body and then an NDJSON one, read by one reader: events with where they end; a
    /// line carries the last event ID.
    #[test]
    fn sse_and_ndjson_bodies_read_alike() {
        let mut reader = StreamReader::new(1024).with_last_event_id("0");
        reader.begin(StreamFormat::EventStream);
        reader.feed(b"id: 7\ndata: a\n\ndata: b");
        assert_eq!(drain(&mut reader), [("message".into(), "a".into(), "7".into(), 15)]);
        reader.finish();
        reader.begin(StreamFormat::JsonLines);
        reader.feed(b"{\"n\":1}\r\n\n{\"n\"");
        reader.feed(b":2}\n");
        assert_eq!(
            drain(&mut reader),
            [
                ("line".into(), "{\"n\":1}".into(), "7".into(), 9),
                ("line".into(), "{\"n\":2}".into(), "7".into(), 18)
            ]
        );
        assert_eq!(reader.last_event_id(), "7");
        reader.restart();
        assert_eq!(reader.last_event_id(), "");
    }
}
