//! The commands of taps: open one (its exchanges reported over its own channel), close one,
//! save them; one exchange whole, a stream in the inspector, the waterfall's timings, a stream replayed, the HAR. The
//! work is in `sse_connections::RunningTaps`.

use embedded_server::{replay_reader, Pace};
use sse_connections::{
    ConnectionSpec, ConnectionUpdate, ExchangeDetail, SavedTap, SettingsStore, TapOpened, TapSpec, TapUpdate,
    TimelineRow,
};
use sse_mcp::{Conversation, Era};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::files::{self, Exported, Imported};
use crate::state::AppState;

/// Rows the waterfall asks for at most.
const TIMELINE_MAX: usize = 500;

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

/// Starts a tap again with `spec`, keeping its record; its exchanges go to `on_update`.
#[tauri::command]
pub async fn restart_tap(
    state: State<'_, AppState>,
    id: u64,
    spec: TapSpec,
    on_update: Channel<TapUpdate>,
) -> Result<TapOpened, CommandError> {
    let emit = move |update: TapUpdate| on_update.send(update).is_ok();
    Ok(state.taps.restart(id, &spec, std::sync::Arc::new(emit)).await?)
}

/// Stops a tap listening and keeps its record; answers once its port is free. False if there
/// was none with that id.
#[tauri::command]
pub async fn stop_tap(state: State<'_, AppState>, id: u64) -> Result<bool, CommandError> {
    Ok(state.taps.stop(id).await)
}

/// Forgets the exchanges a tap kept. False if there was none with that id.
#[tauri::command]
pub fn clear_tap(state: State<'_, AppState>, id: u64) -> bool {
    state.taps.clear(id)
}

/// Stops a tap and forgets it with its record; answers once its port is free. False if there
/// was none with that id.
#[tauri::command]
pub async fn close_tap(state: State<'_, AppState>, id: u64) -> Result<bool, CommandError> {
    Ok(state.taps.close(id).await)
}

/// Saves the taps; notes for the user (say, a header's secret not saved for want of a keyring).
#[tauri::command]
pub fn save_taps(store: State<'_, SettingsStore>, taps: Vec<SavedTap>) -> Result<Vec<String>, CommandError> {
    Ok(store.save_taps(&taps)?)
}

/// One exchange of a tap, credentials masked; null once it is no longer kept.
#[tauri::command]
pub fn tap_exchange(
    state: State<'_, AppState>,
    id: u64,
    exchange: u64,
) -> Result<Option<ExchangeDetail>, CommandError> {
    Ok(state.taps.exchange(id, exchange)?)
}

/// Opens a tapped stream in the inspector like a connection: its id for the inspector's
/// commands; its updates go to `on_update` (what the tap kept of it, then what comes).
#[tauri::command]
pub fn inspect_exchange(
    state: State<'_, AppState>,
    id: u64,
    exchange: u64,
    on_update: Channel<ConnectionUpdate>,
) -> Result<u64, CommandError> {
    let recorder = state.taps.recorder(id)?;
    let emit = move |update: ConnectionUpdate| on_update.send(update).is_ok();
    Ok(state.connections.open_tapped(recorder, exchange, std::sync::Arc::new(emit))?)
}

/// The MCP conversation through a tap: its JSON-RPC exchanges paired, the session followed,
/// each era's rules checked; read as `era` says when the user chose one.
#[tauri::command]
pub fn tap_mcp(state: State<'_, AppState>, id: u64, era: Option<Era>) -> Result<Conversation, CommandError> {
    Ok(state.taps.mcp_conversation(id, era)?)
}

/// The waterfall of a tap's newest exchanges (at most `max`, 500 at most), oldest first.
#[tauri::command]
pub fn tap_timeline(
    state: State<'_, AppState>,
    id: u64,
    max: usize,
) -> Result<Vec<TimelineRow>, CommandError> {
    Ok(state.taps.timeline(id, max.min(TIMELINE_MAX))?)
}

/// Replays a tapped stream on a new stream of the embedded server once watched (as an
/// imported capture): what to open to watch it; null when it is not a kept stream. Async: the
/// replay's task needs the runtime, which a sync command's thread has not.
#[tauri::command]
pub async fn replay_exchange(
    state: State<'_, AppState>,
    id: u64,
    exchange: u64,
    speed: f64,
) -> Result<Option<Imported>, CommandError> {
    let Some(capture) = state.taps.capture(id, exchange)? else { return Ok(None) };
    let shown = format!("exchange {exchange} of the tap");
    let started =
        replay_reader(&state.broker, std::io::Cursor::new(capture), &shown, None, Pace::from_speed(speed))?;
    let spec = ConnectionSpec {
        name: format!("Replay of tapped exchange {exchange}"),
        url: state.stream_url(&started.stream),
        ..ConnectionSpec::default()
    };
    Ok(Some(Imported { spec, events: started.events }))
}

/// Writes a tap's exchanges as HAR 1.2 to a file chosen in the save dialog, credentials
/// redacted unless `with_secrets`; null if cancelled.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn export_har<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    with_secrets: bool,
    path: Option<String>,
) -> Result<Option<Exported>, CommandError> {
    files::export_har(&app, &state, id, with_secrets, files::hook_path(path)?).await
}
