//! The commands of the Expectations panel: load an expectations file (chosen in the open
//! dialog) or generate one from a connection's kept events, save it, clear it. The checking
//! is in `sse_connections` (`sse_expect` underneath); reports arrive on the connection's
//! channel as verdicts change.

use std::path::PathBuf;

use sse_connections::ExpectationsReport;
use tauri::State;

use crate::error::CommandError;
use crate::files::{self, given_or_picked, read_bounded, Exported};
use crate::state::AppState;

const TOML: (&str, &[&str]) = ("Expectations (TOML)", &["toml"]);

async fn load<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: u64,
    path: Option<PathBuf>,
) -> Result<Option<ExpectationsReport>, CommandError> {
    let Some(path) = given_or_picked(app, path, None, TOML).await else { return Ok(None) };
    let text = read_bounded(&path)?;
    let name =
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(Some(state.connections.load_expectations(id, &name, text)?))
}

/// Checks the expectations in a TOML file chosen in the open dialog on connection `id`'s
/// stream (its kept events, then new ones); null if cancelled. A file with a mistake is an
/// error naming its line and column.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn load_expectations<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    path: Option<String>,
) -> Result<Option<ExpectationsReport>, CommandError> {
    load(&app, &state, id, files::hook_path(path)?).await
}

/// Generates expectations from connection `id`'s kept events (its first `events`) and checks
/// them on it.
#[tauri::command]
pub fn generate_expectations(
    state: State<'_, AppState>,
    id: u64,
    events: u64,
) -> Result<ExpectationsReport, CommandError> {
    Ok(state.connections.generate_expectations(id, events.clamp(1, 10_000))?.1)
}

async fn save<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: u64,
    path: Option<PathBuf>,
) -> Result<Option<Exported>, CommandError> {
    let text = state.connections.expectations_text(id)?;
    let Some(path) = given_or_picked(app, path, Some("expect.toml"), TOML).await else { return Ok(None) };
    std::fs::write(&path, &text).map_err(|source| CommandError::File {
        doing: "write",
        path: path.display().to_string(),
        source,
    })?;
    Ok(Some(Exported { path: path.display().to_string(), bytes: text.len() as u64 }))
}

/// Writes the loaded expectations to a TOML file chosen in the save dialog; null if cancelled.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn save_expectations<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    path: Option<String>,
) -> Result<Option<Exported>, CommandError> {
    save(&app, &state, id, files::hook_path(path)?).await
}

/// Stops checking expectations on connection `id`.
#[tauri::command]
pub fn clear_expectations(state: State<'_, AppState>, id: u64) -> Result<(), CommandError> {
    Ok(state.connections.clear_expectations(id)?)
}
