//! A tap's Breakpoints tab: its list (the JSON of `docs/breakpoints.md`) read and set, the
//! events held now, and the user's actions on one. The work is in `sse_breakpoints` and the
//! tap's holds (`sse_tap::TapBreakpoints`).

use serde::{Deserialize, Serialize};
use sse_breakpoints::{Action, BreakpointList, HeldView, WrittenEvent};

use crate::error::InspectError;
use crate::taps::RunningTaps;

/// A tap's breakpoints and what they hold now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TapBreakpointsView {
    /// The JSON array, one breakpoint a line; `[]` for none.
    pub list: String,
    /// Each breakpoint in words, in order.
    pub described: Vec<String>,
    /// The events held now, oldest exchange first.
    pub held: Vec<HeldView>,
}

/// What the user does with a held event.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum HoldAction {
    SendOn,
    SendEdited { event: WrittenEvent },
    Drop,
    InjectBefore { event: WrittenEvent },
    InjectAfter { event: WrittenEvent },
    Resume,
}

impl From<HoldAction> for Action {
    fn from(action: HoldAction) -> Self {
        match action {
            HoldAction::SendOn => Self::SendOn,
            HoldAction::SendEdited { event } => Self::SendEdited(event),
            HoldAction::Drop => Self::Drop,
            HoldAction::InjectBefore { event } => Self::InjectBefore(event),
            HoldAction::InjectAfter { event } => Self::InjectAfter(event),
            HoldAction::Resume => Self::Resume,
        }
    }
}

impl RunningTaps {
    /// Tap `id`'s breakpoints and held events.
    pub fn breakpoints_view(&self, id: u64) -> Result<TapBreakpointsView, InspectError> {
        let breakpoints = self.breakpoints(id)?;
        let list = breakpoints.list();
        Ok(TapBreakpointsView {
            list: list.to_json(),
            described: list.breakpoints().iter().map(|breakpoint| breakpoint.describe()).collect(),
            held: breakpoints.held(),
        })
    }

    /// Puts the breakpoints of `json` in place of tap `id`'s; a list with a mistake changes
    /// nothing and the error names the breakpoint and field. Streams already flowing stop at
    /// their next matching event.
    pub fn set_breakpoints(&self, id: u64, json: &str) -> Result<TapBreakpointsView, InspectError> {
        let text = if json.trim().is_empty() { "[]" } else { json };
        self.breakpoints(id)?.set(BreakpointList::parse(text)?);
        self.breakpoints_view(id)
    }

    /// Sends `action` to the event held on tap `id`'s exchange `exchange`.
    pub fn act_on_held(&self, id: u64, exchange: u64, action: HoldAction) -> Result<(), InspectError> {
        Ok(self.breakpoints(id)?.act(exchange, action.into())?)
    }
}
