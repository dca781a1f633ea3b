//! What the commands share, and how it starts: the embedded server on a free loopback port,
//! the running connections and taps, the settings store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use embedded_server::{Broker, ClientBook, FaultBook, LoadConfig, Server, ServerConfig, COUNTER_STREAM};
use sse_connections::{
    ConnectionSpec, LaunchOptions, OsKeyring, RunningConnections, RunningTaps, SettingsStore, SharedExport,
};
use sse_inspector::{BatchPolicy, CaptureLimits};
use tauri::Manager;
use tokio::sync::oneshot;

use crate::error::StartupError;

/// The stream `--load-rate` publishes on.
const LOAD_STREAM: &str = "load";

/// What the commands share.
pub struct AppState {
    pub server_addr: SocketAddr,
    /// The embedded server's streams.
    pub broker: Broker,
    /// The fault profiles of its streams (the Server tab sets them).
    pub faults: FaultBook,
    /// What it saw of each client's connection attempts (the Clients tab grades them).
    pub clients: ClientBook,
    /// The connections the user has open.
    pub connections: RunningConnections,
    /// The taps the user has open.
    pub taps: RunningTaps,
    /// The OpenTelemetry export of their LLM calls (Export to OpenTelemetry…), off unless set.
    pub export: SharedExport,
    /// Tauri's tokio runtime, where the exporter sends.
    pub runtime: tokio::runtime::Handle,
    /// What the window opens on (`--url`, or the counter).
    pub initial_connection: ConnectionSpec,
    /// Fired on exit so the server ends its streams cleanly.
    server_shutdown: Mutex<Option<oneshot::Sender<()>>>,
}

impl AppState {
    /// Binds the embedded server on a free loopback port and runs it on Tauri's runtime.
    pub fn start(options: &LaunchOptions) -> Result<Self, StartupError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(StartupError::Server)?;
        listener.set_nonblocking(true).map_err(StartupError::Server)?;
        let addr = listener.local_addr().map_err(StartupError::Server)?;
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let load = options.load_rate.map(|rate| LoadConfig { stream: LOAD_STREAM.into(), rate });
        let server = Server::new(ServerConfig { load, ..ServerConfig::default() });
        let broker = server.broker();
        let faults = server.faults();
        let clients = server.clients();
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
                url: stream_url(addr, LOAD_STREAM),
                ..ConnectionSpec::default()
            },
            None => options.initial_connection(&stream_url(addr, COUNTER_STREAM))?,
        };
        let limits = CaptureLimits { keep_events: options.keep_events as usize, ..CaptureLimits::default() };
        let batching = if options.ipc_unbatched { BatchPolicy::UNBATCHED } else { BatchPolicy::PER_FRAME };
        let tauri::async_runtime::RuntimeHandle::Tokio(runtime) = tauri::async_runtime::handle();
        let export = SharedExport::default();
        Ok(Self {
            server_addr: addr,
            broker,
            faults,
            clients,
            connections: RunningConnections::new(runtime.clone())
                .with_limits(limits)
                .with_batching(batching)
                .with_export(export.clone()),
            taps: RunningTaps::new(runtime.clone()).with_export(export.clone()),
            export,
            runtime,
            initial_connection,
            server_shutdown: Mutex::new(Some(shutdown_tx)),
        })
    }

    /// The URL of one of the embedded server's streams.
    pub fn stream_url(&self, stream: &str) -> String {
        stream_url(self.server_addr, stream)
    }

    /// Closes every connection and tap and ends the server's streams.
    pub fn shut_down(&self) {
        self.connections.close_all();
        self.taps.close_all();
        let shutdown = self.server_shutdown.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(shutdown) = shutdown {
            let _ = shutdown.send(());
        }
    }
}

fn stream_url(server_addr: SocketAddr, stream: &str) -> String {
    format!("http://{server_addr}/events?stream={stream}")
}

/// The settings live in `SSE_MONITOR_CONFIG_DIR` if set (tests use it), else in the app's
/// config directory (`~/.config/dev.ssemonitor.app` on Linux).
pub fn settings_store<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> SettingsStore {
    let dir = std::env::var_os("SSE_MONITOR_CONFIG_DIR").map(PathBuf::from).or_else(|| {
        app.path().app_config_dir().inspect_err(|error| tracing::warn!(%error, "no config directory")).ok()
    });
    // Without any directory, settings go to a temporary one and do not outlive the session.
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join("sse-monitor-settings"));
    SettingsStore::new(dir, Box::new(OsKeyring))
}
