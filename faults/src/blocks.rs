//! A source's body cut into the blocks the engine takes, as it arrives in pieces of any size: an
//! event stream into its blocks (up to each blank line, with any of the spec's line endings), an
//! NDJSON stream into its lines (each an event), any other body into its pieces as they come.
//! The bytes are never changed; a block holds at most [`MAX_HELD_BYTES`] before its bytes are
//! passed on, so a line that never ends costs bounded memory.

use crate::engine::SourceBlock;
use crate::fit::BodyKind;

/// Bytes of one block held before they are passed on without waiting for its end.
pub const MAX_HELD_BYTES: usize = 1024 * 1024;
/// The start of a line kept to read its field once the rest of it has been passed on.
const LINE_HEAD: usize = 1024;

/// One block cut from a source's body, with the fields the spec reads in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnedBlock {
    pub bytes: Vec<u8>,
    /// It dispatches an event (an event stream's block with a `data` field; an NDJSON line).
    pub is_event: bool,
    pub id: Option<String>,
    pub retry_ms: Option<u64>,
}

impl OwnedBlock {
    pub fn as_source(&self) -> SourceBlock<'_> {
        SourceBlock {
            bytes: &self.bytes,
            is_event: self.is_event,
            id: self.id.as_deref(),
            retry_ms: self.retry_ms,
        }
    }
}

/// The fields read so far in the block being cut.
#[derive(Debug, Default)]
struct Fields {
    is_event: bool,
    id: Option<String>,
    retry_ms: Option<u64>,
}

/// Cuts one body into blocks.
#[derive(Debug)]
pub struct BlockSplitter {
    kind: BodyKind,
    /// Bytes of the block being cut not yet handed out.
    held: Vec<u8>,
    /// Where the line being read starts in `held`, and how far it has been looked at.
    line_start: usize,
    scanned: usize,
    /// The start of a line whose first bytes were handed out before it ended.
    line_head: Option<Vec<u8>>,
    fields: Fields,
}

impl BlockSplitter {
    pub fn new(kind: BodyKind) -> Self {
        Self { kind, held: Vec::new(), line_start: 0, scanned: 0, line_head: None, fields: Fields::default() }
    }

    /// The blocks `data` completes, in order.
    pub fn feed(&mut self, data: &[u8]) -> Vec<OwnedBlock> {
        if self.kind == BodyKind::Other {
            return vec![OwnedBlock { bytes: data.to_vec(), ..OwnedBlock::default() }];
        }
        self.held.extend_from_slice(data);
        let mut blocks = Vec::new();
        while let Some(end) = self.next_line_end() {
            let line = self.line(end.0);
            self.line_start = end.1;
            self.scanned = end.1;
            if let Some(block) = self.take_line(&line) {
                blocks.push(block);
            }
        }
        // A CR last waits for the next byte, to be looked at again.
        self.scanned = self.held.len() - usize::from(self.held.last() == Some(&b'\r'));
        if self.held.len() >= MAX_HELD_BYTES {
            blocks.push(self.pass_on_held());
        }
        blocks
    }

    /// What is left once the body ended: a last block that never ended, as bytes only (the
    /// spec dispatches no event the stream did not end with a blank line).
    pub fn finish(&mut self) -> Option<OwnedBlock> {
        let left = std::mem::take(&mut self.held);
        let is_event = self.kind == BodyKind::Ndjson && left.iter().any(|b| !b.is_ascii_whitespace());
        (!left.is_empty()).then(|| OwnedBlock { bytes: left, is_event, ..OwnedBlock::default() })
    }

    /// The next line's end in `held`: where its terminator starts and where the next line
    /// starts. A CR last in `held` waits for the next byte (it may be a CRLF).
    fn next_line_end(&self) -> Option<(usize, usize)> {
        let from = self.scanned.max(self.line_start);
        let at = from + self.held[from..].iter().position(|b| *b == b'\n' || *b == b'\r')?;
        match (self.held[at], self.held.get(at + 1)) {
            (b'\n', _) => Some((at, at + 1)),
            (_, Some(b'\n')) => Some((at, at + 2)),
            (_, Some(_)) => Some((at, at + 1)),
            (_, None) => None,
        }
    }

    /// The line ending at `end`, with its start if that was handed out already.
    fn line(&mut self, end: usize) -> Vec<u8> {
        let rest = &self.held[self.line_start..end];
        match self.line_head.take() {
            Some(mut head) => {
                head.extend_from_slice(&rest[..rest.len().min(LINE_HEAD.saturating_sub(head.len()))]);
                head
            }
            None => rest.to_vec(),
        }
    }

    /// Reads one whole line; the block it ends, if it ends one.
    fn take_line(&mut self, line: &[u8]) -> Option<OwnedBlock> {
        if self.kind == BodyKind::Ndjson {
            self.fields.is_event = line.iter().any(|b| !b.is_ascii_whitespace());
            return Some(self.cut_block());
        }
        if line.is_empty() {
            return Some(self.cut_block());
        }
        let colon = line.iter().position(|b| *b == b':');
        let (name, value) = match colon {
            Some(0) => return None,
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => self.fields.is_event = true,
            // An id with a NUL is ignored, as the spec says.
            b"id" if !value.contains(&0) => {
                self.fields.id = Some(String::from_utf8_lossy(value).into_owned())
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.fields.retry_ms = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
            }
            _ => {}
        }
        None
    }

    /// The block up to `line_start`, with its fields.
    fn cut_block(&mut self) -> OwnedBlock {
        let bytes: Vec<u8> = self.held.drain(..self.line_start).collect();
        self.scanned -= self.line_start;
        self.line_start = 0;
        let fields = std::mem::take(&mut self.fields);
        OwnedBlock { bytes, is_event: fields.is_event, id: fields.id, retry_ms: fields.retry_ms }
    }

    /// Hands out the held bytes of a block too large to hold, keeping its fields for its end
    /// and the start of its unfinished line.
    fn pass_on_held(&mut self) -> OwnedBlock {
        // A CR last stays: the next byte decides whether it is a CRLF.
        let end = self.held.len() - usize::from(self.held.last() == Some(&b'\r'));
        let unfinished = &self.held[self.line_start.min(end)..end];
        let head = self.line_head.get_or_insert_with(Vec::new);
        head.extend_from_slice(&unfinished[..unfinished.len().min(LINE_HEAD.saturating_sub(head.len()))]);
        let bytes: Vec<u8> = self.held.drain(..end).collect();
        self.line_start = 0;
        self.scanned = 0;
        OwnedBlock { bytes, ..OwnedBlock::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(blocks: &[OwnedBlock]) -> Vec<(String, bool, Option<String>, Option<u64>)> {
        blocks
            .iter()
            .map(|b| (String::from_utf8_lossy(&b.bytes).into_owned(), b.is_event, b.id.clone(), b.retry_ms))
            .collect()
    }

    fn block(
        bytes: &str,
        is_event: bool,
        id: Option<&str>,
        retry: Option<u64>,
    ) -> (String, bool, Option<String>, Option<u64>) {
        (bytes.to_owned(), is_event, id.map(str::to_owned), retry)
    }

    /// Blocks end at a blank line whatever the line endings (CRLF split across pieces too),
    /// with their fields read as the spec reads them; comments are not events.
    #[test]
    fn an_event_stream_is_cut_at_blank_lines_with_its_fields() {
        let body = b": ping\r\n\r\nid: 7\r\ndata: a\r\n\r\nretry:50\rid\0x: 9\r\r\xef\xbb\xbfdata\n\nid:8\ndata: b\n\ndata: tail";
        let mut whole = BlockSplitter::new(BodyKind::EventStream);
        let mut blocks = whole.feed(body);
        blocks.extend(whole.finish());
        let expected = vec![
            block(": ping\r\n\r\n", false, None, None),
            block("id: 7\r\ndata: a\r\n\r\n", true, Some("7"), None),
            block("retry:50\rid\0x: 9\r\r", false, None, Some(50)),
            block("\u{feff}data\n\n", false, None, None),
            block("id:8\ndata: b\n\n", true, Some("8"), None),
            block("data: tail", false, None, None),
        ];
        assert_eq!(fields(&blocks), expected);
        // A BOM is the stream's to skip only at its start: here it makes a field of another name.
        let mut bytewise = BlockSplitter::new(BodyKind::EventStream);
        let mut pieces: Vec<OwnedBlock> = body.iter().flat_map(|b| bytewise.feed(&[*b])).collect();
        pieces.extend(bytewise.finish());
        assert_eq!(fields(&pieces), expected, "fed a byte at a time");
    }

    /// NDJSON is cut into lines, each an event (blank ones not); other bodies pass piece by
    /// piece.
    #[test]
    fn ndjson_lines_are_events_and_other_bodies_pass_as_they_come() {
        let mut lines = BlockSplitter::new(BodyKind::Ndjson);
        let mut blocks = lines.feed(b"{\"a\":1}\n\n{\"b\"");
        blocks.extend(lines.feed(b":2}\n{\"c\":3}"));
        blocks.extend(lines.finish());
        assert_eq!(
            fields(&blocks),
            [
                block("{\"a\":1}\n", true, None, None),
                block("\n", false, None, None),
                block("{\"b\":2}\n", true, None, None),
                block("{\"c\":3}", true, None, None),
            ]
        );
        let mut other = BlockSplitter::new(BodyKind::Other);
        assert_eq!(fields(&other.feed(b"{\"x\"")), [block("{\"x\"", false, None, None)]);
        assert_eq!(other.finish(), None);
    }

    /// A block longer than the bound is handed out in pieces as it comes, its fields kept for
    /// its end: the event still counts once, and memory stays bounded.
    #[test]
    fn a_huge_block_is_passed_on_in_pieces() {
        let mut splitter = BlockSplitter::new(BodyKind::EventStream);
        let mut blocks = splitter.feed(b"id: big\ndata: ");
        let filler = vec![b'x'; MAX_HELD_BYTES / 2];
        for _ in 0..5 {
            blocks.extend(splitter.feed(&filler));
            assert!(splitter.held.len() < MAX_HELD_BYTES, "held {}", splitter.held.len());
        }
        blocks.extend(splitter.feed(b"\n\ndata: next\n\n"));
        let total: usize = blocks.iter().map(|b| b.bytes.len()).sum();
        assert_eq!(total, 14 + 5 * filler.len() + 2 + 12);
        let events: Vec<_> = blocks.iter().filter(|b| b.is_event).map(|b| b.id.clone()).collect();
        assert_eq!(events, [Some("big".to_owned()), None], "one event for the huge block, one after");
    }
}
