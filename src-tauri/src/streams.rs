//! The Server tab's commands, on the embedded server's library (no HTTP round trip): its
//! streams listed and created, an event published, a stream's fault profile set (JSON, checked
//! as the HTTP API checks it), read and cleared.

use embedded_server::{FaultProfile, Publish, StreamInfo};
use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// The embedded server's streams: name, subscribers, last id.
#[tauri::command]
pub fn server_streams(state: State<'_, AppState>) -> Vec<StreamInfo> {
    state.broker.streams()
}

/// Creates a stream (nothing happens if it exists).
#[tauri::command]
pub fn create_stream(state: State<'_, AppState>, name: String) -> Result<(), CommandError> {
    state.broker.create_stream(name.trim())?;
    Ok(())
}

/// Publishes an event on `stream`; its id.
#[tauri::command]
pub async fn publish_event(
    state: State<'_, AppState>,
    stream: String,
    event: Option<String>,
    data: String,
    retry: Option<u64>,
) -> Result<u64, CommandError> {
    let event = event.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty());
    let published = state.broker.publish_async(&stream, Publish { event, data, retry }, None).await?;
    Ok(published.id)
}

/// The stream's fault profile, if one is set.
#[tauri::command]
pub fn stream_faults(state: State<'_, AppState>, stream: String) -> Option<FaultProfile> {
    state.faults.get(&stream)
}

/// Sets the stream's fault profile from its JSON (docs/faults.md); the profile as it will
/// apply. A mistake names the field.
#[tauri::command]
pub fn set_stream_faults(
    state: State<'_, AppState>,
    stream: String,
    profile: String,
) -> Result<FaultProfile, CommandError> {
    if !state.broker.has_stream(&stream) {
        return Err(embedded_server::BrokerError::UnknownStream(stream).into());
    }
    let profile = FaultProfile::parse(profile.as_bytes())?;
    state.faults.set(&stream, profile.clone());
    Ok(profile)
}

/// Clears the stream's fault profile; whether one was set.
#[tauri::command]
pub fn clear_stream_faults(state: State<'_, AppState>, stream: String) -> bool {
    state.faults.clear(&stream)
}
