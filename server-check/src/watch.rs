//! The connection watched throughout the check, kept as it comes and bounded: its head, each
//! network read (when, how many bytes and events), each event's id and `retry`, and the
//! figures the rules read (the longest silence, grouped reads, ids unique and increasing).

use std::collections::HashSet;

use serde::Serialize;

use crate::thresholds::{GROUPING_WAIT_MS, KEPT_EVENTS};

/// A response head as the check saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    /// The final status, after redirects.
    pub status: u16,
    /// `[name, value]`, names lowercase.
    pub headers: Vec<(String, String)>,
    /// `HTTP/1.1`, `HTTP/2`, ...
    pub version: String,
    /// Milliseconds from the check's start to the head.
    pub at_ms: u64,
}

impl Head {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The watched connection so far.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// Its head, once it came (a refused answer's too).
    pub head: Option<Head>,
    /// Why it failed, when it did (no response, a refusal, a lost connection), and when.
    pub failure: Option<(u64, String)>,
    /// When the server ended the stream, if it did.
    pub ended_ms: Option<u64>,
    /// When its request went.
    pub sent_ms: u64,
    pub reads: u64,
    pub bytes: u64,
    /// Bytes as they came over the wire, when the body was compressed.
    pub wire_bytes: Option<u64>,
    pub first_byte_ms: Option<u64>,
    pub last_byte_ms: Option<u64>,
    /// The longest time without a byte, and when it ended (ms since the start).
    pub longest_silence: (u64, u64),
    /// Reads that carried an event, and those among them that carried several after a wait.
    pub reads_with_events: u64,
    pub grouped_reads: u64,
    /// The most events one read carried.
    pub most_in_a_read: u32,
    /// Events, and the time of the first.
    pub events: u64,
    pub first_event_ms: Option<u64>,
    /// Each event's time and id (the last event ID after it; empty when none), the newest
    /// [`KEPT_EVENTS`].
    pub seen: Vec<(u64, String)>,
    pub seen_dropped: u64,
    /// Events whose own block set an id; ids seen twice; ids lower than the one before
    /// (compared as numbers when both are).
    pub with_id: u64,
    pub repeated_ids: u64,
    pub decreasing_ids: u64,
    ids: HashSet<String>,
    last_own_id: Option<String>,
    /// The last `retry` the stream set, and how many times it set one.
    pub retry_ms: Option<u64>,
    pub retries: u64,
    /// Events in the read under way.
    in_read: u32,
    read_after_wait: bool,
}

impl Watch {
    /// The request went at `at_ms`.
    pub fn sent(&mut self, at_ms: u64) {
        self.sent_ms = at_ms;
    }

    /// The head came.
    pub fn head(&mut self, head: Head) {
        self.head = Some(head);
    }

    /// A network read of `bytes` (decoded) at `at_ms`, `wire` as received when compressed.
    pub fn read(&mut self, at_ms: u64, bytes: usize, wire: Option<usize>) {
        self.close_read();
        let since = self.last_byte_ms.or(self.head.as_ref().map(|head| head.at_ms)).unwrap_or(self.sent_ms);
        let quiet = at_ms.saturating_sub(since);
        if quiet > self.longest_silence.0 {
            self.longest_silence = (quiet, at_ms);
        }
        self.read_after_wait = quiet >= GROUPING_WAIT_MS;
        self.reads += 1;
        self.bytes += bytes as u64;
        if let Some(wire) = wire {
            *self.wire_bytes.get_or_insert(0) += wire as u64;
        }
        self.first_byte_ms.get_or_insert(at_ms);
        self.last_byte_ms = Some(at_ms);
    }

    /// An event at `at_ms`: the last event ID after it, whether its own block set it, and the
    /// `retry` it set.
    pub fn event(&mut self, at_ms: u64, id: &str, id_set: bool, retry_ms: Option<u64>) {
        self.events += 1;
        self.in_read += 1;
        self.first_event_ms.get_or_insert(at_ms);
        if self.seen.len() == KEPT_EVENTS {
            self.seen.remove(0);
            self.seen_dropped += 1;
        }
        self.seen.push((at_ms, id.to_owned()));
        if let Some(retry) = retry_ms {
            self.reconnection_time(retry);
        }
        if !id_set || id.is_empty() {
            return;
        }
        self.with_id += 1;
        if self.ids.len() < KEPT_EVENTS && !self.ids.insert(id.to_owned()) {
            self.repeated_ids += 1;
        }
        if let Some(before) = &self.last_own_id {
            let lower = match (before.parse::<u128>(), id.parse::<u128>()) {
                (Ok(before), Ok(now)) => now < before,
                _ => id < before.as_str(),
            };
            if lower {
                self.decreasing_ids += 1;
            }
        }
        self.last_own_id = Some(id.to_owned());
    }

    /// The stream's reconnection time is `retry_ms` now (a `retry` field, in an event's block or
    /// alone): counted when it changed.
    pub fn reconnection_time(&mut self, retry_ms: u64) {
        if self.retry_ms != Some(retry_ms) {
            self.retry_ms = Some(retry_ms);
            self.retries += 1;
        }
    }

    /// The stream ended (`failure`: how, when it did not end cleanly).
    pub fn ended(&mut self, at_ms: u64, failure: Option<String>) {
        self.close_read();
        match failure {
            Some(reason) => self.failure = Some((at_ms, reason)),
            None => self.ended_ms = Some(at_ms),
        }
    }

    /// The check is over at `at_ms`: the silence up to now counts too.
    pub fn finish(&mut self, at_ms: u64) {
        self.close_read();
        if self.failure.is_none() && self.ended_ms.is_none() {
            let since =
                self.last_byte_ms.or(self.head.as_ref().map(|head| head.at_ms)).unwrap_or(self.sent_ms);
            let quiet = at_ms.saturating_sub(since);
            if quiet > self.longest_silence.0 {
                self.longest_silence = (quiet, at_ms);
            }
        }
    }

    fn close_read(&mut self) {
        if self.in_read > 0 {
            self.reads_with_events += 1;
            if self.in_read > 1 && self.read_after_wait {
                self.grouped_reads += 1;
            }
            self.most_in_a_read = self.most_in_a_read.max(self.in_read);
        }
        self.in_read = 0;
    }

    /// The id to resume from at `now_ms`: the newest seen at least `age_ms` before.
    pub fn id_to_resume(&self, now_ms: u64, age_ms: u64) -> Option<String> {
        self.seen
            .iter()
            .rev()
            .find(|(at, id)| *at + age_ms <= now_ms && !id.is_empty())
            .map(|(_, id)| id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Silences run from the head (or the last byte); a read of several events after a wait is
    /// grouped; ids repeated or going down are counted.
    #[test]
    fn a_watch_keeps_silences_groups_and_ids() {
        let mut watch = Watch::default();
        watch.head(Head { status: 200, at_ms: 10, ..Head::default() });
        watch.read(30, 10, None);
        watch.event(30, "1", true, Some(500));
        watch.read(1_030, 20, None);
        watch.event(1_030, "2", true, None);
        watch.event(1_030, "2", true, None);
        watch.read(1_040, 10, None);
        watch.event(1_040, "1", true, None);
        watch.finish(5_040);
        assert_eq!(watch.longest_silence, (4_000, 5_040), "the quiet tail counts");
        assert_eq!((watch.reads_with_events, watch.grouped_reads, watch.most_in_a_read), (3, 1, 2));
        assert_eq!((watch.with_id, watch.repeated_ids, watch.decreasing_ids), (4, 2, 1));
        assert_eq!(
            (watch.first_byte_ms, watch.first_event_ms, watch.retry_ms),
            (Some(30), Some(30), Some(500))
        );
        assert_eq!(watch.id_to_resume(1_100, 1_000), Some("1".into()));
    }
}
