//! The Check server tab's commands: the server check (`sse-sub --check`) on a connection's
//! request, through a second URL too, and the command line that runs the same check. The work
//! is in `sse_connections::check_server`.

use serde::Serialize;
use sse_connections::{check_server as run_check, sse_sub_check_command, ConnectionSpec, ServerCard};

use crate::error::CommandError;

/// Checks the server of `spec`'s request for `check_for` seconds (5 to 3,600), and through
/// `via` side by side when given.
#[tauri::command]
pub async fn check_server(
    spec: ConnectionSpec,
    check_for: u64,
    via: Option<String>,
) -> Result<ServerCard, CommandError> {
    Ok(run_check(&spec, check_for, via.as_deref()).await?)
}

/// `sse-sub --check ...` for the same check: for the clipboard, and for the screen with its
/// secrets masked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CheckCommand {
    pub command: String,
    pub shown: String,
}

/// The command line of the check of `spec` for `check_for` seconds, through `via`.
#[tauri::command]
pub fn check_command(spec: ConnectionSpec, check_for: u64, via: Option<String>) -> CheckCommand {
    let masked = spec.with_secrets_masked();
    CheckCommand {
        command: sse_sub_check_command(&spec, check_for, via.as_deref()),
        shown: sse_sub_check_command(&masked, check_for, via.as_deref()),
    }
}
