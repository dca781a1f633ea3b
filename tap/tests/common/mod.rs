//! What the tap's tests share: a quiet embedded server as the upstream, and a tap, each on
//! 127.0.0.1:0.
#![allow(dead_code)] // each test binary uses its own share of it

use std::net::SocketAddr;
use std::time::Duration;

use embedded_server::{Broker, Server, ServerConfig};
use sse_tap::{Recorder, Tap, TapConfig};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The embedded server with no counter (the test publishes); it stops when dropped.
pub struct Upstream {
    pub addr: SocketAddr,
    pub broker: Broker,
    _stop: oneshot::Sender<()>,
}

pub async fn embedded_server() -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(ServerConfig { counter_interval: None, ..ServerConfig::default() });
    let broker = server.broker();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(listener, async {
        let _ = stopped.await;
    }));
    Upstream { addr, broker, _stop: stop }
}

impl Upstream {
    /// Waits until a client subscribes (so what is published next reaches it).
    pub async fn wait_for_subscriber(&self) {
        while self.broker.streams().iter().all(|s| s.subscribers == 0) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A tap with `config` on a free loopback port; it stops when the sender drops.
pub async fn start_tap(config: TapConfig) -> (SocketAddr, Recorder, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tap = Tap::new(config);
    let recorder = tap.recorder();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(tap.run(listener, async {
        let _ = stopped.await;
    }));
    (addr, recorder, stop)
}
