//! What a connection reports to the UI, and who receives it.

use std::sync::Arc;

use serde::Serialize;
use sse_inspector::{BatchIds, Counts, EventRow, StatsReport};
use sse_subscriber::FeedUpdate;

use crate::diagnostics::DiagnosticsReport;
use crate::expectations::ExpectationsReport;
use crate::llm::LlmReport;

/// What one connection reports to the UI.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ConnectionUpdate {
    /// A lifecycle change, as the subscriber reports it (events come in batches).
    Feed {
        update: FeedUpdate,
    },
    /// Events received since the last batch (their ids, for comparing with the browser's
    /// feed; maybe none, as the figures go out every second), the latest event, what the log
    /// holds and the live figures.
    Batch {
        ids: BatchIds,
        /// Event types first seen (since the capture began or was cleared) in this batch.
        new_types: Vec<String>,
        latest: Option<Box<EventRow>>,
        /// The newest rows of the (filtered) log that the UI was not sent before (at most
        /// the policy's `tail_rows`), so a log that follows the newest events needs no
        /// round trip.
        tail: Vec<EventRow>,
        /// The rows follow on from the last batch's tail (else they start a new one: more
        /// came than were sent, or the UI's tail was of another view).
        tail_continues: bool,
        counts: Counts,
        stats: StatsReport,
    },
    Diagnostics {
        report: DiagnosticsReport,
    },
    /// When a JSON path is set: the text the batch's events added (maybe none); `used` and
    /// `skipped` count events with and without text so far; `done`: the stream's terminal
    /// `[DONE]` has come.
    Assembled {
        piece: String,
        used: u64,
        skipped: u64,
        truncated: bool,
        done: bool,
    },
    /// The loaded expectations, when a verdict changed.
    Expectations {
        report: ExpectationsReport,
    },
    /// The stream read as an LLM's, when it changed (at most about five times a second).
    Llm {
        report: Box<LlmReport>,
    },
}

/// Receives a connection's updates; returns `false` once nobody listens (the connection then
/// closes itself).
pub type Emitter = Arc<dyn Fn(ConnectionUpdate) -> bool + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_serialise_with_a_type_tag_around_the_feed() {
        let update = ConnectionUpdate::Feed { update: FeedUpdate::Retrying { in_ms: 5 } };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"type":"feed","update":{"kind":"retrying","inMs":5}}"#
        );
        let piece = ConnectionUpdate::Assembled {
            piece: "Hi".into(),
            used: 1,
            skipped: 0,
            truncated: false,
            done: false,
        };
        assert_eq!(
            serde_json::to_string(&piece).unwrap(),
            r#"{"type":"assembled","piece":"Hi","used":1,"skipped":0,"truncated":false,"done":false}"#
        );
    }
}
