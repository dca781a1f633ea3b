//! The embedded server as the tests start it.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use embedded_server::{Broker, Publish, Server, ServerConfig, ServerError};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a test waits for what it awaits before failing and saying what it was.
const BOUND: Duration = Duration::from_secs(5);

/// The server with no counter: events only when a test publishes.
pub fn quiet_config() -> ServerConfig {
    ServerConfig { counter_interval: None, ..ServerConfig::default() }
}

/// The embedded server on 127.0.0.1:0; it stops when dropped.
pub struct EmbeddedServer {
    pub addr: SocketAddr,
    pub broker: Broker,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl EmbeddedServer {
    /// Starts a server with `config` on a free loopback port.
    pub async fn start(config: ServerConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a bound address");
        let server = Server::new(config);
        let broker = server.broker();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(listener, async {
            let _ = stopped.await;
        }));
        Self { addr, broker, shutdown: Some(shutdown), task: Some(task) }
    }

    /// Starts a quiet one ([`quiet_config`]).
    pub async fn quiet() -> Self {
        Self::start(quiet_config()).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Creates `stream` holding `events` events (`event 01`, `event 02`...) and gives it the
    /// fault profile `profile` (JSON, docs/faults.md); a refused profile fails the test.
    pub async fn faulted_stream(&self, stream: &str, events: u32, profile: &str) {
        self.broker.create_stream(stream).expect("a new stream");
        for n in 1..=events {
            self.broker.publish(stream, Publish::data(format!("event {n:02}"))).expect("published");
        }
        let put = reqwest::Client::new()
            .put(self.url(&format!("/streams/{stream}/faults")))
            .header("content-type", "application/json")
            .body(profile.to_owned())
            .send()
            .await
            .expect("the fault API answers");
        assert!(put.status().is_success(), "{}", put.text().await.unwrap_or_default());
    }

    /// A GET of `path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.url(path)).await.expect("a response")
    }

    /// Waits until `stream` has a subscriber (so what is published next reaches it), for at
    /// most 5 s.
    pub async fn wait_for_subscriber(&self, stream: &str) {
        let deadline = Instant::now() + BOUND;
        while self.broker.streams().iter().find(|s| s.name == stream).is_none_or(|s| s.subscribers == 0) {
            assert!(Instant::now() < deadline, "nobody subscribed to `{stream}` within {BOUND:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops the server and waits for it to end cleanly, for at most 5 s.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let task = self.task.take().expect("running");
        tokio::time::timeout(BOUND, task)
            .await
            .expect("the server stops within 5 s")
            .expect("the server task did not panic")
            .expect("the server ended without an error");
    }
}
