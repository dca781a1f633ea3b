use bytes::Bytes;
use sse_wire::{write_comment, write_event, EventFields, LineEnding};

/// One event as published on a stream: its id, optional type, data and optional `retry`.
///
/// The wire encoding is computed once at publish time and shared by every subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: u64,
    pub event: Option<String>,
    pub data: String,
    pub retry_ms: Option<u64>,
    encoded: Bytes,
}

impl Event {
    pub(crate) fn new(id: u64, event: Option<String>, data: String, retry_ms: Option<u64>) -> Self {
        let encoded = encode(id, event.as_deref(), &data, retry_ms);
        Self { id, event, data, retry_ms, encoded }
    }

    /// The exact bytes sent to subscribers, blank line included.
    pub fn encoded(&self) -> &Bytes {
        &self.encoded
    }
}

fn encode(id: u64, event: Option<&str>, data: &str, retry_ms: Option<u64>) -> Bytes {
    let mut out = Vec::with_capacity(data.len() + 32);
    let id = id.to_string();
    let fields = EventFields { event, retry_ms, id: Some(&id), data };
    write_event(&fields, LineEnding::Lf, &mut out);
    Bytes::from(out)
}

/// The event type announcing that a resuming subscriber asked for events the replay log no
/// longer holds; its data is how many.
pub const LOST_EVENT_TYPE: &str = "sse-monitor.lost";

/// The notice sent before the oldest kept event when `count` events are gone. It has no `id`,
/// so the client's last event ID stays where it was until a real event arrives.
pub(crate) fn lost_notice(count: u64) -> Bytes {
    Bytes::from(format!("event: {LOST_EVENT_TYPE}\ndata: {count}\n\n"))
}

/// A comment block (`: text`), one comment line per line of `text`; clients ignore it.
pub(crate) fn comment(text: &str) -> Bytes {
    let mut out = Vec::with_capacity(text.len() + 8);
    write_comment(text, LineEnding::Lf, &mut out);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(event: &Event) -> &str {
        std::str::from_utf8(event.encoded()).unwrap()
    }

    #[test]
    fn plain_data_has_id_and_one_data_line() {
        let event = Event::new(7, None, "42".into(), None);
        assert_eq!(wire(&event), "id: 7\ndata: 42\n\n");
    }

    #[test]
    fn every_line_terminator_starts_a_new_data_line() {
        let event = Event::new(1, Some("tick".into()), "a\nb\r\nc\rd".into(), Some(500));
        assert_eq!(wire(&event), "event: tick\nretry: 500\nid: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    #[test]
    fn empty_and_trailing_lines_are_kept() {
        assert_eq!(wire(&Event::new(1, None, String::new(), None)), "id: 1\ndata: \n\n");
        assert_eq!(wire(&Event::new(1, None, "x\n".into(), None)), "id: 1\ndata: x\ndata: \n\n");
    }

    #[test]
    fn leading_space_in_data_survives_the_clients_space_stripping() {
        assert_eq!(wire(&Event::new(1, None, " x".into(), None)), "id: 1\ndata:  x\n\n");
    }

    #[test]
    fn lost_notice_has_a_type_and_count_but_no_id() {
        assert_eq!(&lost_notice(7)[..], b"event: sse-monitor.lost\ndata: 7\n\n");
    }

    #[test]
    fn comments_never_contain_a_raw_line_break() {
        assert_eq!(&comment("a\r\nb")[..], b": a\n: b\n\n");
    }
}
