//! The Clients tabs' commands: every client of the embedded server, or of a tap, its
//! connection attempts and its report card against the spec's reconnection rules
//! (`sse_report_card` grades both).

use embedded_server::ClientReport;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Every client's attempts and card, as `GET /clients` gives them.
#[tauri::command]
pub fn client_report(state: State<'_, AppState>) -> ClientReport {
    embedded_server::report(&state.clients)
}

/// Every client of tap `id` that asked for an event stream or was answered with one: its
/// attempts and card, as `sse-tap --report` writes them.
#[tauri::command]
pub fn tap_client_report(state: State<'_, AppState>, id: u64) -> Result<ClientReport, CommandError> {
    Ok(state.taps.client_report(id)?)
}
