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
