//! Export (events, one event's data, a tap's HAR) and import: a path chosen in the native dialogs (opened from
//! Rust, so the webview needs no dialog permission), or given by the GUI tests in builds with
//! `test-hooks`.

use std::io::Read;
use std::path::{Path, PathBuf};

use embedded_server::{replay_file, Pace};
use serde::Serialize;
use sse_connections::ConnectionSpec;
use sse_inspector::ExportFormat;
use tauri_plugin_dialog::{DialogExt, FilePath};
use tokio::sync::oneshot;

use crate::error::CommandError;
use crate::state::AppState;

const CAPTURE_EXTENSIONS: &[&str] = &["ndjson", "jsonl", "json"];

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub path: String,
    pub bytes: u64,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    /// What to open to watch the replay.
    pub spec: ConnectionSpec,
    pub events: usize,
}

/// Asks for a path with the native dialog; `None` if the user cancelled.
async fn pick_path<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    save: Option<&str>,
    filter: (&str, &[&str]),
) -> Option<PathBuf> {
    let (tx, rx) = oneshot::channel::<Option<FilePath>>();
    let dialog = app.dialog().file().add_filter(filter.0, filter.1);
    match save {
        Some(name) => dialog.set_file_name(name).save_file(move |path| {
            let _ = tx.send(path);
        }),
        None => dialog.pick_file(move |path| {
            let _ = tx.send(path);
        }),
    }
    rx.await.ok().flatten().and_then(|path| path.into_path().ok())
}

/// A file named by the page instead of the dialog: the GUI tests' hook, taken only by
/// test-hooks builds; a release build refuses it, so a page never chooses where to read or write.
pub(crate) fn hook_path(path: Option<String>) -> Result<Option<PathBuf>, CommandError> {
    match path {
        None => Ok(None),
        Some(path) if cfg!(feature = "test-hooks") => Ok(Some(PathBuf::from(path))),
        Some(_) => Err(CommandError::PathRefused),
    }
}

/// `given` (the GUI tests' path), else one the user picks; `None` if they cancelled.
pub(crate) async fn given_or_picked<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    given: Option<PathBuf>,
    save: Option<&str>,
    filter: (&str, &[&str]),
) -> Option<PathBuf> {
    match given {
        Some(path) => Some(path),
        None => pick_path(app, save, filter).await,
    }
}

/// Writes a connection's kept events (only those the filter shows, if `matching_only`) to
/// `path`, or to one chosen in the save dialog; `None` if cancelled.
pub async fn export<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: u64,
    format: ExportFormat,
    matching_only: bool,
    path: Option<PathBuf>,
) -> Result<Option<Exported>, CommandError> {
    let (name, filter) = match format {
        ExportFormat::Ndjson => ("capture.ndjson", ("NDJSON", CAPTURE_EXTENSIONS)),
        ExportFormat::Csv => ("capture.csv", ("CSV", &["csv"][..])),
    };
    let Some(path) = given_or_picked(app, path, Some(name), filter).await else { return Ok(None) };
    let (connections, target) = (state.connections.clone(), path.clone());
    let bytes =
        tauri::async_runtime::spawn_blocking(move || connections.export(id, &target, format, matching_only))
            .await??;
    Ok(Some(Exported { path: path.display().to_string(), bytes }))
}

/// Writes a tap's exchanges as HAR 1.2 to `path`, or to one chosen in the save dialog
/// (credentials redacted unless `with_secrets`); `None` if cancelled.
pub async fn export_har<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: u64,
    with_secrets: bool,
    path: Option<PathBuf>,
) -> Result<Option<Exported>, CommandError> {
    let har_filter = ("HAR", &["har", "json"][..]);
    let Some(path) = given_or_picked(app, path, Some("tap.har"), har_filter).await else { return Ok(None) };
    let secrets = if with_secrets { sse_tap::Secrets::Keep } else { sse_tap::Secrets::Redact };
    let (taps, target) = (state.taps.clone(), path.clone());
    let bytes = tauri::async_runtime::spawn_blocking(move || taps.write_har(id, &target, secrets)).await??;
    Ok(Some(Exported { path: path.display().to_string(), bytes }))
}

/// Writes a kept event's whole data to `path`, or to one chosen in the save dialog; `None` if
/// cancelled or the event is no longer kept.
pub async fn save_event_data<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: u64,
    seq: u64,
    path: Option<PathBuf>,
) -> Result<Option<Exported>, CommandError> {
    let filter = ("Data", &["txt", "json"][..]);
    let Some(path) = given_or_picked(app, path, Some("event-data.txt"), filter).await else {
        return Ok(None);
    };
    let (connections, target) = (state.connections.clone(), path.clone());
    let written =
        tauri::async_runtime::spawn_blocking(move || connections.write_event_data(id, seq, &target))
            .await??;
    Ok(written.map(|bytes| Exported { path: path.display().to_string(), bytes }))
}

/// Reads a capture from `path`, or from one chosen in the open dialog, and replays it on a new
/// stream of the embedded server once watched, at the recorded pace times `speed` (0: as fast
/// as possible); `None` if cancelled.
pub async fn import<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    path: Option<PathBuf>,
    speed: f64,
) -> Result<Option<Imported>, CommandError> {
    let Some(path) = given_or_picked(app, path, None, ("Captures", CAPTURE_EXTENSIONS)).await else {
        return Ok(None);
    };
    let started = replay_file(&state.broker, &path, Pace::from_speed(speed))?;
    let spec = ConnectionSpec {
        name: format!("Replay of {}", started.file_name),
        url: state.stream_url(&started.stream),
        ..ConnectionSpec::default()
    };
    Ok(Some(Imported { spec, events: started.events }))
}

/// The largest file of settings read from a file the user names (expectations, fault rules).
const MAX_FILE_BYTES: u64 = 1 << 20;

/// A file's text, at most [`MAX_FILE_BYTES`].
pub(crate) fn read_bounded(path: &Path) -> Result<String, CommandError> {
    let failed = |source| CommandError::File { doing: "read", path: path.display().to_string(), source };
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1).read_to_string(&mut text).map_err(failed)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        let too_big = std::io::Error::new(std::io::ErrorKind::InvalidData, "larger than 1 MiB");
        return Err(failed(too_big));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path from the page is taken only by a test-hooks build; a release build refuses it,
    /// and no path is the dialog's to choose in both.
    #[test]
    fn only_a_test_hooks_build_takes_a_path_from_the_page() {
        assert!(matches!(hook_path(None), Ok(None)));
        let given = hook_path(Some("/tmp/x.ndjson".into()));
        if cfg!(feature = "test-hooks") {
            assert_eq!(given.ok().flatten(), Some(PathBuf::from("/tmp/x.ndjson")));
        } else {
            assert!(matches!(given, Err(CommandError::PathRefused)));
        }
    }
}
