use std::io;
use std::time::{Duration, SystemTime};

use axum::extract::Query;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Uri};
use bytes::Bytes;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::access::HttpState;
use crate::answer_headers::{write_header_lines, EVENT_STREAM_HEADERS, READ_HEADERS};
use crate::clients::{opening, Answer, AttemptEnd, AttemptRecord};
use crate::http::{open_subscription, EventsQuery};
use crate::io::stalled_error;
use crate::subscription::{greeting, Subscription};

/// Headers looked at in a subscribe request; more sends the request to hyper.
const MAX_HEADERS: usize = 64;

/// How the body is delimited: chunks for HTTP/1.1, the end of the connection for HTTP/1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Chunked,
    UntilClose,
}

/// A subscribe request the lean path answers itself.
#[derive(Debug)]
pub(crate) struct SubscribeRequest {
    pub(crate) framing: Framing,
    pub(crate) headers: HeaderMap,
    pub(crate) query: EventsQuery,
    /// The request's path and query, for the client record.
    pub(crate) uri: Uri,
}

/// Recognises a complete `GET /events` head with no body and nothing behind it. Everything
/// else (other routes, bodies, upgrades, pipelined requests, malformed heads) is left to hyper
/// and the router, which answer it as usual.
pub(crate) fn recognise(head: &[u8]) -> Option<SubscribeRequest> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(length) = request.parse(head).ok()? else { return None };
    if length != head.len() || request.method != Some("GET") {
        return None;
    }
    let uri: Uri = request.path?.parse().ok()?;
    if uri.path() != "/events" {
        return None;
    }
    let framing = match request.version? {
        1 => Framing::Chunked,
        0 => Framing::UntilClose,
        _ => return None,
    };
    let mut map = HeaderMap::with_capacity(request.headers.len());
    for field in request.headers.iter() {
        let name = HeaderName::from_bytes(field.name.as_bytes()).ok()?;
        let has_body = name == header::CONTENT_LENGTH && field.value != b"0";
        if has_body || name == header::TRANSFER_ENCODING || name == header::UPGRADE || name == header::EXPECT
        {
            return None;
        }
        map.append(name, HeaderValue::from_bytes(field.value).ok()?);
    }
    let Query(query) = Query::<EventsQuery>::try_from_uri(&uri).ok()?;
    Some(SubscribeRequest { framing, headers: map, query, uri })
}

/// Opens a subscription the lean paths serve and records the attempt, with the fault
/// `fault_applied` names once it opened (a profile's JSON). `None` when refused: the router
/// answers (and records) the refusal.
pub(crate) fn open_recorded(
    state: &HttpState,
    request: SubscribeRequest,
    peer: Option<std::net::IpAddr>,
    fault_applied: impl FnOnce() -> Option<String>,
) -> Option<(Subscription, AttemptRecord)> {
    let SubscribeRequest { headers, query, uri, .. } = request;
    let client = query.client.clone();
    let subscription = open_subscription(state, &headers, query).ok()?;
    let fault = fault_applied();
    let opening = opening("GET", &uri, &headers, client.as_deref(), peer);
    Some((subscription, state.clients.open(&opening, Answer::stream(fault))))
}

/// The response head: an event stream's headers and those of every answer to `/events`.
pub(crate) fn response_head(framing: Framing) -> Vec<u8> {
    let mut head = Vec::with_capacity(320);
    head.extend_from_slice(match framing {
        Framing::Chunked => b"HTTP/1.1 200 OK\r\n",
        Framing::UntilClose => b"HTTP/1.0 200 OK\r\n",
    });
    let date = httpdate::fmt_http_date(SystemTime::now());
    let framing_header = match framing {
        Framing::Chunked => Some(("transfer-encoding", "chunked")),
        Framing::UntilClose => None,
    };
    let date_header = [("date", date.as_str())];
    let fields = EVENT_STREAM_HEADERS.iter().chain(&READ_HEADERS).chain(&framing_header).chain(&date_header);
    write_header_lines(&mut head, fields);
    head.extend_from_slice(b"\r\n");
    head
}

/// The chunk-size line for `len` bytes of chunk data, written into `line`; its length.
fn chunk_size_line(line: &mut [u8; 18], len: usize) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits = (usize::BITS - len.leading_zeros()).div_ceil(4).max(1) as usize;
    for (position, shift) in (0..digits).rev().enumerate() {
        line[position] = HEX[(len >> (shift * 4)) & 0xf];
    }
    line[digits..digits + 2].copy_from_slice(b"\r\n");
    digits + 2
}

/// Writes `data` framed for the connection: a small event is copied with its framing and sent
/// with one plain write; larger data goes out uncopied in vectored writes. Fails if the client
/// takes no bytes for `limit`.
pub(crate) async fn write_framed(
    socket: &mut TcpStream,
    framing: Framing,
    data: &[u8],
    limit: Duration,
) -> io::Result<()> {
    let mut size_line = [0u8; 18];
    let parts: [&[u8]; 3] = match framing {
        Framing::Chunked => {
            let length = chunk_size_line(&mut size_line, data.len());
            [&size_line[..length], data, b"\r\n"]
        }
        Framing::UntilClose => [&[], data, &[]],
    };
    let written = try_write_copied(socket, &parts)?;
    if written == parts.iter().map(|part| part.len()).sum::<usize>() {
        return Ok(());
    }
    write_all_parts(socket, parts, written, limit).await
}

/// Most bytes copied into one buffer for a single plain write: measured, a plain `write` costs
/// the kernel less than a `writev` of three pieces, and most events are small.
const COPIED_WRITE_MAX: usize = 512;

/// Writes the parts copied into one buffer, without waiting; the bytes written (0 when they
/// are too many to copy or the socket is full).
fn try_write_copied(socket: &TcpStream, parts: &[&[u8]; 3]) -> io::Result<usize> {
    let total: usize = parts.iter().map(|part| part.len()).sum();
    if total > COPIED_WRITE_MAX {
        return Ok(0);
    }
    let mut buf = [0u8; COPIED_WRITE_MAX];
    let mut end = 0;
    for part in parts {
        buf[end..end + part.len()].copy_from_slice(part);
        end += part.len();
    }
    match socket.try_write(&buf[..end]) {
        Ok(n) => Ok(n),
        Err(error) if error.kind() == io::ErrorKind::WouldBlock => Ok(0),
        Err(error) => Err(error),
    }
}

/// Writes the parts from byte `written` on, in vectored writes; fails once the client has taken
/// no bytes for `limit` (a slow client that keeps reading is not cut off).
pub(crate) async fn write_all_parts(
    socket: &mut TcpStream,
    parts: [&[u8]; 3],
    mut written: usize,
    limit: Duration,
) -> io::Result<()> {
    let total: usize = parts.iter().map(|part| part.len()).sum();
    while written < total {
        let mut skip = written;
        let slices = parts.map(|part| {
            let from = skip.min(part.len());
            skip -= from;
            io::IoSlice::new(&part[from..])
        });
        let progress = tokio::time::timeout(limit, socket.write_vectored(&slices));
        match progress.await.map_err(|_| stalled_error())?? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => written += n,
        }
    }
    Ok(())
}

/// Waits until the socket is readable; true once the client has gone. Bytes a client sends
/// after its subscribe request are read and ignored: the response never ends, so no request
/// behind it could be answered.
pub(crate) async fn peer_closed(socket: &TcpStream) -> bool {
    if socket.readable().await.is_err() {
        return true;
    }
    let mut scratch = [0u8; 256];
    match socket.try_read(&mut scratch) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => error.kind() != io::ErrorKind::WouldBlock,
    }
}

/// Streams a subscription straight to the socket, and records how it ended. An idle
/// subscriber costs its task and its subscription only: no per-connection read or write
/// buffers are kept between events.
pub(crate) async fn stream_events(
    mut socket: TcpStream,
    mut subscription: Subscription,
    framing: Framing,
    write_stall: Duration,
    record: AttemptRecord,
) {
    // One block, not a nested future: every connection's task holds this state.
    let end = 'stream: {
        let head = response_head(framing);
        let opened = async {
            write_all_parts(&mut socket, [&head, &[], &[]], 0, write_stall).await?;
            write_framed(&mut socket, framing, &greeting(), write_stall).await
        };
        if let Err(error) = opened.await {
            tracing::debug!(%error, "subscriber left before the stream opened");
            break 'stream AttemptEnd::ClientLeft;
        }
        drop(head);
        loop {
            let chunk = match next_while_connected(&mut subscription, &socket).await {
                Next::Chunk(chunk) => chunk,
                Next::Ended => break,
                Next::ClientGone => {
                    tracing::debug!("subscriber left");
                    break 'stream AttemptEnd::ClientLeft;
                }
            };
            if let Err(error) = write_framed(&mut socket, framing, &chunk, write_stall).await {
                break 'stream write_failed(&error, write_stall);
            }
        }
        end_body(&mut socket, framing, write_stall).await;
        subscription.end().unwrap_or(AttemptEnd::ServerStopped)
    };
    record.finish(subscription.handed().delivered(), end, Some(subscription.silence()));
}

/// How a failed write ended the connection.
pub(crate) fn write_failed(error: &io::Error, write_stall: Duration) -> AttemptEnd {
    if error.kind() == io::ErrorKind::TimedOut {
        tracing::info!(limit = ?write_stall, "closing a connection whose client stopped reading");
        AttemptEnd::WriteStalled
    } else {
        tracing::debug!(%error, "subscriber left");
        AttemptEnd::ClientLeft
    }
}

/// What a subscription has next for a connected client.
pub(crate) enum Next {
    Chunk(Bytes),
    /// The stream ended (shutdown, or the subscriber fell behind).
    Ended,
    ClientGone,
}

/// The subscription's next chunk, unless the client goes away first.
pub(crate) async fn next_while_connected(subscription: &mut Subscription, socket: &TcpStream) -> Next {
    loop {
        tokio::select! {
            chunk = subscription.next_chunk() => return chunk.map_or(Next::Ended, Next::Chunk),
            closed = peer_closed(socket) => if closed { return Next::ClientGone },
        }
    }
}

/// Ends the body cleanly (the last chunk over HTTP/1.1) and the connection.
pub(crate) async fn end_body(socket: &mut TcpStream, framing: Framing, write_stall: Duration) {
    if framing == Framing::Chunked {
        let _ = write_framed(socket, framing, b"", write_stall).await;
    }
    let _ = socket.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognised(head: &str) -> Option<SubscribeRequest> {
        recognise(head.as_bytes())
    }

    #[test]
    fn a_plain_subscribe_request_is_recognised_with_its_headers_and_query() {
        let request = recognised(
            "GET /events?stream=messages&lastEventId=7 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 9\r\n\r\n",
        )
        .unwrap();
        assert_eq!(request.framing, Framing::Chunked);
        assert_eq!(request.headers["last-event-id"], "9");
        assert_eq!(request.query.stream.as_deref(), Some("messages"));
        assert_eq!(request.query.last_event_id.as_deref(), Some("7"));
        assert_eq!(recognised("GET /events?stream=a HTTP/1.0\r\n\r\n").unwrap().framing, Framing::UntilClose);
    }

    #[test]
    fn anything_else_is_left_to_the_router() {
        for head in [
            "GET /streams HTTP/1.1\r\n\r\n",
            "GET /events/x?stream=a HTTP/1.1\r\n\r\n",
            "POST /events?stream=a HTTP/1.1\r\nContent-Length: 2\r\n\r\n",
            "HEAD /events?stream=a HTTP/1.1\r\n\r\n",
            "GET /events?stream=a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /events?stream=a HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
            // A pipelined second request, and a head cut short.
            "GET /events?stream=a HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            "GET /events?stream=a HTTP/1.1\r\nHost: x\r\n",
            "GET /events?stream=a&stream=b HTTP/1.1\r\n\r\n",
            "NOT HTTP\r\n\r\n",
        ] {
            assert!(recognised(head).is_none(), "{head:?}");
        }
    }

    #[test]
    fn chunk_size_lines_are_lowercase_hex() {
        for (len, line) in [
            (0, "0\r\n"),
            (9, "9\r\n"),
            (16, "10\r\n"),
            (65535, "ffff\r\n"),
            (usize::MAX, "ffffffffffffffff\r\n"),
        ] {
            let mut buf = [0u8; 18];
            let n = chunk_size_line(&mut buf, len);
            assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), line);
        }
    }
}
