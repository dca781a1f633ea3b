//! Live figures for one subscription: events per second over the last minute, totals, time
//! to first event and reconnects.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Seconds the events-per-second chart covers.
pub const RATE_WINDOW_SECS: u64 = 60;

/// Counts as the subscription goes.
#[derive(Debug, Default)]
pub struct LiveStats {
    first_attempt: Option<SystemTime>,
    time_to_first_event: Option<Duration>,
    events: u64,
    bytes: u64,
    raw_bytes: u64,
    opens: u32,
    /// (Unix second, events in it), oldest first, the last `RATE_WINDOW_SECS` seconds.
    per_second: VecDeque<(u64, u32)>,
}

/// What the stats panel shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatsReport {
    pub events: u64,
    /// Bytes of the event blocks.
    pub bytes: u64,
    /// Bytes received in all, comments and keep-alives included (when raw bytes are kept).
    pub raw_bytes: u64,
    /// From the first connection attempt to the first event.
    pub time_to_first_event_ms: Option<f64>,
    pub reconnects: u32,
    /// Events in each of the last `RATE_WINDOW_SECS` seconds, oldest first; the last is the
    /// second now under way.
    pub per_second: Vec<u32>,
    /// Events in the last whole second.
    pub rate: u32,
}

fn unix_second(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl LiveStats {
    /// A connection attempt starts.
    pub fn connecting(&mut self, at: SystemTime) {
        self.first_attempt.get_or_insert(at);
    }

    /// A connection opened.
    pub fn opened(&mut self) {
        self.opens += 1;
    }

    pub fn event(&mut self, size: usize, at: SystemTime) {
        self.events += 1;
        self.bytes += size as u64;
        if self.time_to_first_event.is_none() {
            let since = self.first_attempt.and_then(|first| at.duration_since(first).ok());
            self.time_to_first_event = Some(since.unwrap_or_default());
        }
        let second = unix_second(at);
        match self.per_second.back_mut() {
            Some((last, count)) if *last == second => *count += 1,
            // A clock stepping back counts in the latest second rather than reordering.
            Some((last, count)) if *last > second => *count += 1,
            _ => self.per_second.push_back((second, 1)),
        }
        while self.per_second.front().is_some_and(|(s, _)| *s + RATE_WINDOW_SECS <= second) {
            self.per_second.pop_front();
        }
    }

    pub fn raw(&mut self, bytes: usize) {
        self.raw_bytes += bytes as u64;
    }

    pub fn report(&self, now: SystemTime) -> StatsReport {
        let now_second = unix_second(now);
        let first_second = now_second + 1 - RATE_WINDOW_SECS;
        let mut per_second = vec![0; RATE_WINDOW_SECS as usize];
        for (second, count) in &self.per_second {
            if (first_second..=now_second).contains(second) {
                per_second[(second - first_second) as usize] = *count;
            }
        }
        StatsReport {
            events: self.events,
            bytes: self.bytes,
            raw_bytes: self.raw_bytes,
            time_to_first_event_ms: self.time_to_first_event.map(|d| d.as_secs_f64() * 1000.0),
            reconnects: self.opens.saturating_sub(1),
            rate: per_second[per_second.len() - 2],
            per_second,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(1_000_000_000 + ms)
    }

    #[test]
    fn the_rate_chart_counts_each_second_of_the_last_minute() {
        let mut stats = LiveStats::default();
        stats.connecting(at(0));
        stats.opened();
        for ms in [250, 400, 900, 1100, 1200, 1300, 2500] {
            stats.event(10, at(ms));
        }
        let report = stats.report(at(2600));
        assert_eq!(report.per_second.len(), 60);
        assert_eq!(&report.per_second[57..], [3, 3, 1]);
        assert_eq!(report.rate, 3);
        assert_eq!((report.events, report.bytes), (7, 70));
        assert_eq!(report.time_to_first_event_ms, Some(250.0));
        assert_eq!(report.reconnects, 0);
        // A minute later the old seconds have left the chart.
        stats.event(10, at(70_000));
        let report = stats.report(at(70_000));
        assert_eq!(report.per_second.iter().sum::<u32>(), 1);
    }

    #[test]
    fn reconnects_count_every_open_after_the_first() {
        let mut stats = LiveStats::default();
        assert_eq!(stats.report(at(0)).time_to_first_event_ms, None);
        for _ in 0..3 {
            stats.opened();
        }
        assert_eq!(stats.report(at(0)).reconnects, 2);
    }
}
