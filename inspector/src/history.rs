//! The kept events of one subscription, bounded by count and by bytes, oldest dropped first.
//! The log reads them a page at a time; with a filter set, the matching events' sequence
//! numbers are kept beside them and extended as events arrive, so paging stays cheap at a
//! million events.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use sse_subscriber::SseEvent;

use crate::error::FilterError;
use crate::event::{EventRow, KeptEvent};
use crate::filter::{EventFilter, Matcher};

/// Events kept per subscription by default.
pub const DEFAULT_KEEP_EVENTS: usize = 100_000;
/// Bytes of events kept per subscription by default.
pub const DEFAULT_KEEP_BYTES: usize = 512 * 1024 * 1024;

/// The view the filter selects: the matching events' sequence numbers, oldest first. A filter
/// that does not compile (a bad regex) has no matcher and lets nothing through: the log shows
/// none of the old filter's matches under the new filter's error.
struct FilteredView {
    matcher: Option<Matcher>,
    seqs: VecDeque<u64>,
}

impl FilteredView {
    fn passes(&self, event: &KeptEvent) -> bool {
        self.matcher.as_ref().is_some_and(|matcher| matcher.matches(event))
    }
}

/// The kept events of one subscription.
pub struct EventHistory {
    events: VecDeque<KeptEvent>,
    keep_events: usize,
    keep_bytes: usize,
    bytes: usize,
    next_seq: u64,
    dropped: u64,
    /// Every event type seen, with how many events had it; one shared string per type.
    types: BTreeMap<Arc<str>, u64>,
    filter: EventFilter,
    view: Option<FilteredView>,
    /// Bumped whenever positions in the view stop meaning what they meant (a new filter, a
    /// clear), so a reader can tell rows of an older view from the current one's.
    view_version: u64,
    last_received_us: Option<u64>,
}

impl EventHistory {
    /// Keeps at most `keep_events` events and about `keep_bytes` bytes of them (at least one).
    pub fn new(keep_events: usize, keep_bytes: usize) -> Self {
        Self {
            events: VecDeque::new(),
            keep_events: keep_events.max(1),
            keep_bytes,
            bytes: 0,
            next_seq: 0,
            dropped: 0,
            types: BTreeMap::new(),
            filter: EventFilter::default(),
            view: None,
            view_version: 0,
            last_received_us: None,
        }
    }

    /// Which view positions refer to; see the field.
    pub fn view_version(&self) -> u64 {
        self.view_version
    }

    /// Keeps `event`, dropping the oldest ones beyond the limits; its sequence number.
    pub fn push(&mut self, event: &SseEvent, connection: u32, raw_range: Option<(u64, u64)>) -> u64 {
        let received_at_us = event
            .received_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| u64::try_from(since.as_micros()).unwrap_or(u64::MAX));
        let delta_us = self.last_received_us.map(|last| received_at_us.saturating_sub(last));
        self.last_received_us = Some(received_at_us);
        let event_type = match self.types.get_key_value(event.event.as_str()) {
            Some((name, _)) => name.clone(),
            None => Arc::from(event.event.as_str()),
        };
        *self.types.entry(event_type.clone()).or_default() += 1;
        let seq = self.next_seq;
        self.next_seq += 1;
        let kept = KeptEvent {
            seq,
            received_at_us,
            delta_us,
            event: event_type,
            id: event.id.as_str().into(),
            id_set: event.id_set,
            data: event.data.as_str().into(),
            size: event.size,
            retry_ms: event.retry.map(|r| u64::try_from(r.as_millis()).unwrap_or(u64::MAX)),
            connection,
            raw_range,
        };
        if let Some(view) = &mut self.view {
            if view.passes(&kept) {
                view.seqs.push_back(seq);
            }
        }
        self.bytes += kept.cost();
        self.events.push_back(kept);
        while self.events.len() > self.keep_events || (self.bytes > self.keep_bytes && self.events.len() > 1)
        {
            self.drop_oldest();
        }
        seq
    }

    fn drop_oldest(&mut self) {
        let Some(oldest) = self.events.pop_front() else { return };
        self.bytes -= oldest.cost();
        self.dropped += 1;
        if let Some(view) = &mut self.view {
            if view.seqs.front() == Some(&oldest.seq) {
                view.seqs.pop_front();
            }
        }
    }

    /// Events kept now.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Events dropped to stay within the limits (since the last clear).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Kept events the filter lets through.
    pub fn matching(&self) -> usize {
        self.view.as_ref().map_or(self.events.len(), |view| view.seqs.len())
    }

    /// The filter in force.
    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    /// Sets the filter and selects the kept events it lets through; how many that is.
    /// A filter that does not compile is still the one in force: it matches nothing (and its
    /// error is returned).
    pub fn set_filter(&mut self, filter: &EventFilter) -> Result<usize, FilterError> {
        self.filter = filter.clone();
        self.view_version += 1;
        if filter.is_empty() {
            self.view = None;
            return Ok(self.matching());
        }
        match filter.compile() {
            Ok(matcher) => {
                let seqs = self.events.iter().filter(|e| matcher.matches(e)).map(|e| e.seq).collect();
                self.view = Some(FilteredView { matcher: Some(matcher), seqs });
                Ok(self.matching())
            }
            Err(error) => {
                self.view = Some(FilteredView { matcher: None, seqs: VecDeque::new() });
                Err(error)
            }
        }
    }

    /// Whether a kept event passes the filter in force.
    pub fn passes(&self, event: &KeptEvent) -> bool {
        self.view.as_ref().is_none_or(|view| view.passes(event))
    }

    fn first_seq(&self) -> u64 {
        self.next_seq - self.events.len() as u64
    }

    /// A kept event by sequence number.
    pub fn get(&self, seq: u64) -> Option<&KeptEvent> {
        let index = usize::try_from(seq.checked_sub(self.first_seq())?).ok()?;
        self.events.get(index)
    }

    /// The event at `position` in the filtered view.
    pub fn at(&self, position: usize) -> Option<&KeptEvent> {
        match &self.view {
            None => self.events.get(position),
            Some(view) => self.get(*view.seqs.get(position)?),
        }
    }

    /// Where a kept event stands in the filtered view, if it is in it.
    pub fn position(&self, seq: u64) -> Option<usize> {
        match &self.view {
            None => self.get(seq).map(|_| (seq - self.first_seq()) as usize),
            Some(view) => view.seqs.binary_search(&seq).ok(),
        }
    }

    /// Rows `start..start + count` of the filtered view (fewer at its end).
    pub fn rows(&self, start: usize, count: usize) -> Vec<EventRow> {
        (start..start.saturating_add(count))
            .map_while(|position| self.at(position))
            .map(KeptEvent::row)
            .collect()
    }

    /// The kept events from `seq` on, oldest first.
    pub fn from_seq(&self, seq: u64) -> impl Iterator<Item = &KeptEvent> {
        let skip = usize::try_from(seq.saturating_sub(self.first_seq())).unwrap_or(usize::MAX);
        self.events.iter().skip(skip)
    }

    /// The sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Whether an event of type `name` has been kept since the last clear.
    pub fn has_type(&self, name: &str) -> bool {
        self.types.contains_key(name)
    }

    /// Forgets every kept event; the filter stays.
    pub fn clear(&mut self) {
        self.view_version += 1;
        self.events.clear();
        self.bytes = 0;
        self.dropped = 0;
        self.types.clear();
        self.last_received_us = None;
        if let Some(view) = &mut self.view {
            view.seqs.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn event(kind: &str, data: &str, id: &str, at_ms: u64) -> SseEvent {
        SseEvent {
            event: kind.into(),
            data: data.into(),
            id: id.into(),
            id_set: !id.is_empty(),
            retry: None,
            size: data.len() + 7,
            stream_offset: 0,
            received_at: SystemTime::UNIX_EPOCH + Duration::from_millis(at_ms),
        }
    }

    #[test]
    fn oldest_events_are_dropped_beyond_the_count_limit() {
        let mut history = EventHistory::new(3, usize::MAX);
        for n in 0..5 {
            history.push(&event("message", &n.to_string(), "", n * 10), 1, None);
        }
        assert_eq!(history.len(), 3);
        assert_eq!(history.dropped(), 2);
        let data: Vec<_> = history.rows(0, 10).into_iter().map(|r| r.preview).collect();
        assert_eq!(data, ["2", "3", "4"]);
        assert!(history.get(1).is_none());
        assert_eq!(history.get(4).map(|e| &*e.data), Some("4"));
        assert_eq!(history.rows(2, 1)[0].delta_us, Some(10_000));
    }

    #[test]
    fn the_byte_budget_drops_old_events_but_keeps_the_newest() {
        let big = "x".repeat(1000);
        let mut history = EventHistory::new(100, 2500);
        for _ in 0..10 {
            history.push(&event("message", &big, "", 0), 1, None);
        }
        assert!(history.len() <= 2, "{}", history.len());
        let mut history = EventHistory::new(100, 10);
        history.push(&event("message", &big, "", 0), 1, None);
        assert_eq!(history.len(), 1, "one event larger than the budget is still kept");
    }

    #[test]
    fn the_filtered_view_follows_new_and_dropped_events() {
        let mut history = EventHistory::new(4, usize::MAX);
        for (n, kind) in ["a", "b", "a", "b"].iter().enumerate() {
            history.push(&event(kind, &format!("v{n}"), &n.to_string(), 0), 1, None);
        }
        let only_a = EventFilter { types: vec!["a".into()], ..EventFilter::default() };
        assert_eq!(history.set_filter(&only_a), Ok(2));
        history.push(&event("a", "v4", "4", 0), 1, None); // drops v0, an `a`
        assert_eq!(history.matching(), 2);
        let shown: Vec<_> = history.rows(0, 10).into_iter().map(|r| r.preview).collect();
        assert_eq!(shown, ["v2", "v4"]);
        assert_eq!(history.position(4), Some(1));
        assert_eq!(history.position(3), None);
        assert_eq!(history.set_filter(&EventFilter::default()), Ok(4));
        assert_eq!(history.position(4), Some(3));
    }

    #[test]
    fn text_filters_match_data_or_id_literally_or_as_regex() {
        let mut history = EventHistory::new(10, usize::MAX);
        history.push(&event("message", r#"{"price": 12.5}"#, "7", 0), 1, None);
        history.push(&event("message", "HELLO world", "8", 0), 1, None);
        history.push(&event("message", "a.b", "x-42", 0), 1, None);
        let text = |text: &str, regex: bool, case_sensitive: bool| EventFilter {
            text: text.into(),
            regex,
            case_sensitive,
            ..EventFilter::default()
        };
        assert_eq!(history.set_filter(&text("hello", false, false)), Ok(1));
        assert_eq!(history.set_filter(&text("hello", false, true)), Ok(0));
        assert_eq!(history.set_filter(&text(".", false, true)), Ok(2), "a literal dot, in two data");
        assert_eq!(history.set_filter(&text(r"^a\.b$", true, false)), Ok(1));
        assert_eq!(history.set_filter(&text("x-4", false, false)), Ok(1), "ids match too");
        assert_eq!(history.set_filter(&text(r"price.: \d+", true, true)), Ok(1));
        let before = history.view_version();
        assert!(matches!(history.set_filter(&text("(", true, false)), Err(FilterError::Regex(_))));
        assert!(history.view_version() > before, "a new filter is a new view, even a bad one");
        assert_eq!(history.filter(), &text("(", true, false), "a bad regex is the filter in force");
        assert_eq!(history.matching(), 0, "and it lists none of the old filter's matches");
        assert!(history.rows(0, 10).is_empty());
        history.push(&event("message", "price: 5", "x-9", 9), 1, None);
        assert_eq!(history.matching(), 0, "nor any new event");
        assert_eq!(history.set_filter(&text(r"price.: \d+", true, true)), Ok(1), "a good one lists again");
    }

    #[test]
    fn a_million_kept_events_page_and_filter_anywhere() {
        let mut history = EventHistory::new(1_000_000, usize::MAX);
        for n in 0..1_000_100u64 {
            let kind = if n % 1000 == 0 { "mark" } else { "message" };
            history.push(&event(kind, &n.to_string(), &n.to_string(), n), 1, None);
        }
        assert_eq!((history.len(), history.dropped()), (1_000_000, 100));
        let page = history.rows(500_000, 20);
        assert_eq!(page.len(), 20);
        assert_eq!(page[0].preview, "500100");
        assert_eq!(history.rows(999_990, 20).len(), 10);
        let marks = EventFilter { types: vec!["mark".into()], ..EventFilter::default() };
        assert_eq!(history.set_filter(&marks), Ok(1000));
        assert_eq!(history.rows(500, 1)[0].preview, "501000");
        assert_eq!(history.position(501_000), Some(500));
    }

    #[test]
    fn clearing_forgets_events_but_sequence_numbers_go_on() {
        let mut history = EventHistory::new(10, usize::MAX);
        history.push(&event("message", "1", "", 0), 1, None);
        history.clear();
        assert!(history.is_empty());
        assert_eq!(history.push(&event("message", "2", "", 0), 1, None), 1);
        assert!(history.get(0).is_none());
        assert_eq!(history.rows(0, 5)[0].delta_us, None);
    }
}
