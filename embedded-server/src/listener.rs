use std::future::Future;
use std::sync::Arc;

use axum::serve::Listener;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

use crate::connection::{self, ConnectionContext};

/// Accepts connections until `shutdown` completes, each served on its own task with
/// TCP_NODELAY set (small events must not wait on Nagle's algorithm); then stops accepting,
/// cancels `context.stop` and waits for every connection to finish.
pub(crate) async fn accept_until(
    mut listener: TcpListener,
    context: Arc<ConnectionContext>,
    shutdown: impl Future<Output = ()>,
) {
    let connections = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        // axum's accept retries on errors such as EMFILE, pausing so as not to spin.
        let (socket, _) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = Listener::accept(&mut listener) => accepted,
        };
        if let Err(error) = socket.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let context = context.clone();
        connections.spawn(async move { connection::serve(socket, &context).await });
    }
    drop(listener);
    context.stop.cancel();
    connections.close();
    connections.wait().await;
}
