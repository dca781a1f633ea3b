//! Where a stream stands: streaming, complete, cut short or failed in band.

use serde::Serialize;

/// Where a stream stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Completeness {
    /// Still open, its terminal event not yet come.
    Streaming,
    /// The provider's terminal event came.
    Complete,
    /// It ended without its terminal event: the answer may be cut short.
    Truncated,
    /// An error came in band: the answer is partial.
    Failed,
}
