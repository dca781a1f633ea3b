//! The window's size and place, kept in the settings between runs, and its showing: hidden
//! until the page has drawn, on the page's background, so it never flashes white.

use std::time::Duration;

use sse_connections::{SettingsStore, WindowState};
use tauri::window::Color;

/// The page's background (styles.css `--bg`), light and dark.
const LIGHT_BACKGROUND: Color = Color(0xf6, 0xf7, 0xf9, 0xff);
const DARK_BACKGROUND: Color = Color(0x11, 0x15, 0x1a, 0xff);
/// Shown by then even if the page never says it is ready (a page that failed to load must
/// still be seen, with its error).
const SHOW_AT_LATEST: Duration = Duration::from_secs(3);

/// Paints the hidden window in the theme's background and makes sure it is shown.
pub fn prepare_window<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    let dark = matches!(window.theme(), Ok(tauri::Theme::Dark));
    let _ = window.set_background_color(Some(if dark { DARK_BACKGROUND } else { LIGHT_BACKGROUND }));
    let later = window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(SHOW_AT_LATEST);
        show_window(&later);
    });
}

/// Shows the window (the page calls this once it has drawn). Showing a shown window does
/// nothing.
pub fn show_window<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    if !window.is_visible().unwrap_or(false) {
        if let Err(error) = window.show() {
            tracing::warn!(%error, "cannot show the window");
        }
    }
}

/// Puts the window back where it was when last closed.
pub fn restore_window<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>, store: &SettingsStore) {
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

pub fn save_window<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>, store: &SettingsStore) {
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
