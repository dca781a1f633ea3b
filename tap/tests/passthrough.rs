//! What passes through the tap untouched and how the record reads it: a compressed stream
//! (sent as is, decoded for the record), a WebSocket upgrade (tunnelled, counted), and a body
//! larger than the record keeps (counted, its start kept); and the clients it does not let
//! hold it up (slow heads, huge heads).

use std::io::Write;
use std::time::Duration;

use sse_tap::{Ending, TapConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod common;
use common::{ended, exchange, raw_upstream, split_head, start_tap};

fn tap_to(addr: std::net::SocketAddr) -> TapConfig {
    TapConfig::new(&format!("http://{addr}")).unwrap()
}

const GET: &str = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

/// A gzip-compressed SSE stream reaches the client byte for byte (still compressed), while
/// the record holds its events decoded and warns that compression makes proxies buffer.
#[tokio::test]
async fn a_gzip_stream_passes_compressed_and_is_recorded_decoded() {
    let text = "id: 1\ndata: first\n\nid: 2\ndata: second\n\n";
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    let gzip = encoder.finish().unwrap();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gzip.len()
    );
    let (middle, end) = gzip.split_at(gzip.len() / 2);
    let (upstream, _) = raw_upstream(vec![head.into_bytes(), middle.to_vec(), end.to_vec()], false).await;
    let (tap, recorder, _stop) = start_tap(tap_to(upstream)).await;
    let (head, body) = split_head(&exchange(tap, GET).await);
    assert!(head.contains("Content-Encoding: gzip"), "{head}");
    assert_eq!(body, gzip, "the compressed bytes, as sent");
    let record = ended(&recorder).await;
    assert_eq!(record.events.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(), ["first", "second"]);
    assert_eq!(record.decoded_bytes, text.len() as u64);
    assert_eq!(record.response_bytes, gzip.len() as u64);
    assert!(
        record.warnings.iter().any(|w| w.contains("gzip") && w.contains("buffer")),
        "{:?}",
        record.warnings
    );
}

/// A body past the record's limit reaches the client whole; the record keeps its start and
/// counts the rest.
#[tokio::test]
async fn an_oversized_body_is_counted_not_kept() {
    let body = vec![b'x'; 10_000];
    let head =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n", body.len());
    let (upstream, _) = raw_upstream(vec![head.into_bytes(), body.clone()], false).await;
    let mut config = tap_to(upstream);
    config.body_limit = 1000;
    let (tap, recorder, _stop) = start_tap(config).await;
    let (_, received) = split_head(&exchange(tap, GET).await);
    assert_eq!(received, body);
    let record = ended(&recorder).await;
    assert_eq!(record.response_body.len(), 1000);
    assert_eq!(record.response_bytes, 10_000);
    assert_eq!(record.ending, Some(Ending::Completed));
}

/// A WebSocket upgrade both sides agree to becomes a tunnel: the client gets the upstream's
/// 101 with its `Upgrade` and `Sec-WebSocket-Accept`, bytes go both ways untouched, and the
/// record says tunnel with the bytes each way once it closes.
#[tokio::test]
async fn a_websocket_upgrade_is_tunnelled_and_counted() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = listener.local_addr().unwrap();
    // The upstream: answers the handshake (RFC 6455's sample key and accept), then echoes
    // what it gets until the client closes.
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && socket.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
        assert!(head.contains("upgrade: websocket") && head.contains("connection: upgrade"), "{head}");
        socket
            .write_all(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                  Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
            )
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        while let Ok(n @ 1..) = socket.read(&mut buf).await {
            if socket.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    });
    let (tap, recorder, _stop) = start_tap(tap_to(upstream)).await;
    let mut client = TcpStream::connect(tap).await.unwrap();
    client
        .write_all(
            b"GET /socket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(client.read(&mut byte).await.unwrap(), 1, "the head arrives");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    assert!(head.to_ascii_lowercase().contains("upgrade: websocket"), "{head}");
    // A masked text frame "hi", as a browser would send it, echoed back byte for byte.
    let frame = [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
    client.write_all(&frame).await.unwrap();
    let mut echoed = [0u8; 8];
    tokio::time::timeout(Duration::from_secs(5), client.read_exact(&mut echoed)).await.unwrap().unwrap();
    assert_eq!(echoed, frame);
    drop(client);
    let record = ended(&recorder).await;
    assert!(record.tunnel && !record.is_stream);
    assert_eq!(record.status, Some(101));
    assert_eq!(record.ending, Some(Ending::TunnelClosed { to_upstream: 8, to_client: 8 }));
}

/// A client that trickles its head is let go after the client head timeout while another is
/// served meanwhile; a head far past 64 KiB is answered 431; neither reaches the upstream.
#[tokio::test]
async fn slow_and_huge_request_heads_are_bounded() {
    let (upstream, mut heads) = raw_upstream(vec![b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()], false).await;
    let mut config = tap_to(upstream);
    config.client_head_timeout = Duration::from_millis(300);
    let (tap, _, _stop) = start_tap(config).await;
    let mut slow = TcpStream::connect(tap).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").await.unwrap();
    let served = exchange(tap, GET).await;
    assert!(served.starts_with(b"HTTP/1.1 204"), "{}", String::from_utf8_lossy(&served));
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the slow client is let go");

    let huge = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n", "a".repeat(256 * 1024));
    let answer = exchange(tap, &huge).await;
    assert!(answer.starts_with(b"HTTP/1.1 431"), "{}", String::from_utf8_lossy(&answer));
    let _ = heads.recv().await; // the one served
    assert!(heads.try_recv().is_err(), "only the complete, small head was forwarded");
}
