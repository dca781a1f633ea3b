//! A tapped stream read like a subscription: one exchange of a tap's record (the bytes it kept,
//! then what comes while it stays open) turned into the subscriber's updates, so the inspector
//! shows it as it shows a connection. The tap forwards without waiting for this: the feed reads
//! the record a few dozen times a second, so nothing is added to the forwarding path.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sse_subscriber::{
    BodyRead, SseEvent, StreamFormat, StreamReader, SubscribeError, Update, DEFAULT_MAX_EVENT_SIZE,
};
use sse_tap::{Exchange, Recorder, MAX_RAW_BYTES};
use tokio::time::{Interval, MissedTickBehavior};

/// How often an open exchange's record is read for new bytes.
const POLL: Duration = Duration::from_millis(20);

/// What one look at the record found.
struct Read {
    /// Only while the feed has not told `Open`: the head is read once, with its time after
    /// the exchange began.
    head: Option<(u16, HeaderMap, Duration)>,
    /// Bytes the record let go before they were read.
    missed: u64,
    chunks: Vec<(Duration, Bytes)>,
    /// When the body's first bytes came, after the exchange began.
    first_byte: Option<Duration>,
    /// How it ended, and when, after the exchange began.
    ending: Option<(String, Duration)>,
}

enum Phase {
    /// Not yet told `Open`: the response head may not be in.
    Starting,
    Open,
    Done,
}

/// One tapped stream as a source of [`Update`]s.
pub(crate) struct TappedFeed {
    recorder: Recorder,
    exchange: u64,
    /// When the exchange began: each chunk's time is its offset from this.
    started: SystemTime,
    reader: StreamReader,
    /// Decoded body bytes read so far (the record's numbering: from the body's start).
    read_to: u64,
    /// The next chunk starts mid-line (the record let the bytes before it go): skip to the line's end.
    resync: bool,
    phase: Phase,
    /// Whether the body's first byte was told.
    first_byte_told: bool,
    outbox: VecDeque<Update>,
    /// Made on the first read, on the task's runtime (the feed may be made off it).
    poll: Option<Interval>,
}

impl TappedFeed {
    /// A feed of `exchange` in `recorder`, if it is kept and is a stream (SSE or NDJSON).
    pub(crate) fn new(recorder: Recorder, exchange: u64) -> Option<Self> {
        let (url, started, format) = recorder.with_exchange(exchange, |e| {
            e.is_stream.then(|| {
                (
                    e.url.clone(),
                    e.started.unwrap_or_else(SystemTime::now),
                    // A stream kept by the tap is SSE or NDJSON.
                    StreamFormat::of(e.content_type()).unwrap_or(StreamFormat::JsonLines),
                )
            })
        })??;
        // Its head is in (a stream is known as one by its Content-Type).
        let mut outbox = VecDeque::new();
        // The times are the tap's: the exchange began when the tap took the request.
        outbox.push_back(Update::Connecting { url: url.clone(), attempt: 1, sent_at: started });
        let mut reader = StreamReader::new(DEFAULT_MAX_EVENT_SIZE);
        reader.begin(format);
        Some(Self {
            recorder,
            exchange,
            started,
            reader,
            read_to: 0,
            resync: false,
            phase: Phase::Starting,
            first_byte_told: false,
            outbox,
            poll: None,
        })
    }

    /// The next update; `None` once the exchange has ended and all of it was told.
    pub(crate) async fn next(&mut self) -> Option<Update> {
        loop {
            if let Some(update) = self.outbox.pop_front() {
                return Some(update);
            }
            if matches!(self.phase, Phase::Done) {
                return None;
            }
            self.poll
                .get_or_insert_with(|| {
                    let mut poll = tokio::time::interval(POLL);
                    poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
                    poll
                })
                .tick()
                .await;
            self.read();
        }
    }

    /// Reads what the record has beyond `read_to` into the outbox.
    fn read(&mut self) {
        let (read_to, want_head) = (self.read_to, matches!(self.phase, Phase::Starting));
        let Some(read) = self.recorder.with_exchange(self.exchange, |e| look(e, read_to, want_head)) else {
            let reason = "the tap no longer keeps this exchange (it keeps the newest 1,000)";
            self.close(reason.into(), SystemTime::now());
            return;
        };
        if matches!(self.phase, Phase::Starting) {
            let Some((status, headers, head_after)) = read.head else {
                if let Some((ending, after)) = read.ending {
                    self.close(
                        format!("the exchange ended before its response: {ending}"),
                        self.started + after,
                    );
                }
                return;
            };
            let received_at = self.started + head_after;
            self.outbox.push_back(Update::Open { status, headers, received_at });
            self.phase = Phase::Open;
        }
        if let Some(after) = read.first_byte.filter(|_| !self.first_byte_told) {
            self.first_byte_told = true;
            self.outbox.push_back(Update::FirstByte { received_at: self.started + after });
        }
        if read.missed > 0 {
            self.missed(read.missed);
        }
        for (at, bytes) in read.chunks {
            self.read_to += bytes.len() as u64;
            self.push_chunk(at, bytes);
        }
        if let Some((ending, after)) = read.ending {
            // An event without its blank line is not dispatched, as in EventSource.
            self.reader.finish();
            self.close(format!("the tapped stream ended: {ending}"), self.started + after);
        }
    }

    /// The record let `missed` bytes go before this feed read them: said, and the events start
    /// over at the next line (a new segment of the log, as after a reconnection).
    fn missed(&mut self, missed: u64) {
        let reason = if self.read_to == 0 {
            format!(
                "the tap keeps a stream's newest {} KiB: its first {missed} bytes are not shown",
                MAX_RAW_BYTES / 1024
            )
        } else {
            format!("{missed} bytes went by before they were read (the tap keeps a stream's newest {} KiB): events in them are missing", MAX_RAW_BYTES / 1024)
        };
        self.outbox.push_back(Update::Error { error: SubscribeError::Read(reason), will_retry: false });
        self.read_to += missed;
        self.reader.restart();
        self.resync = true;
    }

    fn push_chunk(&mut self, at: Duration, mut bytes: Bytes) {
        if self.resync {
            let Some(end) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') else { return };
            let skip = end + usize::from(bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n')) + 1;
            bytes = bytes.slice(skip..);
            self.resync = false;
        }
        if bytes.is_empty() {
            return;
        }
        let received_at = self.started + at;
        // The bytes before the events they complete, as a subscription reports them.
        self.reader.feed(&bytes);
        self.outbox.push_back(Update::Raw(BodyRead { bytes, compressed: None }));
        loop {
            match self.reader.next_event() {
                Ok(Some((event, offset))) => {
                    self.outbox.push_back(Update::Event(SseEvent::parsed(event, offset, received_at)))
                }
                Ok(None) => break,
                Err(error) => {
                    // The tap passed it on; the inspector leaves it out and reads on.
                    self.outbox.push_back(Update::Error { error: error.into(), will_retry: false });
                    self.reader.restart();
                    self.resync = true;
                    break;
                }
            }
        }
    }

    /// Ends the feed at `at` (the record's time, when it has one).
    fn close(&mut self, reason: String, at: SystemTime) {
        self.outbox.push_back(Update::Closed { reason, at });
        self.phase = Phase::Done;
    }
}

/// What of `exchange` lies beyond `read_to`: its head (when `want_head`), the bytes let go
/// unread, the kept chunks (sharing the record's buffers) and how it ended, once every byte is in.
fn look(exchange: &Exchange, read_to: u64, want_head: bool) -> Read {
    let head = exchange.status.filter(|_| want_head).map(|status| {
        let mut headers = HeaderMap::new();
        for (name, value) in &exchange.response_headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str()))
            {
                headers.append(name, value);
            }
        }
        // A head recorded without its time came no later than the body's first bytes.
        let first_bytes = exchange.raw.front().map(|(at, _)| *at);
        (status, headers, exchange.head_after.or(first_bytes).unwrap_or_default())
    });
    let mut position = exchange.raw_dropped;
    let missed = position.saturating_sub(read_to);
    let mut chunks = Vec::new();
    for (at, bytes) in &exchange.raw {
        let end = position + bytes.len() as u64;
        if end > read_to {
            let skip =
                usize::try_from(read_to.saturating_sub(position)).unwrap_or(usize::MAX).min(bytes.len());
            chunks.push((*at, bytes.slice(skip..)));
        }
        position = end;
    }
    let ending =
        exchange.ending.as_ref().map(|ending| (ending.to_string(), exchange.duration.unwrap_or_default()));
    Read { head, missed, chunks, first_byte: exchange.first_byte_after, ending }
}
