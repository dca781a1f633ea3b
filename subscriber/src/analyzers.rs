//! A subscription's updates as the analyzers take them, in one place: `sse-sub` and the
//! window's connection task both feed the LLM reader (`sse_llm`) and the expectations checker
//! (`sse_expect`) through here, with the times the updates carry.

use std::time::SystemTime;

use sse_llm::Lifecycle;

use crate::request::header_pairs;
use crate::subscription::Update;

/// The LLM reader's view of `update`; none for what it does not read (raw bytes).
pub fn llm_lifecycle(update: &Update) -> Option<Lifecycle<'_>> {
    Some(match update {
        Update::Connecting { url, sent_at, .. } => Lifecycle::RequestSent { url, at: *sent_at },
        Update::Open { received_at, .. } => Lifecycle::HeadReceived { at: *received_at },
        Update::FirstByte { received_at } => Lifecycle::FirstByte { at: *received_at },
        Update::Event(event) => {
            Lifecycle::Event { event_type: &event.event, data: &event.data, received_at: event.received_at }
        }
        // A failure or an end carries no time of its own: it is told now.
        Update::Closed { at, .. } => Lifecycle::End { at: *at },
        Update::Error { .. } | Update::Retrying { .. } => Lifecycle::End { at: SystemTime::now() },
        Update::Raw(_) => return None,
    })
}

/// The expectations checker's view of `update`; none for raw bytes. A failure carries no time
/// of its own: it is told now.
pub fn expect_lifecycle(update: &Update) -> Option<sse_expect::Lifecycle<'_>> {
    use sse_expect::Lifecycle as Expect;
    Some(match update {
        Update::Connecting { sent_at, .. } => Expect::RequestSent { at: *sent_at },
        Update::Open { status, headers, .. } => {
            Expect::HeadReceived { status: *status, headers: header_pairs(headers) }
        }
        Update::Event(event) => Expect::Event {
            event_type: &event.event,
            data: &event.data,
            id: &event.id,
            id_set: event.id_set,
            received_at: event.received_at,
        },
        Update::Error { error, .. } => match error.response() {
            Some(response) => Expect::Refused {
                status: response.status,
                headers: response.headers.clone(),
                at: SystemTime::now(),
            },
            None => Expect::Ended { at: SystemTime::now() },
        },
        Update::Closed { at, .. } => Expect::Ended { at: *at },
        Update::Retrying { .. } => Expect::Ended { at: SystemTime::now() },
        Update::Raw(_) | Update::FirstByte { .. } => return None,
    })
}
