//! The commands of taps: open one (its exchanges reported over its own channel), close one,
//! save them. The work is in `sse_connections::RunningTaps`.

use sse_connections::{SavedTap, SettingsStore, TapOpened, TapSpec, TapUpdate};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Starts a tap on 127.0.0.1 (on `spec.port` when free); where it listens. Its exchanges go
/// to `on_update` until it is closed.
#[tauri::command]
pub fn open_tap(
    state: State<'_, AppState>,
    spec: TapSpec,
    on_update: Channel<TapUpdate>,
) -> Result<TapOpened, CommandError> {
    let emit = move |update: TapUpdate| on_update.send(update).is_ok();
    Ok(state.taps.open(&spec, std::sync::Arc::new(emit))?)
}

/// Stops a tap; answers once its port is free. False if there was none with that id.
#[tauri::command]
pub async fn close_tap(state: State<'_, AppState>, id: u64) -> Result<bool, CommandError> {
    Ok(state.taps.close(id).await)
}

/// Saves the taps; notes for the user (say, a header's secret not saved for want of a keyring).
#[tauri::command]
pub fn save_taps(store: State<'_, SettingsStore>, taps: Vec<SavedTap>) -> Result<Vec<String>, CommandError> {
    Ok(store.save_taps(&taps)?)
}
