//! The capture format, defined once: what `sse-sub --json --time` writes, what the inspector
//! exports and imports, and what `sse-server --replay` publishes again. NDJSON, one event per
//! line (`{"event","data","id","retry"?,"time"?}`), optionally preceded by one head line that
//! records the request and the response head (`{"capture":{"version":1,...}}`). Files without
//! the head line, as older versions wrote them, read the same.
//!
//! # Layout
//! - [`rfc3339`], [`parse_rfc3339`] (`time.rs`): receive times as text and back.
//! - [`CapturedEvent`] (`event.rs`): one event line, borrowed when written, owned when read.
//! - [`CaptureHead`], [`RecordedRequest`], [`RecordedResponse`] (`head.rs`): the head line.
//! - [`write_event`], [`write_head`] (`write.rs`): lines into a buffer.
//! - [`read_capture`], [`CaptureReader`], [`Capture`] (`read.rs`): lines back, bounded in length.
//! - [`CaptureError`], [`LineError`] (`error.rs`).
//! - `fuzzing.rs` (hidden): the fuzz targets' entry points, shared with the corpus replay test.

mod error;
mod event;
#[doc(hidden)]
pub mod fuzzing;
mod head;
mod read;
mod time;
mod write;

pub use error::{CaptureError, LineError};
pub use event::CapturedEvent;
pub use head::{CaptureHead, RecordedRequest, RecordedResponse, CAPTURE_VERSION};
pub use read::{read_capture, Capture, CaptureLine, CaptureReader, MAX_LINE_BYTES};
pub use time::{parse_rfc3339, rfc3339};
pub use write::{write_event, write_head};
