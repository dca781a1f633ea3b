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

/// The smallest window every part stays usable in (tauri.conf.json's minimum), in CSS pixels.
const MIN_SIZE: (f64, f64) = (900.0, 600.0);

/// A window of `size` placed at `position`, made to fit the work area (`origin`, `area`; all
/// physical pixels): never larger than it, never smaller than `min`, and inside it.
fn fitted(
    size: (u32, u32),
    position: (i32, i32),
    origin: (i32, i32),
    area: (u32, u32),
    min: (u32, u32),
) -> ((u32, u32), (i32, i32)) {
    let width = size.0.min(area.0).max(min.0);
    let height = size.1.min(area.1).max(min.1);
    let inside = |at: i32, start: i32, room: u32, length: u32| {
        let last = start.saturating_add(i32::try_from(room.saturating_sub(length)).unwrap_or(i32::MAX));
        at.clamp(start, last.max(start))
    };
    let x = inside(position.0, origin.0, area.0, width);
    let y = inside(position.1, origin.1, area.1, height);
    ((width, height), (x, y))
}

/// A screen's work area (the panels and docks left out) in physical pixels, and its scale.
struct WorkArea {
    origin: (i32, i32),
    size: (u32, u32),
    scale: f64,
}

/// The window's screen's work area. Without a window manager to say what panels take (X with
/// none), the work area is empty: then it is the whole screen.
fn work_area<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) -> Option<WorkArea> {
    let monitor =
        window.current_monitor().ok().flatten().or_else(|| window.primary_monitor().ok().flatten())?;
    let work = monitor.work_area();
    let (origin, size) = if work.size.width == 0 || work.size.height == 0 {
        (*monitor.position(), *monitor.size())
    } else {
        (work.position, work.size)
    };
    Some(WorkArea {
        origin: (origin.x, origin.y),
        size: (size.width, size.height),
        scale: monitor.scale_factor(),
    })
}

/// Puts the window back where it was when last closed (else at its configured size), fitted
/// to the screen's work area: a first window on a small screen, or one saved on a larger
/// screen, is never larger than it, nor smaller than the minimum.
pub fn restore_window<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>, store: &SettingsStore) {
    let saved = store.saved_window();
    // A saved size no window could have is not used.
    let saved_size = saved
        .as_ref()
        .filter(|saved| saved.width >= 200.0 && saved.height >= 150.0)
        .map(|saved| (saved.width as u32, saved.height as u32));
    let Some(WorkArea { origin, size: area, scale }) = work_area(window) else {
        if let Some((width, height)) = saved_size {
            let _ = window.set_size(tauri::PhysicalSize::new(width, height));
        }
        return;
    };
    let configured =
        tauri::Manager::config(window).app.windows.first().map_or((1200.0, 720.0), |w| (w.width, w.height));
    let physical =
        |(width, height): (f64, f64)| ((width * scale).round() as u32, (height * scale).round() as u32);
    let size = saved_size.unwrap_or_else(|| physical(configured));
    let position = saved.as_ref().and_then(|saved| Some((saved.x? as i32, saved.y? as i32)));
    let ((width, height), (x, y)) =
        fitted(size, position.unwrap_or(origin), origin, area, physical(MIN_SIZE));
    if saved.is_some() || (width, height) != physical(configured) {
        let _ = window.set_size(tauri::PhysicalSize::new(width, height));
    }
    if position.is_some() {
        let _ = window.set_position(tauri::PhysicalPosition::new(x, y));
    }
    if saved.is_some_and(|saved| saved.maximized) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A window larger than the work area shrinks to it (not below the minimum) and moves
    /// inside it; one that fits stays as it is.
    #[test]
    fn a_window_fits_the_work_area() {
        let min = (900, 600);
        // A 1200x720 first window on a 1024x700 work area below a 32 px panel.
        assert_eq!(fitted((1200, 720), (100, 100), (0, 32), (1024, 700), min), ((1024, 700), (0, 32)));
        // On a work area smaller than the minimum, the minimum wins.
        assert_eq!(fitted((1200, 720), (0, 0), (0, 0), (800, 500), min).0, (900, 600));
        // A window that fits keeps its size and place.
        assert_eq!(fitted((1200, 720), (50, 60), (0, 0), (1920, 1080), min), ((1200, 720), (50, 60)));
        // Saved on a second screen to the right, it comes back onto this one.
        assert_eq!(fitted((1200, 720), (3000, 60), (0, 0), (1920, 1080), min).1, (720, 60));
    }
}
