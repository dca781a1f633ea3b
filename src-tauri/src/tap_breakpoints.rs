//! The commands of a tap's Breakpoints tab: its breakpoints read and set
//! (`docs/breakpoints.md`), and the user's action on a held event. Breakpoints are never saved
//! with the tap. The work is in `sse_connections::RunningTaps` and `sse_breakpoints`.

use sse_connections::{HoldAction, TapBreakpointsView};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Tap `id`'s breakpoints and the events they hold now.
#[tauri::command]
pub fn tap_breakpoints(state: State<'_, AppState>, id: u64) -> Result<TapBreakpointsView, CommandError> {
    Ok(state.taps.breakpoints_view(id)?)
}

/// Puts `list` (a JSON array of breakpoints) in place of tap `id`'s; a list with a mistake
/// changes nothing and the error names the breakpoint and field.
#[tauri::command]
pub fn set_tap_breakpoints(
    state: State<'_, AppState>,
    id: u64,
    list: String,
) -> Result<TapBreakpointsView, CommandError> {
    Ok(state.taps.set_breakpoints(id, &list)?)
}

/// Sends `action` to the event held on tap `id`'s exchange `exchange`.
#[tauri::command]
pub fn act_on_held(
    state: State<'_, AppState>,
    id: u64,
    exchange: u64,
    action: HoldAction,
) -> Result<(), CommandError> {
    Ok(state.taps.act_on_held(id, exchange, action)?)
}
