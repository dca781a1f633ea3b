use std::net::SocketAddr;

use embedded_server::Broker;
use std::sync::Mutex;

use tauri::async_runtime::JoinHandle;
use tokio::sync::oneshot;

/// What the commands share: the embedded server's address and the running feed.
pub struct AppState {
    pub server_addr: SocketAddr,
    /// The embedded server's streams, for live subscriber counts.
    pub broker: Broker,
    /// The subscriber forwarding the counter to the UI; replaced when the page reloads.
    pub feed: Mutex<Option<JoinHandle<()>>>,
    /// Fired on exit so the server ends its streams cleanly.
    pub server_shutdown: Mutex<Option<oneshot::Sender<()>>>,
}

impl AppState {
    pub fn new(server_addr: SocketAddr, broker: Broker, server_shutdown: oneshot::Sender<()>) -> Self {
        Self {
            server_addr,
            broker,
            feed: Mutex::new(None),
            server_shutdown: Mutex::new(Some(server_shutdown)),
        }
    }
}
