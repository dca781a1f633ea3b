use std::sync::PoisonError;

use embedded_server::COUNTER_STREAM;
use serde::Serialize;
use sse_subscriber::{watch, FeedUpdate, SubscribeRequest};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The counter stream's URL, for the UI's own EventSource.
    pub counter_url: String,
}

fn counter_url(state: &AppState) -> String {
    format!("http://{}/events?stream={COUNTER_STREAM}", state.server_addr)
}

/// Where the embedded server listens.
#[tauri::command]
pub fn server_info(state: State<'_, AppState>) -> ServerInfo {
    ServerInfo { base_url: format!("http://{}", state.server_addr), counter_url: counter_url(&state) }
}

/// Subscribes the Rust subscriber to the counter and forwards every update to `on_event`.
/// A second call (the page reloaded) replaces the first feed.
#[tauri::command]
pub fn watch_counter(state: State<'_, AppState>, on_event: Channel<FeedUpdate>) -> Result<(), CommandError> {
    let request = SubscribeRequest::new(&counter_url(&state))?;
    let task = tauri::async_runtime::spawn(async move {
        watch(request, |update| on_event.send(update).is_ok()).await;
    });
    let previous = state.feed.lock().unwrap_or_else(PoisonError::into_inner).replace(task);
    if let Some(previous) = previous {
        previous.abort();
    }
    Ok(())
}

/// A stream's live subscriber count, sent whenever a subscriber joins or leaves.
#[derive(Clone, Serialize)]
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
