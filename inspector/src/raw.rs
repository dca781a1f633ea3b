//! The last bytes a subscription received, exactly: the raw view shows them as lines with
//! their endings (LF, CR or CRLF), comments and keep-alives told apart, and where each
//! connection began. Offsets count bytes across all of the subscription's connections.

use std::collections::VecDeque;

use serde::Serialize;
use sse_subscriber::Compressed;

/// Raw bytes kept per subscription by default.
pub const DEFAULT_RAW_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum LineEnding {
    Lf,
    Cr,
    Crlf,
    /// The line has not ended (yet): the last bytes received.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum LineKind {
    /// `field: value` (or a field name alone).
    Field,
    /// Starts with `:`; keep-alives are comments.
    Comment,
    /// Empty: ends (dispatches) an event block.
    Blank,
    /// Not bytes: a connection began here.
    ConnectionStart,
    /// Not bytes: a network read (a chunk as it came off the wire) began in the next line; its
    /// size in `text`.
    Read,
}

/// One line as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RawLine {
    /// Where it starts, in the subscription's byte offsets.
    pub offset: u64,
    /// The line without its ending; a byte that is not UTF-8 as an escape (`\xff`), so the
    /// bytes show as received. For a connection start, which connection.
    pub text: String,
    pub ending: LineEnding,
    pub kind: LineKind,
}

/// The raw view: the last lines, and how much of the stream they cover.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RawView {
    pub lines: Vec<RawLine>,
    /// Bytes received in all.
    pub total_bytes: u64,
    /// Bytes still kept (the view shows the end of them).
    pub kept_bytes: u64,
}

/// The last received bytes, bounded. They are copied into blocks of its own: a network
/// chunk is a slice of a read buffer many times its size, and keeping the slice would keep
/// the whole buffer (a 40-byte event could hold 8 KiB).
pub struct RawCapture {
    /// (offset of the first byte, bytes): every block but the last is full.
    blocks: VecDeque<(u64, Vec<u8>)>,
    block_size: usize,
    kept: usize,
    budget: usize,
    total: u64,
    /// Connection starts: (offset, connection number).
    starts: VecDeque<(u64, u32)>,
    /// Network reads, the newest [`MAX_READS`].
    reads: VecDeque<ReadMark>,
}

/// Where one network read began, and what it brought.
#[derive(Debug, Clone, Copy)]
struct ReadMark {
    offset: u64,
    /// Bytes it added to the stream (decoded, when compressed).
    size: u32,
    /// When the body is compressed: the encoding, and the read's size on the wire.
    compressed: Option<(&'static str, u32)>,
}

impl ReadMark {
    /// `read of 37 bytes, gzip, 120 decoded`, `read of 1 byte`.
    fn describe(&self) -> String {
        let bytes = |n: u32| if n == 1 { "1 byte".to_owned() } else { format!("{n} bytes") };
        match self.compressed {
            Some((encoding, wire)) => format!("read of {}, {encoding}, {} decoded", bytes(wire), self.size),
            None => format!("read of {}", bytes(self.size)),
        }
    }
}

/// The most reads remembered (a stream of one-byte reads must not cost more than its bytes).
const MAX_READS: usize = 65_536;

impl RawCapture {
    /// Keeps about the last `budget` bytes (whole blocks of a 64th of it, at most 64 KiB).
    pub fn new(budget: usize) -> Self {
        let block_size = (budget / 64).clamp(1, 64 * 1024);
        Self {
            blocks: VecDeque::new(),
            block_size,
            kept: 0,
            budget,
            total: 0,
            starts: VecDeque::new(),
            reads: VecDeque::new(),
        }
    }

    /// Bytes received in all: the offset the next byte gets.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The offset of the oldest byte still kept.
    fn first_kept(&self) -> u64 {
        self.blocks.front().map_or(self.total, |(offset, _)| *offset)
    }

    /// Marks where connection `number` begins.
    pub fn begin_connection(&mut self, number: u32) {
        self.starts.push_back((self.total, number));
    }

    /// Keeps the bytes of one network read.
    pub fn push(&mut self, bytes: &[u8]) {
        self.push_read(bytes, None);
    }

    /// Keeps the bytes of one network read; `compressed`: they were decoded from a read of a
    /// compressed body (its encoding and size on the wire).
    pub fn push_read(&mut self, mut bytes: &[u8], compressed: Option<&Compressed>) {
        let mut offset = self.total;
        if !bytes.is_empty() {
            if self.reads.len() == MAX_READS {
                self.reads.pop_front();
            }
            let size = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            let compressed =
                compressed.map(|c| (c.encoding, u32::try_from(c.wire_bytes).unwrap_or(u32::MAX)));
            self.reads.push_back(ReadMark { offset, size, compressed });
        }
        self.total += bytes.len() as u64;
        self.kept += bytes.len();
        let block_size = self.block_size;
        while !bytes.is_empty() {
            let room = self.blocks.back().map_or(0, |(_, block)| block_size - block.len());
            if room == 0 {
                self.blocks.push_back((offset, Vec::with_capacity(block_size)));
                continue;
            }
            let (now, rest) = bytes.split_at(room.min(bytes.len()));
            if let Some((_, block)) = self.blocks.back_mut() {
                block.extend_from_slice(now);
            }
            offset += now.len() as u64;
            bytes = rest;
        }
        while self.kept > self.budget && self.blocks.len() > 1 {
            if let Some((_, dropped)) = self.blocks.pop_front() {
                self.kept -= dropped.len();
            }
        }
        let first = self.first_kept();
        while self.starts.front().is_some_and(|(offset, _)| *offset < first) && self.starts.len() > 1 {
            self.starts.pop_front();
        }
        while self.reads.front().is_some_and(|read| read.offset < first) {
            self.reads.pop_front();
        }
    }

    /// Bytes `start..end`, if all of them are still kept.
    pub fn slice(&self, start: u64, end: u64) -> Option<Vec<u8>> {
        if start < self.first_kept() || end > self.total || start > end {
            return None;
        }
        let mut out = Vec::with_capacity(usize::try_from(end - start).ok()?);
        for (offset, chunk) in &self.blocks {
            let chunk_end = offset + chunk.len() as u64;
            if chunk_end <= start || *offset >= end {
                continue;
            }
            let from = usize::try_from(start.saturating_sub(*offset)).ok()?;
            let to = usize::try_from(end.min(chunk_end) - offset).ok()?;
            out.extend_from_slice(&chunk[from..to]);
        }
        Some(out)
    }

    /// The lines of `start..end` (which must be kept), with connection starts and network
    /// reads between them.
    pub fn lines(&self, start: u64, end: u64) -> Option<Vec<RawLine>> {
        let bytes = self.slice(start, end)?;
        let lines = split_lines(&bytes, start);
        // Each mark with the index of the line it goes before, placed against the lines alone
        // (not against marks already placed, whose offsets are not in line order).
        let mut marks: Vec<(usize, RawLine)> = Vec::new();
        for (offset, number) in self.starts.iter().filter(|(offset, _)| (start..end).contains(offset)) {
            let at = lines.partition_point(|line| line.offset < *offset);
            let text = format!("connection {number}");
            marks.push((
                at,
                RawLine { offset: *offset, text, ending: LineEnding::None, kind: LineKind::ConnectionStart },
            ));
        }
        for read in self.reads.iter().filter(|read| (start..end).contains(&read.offset)) {
            // Before the line the read began in, saying where in it when not at its start.
            let at = lines.partition_point(|line| line.offset <= read.offset).saturating_sub(1);
            let within = lines.get(at).map_or(0, |line| read.offset.saturating_sub(line.offset));
            let mut text = read.describe();
            if within > 0 {
                text.push_str(&format!(", from byte {} of the next line", within + 1));
            }
            marks.push((
                at,
                RawLine { offset: read.offset, text, ending: LineEnding::None, kind: LineKind::Read },
            ));
        }
        // Stable: at one line, connection starts first, then reads in the order they came.
        marks.sort_by_key(|(at, _)| *at);
        let mut marks = marks.into_iter().peekable();
        let mut out = Vec::with_capacity(lines.len() + marks.len());
        for (index, line) in lines.into_iter().enumerate() {
            while let Some((_, mark)) = marks.next_if(|(at, _)| *at <= index) {
                out.push(mark);
            }
            out.push(line);
        }
        out.extend(marks.map(|(_, mark)| mark));
        Some(out)
    }

    /// The last lines within `max_bytes` of the end, starting at a line's start.
    pub fn tail(&self, max_bytes: usize) -> RawView {
        let first = self.first_kept();
        let mut start = self.total.saturating_sub(max_bytes as u64).max(first);
        if start > first {
            // Skip the partial line the cut falls in.
            if let Some(bytes) = self.slice(start, self.total) {
                let skip = memchr_line_end(&bytes).unwrap_or(bytes.len());
                start += skip as u64;
            }
        }
        RawView {
            lines: self.lines(start, self.total).unwrap_or_default(),
            total_bytes: self.total,
            kept_bytes: self.total - first,
        }
    }

    /// Forgets the kept bytes; offsets go on.
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.kept = 0;
        self.starts.retain(|(offset, _)| *offset >= self.total);
        self.reads.clear();
    }
}

/// Bytes up to and including the first line ending (CRLF counts as one).
fn memchr_line_end(bytes: &[u8]) -> Option<usize> {
    let at = bytes.iter().position(|b| matches!(b, b'\r' | b'\n'))?;
    Some(if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 })
}

/// The bytes as text, each byte that is not part of valid UTF-8 written `\xNN`.
pub fn escape_invalid_utf8(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02x}"));
        }
    }
    text
}

/// Splits bytes into lines as the SSE parser does: CRLF, LF or CR ends a line; `base` is the
/// first byte's offset. (A CR that ends the bytes reads as a CR line end.)
pub fn split_lines(bytes: &[u8], base: u64) -> Vec<RawLine> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let rest = &bytes[start..];
        let (len, ending, consumed) = match rest.iter().position(|b| matches!(b, b'\r' | b'\n')) {
            None => (rest.len(), LineEnding::None, rest.len()),
            Some(at) if rest[at] == b'\n' => (at, LineEnding::Lf, at + 1),
            Some(at) if rest.get(at + 1) == Some(&b'\n') => (at, LineEnding::Crlf, at + 2),
            Some(at) => (at, LineEnding::Cr, at + 1),
        };
        let line = &rest[..len];
        let kind = match line.first() {
            None => LineKind::Blank,
            Some(b':') => LineKind::Comment,
            Some(_) => LineKind::Field,
        };
        lines.push(RawLine { offset: base + start as u64, text: escape_invalid_utf8(line), ending, kind });
        start += consumed;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn shape(lines: &[RawLine]) -> Vec<(String, LineEnding, LineKind)> {
        lines.iter().map(|l| (l.text.clone(), l.ending, l.kind)).collect()
    }

    #[test]
    fn lines_keep_their_endings_and_kinds() {
        let lines = split_lines(b": ping\r\ndata: a\rdata: b\n\r\nid", 100);
        use LineEnding::*;
        use LineKind::*;
        assert_eq!(
            shape(&lines),
            [
                (": ping".into(), Crlf, Comment),
                ("data: a".into(), Cr, Field),
                ("data: b".into(), Lf, Field),
                (String::new(), Crlf, Blank),
                ("id".into(), None, Field),
            ]
        );
        assert_eq!(lines[1].offset, 108);
    }

    /// Raw shows the bytes as received: a byte that is not UTF-8 is an escape, not U+FFFD.
    #[test]
    fn invalid_utf8_shows_as_escapes() {
        let lines = split_lines(b"data: caf\xc3\xa9 \xff\xfe!\ndata: \xe2\x82\n", 0);
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["data: café \\xff\\xfe!", "data: \\xe2\\x82"]);
    }

    #[test]
    fn the_capture_is_bounded_and_slices_across_chunks() {
        let mut raw = RawCapture::new(13);
        raw.begin_connection(1);
        raw.push(&Bytes::from_static(b"data: 1\n"));
        raw.push(&Bytes::from_static(b"\ndata"));
        assert_eq!(raw.slice(6, 11), Some(b"1\n\nda".to_vec()));
        raw.push(&Bytes::from_static(b": 2\n\n"));
        assert_eq!(raw.total(), 18);
        assert_eq!(raw.slice(0, 4), None, "dropped beyond the budget");
        assert_eq!(raw.slice(8, 18), Some(b"\ndata: 2\n\n".to_vec()));
        assert_eq!(raw.slice(8, 19), None, "not received yet");
    }

    #[test]
    fn the_tail_starts_on_a_line_and_marks_connections() {
        let mut raw = RawCapture::new(1024);
        raw.begin_connection(1);
        raw.push(&Bytes::from_static(b"data: one\n\n"));
        raw.begin_connection(2);
        raw.push(&Bytes::from_static(b": hi\ndata: two\n\n"));
        let all = raw.tail(1024);
        let kinds: Vec<_> = all.lines.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (LineKind::ConnectionStart, "connection 1"),
                (LineKind::Read, "read of 11 bytes"),
                (LineKind::Field, "data: one"),
                (LineKind::Blank, ""),
                (LineKind::ConnectionStart, "connection 2"),
                (LineKind::Read, "read of 16 bytes"),
                (LineKind::Comment, ": hi"),
                (LineKind::Field, "data: two"),
                (LineKind::Blank, ""),
            ]
        );
        let tail = raw.tail(12);
        let texts: Vec<_> = tail.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["data: two", ""], "the cut line `hi` is skipped");
        assert_eq!(tail.total_bytes, 27);
    }

    /// Raw marks every read right however the reads split the stream: at every pair of cut
    /// points of a short stream (so lines span one, two and three reads), the lines are the
    /// stream's, and each read's mark sits before the line it began in, saying where in it.
    #[test]
    fn reads_split_at_every_offset_are_marked_right() {
        let stream: &[u8] = b"data: a\n\ndata: bb\r\n\r\n: c\rdata: d\n\n";
        let whole = split_lines(stream, 0);
        for first in 1..stream.len() {
            for second in first + 1..stream.len() {
                let mut raw = RawCapture::new(1024);
                raw.begin_connection(1);
                for read in [&stream[..first], &stream[first..second], &stream[second..]] {
                    raw.push(read);
                }
                let view = raw.tail(1024);
                let kept: Vec<_> = view.lines.iter().filter(|l| !is_mark(l)).cloned().collect();
                assert_eq!(kept, whole, "cuts at {first} and {second}");
                let marks: Vec<_> =
                    view.lines.iter().filter(|l| l.kind == LineKind::Read).map(|l| l.offset).collect();
                assert_eq!(marks, [0, first as u64, second as u64], "cuts at {first} and {second}");
                for (index, mark) in view.lines.iter().enumerate().filter(|(_, l)| l.kind == LineKind::Read) {
                    let line =
                        view.lines[index..].iter().find(|l| !is_mark(l)).expect("a line after each mark");
                    let within = mark.offset - line.offset;
                    let span = line.text.len() as u64 + ending_len(line.ending);
                    assert!(within < span.max(1), "cuts at {first} and {second}: {mark:?} before {line:?}");
                    let size = [first, second - first, stream.len() - second]
                        [marks.iter().position(|m| *m == mark.offset).unwrap_or(0)];
                    let bytes = if size == 1 { "1 byte".to_owned() } else { format!("{size} bytes") };
                    let expected = if within == 0 {
                        format!("read of {bytes}")
                    } else {
                        format!("read of {bytes}, from byte {} of the next line", within + 1)
                    };
                    assert_eq!(mark.text, expected, "cuts at {first} and {second}");
                }
            }
        }
        // The Drip fault's case: an 8-byte line arriving 3 bytes at a time.
        let mut raw = RawCapture::new(1024);
        for read in [&b"dat"[..], b"a: ", b"12\n"] {
            raw.push(read);
        }
        let texts: Vec<_> = raw.tail(1024).lines.into_iter().map(|l| l.text).collect();
        assert_eq!(
            texts,
            [
                "read of 3 bytes",
                "read of 3 bytes, from byte 4 of the next line",
                "read of 3 bytes, from byte 7 of the next line",
                "data: 12"
            ]
        );
    }

    fn is_mark(line: &RawLine) -> bool {
        matches!(line.kind, LineKind::Read | LineKind::ConnectionStart)
    }

    fn ending_len(ending: LineEnding) -> u64 {
        match ending {
            LineEnding::Crlf => 2,
            LineEnding::Lf | LineEnding::Cr => 1,
            LineEnding::None => 0,
        }
    }

    /// Each network read is marked before the line it began in, saying where in it when a
    /// read split a line; the marks are bounded and go with the bytes they mark.
    #[test]
    fn network_reads_are_marked_where_they_began() {
        let mut raw = RawCapture::new(1024);
        for chunk in [&b"data: a\n\nda"[..], b"ta: b\n", b"\n"] {
            raw.push(&Bytes::copy_from_slice(chunk));
        }
        let view = raw.tail(1024);
        let lines: Vec<_> = view.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            lines,
            [
                "read of 11 bytes",
                "data: a",
                "",
                "read of 6 bytes, from byte 3 of the next line",
                "data: b",
                "read of 1 byte",
                ""
            ]
        );
        raw.clear();
        raw.push(&Bytes::from_static(b"x"));
        assert_eq!(raw.tail(1024).lines.iter().filter(|l| l.kind == LineKind::Read).count(), 1);
        let mut many = RawCapture::new(1 << 20);
        for _ in 0..MAX_READS + 10 {
            many.push(&Bytes::from_static(b"y"));
        }
        assert_eq!(many.reads.len(), MAX_READS);
    }
}
