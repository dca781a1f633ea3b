//! Bodies through the tap: forwarded a frame at a time, as they come, each frame told to the
//! exchange's record (its bytes, its timing, the events in it), and the way the body ended.
//! A frame's events are read into the record after the frame is handed on (when the next one
//! is asked for), so parsing never delays the bytes the client is waiting for.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use sse_subscriber::{ContentDecoder, StreamFormat, StreamReader, DEFAULT_MAX_EVENT_SIZE};

use crate::record::{lock, Chunk, Ending, Exchange, Recorder, TappedEvent};

/// How a response body's bytes become events in the record.
enum Reader {
    /// Kept as a body, up to the limit.
    Body { limit: usize },
    /// A stream (SSE, or NDJSON a line an event), read by the subscriber's one reader.
    Stream(Box<StreamReader>),
}

/// A compressed body's state for the record.
enum Content {
    Plain,
    Encoded(Box<ContentDecoder>),
    /// Not decodable (an unknown encoding, or corrupt): the record keeps nothing more of it.
    Unreadable,
}

/// What the record reads a response body as: its content type and encoding.
pub(crate) struct Decoder {
    reader: Reader,
    content: Content,
}

impl Decoder {
    /// By the response's `Content-Type` and `Content-Encoding`; what the record cannot read
    /// (an unknown encoding) and what compression means for a stream are added to `warnings`.
    /// `decoded_for_client`: a fault rule passes the body on decoded (the warning says so).
    pub(crate) fn for_response(
        content_type: &str,
        content_encoding: &str,
        limit: usize,
        decoded_for_client: bool,
        warnings: &mut Vec<String>,
    ) -> Self {
        let reader = match StreamFormat::of(content_type) {
            Some(format) => {
                let mut reader = StreamReader::new(DEFAULT_MAX_EVENT_SIZE);
                reader.begin(format);
                Reader::Stream(Box::new(reader))
            }
            None => Reader::Body { limit },
        };
        let is_stream = !matches!(reader, Reader::Body { .. });
        let content = match ContentDecoder::for_encoding(content_encoding) {
            Ok(None) => Content::Plain,
            Ok(Some(decoder)) => {
                if is_stream && !decoded_for_client {
                    warnings.push(format!(
                        "the stream is {}-compressed: passed on as sent and decoded for the record only; compression makes many proxies and clients buffer a stream, so events may arrive late or in bursts",
                        decoder.name
                    ));
                }
                Content::Encoded(Box::new(decoder))
            }
            Err(unknown) => {
                warnings.push(format!(
                    "the `{}` content encoding is not decoded for the record",
                    unknown.encoding
                ));
                Content::Unreadable
            }
        };
        Self { reader, content }
    }

    pub(crate) fn is_stream(&self) -> bool {
        !matches!(self.reader, Reader::Body { .. })
    }

    fn feed(&mut self, data: &[u8], at: std::time::Duration, exchange: &mut Exchange) {
        let decoded;
        let data = match &mut self.content {
            Content::Plain => data,
            Content::Unreadable => return,
            Content::Encoded(decoder) => match decoder.decode(data) {
                Ok(bytes) => {
                    decoded = bytes;
                    &decoded[..]
                }
                Err(failure) => {
                    exchange.warnings.push(format!(
                        "the {} body could not be decoded for the record after {} decoded bytes: {}",
                        decoder.name, exchange.decoded_bytes, failure.source
                    ));
                    self.content = Content::Unreadable;
                    return;
                }
            },
        };
        exchange.decoded_bytes += data.len() as u64;
        match &mut self.reader {
            Reader::Body { limit } => keep_start(&mut exchange.response_body, data, *limit),
            Reader::Stream(reader) => {
                exchange.push_raw(at, data);
                reader.feed(data);
                // A malformed stream passes untouched: an event too large for the parser is
                // only left out of the record.
                while let Ok(Some((event, _))) = reader.next_event() {
                    exchange.llm_event(&event.event, &event.data, at);
                    exchange.push_event(TappedEvent {
                        at,
                        event: event.event,
                        data: event.data,
                        id: event.id,
                        id_set: event.id_set,
                        retry: event.retry,
                    });
                }
            }
        }
    }
}

/// Appends what of `data` fits in `kept` below `limit` bytes: a body's start is kept, the
/// rest only counted.
fn keep_start(kept: &mut Vec<u8>, data: &[u8], limit: usize) {
    let room = limit.saturating_sub(kept.len());
    kept.extend_from_slice(&data[..data.len().min(room)]);
}

/// An upstream response body on its way to the client.
pub(crate) struct TappedResponse {
    inner: Incoming,
    exchange: Arc<Mutex<Exchange>>,
    recorder: Recorder,
    decoder: Decoder,
    started: Instant,
    bytes: u64,
    /// A chunk was handed on and not yet known to be written.
    unwritten: bool,
    /// The last chunk handed on and when it came, its events not yet read into the record.
    unread: Option<(Bytes, std::time::Duration)>,
    ended: bool,
    /// Its ending is kept for the body it feeds (a fault rule's) to record, not recorded here.
    deferred: Option<Option<Ending>>,
}

impl TappedResponse {
    pub(crate) fn new(
        inner: Incoming,
        exchange: Arc<Mutex<Exchange>>,
        recorder: Recorder,
        decoder: Decoder,
        started: Instant,
    ) -> Self {
        Self {
            inner,
            exchange,
            recorder,
            decoder,
            started,
            bytes: 0,
            unwritten: false,
            unread: None,
            ended: false,
            deferred: None,
        }
    }

    /// One whose ending the caller records (see [`TappedResponse::take_ending`]).
    pub(crate) fn deferring(mut self) -> Self {
        self.deferred = Some(None);
        self
    }

    /// How the upstream's body ended, for a deferring one, once it did.
    pub(crate) fn take_ending(&mut self) -> Option<Ending> {
        self.deferred.as_mut().and_then(Option::take)
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Reads the last chunk handed on into the record.
    pub(crate) fn read_unread(&mut self) {
        if let Some((data, at)) = self.unread.take() {
            self.decoder.feed(&data, at, &mut lock(&self.exchange));
        }
    }

    fn end(&mut self, ending: Ending) {
        self.read_unread();
        if !self.ended {
            self.ended = true;
            match &mut self.deferred {
                Some(kept) => *kept = Some(ending),
                None => self.recorder.finish(&self.exchange, ending, self.started.elapsed()),
            }
        }
    }
}

impl Body for TappedResponse {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        if this.unwritten {
            // Asked for the next frame: hyper has handed the last one to the socket.
            this.unwritten = false;
            let at = this.started.elapsed();
            if let Some(last) = lock(&this.exchange).chunks.back_mut() {
                last.written = Some(at);
            }
        }
        this.read_unread();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let at = this.started.elapsed();
                    this.bytes += data.len() as u64;
                    let mut exchange = lock(&this.exchange);
                    if exchange.first_byte_after.is_none() {
                        exchange.first_byte_after = Some(at);
                        exchange.llm_first_byte(at);
                    }
                    exchange.response_bytes = this.bytes;
                    exchange.push_chunk(Chunk { received: at, written: None, len: data.len() });
                    drop(exchange);
                    // A cheap copy (reference counted): read once the frame is on its way.
                    this.unread = Some((data.clone(), at));
                    this.unwritten = true;
                }
                // A body of known length is done with its last byte: hyper need not ask again.
                if this.inner.is_end_stream() {
                    this.end(Ending::Completed);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => {
                let ending = if error.is_incomplete_message() || ended_too_soon(&error) {
                    Ending::UpstreamClosedEarly { after_bytes: this.bytes }
                } else {
                    Ending::UpstreamError { reason: error_chain(&error) }
                };
                this.end(ending);
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                this.end(Ending::Completed);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for TappedResponse {
    /// Dropped before its end: the client went away (hyper drops the body when it cannot
    /// write to the client any more).
    fn drop(&mut self) {
        let ending = if self.inner.is_end_stream() {
            Ending::Completed
        } else {
            Ending::ClientHungUp { after_bytes: self.bytes }
        };
        self.end(ending);
    }
}

/// The client's request body on its way upstream: counted, and its first bytes kept.
pub(crate) struct TappedRequest {
    inner: Incoming,
    exchange: Arc<Mutex<Exchange>>,
    limit: usize,
}

impl TappedRequest {
    pub(crate) fn new(inner: Incoming, exchange: Arc<Mutex<Exchange>>, limit: usize) -> Self {
        Self { inner, exchange, limit }
    }
}

impl Body for TappedRequest {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                let mut exchange = lock(&this.exchange);
                exchange.request_bytes += data.len() as u64;
                keep_start(&mut exchange.request_body, data, this.limit);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether the upstream's connection ended before the body's framing did (hyper reports it
/// as an unexpected end of file under the body error).
fn ended_too_soon(error: &hyper::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::UnexpectedEof)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An error with its causes, `a: b: c`.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
