//! The hold of one stream: its blocks pass on until an event a breakpoint stops at, which is
//! held; the stream keeps coming into the hold behind it (at most [`MAX_HELD_EVENTS`] events or
//! [`MAX_HELD_BYTES`]) until the user sends the held event on, edited or as it came, drops it,
//! or resumes; events may be injected before it or after it. Sans I/O: the caller feeds blocks,
//! takes the ones ready to go on, and passes the time.

use std::collections::VecDeque;
use std::time::Instant;

use serde::Serialize;
use sse_faults::{BodyKind, OwnedBlock};
use sse_wire::LineEnding;

use crate::event::{EventView, WrittenError, WrittenEvent};

/// Events kept behind a held one before the exchange is cut.
pub const MAX_HELD_EVENTS: usize = 1_000;
/// Bytes kept (the held event's and those behind it) before the exchange is cut.
pub const MAX_HELD_BYTES: usize = 8 * 1024 * 1024;
/// Of an edited or injected event, the text kept in the record.
const MARK_TEXT_BYTES: usize = 4 * 1024;

/// Which breakpoint (1-based position) stops at an event, if any does.
pub type Stops<'a> = &'a dyn Fn(&EventView) -> Option<usize>;

/// What the user does with the held event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Sends it on as it came (its bytes unchanged).
    SendOn,
    /// Sends this instead.
    SendEdited(WrittenEvent),
    Drop,
    /// Sends this now, the held event staying held.
    InjectBefore(WrittenEvent),
    /// Sends this right after the held event goes on (or in its place, if it is dropped).
    InjectAfter(WrittenEvent),
    /// Sends it on and stops at nothing more on this exchange.
    Resume,
}

/// What became of an event a breakpoint held, or one the user injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum MarkAction {
    SentOn,
    Edited,
    Dropped,
    /// Sent on, and the exchange stops no more.
    Resumed,
    InjectedBefore,
    InjectedAfter,
    /// Still held when the exchange ended (its client left, or the hold filled).
    WentWithExchange,
}

/// One line of the record: an event held (and what became of it) or injected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HoldMark {
    /// The upstream's event it concerns, counted from 1 (an injected event: the one held).
    pub event: u64,
    pub action: MarkAction,
    /// The breakpoint that stopped there (1-based position).
    pub breakpoint: u32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub held_ms: u64,
    /// The event as written, for an edited or injected one (at most 4 KiB kept).
    pub written: Option<String>,
}

/// The hold filled: the exchange is cut on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HoldFull {
    #[error("breakpoint hold full ({} events)", grouped(MAX_HELD_EVENTS as u64))]
    Events,
    #[error("breakpoint hold full ({} MiB)", MAX_HELD_BYTES / (1024 * 1024))]
    Bytes,
}

/// Why an action could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    #[error("no event is held on this exchange")]
    NothingHeld,
    #[error(transparent)]
    Written(#[from] WrittenError),
}

/// The event being held.
#[derive(Debug)]
struct Held {
    block: OwnedBlock,
    view: EventView,
    number: u64,
    breakpoint: usize,
    since: Instant,
    injected_before: u32,
    /// Injected to go right after it.
    after: Vec<OwnedBlock>,
}

/// The held event as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldEvent {
    pub number: u64,
    pub breakpoint: usize,
    pub view: EventView,
    /// Its bytes as they came (lossy UTF-8).
    pub text: String,
    pub since: Instant,
    pub behind_events: usize,
    pub behind_bytes: usize,
    pub injected_before: u32,
    pub inject_after: u32,
}

/// One stream's hold.
#[derive(Debug)]
pub struct Hold {
    kind: BodyKind,
    ending: Option<LineEnding>,
    held: Option<Held>,
    behind: VecDeque<OwnedBlock>,
    behind_events: usize,
    behind_bytes: usize,
    ready: VecDeque<OwnedBlock>,
    /// Upstream events seen (held or passed), the held one's number.
    events: u64,
    resumed: bool,
    marks: Vec<HoldMark>,
}

impl Hold {
    pub fn new(kind: BodyKind) -> Self {
        Self {
            kind,
            ending: None,
            held: None,
            behind: VecDeque::new(),
            behind_events: 0,
            behind_bytes: 0,
            ready: VecDeque::new(),
            events: 0,
            resumed: false,
            marks: Vec::new(),
        }
    }

    /// Takes the upstream's next block: it passes on, is held, or waits behind the held one.
    pub fn push(
        &mut self,
        block: OwnedBlock,
        now: Instant,
        stops: Option<Stops<'_>>,
    ) -> Result<(), HoldFull> {
        if self.ending.is_none() {
            self.ending = LineEnding::first_in(&block.bytes);
        }
        if self.held.is_none() && self.behind.is_empty() {
            self.consider(block, now, stops);
            return Ok(());
        }
        self.behind_events += usize::from(block.is_event);
        self.behind_bytes += block.bytes.len();
        self.behind.push_back(block);
        let held_bytes = self.held.as_ref().map_or(0, |held| held.block.bytes.len());
        if self.behind_events > MAX_HELD_EVENTS {
            return Err(HoldFull::Events);
        }
        if self.behind_bytes + held_bytes > MAX_HELD_BYTES {
            return Err(HoldFull::Bytes);
        }
        Ok(())
    }

    /// A block passes on, or is held when a breakpoint stops at its event.
    fn consider(&mut self, block: OwnedBlock, now: Instant, stops: Option<Stops<'_>>) {
        if block.is_event {
            self.events += 1;
            let stop = stops.filter(|_| !self.resumed).and_then(|stops| {
                let view = EventView::of(&block.bytes, self.kind)?;
                Some((stops(&view)?, view))
            });
            if let Some((breakpoint, view)) = stop {
                let number = self.events;
                self.held = Some(Held {
                    block,
                    view,
                    number,
                    breakpoint,
                    since: now,
                    injected_before: 0,
                    after: Vec::new(),
                });
                return;
            }
        }
        self.ready.push_back(block);
    }

    /// The next block ready to go on towards the client.
    pub fn take_ready(&mut self) -> Option<OwnedBlock> {
        self.ready.pop_front()
    }

    /// Whether an event is held.
    pub fn is_holding(&self) -> bool {
        self.held.is_some()
    }

    /// The held event's number, if one is held.
    pub fn held_number(&self) -> Option<u64> {
        self.held.as_ref().map(|held| held.number)
    }

    /// The held event, for the window.
    pub fn held(&self) -> Option<HeldEvent> {
        let held = self.held.as_ref()?;
        Some(HeldEvent {
            number: held.number,
            breakpoint: held.breakpoint,
            view: held.view.clone(),
            text: String::from_utf8_lossy(&held.block.bytes).into_owned(),
            since: held.since,
            behind_events: self.behind_events,
            behind_bytes: self.behind_bytes,
            injected_before: held.injected_before,
            inject_after: u32::try_from(held.after.len()).unwrap_or(u32::MAX),
        })
    }

    /// What waits behind the held event: its events and bytes.
    pub fn behind(&self) -> (usize, usize) {
        (self.behind_events, self.behind_bytes)
    }

    /// The record of what was held and injected, in order.
    pub fn marks(&self) -> &[HoldMark] {
        &self.marks
    }

    /// Takes `action` on the held event; what it releases is ready, and the blocks behind it
    /// pass on until the next stop.
    pub fn act(&mut self, action: Action, now: Instant, stops: Option<Stops<'_>>) -> Result<(), ActError> {
        let ending = self.ending.unwrap_or_default();
        let held = self.held.as_mut().ok_or(ActError::NothingHeld)?;
        let held_ms =
            u64::try_from(now.saturating_duration_since(held.since).as_millis()).unwrap_or(u64::MAX);
        let (number, breakpoint) = (held.number, u32::try_from(held.breakpoint).unwrap_or(u32::MAX));
        let mark = |action, written: Option<&OwnedBlock>| HoldMark {
            event: number,
            action,
            breakpoint,
            held_ms,
            written: written.map(|block| kept_text(&block.bytes)),
        };
        let (sent, action_mark) = match action {
            Action::InjectBefore(written) => {
                let block = written.block(self.kind, ending)?;
                let injected = mark(MarkAction::InjectedBefore, Some(&block));
                held.injected_before += 1;
                self.marks.push(injected);
                self.ready.push_back(block);
                return Ok(());
            }
            Action::InjectAfter(written) => {
                let block = written.block(self.kind, ending)?;
                let injected = mark(MarkAction::InjectedAfter, Some(&block));
                held.after.push(block);
                self.marks.push(injected);
                return Ok(());
            }
            Action::SendOn => (Some(held.block.clone()), mark(MarkAction::SentOn, None)),
            Action::Resume => (Some(held.block.clone()), mark(MarkAction::Resumed, None)),
            Action::Drop => (None, mark(MarkAction::Dropped, None)),
            Action::SendEdited(written) => {
                let block = written.block(self.kind, ending)?;
                let edited = mark(MarkAction::Edited, Some(&block));
                (Some(block), edited)
            }
        };
        let resume = action_mark.action == MarkAction::Resumed;
        self.marks.push(action_mark);
        let Some(held) = self.held.take() else { return Ok(()) };
        self.ready.extend(sent);
        self.ready.extend(held.after);
        self.resumed |= resume;
        while let Some(block) = self.behind.pop_front() {
            self.behind_events -= usize::from(block.is_event);
            self.behind_bytes -= block.bytes.len();
            self.consider(block, now, stops);
            if self.held.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// The exchange ended with an event held: it went with it. Whether one was held.
    pub fn went(&mut self, now: Instant) -> bool {
        let Some(held) = self.held.take() else { return false };
        let held_ms =
            u64::try_from(now.saturating_duration_since(held.since).as_millis()).unwrap_or(u64::MAX);
        self.marks.push(HoldMark {
            event: held.number,
            action: MarkAction::WentWithExchange,
            breakpoint: u32::try_from(held.breakpoint).unwrap_or(u32::MAX),
            held_ms,
            written: None,
        });
        true
    }
}

impl MarkAction {
    /// In a record's words.
    pub fn words(self) -> &'static str {
        match self {
            Self::SentOn => "sent on",
            Self::Edited => "edited",
            Self::Dropped => "dropped",
            Self::Resumed => "sent on, then resumed",
            Self::InjectedBefore => "injected before",
            Self::InjectedAfter => "injected after",
            Self::WentWithExchange => "held when the exchange ended",
        }
    }
}

/// The marks on one line, for an exchange's row: `event 3 edited, event 5 dropped, 2 injected`;
/// none when there are none.
pub fn marks_line(marks: &[HoldMark]) -> Option<String> {
    let injected = marks
        .iter()
        .filter(|mark| matches!(mark.action, MarkAction::InjectedBefore | MarkAction::InjectedAfter))
        .count();
    let mut parts: Vec<String> = marks
        .iter()
        .filter(|mark| !matches!(mark.action, MarkAction::InjectedBefore | MarkAction::InjectedAfter))
        .map(|mark| format!("event {} {}", mark.event, mark.action.words()))
        .collect();
    if injected > 0 {
        parts.push(format!("{injected} injected"));
    }
    (!parts.is_empty()).then(|| format!("breakpoints: {}", parts.join(", ")))
}

fn kept_text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(MARK_TEXT_BYTES)]).into_owned();
    if bytes.len() > MARK_TEXT_BYTES {
        text.push('…');
    }
    text
}

#[cfg(test)]
#[path = "hold_tests.rs"]
mod tests;

/// `1000` as `1,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
