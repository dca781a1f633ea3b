//! NDJSON / JSON Lines read as the bytes come: each line handed on once its line break is in
//! (a subscription to an NDJSON stream, the tap's record of one).

use crate::parser::DEFAULT_MAX_EVENT_SIZE;

/// Whether a Content-Type is NDJSON / JSON Lines (`application/x-ndjson`, `application/jsonl`
/// and their aliases), ignoring case and parameters.
pub fn is_json_lines(content_type: &str) -> bool {
    let essence = sse_wire::essence(content_type);
    matches!(
        essence.as_str(),
        "application/x-ndjson" | "application/jsonl" | "application/jsonlines" | "application/x-jsonlines"
    )
}

/// The lines of one NDJSON body, whatever way its bytes are split into chunks.
#[derive(Debug, Default)]
pub struct JsonLines {
    /// The bytes since the last line break.
    partial: Vec<u8>,
    /// Bytes of the body consumed so far (the partial line not counted).
    position: u64,
}

/// One complete line of a [`JsonLines`] body.
#[derive(Debug, PartialEq, Eq)]
pub struct Line<'a> {
    /// The line without its CR LF or LF (invalid UTF-8 replaced).
    pub text: &'a str,
    /// Its bytes, the line break included.
    pub size: usize,
    /// Where it ends in the body, its line break included.
    pub end: u64,
}

impl JsonLines {
    /// Feeds `data`; `each` gets every complete line that is not blank. A line without end
    /// longer than the event size limit is let go rather than kept whole.
    pub fn feed(&mut self, data: &[u8], mut each: impl FnMut(Line<'_>)) {
        self.partial.extend_from_slice(data);
        let mut start = 0;
        while let Some(end) = self.partial[start..].iter().position(|&b| b == b'\n') {
            let size = end + 1;
            let text = String::from_utf8_lossy(&self.partial[start..start + end]);
            start += size;
            self.position += size as u64;
            let text = text.trim_end_matches('\r');
            if !text.trim().is_empty() {
                each(Line { text, size, end: self.position });
            }
        }
        self.partial.drain(..start);
        if self.partial.len() > DEFAULT_MAX_EVENT_SIZE {
            self.position += self.partial.len() as u64;
            self.partial.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines come whole across chunk splits, CR LF and LF alike; blank ones are skipped but
    /// counted in where the next ends.
    #[test]
    fn lines_are_whole_across_chunks() {
        let mut lines = JsonLines::default();
        let mut seen = Vec::new();
        for chunk in [&b"{\"a\""[..], b":1}\r\n\n{\"b\":2", b"}\n"] {
            lines.feed(chunk, |line| seen.push((line.text.to_owned(), line.size, line.end)));
        }
        assert_eq!(seen, [("{\"a\":1}".to_owned(), 9, 9), ("{\"b\":2}".to_owned(), 8, 18)]);
    }
}
