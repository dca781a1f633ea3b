use std::io;
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use crate::access::{host_refusal, HttpState};
use crate::faulted_sse;
use crate::http::PeerAddr;
use crate::io::ServedConnection;
use crate::lean_sse;
use crate::lean_sse::open_recorded;

/// A request head longer than this is handed to hyper unread, which answers it (431).
const MAX_LOOKED_AT_HEAD: usize = 16 * 1024;
/// Header fields parsed while looking for the end of a head.
const MAX_HEADERS: usize = 100;

#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// A client must send a complete request head within this time (slow-loris defence).
    pub(crate) request_timeout: Duration,
    /// A client must take written bytes within this time.
    pub(crate) write_stall: Duration,
}

/// What every connection needs; shared by all of them.
pub(crate) struct ConnectionContext {
    pub(crate) router: Router,
    pub(crate) state: HttpState,
    pub(crate) limits: ConnectionLimits,
    /// Cancelled at shutdown: streams end, idle connections close.
    pub(crate) stop: CancellationToken,
}

/// Serves one accepted connection. Its first request head is read here: a subscribe request
/// that opens is streamed by the lean path; anything else, and any refusal, goes to hyper and
/// the router with the bytes already read.
pub(crate) async fn serve(mut socket: TcpStream, context: &ConnectionContext) {
    let limits = context.limits;
    let head = tokio::select! {
        _ = context.stop.cancelled() => return,
        head = tokio::time::timeout(limits.request_timeout, read_head(&mut socket)) => head,
    };
    let head = match head {
        Err(_) => {
            tracing::info!("closing a connection that sent no complete request in time");
            return;
        }
        Ok(Err(error)) => {
            tracing::debug!(%error, "connection failed before its first request");
            return;
        }
        Ok(Ok(None)) => return,
        Ok(Ok(Some(head))) => head,
    };
    if !context.state.faults.is_empty() {
        // Boxed: only while some profile is set does a connection's task hold the faulted
        // path's state; unfaulted servers keep the lean task's size.
        return Box::pin(serve_while_faulting(socket, head, context)).await;
    }
    if let Some(request) = subscribe_request(&head, context) {
        let framing = request.framing;
        let peer = socket.peer_addr().ok().map(|addr| addr.ip());
        // The request (its headers) and head are not kept for as long as the stream lasts.
        if let Some((subscription, record)) = open_recorded(&context.state, request, peer, || None) {
            drop(head);
            lean_sse::stream_events(socket, subscription, framing, limits.write_stall, record).await;
            return;
        }
    }
    serve_with_hyper(Bytes::from(head), socket, context, KeepAlive::Yes).await;
}

/// A subscribe request the lean path can serve. A refusal is left to the router, which gives
/// the same answer with hyper's framing.
fn subscribe_request(head: &[u8], context: &ConnectionContext) -> Option<lean_sse::SubscribeRequest> {
    lean_sse::recognise(head).filter(|request| host_refusal(&context.state, &request.headers).is_none())
}

/// [`serve`] while some fault profile is set.
async fn serve_while_faulting(socket: TcpStream, head: Vec<u8>, context: &ConnectionContext) {
    let unopened = match subscribe_request(&head, context) {
        Some(request) => {
            faulted_sse::serve_subscribe(socket, head, request, &context.state, context.limits.write_stall)
                .await
        }
        None => Some((socket, head)),
    };
    if let Some((socket, head)) = unopened {
        // Closed after its answer: a browser that loaded a page here would otherwise send its
        // EventSource's request on this connection, where no profile applies.
        serve_with_hyper(Bytes::from(head), socket, context, KeepAlive::No).await;
    }
}

/// Reads until the first request head is complete (or cannot be, or is too long to look at).
/// `None` when the client closed without sending anything.
async fn read_head(socket: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(1024);
    loop {
        if head.len() == head.capacity() {
            head.reserve(head.len());
        }
        if socket.read_buf(&mut head).await? == 0 {
            return Ok((!head.is_empty()).then_some(head));
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let parsed = httparse::Request::new(&mut headers).parse(&head);
        if !matches!(parsed, Ok(httparse::Status::Partial)) || head.len() >= MAX_LOOKED_AT_HEAD {
            return Ok(Some(head));
        }
    }
}

#[derive(PartialEq)]
enum KeepAlive {
    Yes,
    No,
}

async fn serve_with_hyper(
    already_read: Bytes,
    socket: TcpStream,
    context: &ConnectionContext,
    keep_alive: KeepAlive,
) {
    let limits = context.limits;
    let peer = PeerAddr(socket.peer_addr().ok().map(|addr| addr.ip()));
    let io = TokioIo::new(ServedConnection::new(already_read, socket, limits.write_stall));
    let with_peer = tower_http::add_extension::AddExtensionLayer::new(peer);
    let service = TowerToHyperService::new(context.router.clone().layer(with_peer));
    let mut builder = http1::Builder::new();
    // Later requests on a kept-alive connection get the same slow-loris limit.
    builder.timer(TokioTimer::new()).header_read_timeout(limits.request_timeout);
    builder.keep_alive(keep_alive == KeepAlive::Yes);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = context.stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::mem::size_of;

    use super::*;
    use crate::clients::AttemptRecord;
    use crate::subscription::Subscription;

    fn size_of_serve<F: Future>(_: impl Fn(TcpStream, &'static ConnectionContext) -> F) -> usize {
        size_of::<F>()
    }

    fn size_of_stream<F: Future>(_: impl Fn(TcpStream, Subscription, AttemptRecord) -> F) -> usize {
        size_of::<F>()
    }

    /// Every connection's task holds the lean stream and little else: the faulted path's state
    /// is boxed (inline it added 384 bytes, 0.4 KiB of RSS per connection in sse-load).
    #[test]
    fn a_connection_task_holds_no_fault_state() {
        let serve = size_of_serve(serve);
        let stream = size_of_stream(|socket, subscription, record| {
            lean_sse::stream_events(
                socket,
                subscription,
                lean_sse::Framing::Chunked,
                Duration::from_secs(1),
                record,
            )
        });
        // 680 bytes before fault profiles, 648 now (the head read and its timers).
        assert!(serve <= stream + 700, "serve future {serve} bytes, lean stream {stream}");
    }
}
