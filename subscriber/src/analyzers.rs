//! A subscription's updates as the analyzers take them, in one place: `sse-sub` and the
//! window's connection task both feed the LLM reader (`sse_llm`) through here, with the times
//! the updates carry.

use sse_llm::Lifecycle;

use crate::subscription::Update;

/// The LLM reader's view of `update`; none for what it does not read (raw bytes).
pub fn llm_lifecycle(update: &Update) -> Option<Lifecycle<'_>> {
    Some(match update {
        Update::Connecting { url, sent_at, .. } => Lifecycle::RequestSent { url, at: *sent_at },
        Update::Open { received_at, .. } => Lifecycle::HeadReceived { at: *received_at },
        Update::Event(event) => {
            Lifecycle::Event { event_type: &event.event, data: &event.data, received_at: event.received_at }
        }
        Update::Error { .. } | Update::Retrying { .. } | Update::Closed { .. } => Lifecycle::End,
        Update::Raw(_) => return None,
    })
}
