//! One subscription as the inspector keeps it: its events, its raw bytes and its figures,
//! fed the subscriber's updates in order.

use std::time::SystemTime;

use serde::Serialize;
use sse_subscriber::Update;

use crate::event::{text_start, EventDetail, WhitespaceView, DETAIL_SHOWN_BYTES};
use crate::export::{ExportFormat, EXPORT_CHUNK};
use crate::history::{EventHistory, DEFAULT_KEEP_BYTES, DEFAULT_KEEP_EVENTS};
use crate::raw::{LineKind, RawCapture, RawLine, DEFAULT_RAW_BYTES};
use crate::stats::{LiveStats, StatsReport};

/// How much one subscription keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureLimits {
    pub keep_events: usize,
    /// Event data and ids, roughly; the oldest events go first beyond it.
    pub keep_bytes: usize,
    /// Raw bytes for the raw view and each event's own bytes.
    pub raw_bytes: usize,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        Self {
            keep_events: DEFAULT_KEEP_EVENTS,
            keep_bytes: DEFAULT_KEEP_BYTES,
            raw_bytes: DEFAULT_RAW_BYTES,
        }
    }
}

/// How many events the log has to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub kept: usize,
    /// Kept events the filter lets through (all of them without a filter).
    pub matching: usize,
    /// Old events dropped to stay within the limits.
    pub dropped: u64,
    pub filtered: bool,
    /// The view these counts (and the rows sent with them) belong to: a batch of an older
    /// view than the UI's last filter answer is out of date.
    pub view: u64,
}

/// Where [`Capture::observe`] kept an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub seq: u64,
    /// Its type had not been seen since the capture began (or was last cleared).
    pub new_type: bool,
}

/// One subscription's kept events, raw bytes and stats.
pub struct Capture {
    history: EventHistory,
    raw: RawCapture,
    stats: LiveStats,
    /// Connections opened so far.
    connections: u32,
    /// Raw offset where the current connection's body began.
    connection_base: u64,
}

impl Capture {
    pub fn new(limits: CaptureLimits) -> Self {
        Self {
            history: EventHistory::new(limits.keep_events, limits.keep_bytes),
            raw: RawCapture::new(limits.raw_bytes),
            stats: LiveStats::default(),
            connections: 0,
            connection_base: 0,
        }
    }

    /// Takes one update from the subscription (events are kept, bytes and figures counted);
    /// for an event, where it was kept.
    pub fn observe(&mut self, update: &Update) -> Option<Kept> {
        match update {
            Update::Connecting { sent_at, .. } => self.stats.connecting(*sent_at),
            Update::Open { .. } => {
                self.connections += 1;
                self.stats.opened();
                self.raw.begin_connection(self.connections);
                self.connection_base = self.raw.total();
            }
            Update::Raw(read) => {
                self.stats.raw(read.bytes.len());
                self.raw.push_read(&read.bytes, read.compressed.as_ref());
            }
            Update::Event(event) => {
                self.stats.event(event.size, event.received_at);
                let end = self.connection_base + event.stream_offset;
                let start = end.checked_sub(event.size as u64);
                let raw_range = start.filter(|_| end <= self.raw.total()).map(|start| (start, end));
                let new_type = !self.history.has_type(&event.event);
                let seq = self.history.push(event, self.connections, raw_range);
                return Some(Kept { seq, new_type });
            }
            Update::Error { .. }
            | Update::Retrying { .. }
            | Update::Closed { .. }
            | Update::FirstByte { .. } => {}
        }
        None
    }

    /// Connections opened so far: the number the current one's events carry.
    pub fn connections(&self) -> u32 {
        self.connections
    }

    pub fn counts(&self) -> Counts {
        Counts {
            kept: self.history.len(),
            matching: self.history.matching(),
            dropped: self.history.dropped(),
            filtered: !self.history.filter().is_empty(),
            view: self.history.view_version(),
        }
    }

    pub fn stats(&self, now: SystemTime) -> StatsReport {
        self.stats.report(now)
    }

    pub fn history(&self) -> &EventHistory {
        &self.history
    }

    pub fn history_mut(&mut self) -> &mut EventHistory {
        &mut self.history
    }

    pub fn raw(&self) -> &RawCapture {
        &self.raw
    }

    /// Everything about a kept event, its data and raw block cut at [`DETAIL_SHOWN_BYTES`].
    pub fn detail(&self, seq: u64) -> Option<EventDetail> {
        let event = self.history.get(seq)?;
        let mut raw_cut = false;
        let raw = event.raw_range.and_then(|(start, end)| {
            // A block dispatched on a CR that turned out to be half of a CRLF (the LF came in
            // the next chunk) is shown with its whole CRLF.
            let lf_follows =
                self.raw.slice(end.saturating_sub(1), end + 1).is_some_and(|pair| pair == b"\r\n");
            let end = if lf_follows { end + 1 } else { end };
            let shown_end = end.min(start.saturating_add(DETAIL_SHOWN_BYTES as u64));
            raw_cut = shown_end < end;
            let lines = self.raw.lines(start, shown_end)?;
            // The block's own bytes: where connections and reads began is the Raw view's.
            let bytes_only =
                |line: &RawLine| !matches!(line.kind, LineKind::ConnectionStart | LineKind::Read);
            Some(lines.into_iter().filter(bytes_only).collect())
        });
        let data = text_start(&event.data, DETAIL_SHOWN_BYTES);
        let raw_cut = raw_cut && raw.is_some();
        Some(EventDetail {
            row: event.row(),
            whitespace: WhitespaceView::of(data),
            data: data.to_owned(),
            data_bytes: event.data.len(),
            data_cut: data.len() < event.data.len(),
            retry_ms: event.retry_ms,
            connection: event.connection,
            raw,
            raw_cut,
            cut_at: DETAIL_SHOWN_BYTES,
        })
    }

    /// A kept event's whole data.
    pub fn event_data(&self, seq: u64) -> Option<&str> {
        self.history.get(seq).map(|event| &*event.data)
    }

    /// Forgets the kept events and raw bytes; the figures go on.
    pub fn clear(&mut self) {
        self.history.clear();
        self.raw.clear();
    }

    /// Appends up to [`EXPORT_CHUNK`] kept events from sequence number `from`, before
    /// `until`, to `out` (only those the filter lets through, if `matching_only`). Where to
    /// go on from, or `None` when done.
    pub fn export_chunk(
        &self,
        from: u64,
        until: u64,
        matching_only: bool,
        format: ExportFormat,
        out: &mut Vec<u8>,
    ) -> Option<u64> {
        let mut next = None;
        for (index, event) in self.history.from_seq(from).take_while(|e| e.seq < until).enumerate() {
            if index == EXPORT_CHUNK {
                next = Some(event.seq);
                break;
            }
            if !matching_only || self.history.passes(event) {
                format.write(event, out);
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use sse_subscriber::{BodyRead, SseEvent};

    /// A 16 MiB event's detail carries the first 64 KiB of its data and of its raw block, says
    /// it is cut and how big the whole is; the whole data is still had.
    #[test]
    fn a_huge_events_detail_is_cut_and_the_whole_is_still_had() {
        let data = "é".repeat(8 * 1024 * 1024 - 4); // 16 MiB less 8 bytes, two bytes a character
        let block = format!("data: {data}\n\n");
        let mut capture = Capture::new(CaptureLimits { raw_bytes: 32 << 20, ..CaptureLimits::default() });
        capture.observe(&Update::Open {
            status: 200,
            headers: Default::default(),
            received_at: SystemTime::now(),
        });
        capture.observe(&Update::Raw(BodyRead { bytes: Bytes::from(block.clone()), compressed: None }));
        let event = SseEvent {
            event: "message".into(),
            data: data.clone(),
            id: String::new(),
            id_set: false,
            retry: None,
            size: block.len(),
            stream_offset: block.len() as u64,
            received_at: SystemTime::now(),
        };
        let kept = capture.observe(&Update::Event(event)).expect("kept");
        let detail = capture.detail(kept.seq).expect("a detail");
        assert!(detail.data_cut && detail.raw_cut);
        assert_eq!(detail.data_bytes, data.len());
        assert_eq!(detail.data.len(), DETAIL_SHOWN_BYTES, "cut on a character boundary");
        let raw = detail.raw.expect("the raw block's start");
        assert_eq!(raw.len(), 1, "one unended line: the block's first 64 KiB");
        assert!(raw[0].text.len() <= DETAIL_SHOWN_BYTES && raw[0].text.starts_with("data: é"));
        assert_eq!(capture.event_data(kept.seq).map(str::len), Some(data.len()));
    }
}
