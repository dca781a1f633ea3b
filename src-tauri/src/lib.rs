//! The SSE Monitor desktop app: starts the embedded SSE server on a free loopback port and
//! runs the user's connections (the embedded counter at first, or `--url`), forwarding each
//! one's updates to the UI over its own Tauri channel.
//!
//! # Layout
//! - `run()` (here): arguments, display check, server start, builder, state, handlers.
//! - `commands.rs`: the commands the UI calls.
//! - `state.rs`: what the commands share.
//! - `error.rs`: command and start-up errors.

mod commands;
mod error;
mod state;

use std::process::ExitCode;
use std::sync::PoisonError;

use clap::Parser;
use std::sync::atomic::AtomicU64;

use embedded_server::{LoadConfig, Server, ServerConfig};
use sse_connections::{
    ConnectionSpec, LaunchOptions, OsKeyring, RunningConnections, SettingsStore, WindowState,
};
use sse_inspector::{BatchPolicy, CaptureLimits};
use tauri::Manager;
use tokio::sync::oneshot;
use tracing_subscriber::EnvFilter;

use crate::error::StartupError;
use crate::state::{counter_url, AppState};

/// Runs the app; returns when its window is closed.
pub fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
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

/// GTK panics when it has no display; check first so the user gets one clear line.
#[cfg(target_os = "linux")]
fn check_display() -> Result<(), StartupError> {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
    if !has_display {
        return Err(StartupError::NoDisplay("neither DISPLAY nor WAYLAND_DISPLAY is set".into()));
    }
    gtk::init().map_err(|e| StartupError::NoDisplay(e.to_string()))
}

#[cfg(not(target_os = "linux"))]
fn check_display() -> Result<(), StartupError> {
    Ok(())
}

/// Whether `dri` (normally `/dev/dri`) offers no GPU render node, so that GL means Mesa's
/// software rasteriser.
fn lacks_gpu_render_node(dri: &std::path::Path) -> bool {
    let nodes = std::fs::read_dir(dri).into_iter().flatten().flatten();
    !nodes.into_iter().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
}

/// Turns off WebKitGTK's DMA-BUF renderer. It draws the page through GL; without a GPU (a VM,
/// a remote or virtual X display) that GL is software and so slow that a busy page drops to a
/// few frames a second (docs/benchmarks.md), where WebKit's own software path keeps 60.
const NO_DMABUF_RENDERER: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Turns off WebKit's memory-pressure monitor. Every 30 s it measures the page's process by
/// reading `/proc/self/smaps` on the page's main thread, and on a busy page (thousands of
/// mappings) that stops the window for a 50-70 ms frame (docs/benchmarks.md). It is there to
/// purge caches and stop runaway tabs in a browser; the app shows one page of its own, whose
/// data is bounded on the Rust side.
const NO_MEMORY_MONITOR: &str = "WEBKIT_DISABLE_MEMORY_PRESSURE_MONITOR";

/// The WebKit switches to set: never one the user set (either way), the renderer's only
/// without a GPU.
fn webkit_switches(user_set: impl Fn(&str) -> bool, has_gpu: bool) -> Vec<&'static str> {
    let wanted = [(NO_DMABUF_RENDERER, !has_gpu), (NO_MEMORY_MONITOR, true)];
    wanted.into_iter().filter(|(name, wanted)| *wanted && !user_set(name)).map(|(name, _)| name).collect()
}

#[cfg(target_os = "linux")]
fn configure_webkit() {
    let has_gpu = !lacks_gpu_render_node(std::path::Path::new("/dev/dri"));
    for switch in webkit_switches(|name| std::env::var_os(name).is_some(), has_gpu) {
        tracing::info!(gpu = has_gpu, "{switch}=1");
        // Before any other thread starts and before WebKit reads it.
        std::env::set_var(switch, "1");
    }
}

#[cfg(not(target_os = "linux"))]
fn configure_webkit() {}

/// The stream `--load-rate` publishes on.
const LOAD_STREAM: &str = "load";

/// Binds the embedded server on a free loopback port and runs it on Tauri's runtime.
fn start_server(options: &LaunchOptions) -> Result<AppState, StartupError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(StartupError::Server)?;
    listener.set_nonblocking(true).map_err(StartupError::Server)?;
    let addr = listener.local_addr().map_err(StartupError::Server)?;
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let load = options.load_rate.map(|rate| LoadConfig { stream: LOAD_STREAM.into(), rate });
    let server = Server::new(ServerConfig { load, ..ServerConfig::default() });
    let broker = server.broker();
    tauri::async_runtime::spawn(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(error) => {
                tracing::error!(%error, "cannot start the embedded server");
                return;
            }
        };
        let shutdown = async {
            let _ = shutdown_rx.await;
        };
        if let Err(error) = server.run(listener, shutdown).await {
            tracing::error!(%error, "embedded server stopped");
        }
    });
    let initial_connection = match options.load_rate {
        Some(rate) => ConnectionSpec {
            name: format!("Load, {rate} events/s"),
            url: format!("http://{addr}/events?stream={LOAD_STREAM}"),
            ..ConnectionSpec::default()
        },
        None => options.initial_connection(&counter_url(addr))?,
    };
    let limits = CaptureLimits { keep_events: options.keep_events as usize, ..CaptureLimits::default() };
    let batching = if options.ipc_unbatched { BatchPolicy::UNBATCHED } else { BatchPolicy::PER_FRAME };
    let tauri::async_runtime::RuntimeHandle::Tokio(runtime) = tauri::async_runtime::handle();
    Ok(AppState {
        server_addr: addr,
        broker,
        connections: RunningConnections::new(runtime).with_limits(limits).with_batching(batching),
        initial_connection,
        replays: AtomicU64::new(0),
        server_shutdown: std::sync::Mutex::new(Some(shutdown_tx)),
    })
}

/// The settings live in `SSE_MONITOR_CONFIG_DIR` if set (tests use it), else in the app's
/// config directory (`~/.config/dev.ssemonitor.app` on Linux).
fn settings_store(app: &tauri::AppHandle) -> SettingsStore {
    let dir = std::env::var_os("SSE_MONITOR_CONFIG_DIR").map(std::path::PathBuf::from).or_else(|| {
        app.path().app_config_dir().inspect_err(|error| tracing::warn!(%error, "no config directory")).ok()
    });
    // Without any directory, settings go to a temporary one and do not outlive the session.
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("sse-monitor-settings"));
    SettingsStore::new(dir, Box::new(OsKeyring))
}

/// Puts the window back where it was when last closed.
fn restore_window(window: &tauri::WebviewWindow, store: &SettingsStore) {
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

fn save_window(window: &tauri::WebviewWindow, store: &SettingsStore) {
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

fn start(options: &LaunchOptions) -> Result<(), StartupError> {
    configure_webkit();
    check_display()?;
    let state = start_server(options)?;
    tracing::info!(addr = %state.server_addr, "embedded SSE server started");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            let store = settings_store(app.handle());
            tracing::info!(path = %store.path().display(), "settings");
            if let Some(window) = app.get_webview_window("main") {
                restore_window(&window, &store);
            }
            app.manage(store);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::server_info,
            commands::initial_connection,
            commands::connection_presets,
            commands::connect,
            commands::disconnect,
            commands::reconnect,
            commands::inspect_connection,
            commands::watch_server,
            commands::load_settings,
            commands::save_connections,
            commands::events_page,
            commands::event_detail,
            commands::event_position,
            commands::set_filter,
            commands::event_types,
            commands::clear_events,
            commands::raw_tail,
            commands::export_events,
            commands::import_capture
        ])
        .build(tauri::generate_context!())?;
    app.run(|app, event| {
        if let tauri::RunEvent::WindowEvent {
            label, event: tauri::WindowEvent::CloseRequested { .. }, ..
        } = &event
        {
            if let (Some(window), Some(store)) =
                (app.get_webview_window(label), app.try_state::<SettingsStore>())
            {
                save_window(&window, &store);
            }
        }
        if let tauri::RunEvent::Exit = event {
            let state = app.state::<AppState>();
            state.connections.close_all();
            let shutdown = state.server_shutdown.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(shutdown) = shutdown {
                let _ = shutdown.send(());
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_render_node_counts_as_a_gpu() {
        let dir = std::env::temp_dir().join(format!("sse-monitor-dri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(lacks_gpu_render_node(&dir), "no /dev/dri at all");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("card0"), "").unwrap();
        assert!(lacks_gpu_render_node(&dir), "a card without a render node");
        std::fs::write(dir.join("renderD128"), "").unwrap();
        assert!(!lacks_gpu_render_node(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The renderer goes only without a GPU, the memory monitor always, and a switch the user
    /// set is left as it is.
    #[test]
    fn webkit_switches_respect_the_gpu_and_the_user() {
        let unset = |_: &str| false;
        assert_eq!(webkit_switches(unset, false), [NO_DMABUF_RENDERER, NO_MEMORY_MONITOR]);
        assert_eq!(webkit_switches(unset, true), [NO_MEMORY_MONITOR]);
        let user_chose_monitor = |name: &str| name == NO_MEMORY_MONITOR;
        assert_eq!(webkit_switches(user_chose_monitor, false), [NO_DMABUF_RENDERER]);
        assert!(webkit_switches(|_| true, false).is_empty());
    }
}
