//! The ids of the events in one batch, as they cross to the UI. One string with an id per
//! line costs the webview one literal to read; a list costs it one per event, and at
//! thousands of events per second those add up to garbage its collector stops frames for.

use serde::Serialize;

/// The ids of a batch's events, in order, one per line: an SSE id never holds a line break
/// ("the stream is split into lines" first), so the lines give every id back unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BatchIds {
    /// How many events (an event without an id is an empty line, so the lines alone cannot
    /// tell one such event from none).
    count: usize,
    lines: String,
}

impl BatchIds {
    pub fn push(&mut self, id: &str) {
        if self.count > 0 {
            self.lines.push('\n');
        }
        self.lines.push_str(id);
        self.count += 1;
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.lines.split('\n').take(self.count)
    }
}

impl<'a> FromIterator<&'a str> for BatchIds {
    fn from_iter<I: IntoIterator<Item = &'a str>>(ids: I) -> Self {
        let mut batch = Self::default();
        ids.into_iter().for_each(|id| batch.push(id));
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_unchanged_and_in_order() {
        let ids = ["1", "", "a b", "", "ünïcode"];
        let batch: BatchIds = ids.into_iter().collect();
        assert_eq!(batch.len(), 5);
        assert_eq!(batch.iter().collect::<Vec<_>>(), ids);
    }

    #[test]
    fn one_event_without_an_id_is_not_an_empty_batch() {
        let none = BatchIds::default();
        let one: BatchIds = [""].into_iter().collect();
        assert!(none.is_empty() && none.iter().next().is_none());
        assert_eq!((one.len(), one.iter().collect::<Vec<_>>()), (1, vec![""]));
    }

    #[test]
    fn it_crosses_as_a_count_and_one_string() {
        let batch: BatchIds = ["7", "8"].into_iter().collect();
        assert_eq!(serde_json::to_string(&batch).unwrap(), r#"{"count":2,"lines":"7\n8"}"#);
    }
}
