//! Rules about HTTP and SSE that several crates of SSE Monitor apply, each kept once, sans I/O
//! (its only dependency `serde_json`): the embedded server, the subscriber, the tap, the
//! breakpoints, the connections and the readers (`sse-mcp`, `sse-expect`) all ask here.
//!
//! # Layout
//! - [`is_credential_name`] (`credentials.rs`): which header and query parameter names carry
//!   credentials (masked on screen and in the client record, kept in the keyring, redacted in a
//!   HAR or a capture).
//! - [`essence`], [`has_essence`] (`content_type.rs`): a Content-Type's `type/subtype`, its
//!   parameters and case set aside.
//! - [`is_loopback_host`] (`host.rs`): whether a `Host` header names this machine (the
//!   DNS-rebinding check of servers and taps bound to loopback).
//! - [`write_event`], [`EventFields`], [`LineEnding`] (`event_text.rs`): an event as a stream
//!   writes it (the embedded server's events, a breakpoint's edited or injected ones).
//! - [`now_on_both_clocks`] (`clock.rs`): one moment on the wall and the monotonic clock, the
//!   start a record's times are measured from (the tap's exchanges, the report card's attempts).
//! - [`JsonPath`] (`json_path.rs`): `a.b[0].c` into an event's data (expectations, the
//!   assembled text, breakpoints).

mod clock;
mod content_type;
mod credentials;
mod event_text;
mod host;
mod json_path;

pub use clock::now_on_both_clocks;
pub use content_type::{essence, has_essence};
pub use credentials::is_credential_name;
pub use event_text::{lines, write_comment, write_event, EventFields, LineEnding};
pub use host::is_loopback_host;
pub use json_path::{JsonPath, JsonPathError};
