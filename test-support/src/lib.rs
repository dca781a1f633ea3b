//! What the crates' tests share, so each is written once: the embedded server on 127.0.0.1:0,
//! waiting (with a bound, never a bare sleep) until a stream has a subscriber, and a raw
//! server that answers with exactly the bytes a test gives it. A dev-dependency only.
//!
//! # Layout
//! - [`EmbeddedServer`] (`embedded.rs`): the real server on a free loopback port, stopped when
//!   dropped or by [`EmbeddedServer::stop`]; [`quiet_config`]; [`EmbeddedServer::wait_for_subscriber`].
//! - [`RawServer`], [`RawAnswer`] (`raw.rs`): exact bytes, at once or in paced pieces, to one
//!   connection or to each; the request heads it received; [`read_request_head`] for servers
//!   of a test's own.
//! - [`OtlpReceiver`] (`otlp.rs`, `otlp_receiver.py`): a real OTLP/HTTP receiver (PyPI
//!   `opentelemetry-proto`) that decodes what was exported, in either protocol; reading an
//!   OTLP/JSON attribute list.
//! - [`failure_line`] (`program.rs`): a failed program's stderr, checked to be one line in
//!   the project's style.

mod embedded;
pub mod otlp;
mod program;
mod raw;

pub use embedded::{quiet_config, EmbeddedServer};
pub use otlp::OtlpReceiver;
pub use program::failure_line;
pub use raw::{read_request_head, RawAnswer, RawServer};
