//! The WHATWG "Interpreting an event stream" algorithm, on bytes, with no I/O.
//!
//! Feed bytes as they arrive with [`EventParser::feed`], then call [`EventParser::next_event`]
//! until it returns `Ok(None)` (it needs more bytes). Chunk boundaries never change the result.

use std::time::Duration;

use crate::error::ParseError;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The default limit on one event (its data) and on one line: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

/// One dispatched event, as EventSource would deliver it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedEvent {
    /// The event type; `message` when the block set none.
    pub event: String,
    pub data: String,
    /// The last event ID buffer at dispatch time (it persists across events).
    pub id: String,
    /// Whether this event's own block set the id (else `id` is carried over).
    pub id_set: bool,
    /// The reconnection time, when this event's block set one.
    pub retry: Option<Duration>,
    /// Bytes of the block that made this event, line terminators included.
    pub size: usize,
}

/// A byte-level SSE parser. One per connection; keep [`EventParser::last_event_id`] across
/// reconnections with [`EventParser::with_last_event_id`].
#[derive(Debug)]
pub struct EventParser {
    /// Received bytes; those before `start` are consumed. Compacted on `feed`, so consuming a
    /// line never moves the rest of the buffer.
    pending: Vec<u8>,
    start: usize,
    /// How far (absolute in `pending`) has been searched for a line terminator already.
    scanned: usize,
    /// The current line, reused so that lines cost no allocation.
    line: Vec<u8>,
    /// Whether the stream's first bytes have been checked for a BOM.
    bom_checked: bool,
    /// The previous line ended with CR: an LF right after it belongs to that line ending.
    after_cr: bool,
    data: String,
    event_type: String,
    /// The spec's "last event ID buffer": set by `id:` fields as they are read.
    id_buffer: String,
    /// The event source's "last event ID string": the buffer as of the last dispatch. This,
    /// not the buffer, is what a reconnection sends: a block cut off before its blank line was
    /// never dispatched, so its id must not count as received.
    last_event_id: String,
    block_retry: Option<Duration>,
    block_id_set: bool,
    block_size: usize,
    reconnection_time: Option<Duration>,
    max_event_size: usize,
    /// Bytes of this connection's stream consumed so far (the BOM included).
    position: u64,
}

impl Default for EventParser {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_EVENT_SIZE)
    }
}

impl EventParser {
    /// A parser that refuses lines and event data longer than `max_event_size` bytes.
    pub fn new(max_event_size: usize) -> Self {
        Self {
            pending: Vec::new(),
            start: 0,
            scanned: 0,
            line: Vec::new(),
            bom_checked: false,
            after_cr: false,
            data: String::new(),
            event_type: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            block_retry: None,
            block_id_set: false,
            block_size: 0,
            reconnection_time: None,
            max_event_size,
            position: 0,
        }
    }

    /// Starts with a last event ID, as after a reconnection.
    pub fn with_last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = id.into();
        self.id_buffer = self.last_event_id.clone();
        self
    }

    /// Appends received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.start > 0 {
            self.pending.drain(..self.start);
            self.scanned = self.scanned.saturating_sub(self.start);
            self.start = 0;
        }
        self.pending.extend_from_slice(bytes);
    }

    fn unconsumed(&self) -> &[u8] {
        &self.pending[self.start..]
    }

    fn consume(&mut self, count: usize) {
        self.start += count;
        self.position += count as u64;
        self.scanned = self.scanned.max(self.start);
    }

    /// The last event ID as of the last dispatched block: what a reconnection sends as
    /// `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The latest reconnection time a `retry` field set, if any.
    pub fn reconnection_time(&self) -> Option<Duration> {
        self.reconnection_time
    }

    /// Bytes of this connection's stream consumed so far: right after an event is returned,
    /// where its block ends (its `size` bytes end here). Starts at 0 on each connection.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The next complete event, `Ok(None)` when more bytes are needed.
    pub fn next_event(&mut self) -> Result<Option<ParsedEvent>, ParseError> {
        loop {
            if !self.bom_checked {
                // "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM),
                // if any." Only at the very start of the stream, and only once, even when the
                // BOM is split across chunks.
                if self.unconsumed().len() < BOM.len() && BOM.starts_with(self.unconsumed()) {
                    return Ok(None);
                }
                if self.unconsumed().starts_with(BOM) {
                    self.consume(BOM.len());
                }
                self.bom_checked = true;
            }
            if self.after_cr {
                match self.unconsumed().first() {
                    None => return Ok(None),
                    // The LF of a CRLF pair that was split across chunks: not a new line.
                    Some(b'\n') => {
                        self.consume(1);
                        self.block_size += 1;
                    }
                    Some(_) => {}
                }
                self.after_cr = false;
            }
            let Some(line_len) = self.find_line_end() else {
                if self.unconsumed().len() > self.max_event_size {
                    return Err(self.too_large("line"));
                }
                return Ok(None);
            };
            // "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF)
            // character pair, a single U+000A LINE FEED (LF) character, or a single U+000D
            // CARRIAGE RETURN (CR) character." A CR ends the line at once, so an event whose
            // blank line ends in a lone CR is dispatched without waiting for more bytes.
            let rest = &self.pending[self.start..];
            let mut consumed = line_len + 1;
            if rest[line_len] == b'\r' {
                match rest.get(consumed) {
                    Some(b'\n') => consumed += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            let mut line = std::mem::take(&mut self.line);
            line.clear();
            line.extend_from_slice(&self.pending[self.start..self.start + line_len]);
            self.consume(consumed);
            self.block_size += consumed;
            let processed = self.process_line(&line);
            self.line = line;
            if let Some(event) = processed? {
                return Ok(Some(event));
            }
        }
    }

    /// The length of the next line in the unconsumed bytes, if its terminator has arrived.
    fn find_line_end(&mut self) -> Option<usize> {
        let found = memchr::memchr2(b'\r', b'\n', &self.pending[self.scanned..]);
        match found {
            Some(offset) => Some(self.scanned + offset - self.start),
            None => {
                self.scanned = self.pending.len();
                None
            }
        }
    }

    fn too_large(&mut self, what: &'static str) -> ParseError {
        // Drop what was buffered, so a caller that goes on does not grow without bound.
        self.pending.clear();
        self.start = 0;
        self.scanned = 0;
        self.data.clear();
        ParseError::TooLarge { what, limit: self.max_event_size }
    }

    fn process_line(&mut self, line: &[u8]) -> Result<Option<ParsedEvent>, ParseError> {
        // "If the line is empty (a blank line): Dispatch the event."
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        // "If the line starts with a U+003A COLON character (:): Ignore the line."
        if line[0] == b':' {
            return Ok(None);
        }
        // "If the line contains a U+003A COLON character (:): Collect the characters on the
        // line before the first U+003A COLON character (:), and let field be that string.
        // Collect the characters on the line after the first U+003A COLON character (:), and
        // let value be that string. If value starts with a U+0020 SPACE character, remove it
        // from value." "Otherwise, the string is not empty but does not contain a U+003A COLON
        // character (:): Process the field using the whole line as the field name, and the
        // empty string as the field value."
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        // Invalid UTF-8 decodes to U+FFFD, as the spec's UTF-8 decode does; line terminators
        // are ASCII, so decoding line by line equals decoding the stream.
        match field {
            // "If the field name is "event": Set the event type buffer to field value."
            b"event" => self.event_type = String::from_utf8_lossy(value).into_owned(),
            // "If the field name is "data": Append the field value to the data buffer, then
            // append a single U+000A LINE FEED (LF) character to the data buffer."
            b"data" => {
                // Checked after decoding: each invalid byte becomes U+FFFD, three bytes long.
                let value = String::from_utf8_lossy(value);
                if self.data.len() + value.len() + 1 > self.max_event_size {
                    return Err(self.too_large("event"));
                }
                self.data.push_str(&value);
                self.data.push('\n');
            }
            // "If the field name is "id": If the field value does not contain U+0000 NULL, then
            // set the last event ID buffer to the field value. Otherwise, ignore the field."
            b"id" if !value.contains(&0) => {
                self.id_buffer = String::from_utf8_lossy(value).into_owned();
                self.block_id_set = true;
            }
            // "If the field name is "retry": If the field value consists of only ASCII digits,
            // then interpret the field value as an integer in base ten, and set the event
            // stream's reconnection time to that integer. Otherwise, ignore the field."
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits: only overflow can fail, and a huge time is "never" anyway.
                let millis = std::str::from_utf8(value)
                    .ok()
                    .and_then(|digits| digits.parse::<u64>().ok())
                    .unwrap_or(u64::MAX);
                let time = Duration::from_millis(millis);
                self.reconnection_time = Some(time);
                self.block_retry = Some(time);
            }
            // "Otherwise: The field is ignored." (So are an `id` with NUL and a `retry` that is
            // not all digits.)
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<ParsedEvent> {
        let size = std::mem::take(&mut self.block_size);
        let retry = self.block_retry.take();
        let id_set = std::mem::take(&mut self.block_id_set);
        // "Set the last event ID string of the event source to the value of the last event ID
        // buffer. The buffer does not get reset, so the last event ID string of the event
        // source remains set to this value until the next time it is set by the server."
        self.last_event_id.clone_from(&self.id_buffer);
        // "If the data buffer is an empty string, set the data buffer and the event type
        // buffer to the empty string and return."
        if self.data.is_empty() {
            self.event_type.clear();
            return None;
        }
        // "If the data buffer's last character is a U+000A LINE FEED (LF) character, then
        // remove the last character from the data buffer."
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        // "Initialize event's type attribute to "message" ... If the event type buffer has a
        // value other than the empty string, change the type of the newly created event to
        // equal the value of the event type buffer."
        let event = match std::mem::take(&mut self.event_type) {
            name if name.is_empty() => "message".to_owned(),
            name => name,
        };
        Some(ParsedEvent { event, data, id: self.last_event_id.clone(), id_set, retry, size })
    }

    /// Call at the end of the stream. "Once the end of the file is reached, any pending data
    /// must be discarded. (If the file ends in the middle of an event, before the final empty
    /// line, the incomplete event is not dispatched.)" Returns whether anything was discarded.
    pub fn finish(&mut self) -> bool {
        let discarded = !self.unconsumed().is_empty() || !self.data.is_empty() || !self.event_type.is_empty();
        self.pending.clear();
        self.start = 0;
        self.scanned = 0;
        self.data.clear();
        self.event_type.clear();
        // An id read in the discarded block was never dispatched: back to the last one that was.
        self.id_buffer.clone_from(&self.last_event_id);
        self.block_retry = None;
        self.block_id_set = false;
        self.block_size = 0;
        // A new connection starts a new stream: its first bytes are checked for a BOM again.
        self.bom_checked = false;
        self.after_cr = false;
        self.position = 0;
        discarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `chunks` in order and returns every event as (type, data, id).
    fn parse(chunks: &[&[u8]]) -> Vec<(String, String, String)> {
        let mut parser = EventParser::default();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk);
            while let Some(event) = parser.next_event().unwrap() {
                events.push((event.event, event.data, event.id));
            }
        }
        parser.finish();
        events
    }

    fn one(t: &str, d: &str, i: &str) -> (String, String, String) {
        (t.to_owned(), d.to_owned(), i.to_owned())
    }

    #[test]
    fn every_split_of_a_stream_gives_the_same_events() {
        let stream: &[u8] =
            b"\xEF\xBB\xBFdata: a\r\n\r\nevent: x\rdata: \xE2\x82\xAC\r\rid: 1\ndata\n\n: c\ndata:b\n\n";
        let expected = parse(&[stream]);
        assert_eq!(
            expected,
            [
                one("message", "a", ""),
                one("x", "\u{20AC}", ""),
                one("message", "", "1"),
                one("message", "b", "1")
            ]
        );
        for first in 0..=stream.len() {
            for second in first..=stream.len() {
                let chunks = [&stream[..first], &stream[first..second], &stream[second..]];
                assert_eq!(parse(&chunks), expected, "split at {first} and {second}");
            }
        }
    }

    // Each `eventsource_stream_*` test feeds the input on which eventsource-stream 0.2.3
    // deviates from the spec, and checks that this parser does what the spec says.

    /// eventsource-stream panics slicing `&chunk[1..]` inside the 3-byte BOM.
    #[test]
    fn eventsource_stream_bom_panic_is_fixed() {
        assert_eq!(parse(&[b"\xEF\xBB\xBFdata: x\n\n"]), [one("message", "x", "")]);
    }

    /// eventsource-stream only looks for the BOM in the first chunk, so a BOM split across the
    /// first chunks (or after an empty first chunk) reaches the parser.
    #[test]
    fn eventsource_stream_split_bom_is_fixed() {
        assert_eq!(parse(&[b"", b"\xEF\xBB", b"\xBFdata: x\n\n"]), [one("message", "x", "")]);
    }

    /// eventsource-stream stalls silently on invalid UTF-8; the spec decodes it to U+FFFD.
    #[test]
    fn eventsource_stream_invalid_utf8_stall_is_fixed() {
        assert_eq!(
            parse(&[b"data: \xC3\x28\n\n", b"data: next\n\n"]),
            [one("message", "\u{FFFD}(", ""), one("message", "next", "")]
        );
    }

    /// eventsource-stream holds an event whose blank line is a lone CR at the end of a chunk
    /// until more bytes arrive (it waits to see whether an LF follows).
    #[test]
    fn eventsource_stream_lone_cr_hold_is_fixed() {
        let mut parser = EventParser::default();
        parser.feed(b"data: now\r\r");
        assert_eq!(parser.next_event().unwrap().map(|e| e.data), Some("now".into()));
    }

    /// eventsource-stream buffers a line without limit; one endless line exhausts memory.
    #[test]
    fn eventsource_stream_unbounded_line_is_fixed() {
        let mut parser = EventParser::new(1024);
        for _ in 0..100 {
            parser.feed(&[b'x'; 100]);
            if let Err(error) = parser.next_event() {
                assert_eq!(error.to_string(), "line larger than the 1024-byte limit");
                return;
            }
        }
        panic!("a 10,000-byte line was accepted under a 1024-byte limit");
    }

    #[test]
    fn a_lone_cr_blank_line_dispatches_without_waiting() {
        let mut parser = EventParser::default();
        parser.feed(b"data: x\r\r");
        assert_eq!(parser.next_event().unwrap().map(|e| e.data), Some("x".into()));
        // The LF that may follow belongs to the previous CR, not a new blank line.
        parser.feed(b"\ndata: y\n\n");
        assert_eq!(parser.next_event().unwrap().map(|e| e.data), Some("y".into()));
    }

    #[test]
    fn only_one_leading_bom_is_stripped() {
        assert_eq!(parse(&[b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n"]), []);
        assert_eq!(parse(&[b"\xEF", b"\xBB", b"\xBFdata: x\n\n"]), [one("message", "x", "")]);
        assert_eq!(parse(&[b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"]), [one("message", "x", "")]);
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(parse(&[b"data: a\xFFb\xE2\x82\n\n"]), [one("message", "a\u{FFFD}b\u{FFFD}", "")]);
    }

    #[test]
    fn field_rules() {
        // One leading space removed, no more; a field with no colon has an empty value.
        assert_eq!(parse(&[b"data:  two\n\n"]), [one("message", " two", "")]);
        assert_eq!(parse(&[b"data\ndata\ndata: x\n\n"]), [one("message", "\n\nx", "")]);
        // No data, no dispatch; the type resets after a block.
        assert_eq!(parse(&[b"event: x\n\ndata: y\n\n"]), [one("message", "y", "")]);
        // An id with NUL is ignored; an empty id resets it.
        assert_eq!(
            parse(&[b"id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid\ndata: c\n\n"]),
            [one("message", "a", "1"), one("message", "b", "1"), one("message", "c", "")]
        );
        // Unknown fields and comments are ignored; field names are case-sensitive.
        assert_eq!(parse(&[b"Data: no\nfoo: bar\n: hi\ndata: ok\n\n"]), [one("message", "ok", "")]);
    }

    #[test]
    fn retry_needs_only_ascii_digits() {
        let mut parser = EventParser::default();
        parser.feed(b"retry: 1500\ndata: a\n\nretry: 1x\ndata: b\n\nretry:\ndata: c\n\nretry: -1\n\n");
        let a = parser.next_event().unwrap().unwrap();
        assert_eq!(a.retry, Some(Duration::from_millis(1500)));
        let b = parser.next_event().unwrap().unwrap();
        assert_eq!(b.retry, None, "only the block that sets retry carries it");
        assert_eq!(parser.next_event().unwrap().unwrap().retry, None);
        assert_eq!(parser.next_event().unwrap(), None);
        assert_eq!(parser.reconnection_time(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn an_unterminated_event_is_discarded_at_the_end() {
        let mut parser = EventParser::default();
        parser.feed(b"data: done\n\ndata: half");
        assert!(parser.next_event().unwrap().is_some());
        assert_eq!(parser.next_event().unwrap(), None);
        assert!(parser.finish());
        parser.feed(b"\n\n");
        assert_eq!(parser.next_event().unwrap(), None, "nothing left to dispatch");
    }

    #[test]
    fn the_last_event_id_survives_finish_and_can_be_preset() {
        let mut parser = EventParser::default().with_last_event_id("41");
        parser.feed(b"data: x\n\n");
        assert_eq!(parser.next_event().unwrap().unwrap().id, "41");
        parser.finish();
        assert_eq!(parser.last_event_id(), "41");
    }

    /// The Last-Event-ID a reconnection sends is the id of the last dispatched block: an id
    /// read in a block the connection lost before its blank line does not count.
    #[test]
    fn an_id_in_a_block_cut_off_before_dispatch_is_not_the_last_event_id() {
        let mut parser = EventParser::default();
        parser.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b");
        assert_eq!(parser.next_event().unwrap().unwrap().id, "1");
        assert_eq!(parser.next_event().unwrap(), None);
        assert_eq!(parser.last_event_id(), "1");
        assert!(parser.finish());
        assert_eq!(parser.last_event_id(), "1", "event 2 was never dispatched");
        // The next connection resends event 2, and an id-only block still moves the id on.
        parser.feed(b"id: 2\ndata: b\n\nid: 3\n\n");
        assert_eq!(parser.next_event().unwrap().unwrap().id, "2");
        assert_eq!(parser.next_event().unwrap(), None);
        assert_eq!(parser.last_event_id(), "3");
    }

    #[test]
    fn id_set_tells_an_events_own_id_from_a_carried_one() {
        let mut parser = EventParser::default();
        parser.feed(b"id: 1\ndata: a\n\ndata: b\n\nid: 1\ndata: c\n\nid\n\ndata: d\n\n");
        let ids: Vec<(String, bool)> =
            std::iter::from_fn(|| parser.next_event().unwrap()).map(|e| (e.id, e.id_set)).collect();
        let expected = [("1", true), ("1", false), ("1", true), ("", false)];
        assert_eq!(ids, expected.map(|(id, set)| (id.to_owned(), set)));
    }

    /// Found by fuzzing: invalid UTF-8 grows threefold when decoded (each byte becomes
    /// U+FFFD), so the size limit applies to the decoded data.
    #[test]
    fn the_size_limit_holds_for_data_that_grows_when_decoded() {
        let mut parser = EventParser::new(64);
        let mut stream = b"data: ".to_vec();
        stream.extend([0xa4; 40]);
        stream.extend_from_slice(b"\n\n");
        parser.feed(&stream);
        assert!(parser.next_event().is_err(), "40 invalid bytes decode to 120 bytes, over 64");
    }

    #[test]
    fn sizes_count_the_whole_block() {
        let mut parser = EventParser::default();
        parser.feed(b": c\r\nid: 1\r\ndata: ab\r\n\r\n");
        assert_eq!(parser.next_event().unwrap().unwrap().size, 24);
    }

    #[test]
    fn oversized_lines_and_events_are_errors() {
        let mut parser = EventParser::new(16);
        parser.feed(&[b'a'; 17]);
        let error = parser.next_event().unwrap_err().to_string();
        assert_eq!(error, "line larger than the 16-byte limit");

        let mut parser = EventParser::new(16);
        parser.feed(b"data: 0123456789\ndata: 0123456789\n\n");
        assert_eq!(parser.next_event().unwrap_err().to_string(), "event larger than the 16-byte limit");
    }
}
