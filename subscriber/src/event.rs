use std::time::{Duration, SystemTime};

/// One event as the client received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type: `message` when the stream names none.
    pub event: String,
    pub data: String,
    /// The last event ID as EventSource's `lastEventId` defines it: kept from earlier events,
    /// `""` when none was ever set.
    pub id: String,
    /// Whether this event's own block set the id.
    pub id_set: bool,
    /// The reconnection time this event's block set, if any.
    pub retry: Option<Duration>,
    /// Bytes on the wire for this event's block.
    pub size: usize,
    /// Where the block ends in its connection's body (bytes from the body's start): the
    /// block is the `size` bytes before this offset.
    pub stream_offset: u64,
    pub received_at: SystemTime,
}

impl SseEvent {
    /// The parser's event, ending at `stream_offset` of its connection's body, received at
    /// `received_at`.
    pub fn parsed(event: crate::ParsedEvent, stream_offset: u64, received_at: SystemTime) -> Self {
        Self {
            event: event.event,
            data: event.data,
            id: event.id,
            id_set: event.id_set,
            retry: event.retry,
            size: event.size,
            stream_offset,
            received_at,
        }
    }
}
