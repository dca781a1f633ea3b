//! One kept event, as the inspector holds it and as the UI sees it (a log row, the detail).

use std::sync::Arc;

use serde::Serialize;

use crate::raw::RawLine;

/// Characters of data a log row shows.
pub const PREVIEW_CHARS: usize = 240;

/// How much of an event's data, and of its raw block, the detail pane is sent: a 16 MiB event
/// must not freeze the window (all of it is had with Copy data and Save data…).
pub const DETAIL_SHOWN_BYTES: usize = 64 * 1024;

/// The start of `text`, at most `max` bytes, cut at a character boundary.
pub fn text_start(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One kept event. Sequence numbers count every event since the capture began (clearing
/// does not reset them), so a row the UI holds never names another event.
#[derive(Debug, Clone)]
pub struct KeptEvent {
    pub seq: u64,
    /// Receive time, microseconds since the Unix epoch.
    pub received_at_us: u64,
    /// Time since the previous event, if there was one.
    pub delta_us: Option<u64>,
    pub event: Arc<str>,
    pub id: Box<str>,
    pub id_set: bool,
    pub data: Box<str>,
    pub size: usize,
    pub retry_ms: Option<u64>,
    /// Which connection of the subscription brought it (1 for the first).
    pub connection: u32,
    /// Where its block lies in the raw capture's offsets, when raw bytes are kept.
    pub raw_range: Option<(u64, u64)>,
}

impl KeptEvent {
    /// What keeping it costs, roughly: the struct and its strings.
    pub(crate) fn cost(&self) -> usize {
        std::mem::size_of::<Self>() + self.data.len() + self.id.len()
    }

    pub fn row(&self) -> EventRow {
        let (preview, truncated) = preview(&self.data);
        EventRow {
            seq: self.seq,
            received_at_us: self.received_at_us,
            delta_us: self.delta_us,
            event: self.event.to_string(),
            id: self.id.to_string(),
            id_set: self.id_set,
            size: self.size,
            preview,
            truncated,
            blank: is_blank(&self.data),
        }
    }
}

/// Data that is empty or only whitespace: its row shows symbols, not text, so the UI styles it
/// apart. Decided here, on the data, not from the preview's symbols.
pub fn is_blank(data: &str) -> bool {
    data.chars().all(char::is_whitespace)
}

/// One log row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    pub seq: u64,
    pub received_at_us: u64,
    pub delta_us: Option<u64>,
    pub event: String,
    pub id: String,
    pub id_set: bool,
    pub size: usize,
    /// The data on one line, with line breaks, tabs and control characters made visible.
    pub preview: String,
    /// Whether the preview stops short of the data.
    pub truncated: bool,
    /// The data is empty or only whitespace (the preview shows it as symbols).
    pub blank: bool,
}

/// Everything about one event, for the detail pane.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EventDetail {
    #[serde(flatten)]
    pub row: EventRow,
    /// The data's first [`DETAIL_SHOWN_BYTES`] (all of it when shorter).
    pub data: String,
    /// The whole data's length in bytes.
    pub data_bytes: usize,
    /// `data` is only its start.
    pub data_cut: bool,
    pub retry_ms: Option<u64>,
    pub connection: u32,
    /// The event's block as received (its first [`DETAIL_SHOWN_BYTES`]), when those bytes
    /// are still kept.
    pub raw: Option<Vec<RawLine>>,
    /// `raw` is only the block's start.
    pub raw_cut: bool,
    /// How much of the data and of the raw block is sent at most ([`DETAIL_SHOWN_BYTES`]).
    pub cut_at: usize,
    /// For empty or whitespace-only data: how the detail pane shows it.
    pub whitespace: Option<WhitespaceView>,
}

/// Data that is empty or only whitespace, made visible for the detail pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WhitespaceView {
    /// What the data is, in a sentence, with the legend of the symbols.
    pub note: String,
    /// Each character as a symbol; line breaks also break the line, so the shape stays.
    pub shown: String,
}

impl WhitespaceView {
    /// `None` unless `data` is empty or only whitespace.
    pub fn of(data: &str) -> Option<WhitespaceView> {
        if data.is_empty() {
            return Some(WhitespaceView {
                note: "Empty data: the block had a data line with nothing after it.".to_owned(),
                shown: String::new(),
            });
        }
        if !is_blank(data) {
            return None;
        }
        let count = data.chars().count();
        let mut shown = String::with_capacity(data.len() * 3);
        for c in data.chars() {
            // The log's symbols, and a line break also breaks the line.
            push_visible(&mut shown, c, true);
            if c == '\n' {
                shown.push('\n');
            }
        }
        let plural = if count == 1 { "" } else { "s" };
        Some(WhitespaceView {
            note: format!(
                "Only whitespace: {count} character{plural}, shown as ␣ space, ⇥ tab, ⏎ line break, \
                 ^M carriage return, ^K vertical tab, ^L form feed, · any other space."
            ),
            shown,
        })
    }
}

/// `data` on one line for a log row: line breaks as ⏎, tabs as ⇥, other control characters
/// in caret notation (`^M` for CR, `^[` for ESC), symbols that common monospace fonts have.
/// Data that is only whitespace shows each character (␣ for a space, · for other spaces), so
/// it never looks like an empty row; empty data says so.
pub fn preview(data: &str) -> (String, bool) {
    if data.is_empty() {
        return ("(empty data)".to_owned(), false);
    }
    let blank = is_blank(data);
    let mut shown = String::with_capacity(data.len().min(PREVIEW_CHARS * 3));
    let mut chars = data.chars();
    for c in chars.by_ref().take(PREVIEW_CHARS) {
        push_visible(&mut shown, c, blank);
    }
    (shown, chars.next().is_some())
}

/// `c` as the log shows it; in `blank` data (only whitespace) spaces show too.
fn push_visible(shown: &mut String, c: char, blank: bool) {
    match c {
        '\n' => shown.push('⏎'),
        '\t' => shown.push('⇥'),
        ' ' if blank => shown.push('␣'),
        // Caret notation: ^@ for NUL ... ^M for CR, ^[ for ESC, ^? for DEL.
        c if (c as u32) < 0x20 => {
            shown.push('^');
            shown.push(char::from(b'@' + c as u8));
        }
        '\u{7f}' => shown.push_str("^?"),
        // Other whitespace (no-break space, em space...): a middle dot stands for it.
        _ if blank => shown.push('·'),
        c => shown.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blank is a property of the data: data that is literally a symbol the preview uses is
    /// not blank, and every whitespace character (a lone vertical tab too) is.
    #[test]
    fn blank_rows_are_decided_on_the_data() {
        for blank in ["", " ", " \n", "\u{b}", "\r\n\t", "\u{a0}"] {
            assert!(is_blank(blank), "{blank:?}");
        }
        for not_blank in ["⏎", "␣", "^M", "·", " x ", "\0"] {
            assert!(!is_blank(not_blank), "{not_blank:?}");
        }
    }

    /// The detail pane's view of blank data keeps its shape and names every character; other
    /// data has none.
    #[test]
    fn whitespace_only_data_is_shown_symbol_by_symbol() {
        let empty = WhitespaceView::of("").expect("empty data has a view");
        assert!(empty.note.starts_with("Empty data"), "{}", empty.note);
        assert_eq!(empty.shown, "");
        let blank = WhitespaceView::of(" \t\r\n\u{b}\u{a0}").expect("blank data has a view");
        assert_eq!(blank.shown, "␣⇥^M⏎\n^K·");
        assert!(blank.note.starts_with("Only whitespace: 6 characters"), "{}", blank.note);
        assert!(WhitespaceView::of(" ").unwrap().note.contains("1 character,"));
        assert_eq!(WhitespaceView::of(" x "), None);
        assert_eq!(WhitespaceView::of("⏎"), None);
    }

    #[test]
    fn previews_make_whitespace_and_control_characters_visible() {
        assert_eq!(preview(""), ("(empty data)".into(), false));
        assert_eq!(preview("\n"), ("⏎".into(), false));
        assert_eq!(preview("  "), ("␣␣".into(), false));
        assert_eq!(preview(" \t\n\u{a0}"), ("␣⇥⏎·".into(), false));
        assert_eq!(preview("a b\r\nc\u{1b}\u{7f}"), ("a b^M⏎c^[^?".into(), false));
        let long = "y".repeat(PREVIEW_CHARS + 1);
        let (shown, truncated) = preview(&long);
        assert_eq!(shown.chars().count(), PREVIEW_CHARS);
        assert!(truncated);
    }
}
