use embedded_server::COUNTER_STREAM;
use serde::Serialize;
use sse_connections::{
    curl_command, presets, sse_sub_command, ConnectionSpec, ConnectionUpdate, HeaderField, LlmReport, Loaded,
    Page, PaneLayout, Preset, SavedConnection, SettingsStore,
};
use sse_inspector::{Counts, EventDetail, EventFilter, ExportFormat, RawView};
use sse_mcp::Conversation;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::files::{self, Exported, Imported};
use crate::state::AppState;

#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The counter stream's name and URL.
    pub counter_stream: &'static str,
    pub counter_url: String,
    /// Built with `test-hooks`: the page installs its test hook (`ui/test-hook.js`).
    pub test_hooks: bool,
}

/// Where the embedded server listens.
#[tauri::command]
pub fn server_info(state: State<'_, AppState>) -> ServerInfo {
    ServerInfo {
        base_url: format!("http://{}", state.server_addr),
        counter_stream: COUNTER_STREAM,
        counter_url: state.stream_url(COUNTER_STREAM),
        test_hooks: cfg!(feature = "test-hooks"),
    }
}

/// What the app opens on: `--url` from the command line, or the embedded counter.
#[tauri::command]
pub fn initial_connection(state: State<'_, AppState>) -> ConnectionSpec {
    state.initial_connection.clone()
}

/// The ready-made connections.
#[tauri::command]
pub fn connection_presets(state: State<'_, AppState>) -> Vec<Preset> {
    presets(&state.stream_url(COUNTER_STREAM))
}

/// Opens a connection; its id. Its updates go to `on_update` until it is closed.
#[tauri::command]
pub fn connect(
    state: State<'_, AppState>,
    spec: ConnectionSpec,
    on_update: Channel<ConnectionUpdate>,
) -> Result<u64, CommandError> {
    let emit = move |update: ConnectionUpdate| on_update.send(update).is_ok();
    Ok(state.connections.open(spec, std::sync::Arc::new(emit))?)
}

/// Closes a connection; with `keep`, its captured events stay for the inspector, else
/// everything it held is freed. False if there was none with that id.
#[tauri::command]
pub fn disconnect(state: State<'_, AppState>, id: u64, keep: Option<bool>) -> bool {
    if keep.unwrap_or(false) {
        state.connections.stop(id)
    } else {
        state.connections.close(id)
    }
}

/// Drops a connection and opens it afresh with the same spec; false if it was not open.
#[tauri::command]
pub fn reconnect(state: State<'_, AppState>, id: u64) -> Result<bool, CommandError> {
    Ok(state.connections.reconnect(id)?)
}

/// What the UI shows about a spec before and while it runs.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpecInfo {
    /// For the clipboard: with the secrets, or the command would not work.
    pub curl: String,
    pub sse_sub: String,
    /// For the screen: secrets masked.
    pub curl_shown: String,
    pub sse_sub_shown: String,
    /// Why the browser's EventSource cannot open it, if it cannot.
    pub browser_limits: Vec<String>,
    /// The first problem that stops it from connecting.
    pub problem: Option<String>,
    /// Headers the connection adds to those the user set (MCP's request metadata headers).
    pub added_headers: Vec<HeaderField>,
}

/// Copy-as-command lines, browser limits and validation for a spec.
#[tauri::command]
pub fn inspect_connection(spec: ConnectionSpec) -> SpecInfo {
    let masked = spec.with_secrets_masked();
    SpecInfo {
        curl: curl_command(&spec),
        sse_sub: sse_sub_command(&spec),
        curl_shown: curl_command(&masked),
        sse_sub_shown: sse_sub_command(&masked),
        browser_limits: spec.browser_limits(),
        problem: spec.to_request().err().map(|e| e.to_string()),
        added_headers: spec.added_headers(),
    }
}

/// A stream's live subscriber count, sent whenever a subscriber joins or leaves.
#[derive(Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StreamStatus {
    pub stream: String,
    pub subscribers: usize,
}

/// Reports the embedded server's subscriber counts to `on_status`: all streams now, then
/// every change.
#[tauri::command]
pub fn watch_server(state: State<'_, AppState>, on_status: Channel<StreamStatus>) {
    for info in state.broker.streams() {
        let _ = on_status.send(StreamStatus { stream: info.name, subscribers: info.subscribers });
    }
    state.broker.set_subscriber_hook(move |stream, subscribers| {
        let _ = on_status.send(StreamStatus { stream: stream.to_owned(), subscribers });
    });
}

/// The saved connections (secrets back from the keyring) and what went wrong reading them;
/// the saved OpenTelemetry export is applied.
#[tauri::command]
pub fn load_settings(state: State<'_, AppState>, store: State<'_, SettingsStore>) -> Loaded {
    let mut loaded = store.load();
    let otlp = loaded.settings.otlp.as_ref().map(|saved| saved.settings.clone());
    crate::otlp::apply_saved(&state, otlp.as_ref(), &mut loaded.problems);
    loaded
}

/// Problems no command returns (a panic in a background task) go to `on_problem`.
#[tauri::command]
pub fn watch_problems(on_problem: Channel<String>) {
    crate::panics::watch(on_problem);
}

/// Panics on purpose, to prove a panicking command leaves the window running (GUI tests).
#[cfg(feature = "test-hooks")]
#[tauri::command]
pub fn panic_for_test(message: String) {
    panic!("{message}");
}

/// Saves the connections; notes for the user (say, secrets not saved for want of a keyring).
#[tauri::command]
pub fn save_connections(
    store: State<'_, SettingsStore>,
    connections: Vec<SavedConnection>,
    selected: Option<String>,
) -> Result<Vec<String>, CommandError> {
    Ok(store.save_connections(&connections, selected)?)
}

/// The page has drawn: show the window (it starts hidden, so it never flashes white).
#[tauri::command]
pub fn window_ready<R: tauri::Runtime>(window: tauri::WebviewWindow<R>) {
    crate::window_state::show_window(&window);
}

/// Saves how the window's parts are sized and which tab is shown.
#[tauri::command]
pub fn save_panes(store: State<'_, SettingsStore>, panes: PaneLayout) -> Result<(), CommandError> {
    Ok(store.save_panes(panes)?)
}

// ---- The event inspector ----------------------------------------------------------------

/// Rows `start..start + count` of a connection's (filtered) log, with its counts.
#[tauri::command]
pub fn events_page(
    state: State<'_, AppState>,
    id: u64,
    start: usize,
    count: usize,
) -> Result<Page, CommandError> {
    Ok(state.connections.page(id, start, count)?)
}

/// Everything about one kept event; null once it was dropped or cleared.
#[tauri::command]
pub fn event_detail(
    state: State<'_, AppState>,
    id: u64,
    seq: u64,
) -> Result<Option<EventDetail>, CommandError> {
    Ok(state.connections.detail(id, seq)?)
}

/// A kept event's whole data (the detail has only its first 64 KiB), for Copy data; null once
/// it is dropped.
#[tauri::command]
pub fn event_data(state: State<'_, AppState>, id: u64, seq: u64) -> Result<Option<String>, CommandError> {
    Ok(state.connections.event_data(id, seq)?)
}

/// Saves a kept event's whole data to a file chosen in the save dialog; null if cancelled or
/// the event is dropped.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn save_event_data<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    seq: u64,
    path: Option<String>,
) -> Result<Option<Exported>, CommandError> {
    files::save_event_data(&app, &state, id, seq, files::hook_path(path)?).await
}

/// Where a kept event stands in the filtered log; null if the filter hides it.
#[tauri::command]
pub fn event_position(state: State<'_, AppState>, id: u64, seq: u64) -> Result<Option<usize>, CommandError> {
    Ok(state.connections.position(id, seq)?)
}

/// Sets a connection's log filter; the counts it leaves. A bad regex is an error.
#[tauri::command]
pub fn set_filter(state: State<'_, AppState>, id: u64, filter: EventFilter) -> Result<Counts, CommandError> {
    Ok(state.connections.set_filter(id, &filter)?)
}

/// Reads connection `id`'s stream again as `choice` says (empty to guess, `off`, or a
/// provider's key): what its log keeps, then new events; the whole reading.
#[tauri::command]
pub fn choose_llm(state: State<'_, AppState>, id: u64, choice: String) -> Result<LlmReport, CommandError> {
    Ok(state.connections.choose_llm(id, &choice)?)
}

/// The MCP conversation of connection `id` (a JSON-RPC request in its body): null before its
/// response came, and for a tapped stream.
#[tauri::command]
pub fn mcp_conversation(state: State<'_, AppState>, id: u64) -> Result<Option<Conversation>, CommandError> {
    Ok(state.connections.mcp_conversation(id)?)
}

/// Empties a connection's log and raw bytes.
#[tauri::command]
pub fn clear_events(state: State<'_, AppState>, id: u64) -> Result<Counts, CommandError> {
    Ok(state.connections.clear(id)?)
}

/// The last `max_bytes` a connection received, as lines.
#[tauri::command]
pub fn raw_tail(state: State<'_, AppState>, id: u64, max_bytes: usize) -> Result<RawView, CommandError> {
    Ok(state.connections.raw_tail(id, max_bytes.min(1 << 20))?)
}

/// Writes a connection's kept events (only those the filter shows, if `matching_only`) to a
/// file chosen in the save dialog; null if cancelled.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn export_events<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: u64,
    format: ExportFormat,
    matching_only: bool,
    path: Option<String>,
) -> Result<Option<Exported>, CommandError> {
    files::export(&app, &state, id, format, matching_only, files::hook_path(path)?).await
}

/// Reads a capture (NDJSON, as exported or from `sse-sub --json --time`) chosen in the open
/// dialog and replays it on a new stream of the embedded server once watched: at the recorded
/// pace times `speed`, or as fast as possible when `speed` is 0. Null if cancelled.
/// (`path`: the GUI tests name a file instead of the dialog; only test-hooks builds take one.)
#[tauri::command]
pub async fn import_capture<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    path: Option<String>,
    speed: f64,
) -> Result<Option<Imported>, CommandError> {
    files::import(&app, &state, files::hook_path(path)?, speed).await
}
