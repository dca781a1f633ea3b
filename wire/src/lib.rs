//! Rules about HTTP that several crates of SSE Monitor apply, each kept once, sans I/O and
//! with no dependency: the embedded server, the subscriber, the tap, the connections and the
//! readers (`sse-mcp`, `sse-expect`) all ask here.
//!
//! # Layout
//! - [`is_credential_name`] (`credentials.rs`): which header and query parameter names carry
//!   credentials (masked on screen and in the client record, kept in the keyring, redacted in a
//!   HAR or a capture).
//! - [`essence`], [`has_essence`] (`content_type.rs`): a Content-Type's `type/subtype`, its
//!   parameters and case set aside.
//! - [`is_loopback_host`] (`host.rs`): whether a `Host` header names this machine (the
//!   DNS-rebinding check of servers and taps bound to loopback).

mod content_type;
mod credentials;
mod host;

pub use content_type::{essence, has_essence};
pub use credentials::is_credential_name;
pub use host::is_loopback_host;
