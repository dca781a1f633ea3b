//! An SSE client that follows the WHATWG HTML "Server-sent events" rules to the letter and does
//! what browsers cannot: any method, headers and body.
//!
//! # Layout
//! - [`EventParser`] (`parser.rs`): "Interpreting an event stream", on bytes, no I/O.
//! - [`SubscribeRequest`] (`request.rs`): URL, method, headers, body, timeouts, reconnection.
//! - `connection.rs`: one HTTP exchange: the request, status and Content-Type checks.
//! - [`ContentDecoder`] (`content_coding.rs`): gzip, deflate, br and zstd bodies decoded a
//!   chunk at a time (the subscriber's compressed streams, the tap's record).
//! - [`Subscription`], [`Update`] (`subscription.rs`): reconnection as EventSource does it
//!   (`retry`, `Last-Event-ID`, 204 stops), with backoff on repeated failures.
//! - [`SseEvent`] (`event.rs`): one received event.
//! - [`StreamReader`], [`StreamFormat`] (`reader.rs`): the one reader from a stream's bytes to
//!   its events (SSE, or NDJSON a line an event), and the Content-Types that say which: a
//!   subscription's, the tap's record's and a tapped stream's.
//! - `lines.rs`: NDJSON read a line at a time (the reader's NDJSON side), and its
//!   Content-Types.
//! - [`watch`], [`FeedUpdate`] (`feed.rs`): the updates as a serialisable feed, for UIs.
//! - [`analyzers`] (`analyzers.rs`, feature `analyzers`): the updates as the analyzers'
//!   lifecycles (the LLM reader's, the expectations checker's), in one place for `sse-sub`
//!   and the window.
//! - [`check`] (`check.rs`, feature `check`): `sse-sub --check`'s connections, side by side
//!   within `--check-for`; `sse_server_check` grades what they saw.
//! - [`cli`] (`cli.rs`, feature `cli`): `sse-sub`'s arguments and the request they describe.
//! - [`expect`] (`expect.rs`, feature `cli`): `sse-sub --expect`, a live stream checked
//!   against an expectations file (`sse_expect`).
//! - [`SubscribeError`], [`ParseError`] (`error.rs`): every failure, with a message fit for a
//!   user; the parser's own refusals apart.
//! - `fuzzing.rs` (hidden): the fuzz targets' entry points, shared with the corpus replay test.
//!
//! # Parsing: our own parser, not `eventsource-stream`
//! The parser is ours because `eventsource-stream` 0.2.3 deviates from the spec in ways a
//! monitoring tool cannot accept (each has a test in `parser.rs`): a leading UTF-8 BOM makes it
//! panic on a char boundary, and it only looks for the BOM in the first chunk; invalid UTF-8
//! stalls the stream silently instead of decoding to U+FFFD; an event whose blank line ends in a
//! lone CR at the end of a chunk is held until more bytes arrive; and lines have no length limit,
//! so one endless line exhausts memory. Ours splits lines on bytes (CR, LF, CRLF even when split
//! across chunks), decodes each line as UTF-8 with replacement (the same result as decoding the
//! stream, since terminators are ASCII), and bounds lines and events (16 MiB by default).

#[cfg(feature = "analyzers")]
pub mod analyzers;
#[cfg(feature = "check")]
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
mod connection;
mod content_coding;
mod error;
mod event;
#[cfg(feature = "cli")]
pub mod expect;
mod feed;
#[doc(hidden)]
pub mod fuzzing;
mod lines;
mod parser;
mod reader;
mod request;
mod subscription;

pub use connection::{BodyRead, Compressed};
pub use content_coding::{ContentDecoder, DecodeFailure, UnknownEncoding};
pub use error::{FailedResponse, ParseError, SubscribeError};
pub use event::SseEvent;
pub use feed::{watch, FeedUpdate};
pub use parser::{EventParser, ParsedEvent, DEFAULT_MAX_EVENT_SIZE};
pub use reader::{StreamFormat, StreamReader, LINE_EVENT};
pub use request::{header_pairs, parse_header_line, redact_headers, redact_url, SubscribeRequest, REDACTED};
pub use subscription::{Subscription, Update};
