//! The SSE Monitor desktop app: starts the embedded SSE server on a free loopback port and
//! runs the user's connections (the embedded counter at first, or `--url`), forwarding each
//! one's updates to the UI over its own Tauri channel. Wiring only: the work is in the
//! library crates.
//!
//! # Layout
//! - `run()` (here): arguments, then the builder with its state and handlers.
//! - `platform.rs`: the display check and the WebKitGTK switches.
//! - `state.rs`: what the commands share, and starting it (the embedded server, settings).
//! - `window_state.rs`: the window's size and place between runs, and showing it once drawn.
//! - `command_list.rs`: every command, listed once (handlers, `build.rs`'s manifest, checks).
//! - `commands.rs`: the commands the UI calls, each a line or two.
//! - `files.rs`: export and import through the native dialogs.
//! - `expectations.rs`: the Expectations tab's commands (load, generate, save, clear expectations).
//! - `streams.rs`: the Server tab's commands (streams, publish, fault profiles).
//! - `taps.rs`: the commands of taps (open, close, save, an exchange, the waterfall, replay,
//!   HAR).
//! - `panics.rs`: a panic in a command answers it with an error instead of aborting; every
//!   panic is logged and told to the window.
//! - `error.rs`: command errors (`{kind, message}` for the UI) and start-up errors.
//! - `ipc_types.rs` (tests only): writes and checks `ui/gen/ipc.d.ts` from the payload types.

mod clients;
mod command_list;
mod commands;
mod error;
mod expectations;
mod files;
#[cfg(test)]
mod ipc_types;
mod panics;
mod platform;
mod state;
mod streams;
mod taps;
mod window_state;

use std::process::ExitCode;

use clap::Parser;
use sse_connections::{LaunchOptions, SettingsStore};
use tauri::Manager;

use crate::error::StartupError;
use crate::state::AppState;

/// The invoke handler of the listed commands (and, in test-hooks builds only, the command that
/// panics on purpose).
macro_rules! handlers {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![
            $($module::$name,)*
            #[cfg(feature = "test-hooks")]
            commands::panic_for_test
        ]
    };
}

/// Runs the app; returns when its window is closed.
pub fn run() -> ExitCode {
    sse_logging::init("info");
    panics::install_hook();
    // Parsed before anything starts: `--help` and mistakes need no window.
    let options = LaunchOptions::parse();
    match start(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sse-monitor: {error}");
            ExitCode::FAILURE
        }
    }
}

fn start(options: &LaunchOptions) -> Result<(), StartupError> {
    platform::configure_webkit();
    platform::check_display()?;
    let state = AppState::start(options)?;
    tracing::info!(addr = %state.server_addr, "embedded SSE server started");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            let store = state::settings_store(app.handle());
            tracing::info!(path = %store.path().display(), "settings");
            if let Some(window) = app.get_webview_window("main") {
                window_state::restore_window(&window, &store);
                window_state::prepare_window(&window);
            }
            app.manage(store);
            Ok(())
        })
        .invoke_handler(panics::guarded(command_list::with_commands!(handlers)))
        .build(tauri::generate_context!())?;
    app.run(|app, event| match event {
        tauri::RunEvent::WindowEvent { label, event: tauri::WindowEvent::CloseRequested { .. }, .. } => {
            if let (Some(window), Some(store)) =
                (app.get_webview_window(&label), app.try_state::<SettingsStore>())
            {
                window_state::save_window(&window, &store);
            }
        }
        tauri::RunEvent::Exit => app.state::<AppState>().shut_down(),
        _ => {}
    });
    Ok(())
}
