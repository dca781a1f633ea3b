//! An event as a breakpoint looks at it: read from its block by the spec's parser (the
//! subscriber's), or an NDJSON line as data; and an event the user writes (edited or
//! injected), checked and put into the stream's own form.

use serde::{Deserialize, Serialize};
use sse_faults::{BodyKind, OwnedBlock};
use sse_subscriber::EventParser;
use sse_wire::{write_event, EventFields, LineEnding};

/// The most data an edited or injected event may have.
pub const MAX_WRITTEN_BYTES: usize = 1024 * 1024;

/// The fields of one event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventView {
    /// `message` when the block names no type.
    pub event: String,
    /// The id its own block sets.
    pub id: Option<String>,
    pub data: String,
    pub retry_ms: Option<u64>,
}

impl EventView {
    /// The event `block` dispatches, if it dispatches one.
    pub fn of(block: &[u8], kind: BodyKind) -> Option<Self> {
        match kind {
            BodyKind::Ndjson => {
                let line = String::from_utf8_lossy(block);
                let data = line.trim_end_matches(['\r', '\n']).to_owned();
                Some(Self { event: "message".into(), id: None, data, retry_ms: None })
            }
            BodyKind::EventStream => {
                let mut parser = EventParser::new(block.len().max(1));
                parser.feed(block);
                let parsed = parser.next_event().ok()??;
                let id = parsed.id_set.then_some(parsed.id);
                let retry_ms = parsed.retry.map(|retry| u64::try_from(retry.as_millis()).unwrap_or(u64::MAX));
                Some(Self { event: parsed.event, id, data: parsed.data, retry_ms })
            }
            BodyKind::Other => None,
        }
    }
}

/// An event the user writes: a held event edited, or one injected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WrittenEvent {
    /// Left out (a `message`) when none.
    pub event: Option<String>,
    pub id: Option<String>,
    pub data: String,
    pub retry_ms: Option<u64>,
}

/// Why a written event cannot go into the stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WrittenError {
    #[error("the {field} cannot hold a line break (it would end the field)")]
    LineBreak { field: &'static str },
    #[error("an NDJSON stream's event is one line of data: no type, id or retry, and no line break")]
    NotNdjson,
    #[error("the data is {bytes} bytes: at most {MAX_WRITTEN_BYTES}")]
    TooBig { bytes: usize },
}

impl WrittenEvent {
    /// The block it is in a stream of `kind` whose lines end with `ending`.
    pub fn block(&self, kind: BodyKind, ending: LineEnding) -> Result<OwnedBlock, WrittenError> {
        if self.data.len() > MAX_WRITTEN_BYTES {
            return Err(WrittenError::TooBig { bytes: self.data.len() });
        }
        let breaks = |text: &Option<String>| text.as_deref().is_some_and(|text| text.contains(['\r', '\n']));
        if kind == BodyKind::Ndjson {
            if self.event.is_some()
                || self.id.is_some()
                || self.retry_ms.is_some()
                || self.data.contains(['\r', '\n'])
            {
                return Err(WrittenError::NotNdjson);
            }
            let mut bytes = self.data.clone().into_bytes();
            bytes.extend_from_slice(ending.as_bytes());
            return Ok(OwnedBlock { bytes, is_event: true, id: None, retry_ms: None });
        }
        if breaks(&self.event) {
            return Err(WrittenError::LineBreak { field: "type" });
        }
        if breaks(&self.id) {
            return Err(WrittenError::LineBreak { field: "id" });
        }
        let mut bytes = Vec::with_capacity(self.data.len() + 64);
        let fields = EventFields {
            event: self.event.as_deref().filter(|event| !event.is_empty()),
            retry_ms: self.retry_ms,
            id: self.id.as_deref(),
            data: &self.data,
        };
        write_event(&fields, ending, &mut bytes);
        Ok(OwnedBlock { bytes, is_event: true, id: self.id.clone(), retry_ms: self.retry_ms })
    }
}

impl From<&EventView> for WrittenEvent {
    fn from(view: &EventView) -> Self {
        let event = (view.event != "message").then(|| view.event.clone());
        Self { event, id: view.id.clone(), data: view.data.clone(), retry_ms: view.retry_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block reads as EventSource would dispatch it; a comment dispatches nothing.
    #[test]
    fn a_block_reads_as_the_spec_says() {
        let view = EventView::of(
            b"event: tick\r\nid: 4\r\nretry: 90\r\ndata: a\r\ndata:  b\r\n\r\n",
            BodyKind::EventStream,
        )
        .expect("an event");
        assert_eq!(
            view,
            EventView {
                event: "tick".into(),
                id: Some("4".into()),
                data: "a\n b".into(),
                retry_ms: Some(90)
            }
        );
        assert_eq!(EventView::of(b": comment\n\n", BodyKind::EventStream), None);
        let plain = EventView::of(b"data: x\n\n", BodyKind::EventStream).expect("an event");
        assert_eq!((plain.event.as_str(), plain.id), ("message", None));
        assert_eq!(EventView::of(b"{\"a\":1}\r\n", BodyKind::Ndjson).expect("a line").data, "{\"a\":1}");
    }

    /// A written event takes the stream's line ending; an NDJSON one is a line of data.
    #[test]
    fn a_written_event_takes_the_streams_form() {
        let written = WrittenEvent {
            event: Some("error".into()),
            id: Some("7".into()),
            data: "a\nb".into(),
            retry_ms: None,
        };
        let block = written.block(BodyKind::EventStream, LineEnding::CrLf).expect("writes");
        assert_eq!(block.bytes, b"event: error\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n");
        assert_eq!((block.is_event, block.id.as_deref()), (true, Some("7")));
        let line = WrittenEvent { data: "{}".into(), ..WrittenEvent::default() };
        assert_eq!(line.block(BodyKind::Ndjson, LineEnding::Lf).expect("writes").bytes, b"{}\n");
        let typed = WrittenEvent { event: Some("x".into()), ..line.clone() };
        assert_eq!(typed.block(BodyKind::Ndjson, LineEnding::Lf), Err(WrittenError::NotNdjson));
        let broken = WrittenEvent { id: Some("1\n2".into()), ..WrittenEvent::default() };
        assert_eq!(
            broken.block(BodyKind::EventStream, LineEnding::Lf),
            Err(WrittenError::LineBreak { field: "id" })
        );
        let view = EventView::of(b"id: 3\ndata: d\n\n", BodyKind::EventStream).expect("an event");
        let same = WrittenEvent::from(&view).block(BodyKind::EventStream, LineEnding::Lf).expect("writes");
        assert_eq!(same.bytes, b"id: 3\ndata: d\n\n");
    }
}
