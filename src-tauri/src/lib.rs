//! The SSE Monitor desktop app: starts the embedded SSE server on a free loopback port and
//! runs the user's connections (the embedded counter at first, or `--url`), forwarding each
//! one's updates to the UI over its own Tauri channel. Wiring only: the work is in the
//! library crates.
//!
//! # Layout
//! - `run()` (here): arguments and logging, then `build_app` (the builder with its state,
//!   setup and handlers, on any runtime: a test builds it on tauri's mock runtime) and
//!   `run_app` (the event loop: the window's place saved, everything stopped on exit).
//! - `platform.rs`: the display check and the WebKitGTK switches.
//! - `state.rs`: what the commands share, and starting it (the embedded server, settings).
//! - `window_state.rs`: the window's size and place between runs, and showing it once drawn.
//! - `command_list.rs`: every command, listed once (handlers, `build.rs`'s manifest, checks).
//! - `commands.rs`: the commands the UI calls, each a line or two.
//! - `files.rs`: export and import through the native dialogs.
//! - `expectations.rs`: the Expectations tab's commands (load, generate, save, clear expectations).
//! - `streams.rs`: the Server tab's commands (streams, publish, fault profiles).
//! - `server_check.rs`: the Check server tab's commands (the battery of `sse-sub --check` on a
//!   connection's request, its command line).
//! - `clients.rs`: the Clients tabs' commands (the embedded server's clients, a tap's).
//! - `tap_breakpoints.rs`: a tap's Breakpoints tab's commands (its breakpoints read and set; an
//!   action on a held event).
//! - `tap_faults.rs`: a tap's Faults tab's commands (its rules read and set; a rule file loaded or
//!   saved through the native dialogs).
//! - `otlp.rs`: Export to OpenTelemetry… (the LLM tab's command): the app's one collector for
//!   every LLM call, saved with the settings.
//! - `docs.rs`: the reference pages the window shows, read from where they are installed.
//! - `taps.rs`: the commands of taps (open, close, save, an exchange, the waterfall, replay,
//!   HAR).
//! - `panics.rs`: a panic in a command answers it with an error instead of aborting; every
//!   panic is logged and told to the window.
//! - `error.rs`: command errors (`{kind, message}` for the UI) and start-up errors.
//! - `ipc_types.rs` (tests only): writes and checks `ui/gen/ipc.d.ts` from the payload types.

mod clients;
mod command_list;
mod commands;
mod docs;
mod error;
mod expectations;
mod files;
#[cfg(test)]
mod ipc_types;
mod otlp;
mod panics;
mod platform;
mod server_check;
mod state;
mod streams;
mod tap_breakpoints;
mod tap_faults;
mod taps;
mod window_state;

use std::process::ExitCode;

use clap::Parser;
use sse_connections::{LaunchOptions, SettingsStore};
use tauri::{Manager, Runtime};

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
    let app = build_app(tauri::Builder::default(), state, tauri::generate_context!())?;
    run_app(app);
    Ok(())
}

/// The app on any runtime (the mock one in tests): the dialog plugin, the shared state, the
/// settings and the window's place set up, and every listed command's handler.
pub(crate) fn build_app<R: Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
    context: tauri::Context<R>,
) -> Result<tauri::App<R>, tauri::Error> {
    builder
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
        .build(context)
}

/// Runs `app` until its window closes: the window's place is saved as it closes, and the
/// connections, taps and embedded server stop on exit.
pub(crate) fn run_app<R: Runtime>(app: tauri::App<R>) {
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
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use sse_connections::LaunchOptions;
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;

    use super::*;

    fn invoke(
        webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
        cmd: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a URL"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_owned(),
        };
        get_ipc_response(webview, request).map(|response| response.deserialize().expect("JSON"))
    }

    /// Built on the mock runtime, the app answers a listed command from the state it manages,
    /// refuses a command it does not list, and answers a command that panics with an internal
    /// error (test-hooks builds) instead of aborting.
    #[test]
    fn the_app_is_wired_to_its_state_and_commands() {
        let state =
            AppState::start(&LaunchOptions::parse_from(["sse-monitor"])).expect("the embedded server starts");
        let base_url = format!("http://{}", state.server_addr);
        let app = build_app(mock_builder(), state, mock_context(noop_assets())).expect("the app builds");
        let webview =
            tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a window");

        let info = invoke(&webview, "server_info", serde_json::json!({})).expect("server_info answers");
        assert_eq!(info["baseUrl"], serde_json::json!(base_url), "{info}");
        assert_eq!(info["counterStream"], "messages", "{info}");
        assert!(invoke(&webview, "no_such_command", serde_json::json!({})).is_err());
        if cfg!(feature = "test-hooks") {
            let error = invoke(&webview, "panic_for_test", serde_json::json!({ "message": "on purpose" }))
                .expect_err("a panicking command answers with an error");
            assert_eq!(error["kind"], "internal", "{error}");
        }
        app.state::<AppState>().shut_down();
    }
}
