//! What the app keeps of one subscription and shows in its event inspector. No I/O and no
//! window: the app's connection tasks feed a [`Capture`] and its commands read pages of it.
//!
//! # Layout
//! - [`Capture`], [`CaptureLimits`], [`Counts`], [`Kept`] (`capture.rs`): one subscription's history,
//!   raw bytes and stats together, fed the subscriber's updates.
//! - [`KeptEvent`], [`EventRow`], [`EventDetail`], [`preview`] (`event.rs`): one kept event,
//!   and what the UI is sent of it.
//! - [`EventHistory`] (`history.rs`): the kept events, bounded by count and bytes (oldest
//!   dropped first), with a filtered view kept up to date as events arrive, read a page at a time.
//! - [`EventFilter`] (`filter.rs`): event types and free text or a regex.
//! - [`RawCapture`], [`RawLine`] (`raw.rs`): the last bytes received, as lines with their
//!   endings, comments and connection starts told apart.
//! - [`LiveStats`], [`StatsReport`] (`stats.rs`): events per second over the last minute,
//!   totals, time to first event, reconnects.
//! - [`Batcher`], [`BatchPolicy`] (`batch.rs`): when to send events to the UI, so a fast
//!   stream crosses in a batch per frame and a slow one is not held back.
//! - [`BatchIds`] (`batch_ids.rs`): a batch's event ids as one string, cheap for the webview.
//! - [`ExportFormat`] (`export.rs`): NDJSON (the `sse-sub --json` fields plus time) and CSV.
//! - [`FilterError`] (`error.rs`).

mod batch;
mod batch_ids;
mod capture;
mod error;
mod event;
mod export;
mod filter;
mod history;
mod raw;
mod stats;

pub use batch::{BatchPolicy, Batcher, Flush};
pub use batch_ids::BatchIds;
pub use capture::{Capture, CaptureLimits, Counts, Kept};
pub use error::FilterError;
pub use event::{
    is_blank, preview, text_start, EventDetail, EventRow, KeptEvent, WhitespaceView, DETAIL_SHOWN_BYTES,
    PREVIEW_CHARS,
};
pub use export::{ExportFormat, EXPORT_CHUNK};
pub use filter::EventFilter;
pub use history::EventHistory;
pub use raw::{split_lines, LineEnding, LineKind, RawCapture, RawLine, RawView};
pub use stats::{LiveStats, StatsReport, RATE_WINDOW_SECS};
