//! Events lost: after each stream the server ended, which ids the client never got again, from
//! the last id it had been given and the first id its resume was given. A client that resumes
//! with the right `Last-Event-ID` loses none; one that sends none comes back to a live stream and
//! loses what was published meanwhile.

use serde::Serialize;

use crate::reading::Reading;
use crate::record::AttemptEnd;

/// What one resume skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EventsLost {
    /// When the stream ended (ms since the server started), and how.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ended_ms: u64,
    pub ended: String,
    /// The last id the client had been given before it ended.
    pub given: Option<String>,
    /// The `Last-Event-ID` the resume sent.
    pub asked_after: Option<String>,
    /// The first id the resume was given.
    pub resumed_at: Option<String>,
    /// How many ids it never got; none while that cannot be told (see `note`).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub count: Option<u64>,
    /// Which: `5-9`, or `7`; none when none were lost.
    pub ids: Option<String>,
    /// Why the count cannot be told, when it cannot.
    pub note: Option<String>,
}

/// After each reconnect that followed a stream the server ended.
pub(crate) fn events_lost(reading: &Reading<'_>) -> Vec<EventsLost> {
    reading
        .reconnects
        .iter()
        .map(|(at, ended, next)| {
            let given = reading.given[*at].0.clone();
            let resumed_at = next.delivered.first_id.clone();
            let (count, ids, note) = skipped(given.as_deref(), resumed_at.as_deref());
            EventsLost {
                ended_ms: ended.ended_at_ms(),
                ended: ended.end.map_or("ended", AttemptEnd::word).to_owned(),
                given,
                asked_after: next.last_event_id.clone(),
                resumed_at,
                count,
                ids,
                note,
            }
        })
        .collect()
}

/// The ids between `given` and `resumed_at`, both excluded, when both are numbers.
fn skipped(given: Option<&str>, resumed_at: Option<&str>) -> (Option<u64>, Option<String>, Option<String>) {
    let number = |id: Option<&str>| id.and_then(|id| id.parse::<u64>().ok());
    let unknown = |why: &str| (None, None, Some(why.to_owned()));
    let Some(resumed) = resumed_at else {
        return unknown("the resume has been given no event with an id yet");
    };
    let Some(given) = given else { return unknown("no id was given before the stream ended") };
    let (Some(given), Some(resumed)) = (number(Some(given)), number(Some(resumed))) else {
        return unknown("the ids are not numbers, so what lies between them is unknown");
    };
    match resumed.saturating_sub(given) {
        0 | 1 => (Some(0), None, None),
        2 => (Some(1), Some((given + 1).to_string()), None),
        gap => (Some(gap - 1), Some(format!("{}-{}", given + 1, resumed - 1)), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids strictly between the last given and the first resumed are lost; a resume that
    /// starts at or before the next id loses none; what cannot be counted says why.
    #[test]
    fn lost_ids_lie_between_the_last_given_and_the_first_resumed() {
        assert_eq!(skipped(Some("2"), Some("3")), (Some(0), None, None));
        assert_eq!(skipped(Some("2"), Some("1")), (Some(0), None, None), "replayed again: none lost");
        assert_eq!(skipped(Some("2"), Some("4")), (Some(1), Some("3".into()), None));
        assert_eq!(skipped(Some("2"), Some("6")), (Some(3), Some("3-5".into()), None));
        assert!(skipped(Some("a"), Some("b")).2.is_some_and(|why| why.contains("not numbers")));
        assert!(skipped(None, Some("4")).2.is_some());
        assert!(skipped(Some("2"), None).0.is_none());
    }
}
