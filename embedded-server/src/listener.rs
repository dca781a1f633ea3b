use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

/// Accepts TCP connections with TCP_NODELAY set (small events must not wait on Nagle's
/// algorithm), a time limit for the first request to arrive, and a write-stall limit.
pub(crate) struct GuardedListener {
    inner: TcpListener,
    limits: ConnectionLimits,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// A client must send a complete first request within this time (slow-loris defence).
    pub(crate) request_timeout: Duration,
    /// A client must take written bytes within this time.
    pub(crate) write_stall: Duration,
}

impl GuardedListener {
    pub(crate) fn new(inner: TcpListener, limits: ConnectionLimits) -> Self {
        Self { inner, limits }
    }
}

/// Set by the router when a connection's first request arrives; see [`StallGuard`].
#[derive(Clone, Default)]
pub(crate) struct RequestSeen(Arc<AtomicBool>);

impl RequestSeen {
    pub(crate) fn mark(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Connected<IncomingStream<'_, GuardedListener>> for RequestSeen {
    fn connect_info(stream: IncomingStream<'_, GuardedListener>) -> Self {
        stream.io().request_seen.clone()
    }
}

impl Listener for GuardedListener {
    type Io = StallGuard;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // TcpListener's own accept already retries on errors such as EMFILE.
        let (stream, addr) = Listener::accept(&mut self.inner).await;
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let limits = self.limits;
        let guard = StallGuard {
            inner: stream,
            write_limit: limits.write_stall,
            stalled: None,
            request_seen: RequestSeen::default(),
            request_deadline: Some(Box::pin(tokio::time::sleep(limits.request_timeout))),
        };
        (guard, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that fails its reads when no complete request came within the request
/// timeout (a slow-loris client trickling headers cannot hold it), and its writes once the
/// peer has taken no bytes for the write limit (a client that stops reading cannot pin a
/// connection and its queued events forever).
pub(crate) struct StallGuard {
    inner: TcpStream,
    write_limit: Duration,
    /// Running while a write is blocked.
    stalled: Option<Pin<Box<Sleep>>>,
    request_seen: RequestSeen,
    /// Running until the first request has arrived.
    request_deadline: Option<Pin<Box<Sleep>>>,
}

impl StallGuard {
    fn track<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                self.stalled = None;
                Poll::Ready(result)
            }
            Poll::Pending => {
                let limit = self.write_limit;
                let timer = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                if timer.as_mut().poll(cx).is_ready() {
                    tracing::info!(?limit, "closing a connection whose client stopped reading");
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "client stopped reading",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncRead for StallGuard {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if self.request_deadline.is_some() && self.request_seen.is_set() {
            self.request_deadline = None;
        }
        if poll.is_pending() {
            if let Some(deadline) = self.request_deadline.as_mut() {
                if deadline.as_mut().poll(cx).is_ready() {
                    tracing::info!("closing a connection that sent no complete request in time");
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no complete request in time",
                    )));
                }
            }
        }
        poll
    }
}

impl AsyncWrite for StallGuard {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.track(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.track(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.track(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
