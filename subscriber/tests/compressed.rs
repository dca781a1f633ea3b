//! Compressed streams: a server that compresses although it was not asked to (gzip, deflate,
//! zstd, flushed after each event) is decoded a read at a time, each event as soon as the
//! block that carries it arrives.

mod support;

use std::io::Write;
use std::time::Duration;

use sse_subscriber::{SseEvent, SubscribeError, SubscribeRequest, Subscription, Update};
use support::SSE_OK;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// A compressor flushed after each event, as a server that streams compressed does.
enum Compressor {
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
    Zlib(flate2::write::ZlibEncoder<Vec<u8>>),
    Zstd(zstd::stream::write::Encoder<'static, Vec<u8>>),
}

impl Compressor {
    fn new(encoding: &str) -> Self {
        match encoding {
            "gzip" => Self::Gzip(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default())),
            "deflate" => {
                Self::Zlib(flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default()))
            }
            "zstd" => Self::Zstd(zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd encoder")),
            other => panic!("no compressor for {other}"),
        }
    }

    /// The compressed bytes of `text`, flushed so that they decode on their own.
    fn block(&mut self, text: &[u8]) -> Vec<u8> {
        fn flushed<W: Write>(writer: &mut W, text: &[u8], out: impl Fn(&mut W) -> &mut Vec<u8>) -> Vec<u8> {
            writer.write_all(text).expect("compress");
            writer.flush().expect("flush");
            std::mem::take(out(writer))
        }
        match self {
            Self::Gzip(w) => flushed(w, text, |w| w.get_mut()),
            Self::Zlib(w) => flushed(w, text, |w| w.get_mut()),
            Self::Zstd(w) => flushed(w, text, |w| w.get_mut()),
        }
    }
}

/// A server that answers with `Content-Encoding: encoding` and sends each of `events` as its
/// own flushed block, the next only once `next` says the client has the last one. The request
/// head comes back on `head`.
async fn lockstep_server(
    encoding: &'static str,
    events: Vec<&'static str>,
) -> (String, mpsc::Sender<()>, oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/events", listener.local_addr().expect("address"));
    let (next, mut go) = mpsc::channel::<()>(1);
    let (head_tx, head) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        socket.set_nodelay(true).ok();
        let Some(request) = sse_test_support::read_request_head(&mut socket).await else { return };
        let _ = head_tx.send(request.to_ascii_lowercase());
        let head = format!("{SSE_OK}\r\ncontent-encoding: {encoding}\r\nconnection: close\r\n\r\n");
        let mut compressor = Compressor::new(encoding);
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for event in events {
            if socket.write_all(&compressor.block(event.as_bytes())).await.is_err()
                || go.recv().await.is_none()
            {
                return;
            }
        }
    });
    (url, next, head)
}

async fn next_update(subscription: &mut Subscription, waiting_for: &str) -> Update {
    tokio::time::timeout(Duration::from_secs(5), subscription.next())
        .await
        .unwrap_or_else(|_| panic!("no update within 5 s while waiting for {waiting_for}"))
        .unwrap_or_else(|| panic!("the subscription ended while waiting for {waiting_for}"))
}

/// Each encoding is decoded a flushed block at a time: every event is delivered before the
/// server sends the next, the reads say how they came over the wire, and the request asked for
/// no compression.
#[tokio::test]
async fn each_flushed_block_delivers_its_event_at_once() {
    for encoding in ["gzip", "deflate", "zstd"] {
        let events = vec!["data: one\n\n", "id: 2\ndata: two\n\n", "event: end\ndata: three\n\n"];
        let (url, next, head) = lockstep_server(encoding, events).await;
        let request = SubscribeRequest::new(&url).expect("request").reconnect(false).report_raw(true);
        let mut subscription = Subscription::new(request);
        let mut received: Vec<SseEvent> = Vec::new();
        let mut wire_reads = 0;
        while received.len() < 3 {
            match next_update(&mut subscription, &format!("{encoding} event {}", received.len() + 1)).await {
                Update::Event(event) => {
                    received.push(event);
                    let _ = next.send(()).await;
                }
                Update::Raw(read) => {
                    let compressed =
                        read.compressed.unwrap_or_else(|| panic!("{encoding}: a read not marked compressed"));
                    assert_eq!(compressed.encoding, encoding);
                    assert!(compressed.wire_bytes > 0);
                    wire_reads += 1;
                }
                Update::Error { error, .. } => panic!("{encoding}: {error}"),
                _ => {}
            }
        }
        let data: Vec<_> = received.iter().map(|e| (e.event.as_str(), e.data.as_str())).collect();
        assert_eq!(data, [("message", "one"), ("message", "two"), ("end", "three")], "{encoding}");
        assert_eq!(received[1].id, "2");
        assert!(wire_reads >= 3, "{encoding}: {wire_reads} reads");
        let head = head.await.expect("the request head");
        assert!(!head.contains("accept-encoding"), "{encoding}: asked for compression: {head}");
    }
}

/// An encoding no decoder reads is refused at once with its name, and not retried.
#[tokio::test]
async fn an_unknown_encoding_is_named_and_not_retried() {
    let server =
        support::spawn_raw(&format!("{SSE_OK}\r\ncontent-encoding: compress"), b"not readable").await;
    let mut subscription = Subscription::new(SubscribeRequest::new(&server.url("/")).expect("request"));
    loop {
        match next_update(&mut subscription, "the refusal").await {
            Update::Error { error: error @ SubscribeError::Encoding(_), will_retry } => {
                assert!(!will_retry);
                assert_eq!(
                    error.to_string(),
                    "cannot read the stream: the `compress` content encoding is not supported (gzip, deflate, br and zstd are)"
                );
                return;
            }
            Update::Error { error, .. } => panic!("another error: {error}"),
            _ => {}
        }
    }
}

/// A body that is not what its encoding says fails with the encoding and how far it got, and
/// the events decoded before the fault are delivered first.
#[tokio::test]
async fn a_corrupt_body_fails_with_a_clear_error() {
    let mut gzip = Compressor::new("gzip");
    let mut body = gzip.block(b"data: fine\n\n");
    body.extend_from_slice(&[0xff; 64]);
    let server = support::spawn_raw(&format!("{SSE_OK}\r\ncontent-encoding: gzip"), &body).await;
    let request = SubscribeRequest::new(&server.url("/")).expect("request").reconnect(false);
    let mut subscription = Subscription::new(request);
    let mut events = 0;
    loop {
        match next_update(&mut subscription, "the decoding error").await {
            Update::Event(event) => {
                assert_eq!(event.data, "fine");
                events += 1;
            }
            Update::Error { error, will_retry } => {
                // How much decoded before the fault depends on how the reads split the body.
                let SubscribeError::Decode { encoding: "gzip", decoded, .. } = &error else {
                    panic!("{error}")
                };
                assert_eq!(*decoded, 12 * events, "the bytes decoded are those of the events delivered");
                let start =
                    format!("the gzip-compressed stream cannot be decoded after {decoded} decoded bytes: ");
                assert!(error.to_string().starts_with(&start), "{error}");
                assert!(!will_retry);
                return;
            }
            _ => {}
        }
    }
}

/// `sse-sub` reads a compressed stream as the library does: a line per event in a pipe.
#[tokio::test]
async fn sse_sub_prints_a_compressed_streams_events() {
    let mut gzip = Compressor::new("gzip");
    let body = [gzip.block(b"data: one\n\n"), gzip.block(b"data: two\n\n")].concat();
    let server = support::spawn_raw(&format!("{SSE_OK}\r\ncontent-encoding: gzip"), &body).await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sse-sub"))
        .args(["--no-reconnect", &server.url("/")])
        .output()
        .await
        .expect("run sse-sub");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "one\ntwo\n");
}
