//! The Clients tab's command: every client of the embedded server, its connection attempts and
//! its report card against the spec's reconnection rules (the server's library grades them).

use embedded_server::ClientReport;
use tauri::State;

use crate::state::AppState;

/// Every client's attempts and card, as `GET /clients` gives them.
#[tauri::command]
pub fn client_report(state: State<'_, AppState>) -> ClientReport {
    embedded_server::report(&state.clients)
}
