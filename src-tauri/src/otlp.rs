//! Export to OpenTelemetry… (the LLM tab): one collector for the app, off by default, saved
//! with the settings (its header's value in the keyring). While set, every LLM call of a
//! connection or a tap goes to it (`sse_connections::SharedExport`).

use sse_connections::{OtlpSettings, OtlpStatus, SettingsStore};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Sets the export (`None`: off), saves it, and applies it to the open taps; its status and
/// notes for the user (say, the header not saved for want of a keyring).
#[tauri::command]
pub fn set_otlp_export(
    state: State<'_, AppState>,
    store: State<'_, SettingsStore>,
    settings: Option<OtlpSettings>,
) -> Result<(OtlpStatus, Vec<String>), CommandError> {
    let status = state.export.set(&state.runtime, settings.as_ref())?;
    state.taps.apply_export();
    let notes = store.save_otlp(settings.as_ref())?;
    Ok((status, notes))
}

/// Where the export stands: on or off, where to, calls sent, its first failure.
#[tauri::command]
pub fn otlp_export_status(state: State<'_, AppState>) -> OtlpStatus {
    state.export.status()
}

/// Applies the export saved with the settings (when the window loads them); a saved export
/// that no longer applies (a wrong URL) is a problem said to the user, the export off.
pub fn apply_saved(state: &AppState, settings: Option<&OtlpSettings>, problems: &mut Vec<String>) {
    if let Err(error) = state.export.set(&state.runtime, settings) {
        problems.push(format!("The OpenTelemetry export was not turned on: {error}"));
    }
    state.taps.apply_export();
}
