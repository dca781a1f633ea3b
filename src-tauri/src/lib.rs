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
use embedded_server::{Server, ServerConfig};
use sse_connections::{LaunchOptions, RunningConnections};
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

/// Binds the embedded server on a free loopback port and runs it on Tauri's runtime.
fn start_server(options: &LaunchOptions) -> Result<AppState, StartupError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(StartupError::Server)?;
    listener.set_nonblocking(true).map_err(StartupError::Server)?;
    let addr = listener.local_addr().map_err(StartupError::Server)?;
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let server = Server::new(ServerConfig::default());
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
    let initial_connection = options.initial_connection(&counter_url(addr))?;
    let tauri::async_runtime::RuntimeHandle::Tokio(runtime) = tauri::async_runtime::handle();
    Ok(AppState {
        server_addr: addr,
        broker,
        connections: RunningConnections::new(runtime),
        initial_connection,
        server_shutdown: std::sync::Mutex::new(Some(shutdown_tx)),
    })
}

fn start(options: &LaunchOptions) -> Result<(), StartupError> {
    check_display()?;
    let state = start_server(options)?;
    tracing::info!(addr = %state.server_addr, "embedded SSE server started");
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::server_info,
            commands::initial_connection,
            commands::connection_presets,
            commands::connect,
            commands::disconnect,
            commands::reconnect,
            commands::inspect_connection,
            commands::watch_server
        ])
        .build(tauri::generate_context!())?;
    app.run(|app, event| {
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
