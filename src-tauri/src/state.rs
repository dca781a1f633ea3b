use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use embedded_server::{Broker, COUNTER_STREAM};
use sse_connections::{ConnectionSpec, RunningConnections};
use tokio::sync::oneshot;

/// What the commands share.
pub struct AppState {
    pub server_addr: SocketAddr,
    /// The embedded server's streams, for live subscriber counts.
    pub broker: Broker,
    /// The connections the user has open.
    pub connections: RunningConnections,
    /// What the window opens on (`--url`, or the counter).
    pub initial_connection: ConnectionSpec,
    /// Captures imported so far (each replays on its own stream).
    pub replays: AtomicU64,
    /// Fired on exit so the server ends its streams cleanly.
    pub server_shutdown: Mutex<Option<oneshot::Sender<()>>>,
}

impl AppState {
    pub fn counter_url(&self) -> String {
        counter_url(self.server_addr)
    }
}

pub fn counter_url(server_addr: SocketAddr) -> String {
    format!("http://{server_addr}/events?stream={COUNTER_STREAM}")
}
