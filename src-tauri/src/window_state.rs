//! The window's size and place, kept in the settings between runs.

use sse_connections::{SettingsStore, WindowState};

/// Puts the window back where it was when last closed.
pub fn restore_window(window: &tauri::WebviewWindow, store: &SettingsStore) {
    let Some(saved) = store.saved_window() else { return };
    if saved.width >= 200.0 && saved.height >= 150.0 {
        let _ = window.set_size(tauri::PhysicalSize::new(saved.width, saved.height));
    }
    if let (Some(x), Some(y)) = (saved.x, saved.y) {
        let _ = window.set_position(tauri::PhysicalPosition::new(x, y));
    }
    if saved.maximized {
        let _ = window.maximize();
    }
}

pub fn save_window(window: &tauri::WebviewWindow, store: &SettingsStore) {
    let (Ok(size), Ok(maximized)) = (window.inner_size(), window.is_maximized()) else { return };
    let position = window.outer_position().ok();
    let state = WindowState {
        width: f64::from(size.width),
        height: f64::from(size.height),
        x: position.map(|p| f64::from(p.x)),
        y: position.map(|p| f64::from(p.y)),
        maximized,
    };
    if let Err(error) = store.save_window(state) {
        tracing::warn!(%error, "cannot save the window's size and place");
    }
}
