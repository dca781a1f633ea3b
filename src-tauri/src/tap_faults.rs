//! The commands of a tap's Faults box: its fault rules read and set (`sse-tap --faults`'s
//! format, docs/faults.md), and a rule file loaded into the box or saved from it, each file
//! chosen in a native dialog. Rules are never saved with the tap. The work is in
//! `sse_connections::RunningTaps` and `sse_faults`.

use std::path::PathBuf;

use sse_connections::{InspectError, TapFaults};
use sse_faults::FaultRules;
use tauri::State;

use crate::error::CommandError;
use crate::files::{self, given_or_picked, read_bounded, Exported};
use crate::state::AppState;

const RULES: (&str, &[&str]) = ("Fault rules (JSON)", &["json"]);

/// Tap `id`'s fault rules as they are now (a `once` rule goes once it applied).
#[tauri::command]
pub fn tap_faults(state: State<'_, AppState>, id: u64) -> Result<TapFaults, CommandError> {
    Ok(state.taps.faults(id)?)
}

/// Puts `rules` (a JSON array of rules) in place of tap `id`'s; a list with a mistake changes
/// nothing and the error names the rule's position and field.
#[tauri::command]
pub fn set_tap_faults(state: State<'_, AppState>, id: u64, rules: String) -> Result<TapFaults, CommandError> {
    Ok(state.taps.set_faults(id, &rules)?)
}

/// The text of a rule file chosen in the open dialog (at most 1 MiB), for the box; null if
/// cancelled. It is checked when it is applied.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn load_fault_rules<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    path: Option<String>,
) -> Result<Option<String>, CommandError> {
    let given = files::hook_path(path)?;
    let Some(path) = given_or_picked(&app, given, None, RULES).await else { return Ok(None) };
    Ok(Some(read_bounded(&path)?))
}

/// Writes `rules` to a file chosen in the save dialog, once they read as a rule list (so the
/// file works with `sse-tap --faults`); null if cancelled.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn save_fault_rules<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    rules: String,
    path: Option<String>,
) -> Result<Option<Exported>, CommandError> {
    FaultRules::parse(rules.as_bytes()).map_err(InspectError::from)?;
    let given = files::hook_path(path)?;
    let Some(path) = given_or_picked(&app, given, Some("faults.json"), RULES).await else { return Ok(None) };
    write(&path, &rules)
}

fn write(path: &PathBuf, text: &str) -> Result<Option<Exported>, CommandError> {
    std::fs::write(path, text).map_err(|source| CommandError::File {
        doing: "write",
        path: path.display().to_string(),
        source,
    })?;
    Ok(Some(Exported { path: path.display().to_string(), bytes: text.len() as u64 }))
}
