//! The rewrites of a block's bytes: its `id:` fields (repeated or reset) and its line endings.
//! A source may end lines with CRLF, LF or CR (the spec allows each); a rewritten block ends
//! them as the profile says.

use crate::profile::{FaultLineEnding, IdFault};

/// The lines of `block` with their line terminators (CRLF, LF, CR, or none at the end).
fn lines(block: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = block;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.iter().position(|b| *b == b'\n' || *b == b'\r').unwrap_or(rest.len());
        let terminator = match &rest[end..] {
            [b'\r', b'\n', ..] => 2,
            [_, ..] => 1,
            [] => 0,
        };
        let (line, after) = rest.split_at(end);
        let (terminator, after) = after.split_at(terminator);
        rest = after;
        Some((line, terminator))
    })
}

/// The value of `line` if it is an `id` field (the spec: the name before the first colon, one
/// space after it dropped; a line without a colon is a field with an empty value).
fn id_value(line: &[u8]) -> Option<&[u8]> {
    match line.iter().position(|b| *b == b':') {
        Some(colon) if &line[..colon] == b"id" => {
            let value = &line[colon + 1..];
            Some(value.strip_prefix(b" ").unwrap_or(value))
        }
        None if line == b"id" => Some(b""),
        _ => None,
    }
}

/// The ids a connection writes under an `ids` fault.
#[derive(Debug)]
pub(crate) struct IdRewrite {
    fault: IdFault,
    first: Option<String>,
    next: u64,
    rewritten: u64,
}

impl IdRewrite {
    pub(crate) fn new(fault: IdFault) -> Self {
        Self { fault, first: None, next: 1, rewritten: 0 }
    }

    /// How many `id` fields were rewritten.
    pub(crate) fn rewritten(&self) -> u64 {
        self.rewritten
    }

    /// What it does, for the tap's line.
    pub(crate) fn verb(&self) -> &'static str {
        match self.fault {
            IdFault::Repeat => "repeated the first id over",
            IdFault::Reset => "reset",
        }
    }

    /// The id written in place of `id`.
    fn written(&mut self, id: &[u8]) -> String {
        self.rewritten += 1;
        match self.fault {
            IdFault::Repeat => {
                self.first.get_or_insert_with(|| String::from_utf8_lossy(id).into_owned()).clone()
            }
            IdFault::Reset => {
                self.next += 1;
                (self.next - 1).to_string()
            }
        }
    }
}

/// `block` with its ids rewritten (when `ids` is set) and its line endings changed (when
/// `ending` is set); the last id written, if one was rewritten.
pub(crate) fn rewrite(
    block: &[u8],
    ids: Option<&mut IdRewrite>,
    ending: Option<FaultLineEnding>,
) -> (Vec<u8>, Option<String>) {
    let mut ids = ids;
    let mut out = Vec::with_capacity(block.len() + block.len() / 8);
    let mut last_id = None;
    for (line, terminator) in lines(block) {
        match (ids.as_deref_mut(), id_value(line)) {
            (Some(ids), Some(id)) => {
                let written = ids.written(id);
                out.extend_from_slice(b"id: ");
                out.extend_from_slice(written.as_bytes());
                last_id = Some(written);
            }
            _ => out.extend_from_slice(line),
        }
        let terminator: &[u8] = match (terminator.is_empty(), ending) {
            (true, _) | (false, None) => terminator,
            (false, Some(FaultLineEnding::Lf)) => b"\n",
            (false, Some(FaultLineEnding::Cr)) => b"\r",
            (false, Some(FaultLineEnding::Crlf)) => b"\r\n",
        };
        out.extend_from_slice(terminator);
    }
    (out, last_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// Each of the spec's line terminators is one line end, rewritten to the profile's; a
    /// last line without one keeps none.
    #[test]
    fn every_line_terminator_is_rewritten() {
        let block = b"data: a\r\ndata: b\rdata: c\n\ndata: d";
        let (crlf, _) = rewrite(block, None, Some(FaultLineEnding::Crlf));
        assert_eq!(text(&crlf), "data: a\r\ndata: b\r\ndata: c\r\n\r\ndata: d");
        let (lf, _) = rewrite(block, None, Some(FaultLineEnding::Lf));
        assert_eq!(text(&lf), "data: a\ndata: b\ndata: c\n\ndata: d");
        let (same, _) = rewrite(block, None, None);
        assert_eq!(same, block);
    }

    /// `id` fields are found as the spec reads them (no space, a bare `id`), and not in other
    /// fields or in data that mentions them.
    #[test]
    fn id_fields_are_found_as_the_spec_reads_them() {
        let mut reset = IdRewrite::new(IdFault::Reset);
        let (out, last) = rewrite(b"id:7\ndata: id: 9\nidx: 3\n\n", Some(&mut reset), None);
        assert_eq!((text(&out), last.as_deref()), ("id: 1\ndata: id: 9\nidx: 3\n\n".into(), Some("1")));
        let (out, _) = rewrite(b"id\n\n", Some(&mut reset), None);
        assert_eq!(text(&out), "id: 2\n\n");
        let mut repeat = IdRewrite::new(IdFault::Repeat);
        rewrite(b"id: 7\n\n", Some(&mut repeat), None);
        let (out, last) = rewrite(b"id: 8\r\n\r\n", Some(&mut repeat), Some(FaultLineEnding::Cr));
        assert_eq!((text(&out), last.as_deref()), ("id: 7\r\r".into(), Some("7")));
    }
}
