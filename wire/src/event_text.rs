//! An event as the stream writes it: its fields, one `data:` line per line of its data, and
//! the blank line that dispatches it, with the line ending the stream uses.

/// A line ending of the spec: "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A
/// LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single U+000D
/// CARRIAGE RETURN (CR) character."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    #[default]
    Lf,
    CrLf,
    Cr,
}

impl LineEnding {
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            Self::Lf => b"\n",
            Self::CrLf => b"\r\n",
            Self::Cr => b"\r",
        }
    }

    /// The ending of the first line `bytes` ends, if it ends one (a CR last is not yet known:
    /// it may be a CRLF's start).
    pub fn first_in(bytes: &[u8]) -> Option<Self> {
        let at = bytes.iter().position(|b| *b == b'\n' || *b == b'\r')?;
        match (bytes[at], bytes.get(at + 1)) {
            (b'\n', _) => Some(Self::Lf),
            (_, Some(b'\n')) => Some(Self::CrLf),
            (_, Some(_)) => Some(Self::Cr),
            (_, None) => None,
        }
    }
}

/// The fields of one event to write; `None` leaves a field out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventFields<'a> {
    pub event: Option<&'a str>,
    pub retry_ms: Option<u64>,
    pub id: Option<&'a str>,
    pub data: &'a str,
}

/// Splits on the spec's three line terminators.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            None => {
                rest = None;
                Some(current)
            }
            Some(at) => {
                let skip = if current[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[at + skip..]);
                Some(&current[..at])
            }
        }
    })
}

fn first_line(text: &str) -> &str {
    lines(text).next().unwrap_or_default()
}

fn put_field(out: &mut Vec<u8>, name: &str, value: &str, ending: LineEnding) {
    out.extend_from_slice(name.as_bytes());
    // Always the space: "If value starts with a U+0020 SPACE character, remove it from value",
    // so a value that itself starts with a space keeps it.
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(ending.as_bytes());
}

/// Appends `fields` as one event block: `event`, `retry`, `id`, then one `data:` line per line
/// of the data (the client joins them back with LF), then the blank line. A type or id with a
/// line break in it is written up to the break (the rest would be a field of its own).
pub fn write_event(fields: &EventFields<'_>, ending: LineEnding, out: &mut Vec<u8>) {
    if let Some(event) = fields.event {
        put_field(out, "event", first_line(event), ending);
    }
    if let Some(retry) = fields.retry_ms {
        put_field(out, "retry", &retry.to_string(), ending);
    }
    if let Some(id) = fields.id {
        put_field(out, "id", first_line(id), ending);
    }
    for line in lines(fields.data) {
        put_field(out, "data", line, ending);
    }
    out.extend_from_slice(ending.as_bytes());
}

/// Appends a comment block (`: text`), one comment line per line of `text`; clients ignore it.
pub fn write_comment(text: &str, ending: LineEnding, out: &mut Vec<u8>) {
    for line in lines(text) {
        out.extend_from_slice(b": ");
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(ending.as_bytes());
    }
    out.extend_from_slice(ending.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(fields: EventFields<'_>, ending: LineEnding) -> String {
        let mut out = Vec::new();
        write_event(&fields, ending, &mut out);
        String::from_utf8(out).expect("text in, text out")
    }

    /// Every line terminator in the data starts a new `data:` line; empty and trailing lines stay.
    #[test]
    fn each_line_of_data_is_a_data_line() {
        let fields =
            EventFields { event: Some("tick"), retry_ms: Some(500), id: Some("1"), data: "a\nb\r\nc\rd" };
        assert_eq!(
            written(fields, LineEnding::Lf),
            "event: tick\nretry: 500\nid: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n"
        );
        assert_eq!(written(EventFields { data: "", ..EventFields::default() }, LineEnding::Lf), "data: \n\n");
        assert_eq!(
            written(EventFields { data: "x\n", ..EventFields::default() }, LineEnding::Lf),
            "data: x\ndata: \n\n"
        );
        assert_eq!(
            written(EventFields { data: " x", ..EventFields::default() }, LineEnding::Lf),
            "data:  x\n\n"
        );
    }

    /// The stream's own ending is used for every line, the blank one included.
    #[test]
    fn the_line_ending_is_the_streams() {
        let fields = EventFields { event: Some("e"), id: Some("7"), data: "a\nb", ..EventFields::default() };
        assert_eq!(written(fields, LineEnding::CrLf), "event: e\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n");
        assert_eq!(written(fields, LineEnding::Cr), "event: e\rid: 7\rdata: a\rdata: b\r\r");
        let mut comment = Vec::new();
        write_comment("a\r\nb", LineEnding::Lf, &mut comment);
        assert_eq!(comment, b": a\n: b\n\n");
    }

    /// A line break in a type or id cannot add a field of its own.
    #[test]
    fn a_type_or_id_stays_one_line() {
        let fields = EventFields {
            event: Some("a\ndata: injected"),
            id: Some("1\r2"),
            data: "d",
            ..EventFields::default()
        };
        assert_eq!(written(fields, LineEnding::Lf), "event: a\nid: 1\ndata: d\n\n");
    }

    /// The first line's ending is the stream's; a CR last waits for the next byte.
    #[test]
    fn the_first_ending_is_found() {
        assert_eq!(LineEnding::first_in(b"data: a\r\n"), Some(LineEnding::CrLf));
        assert_eq!(LineEnding::first_in(b"data: a\rdata"), Some(LineEnding::Cr));
        assert_eq!(LineEnding::first_in(b"data: a\n\r\n"), Some(LineEnding::Lf));
        assert_eq!(LineEnding::first_in(b"data: a\r"), None);
        assert_eq!(LineEnding::first_in(b"data: a"), None);
    }
}
