//! An SSE client: connects to a URL with custom headers, checks the response (status 200,
//! `Content-Type: text/event-stream`), and yields each event with its id, type, data and
//! receive time. Parsing is done by `eventsource-stream`.
//!
//! # Layout
//! - [`SubscribeRequest`] (`request.rs`): the URL and headers to send; `Name: value` parsing.
//! - [`connect`], [`Subscription`] (`subscription.rs`): the HTTP exchange and the event stream.
//! - [`SseEvent`] (`event.rs`): one received event.
//! - [`watch`], [`FeedUpdate`] (`feed.rs`): a stream's lifecycle and events as one feed, for UIs.
//! - [`SubscribeError`] (`error.rs`): every failure, with a message fit for a user.

mod error;
mod event;
mod feed;
mod request;
mod subscription;

pub use error::SubscribeError;
pub use event::SseEvent;
pub use feed::{watch, FeedUpdate};
pub use request::{parse_header_line, SubscribeRequest};
pub use subscription::{connect, Subscription};
