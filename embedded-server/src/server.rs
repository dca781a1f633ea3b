use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::access::HttpState;
use crate::broker::Broker;
use crate::clients::ClientBook;
use crate::config::{ServerConfig, COUNTER_STREAM};
use crate::connection::{ConnectionContext, ConnectionLimits};
use crate::counter;
use crate::error::ServerError;
use crate::http::router;
use crate::listener::accept_until;
use sse_faults::FaultBook;

/// The SSE server: a [`Broker`] with the counter stream, served over HTTP.
pub struct Server {
    config: ServerConfig,
    broker: Broker,
    faults: FaultBook,
    clients: ClientBook,
}

impl Server {
    /// A server with the `messages` stream created (its counter starts with [`Server::run`]).
    pub fn new(config: ServerConfig) -> Self {
        let broker = Broker::new(config.broker.clone());
        Self::with_broker(config, broker)
    }

    /// A server on a broker made elsewhere, e.g. [`Broker::with_durable_log`].
    pub fn with_broker(config: ServerConfig, broker: Broker) -> Self {
        // COUNTER_STREAM is a valid name, so this cannot fail.
        let _ = broker.create_stream(COUNTER_STREAM);
        if let Some(load) = &config.load {
            if let Err(error) = broker.create_stream(&load.stream) {
                tracing::error!(%error, stream = load.stream, "cannot create the load stream");
            }
        }
        Self { config, broker, faults: FaultBook::default(), clients: ClientBook::default() }
    }

    /// A handle to publish on, and read, this server's streams.
    pub fn broker(&self) -> Broker {
        self.broker.clone()
    }

    /// The fault profiles of this server's streams (set here before [`Server::run`], or over
    /// HTTP with `PUT /streams/NAME/faults`).
    pub fn faults(&self) -> FaultBook {
        self.faults.clone()
    }

    /// What this server saw of each client's connection attempts (`GET /clients`).
    pub fn clients(&self) -> ClientBook {
        self.clients.clone()
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
        let load = self.config.load.clone().map(|load| {
            tokio::spawn(crate::load::run(self.broker.clone(), load.stream, load.rate, stop.clone()))
        });
        let state = HttpState {
            broker: self.broker,
            keep_alive: self.config.keep_alive,
            required_header: self.config.required_header.clone(),
            publish_token: self.config.publish_token.clone(),
            loopback_only: addr.ip().is_loopback(),
            shutdown: stop.clone(),
            faults: self.faults,
            clients: self.clients,
            repeating_kicks: Default::default(),
        };
        let context = Arc::new(ConnectionContext {
            router: router(state.clone()),
            state,
            limits: ConnectionLimits {
                request_timeout: self.config.request_timeout,
                write_stall: self.config.write_stall_timeout,
            },
            stop: stop.clone(),
        });
        tracing::info!(%addr, "SSE server listening");
        accept_until(listener, context, shutdown).await;
        for task in [counter, load].into_iter().flatten() {
            let _ = task.await;
        }
        tracing::info!(%addr, "SSE server stopped");
        Ok(())
    }
}
