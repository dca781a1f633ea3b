use std::future::Future;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::broker::Broker;
use crate::config::{ServerConfig, COUNTER_STREAM};
use crate::counter;
use crate::error::ServerError;
use crate::http::{router, AppState};

/// The SSE server: a [`Broker`] with the counter stream, served over HTTP.
pub struct Server {
    config: ServerConfig,
    broker: Broker,
}

impl Server {
    /// A server with the `messages` stream created (its counter starts with [`Server::run`]).
    pub fn new(config: ServerConfig) -> Self {
        let broker = Broker::new(config.subscriber_queue);
        // COUNTER_STREAM is a valid name, so this cannot fail.
        let _ = broker.create_stream(COUNTER_STREAM);
        Self { config, broker }
    }

    /// A handle to publish on, and read, this server's streams.
    pub fn broker(&self) -> Broker {
        self.broker.clone()
    }

    /// Serves on `listener` until `shutdown` completes, then ends every open stream and returns.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let addr: SocketAddr = listener.local_addr().map_err(ServerError::LocalAddr)?;
        let stop = CancellationToken::new();
        let counter = self.config.counter_interval.map(|interval| {
            tokio::spawn(counter::run(self.broker.clone(), COUNTER_STREAM, interval, stop.clone()))
        });
        let app = router(AppState {
            broker: self.broker,
            keep_alive: self.config.keep_alive,
            shutdown: stop.clone(),
        });
        tracing::info!(%addr, "SSE server listening");
        // Small events must not wait on Nagle's algorithm.
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        });
        let stop_streams = stop.clone();
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                shutdown.await;
                stop_streams.cancel();
            })
            .await;
        stop.cancel();
        if let Some(counter) = counter {
            let _ = counter.await;
        }
        tracing::info!(%addr, "SSE server stopped");
        served.map_err(ServerError::Serve)
    }
}
