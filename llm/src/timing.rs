//! Token timing, counted from the request being sent: the second token, tokens (delta pieces)
//! per second, the gaps between tokens (p50, p99, max, a histogram) and stalls. The first
//! token is a milestone (`milestones.rs`): the first content.

use std::time::Duration;

use serde::Serialize;

/// The most token times kept (about 8 MB); later tokens are counted but not timed.
const MAX_TIMES: usize = 1_000_000;
/// A stall: a gap over this many times the median gap, and over [`STALL_FLOOR`].
const STALL_FACTOR: u64 = 5;
const STALL_FLOOR: Duration = Duration::from_millis(500);
/// The most stalls listed.
const MAX_STALLS: usize = 100;
/// Upper bounds of the histogram's buckets, in ms; the last bucket is everything above.
pub const GAP_BUCKETS_MS: [u64; 11] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];

/// When each token came.
#[derive(Debug, Default, Clone)]
pub(crate) struct TokenClock {
    times: Vec<Duration>,
    count: u64,
}

impl TokenClock {
    pub fn token(&mut self, at: Duration) {
        self.count += 1;
        if self.times.len() < MAX_TIMES {
            self.times.push(at);
        }
    }

    pub fn timing(&self) -> Timing {
        let times = &self.times;
        let mut gaps: Vec<Duration> = times.windows(2).map(|pair| pair[1].saturating_sub(pair[0])).collect();
        let stalls_from = gaps.clone();
        gaps.sort_unstable();
        let percentile = |p: f64| -> Option<Duration> {
            if gaps.is_empty() {
                return None;
            }
            let rank = ((p * gaps.len() as f64).ceil() as usize).clamp(1, gaps.len());
            Some(gaps[rank - 1])
        };
        let median = percentile(0.5);
        let mut histogram = vec![0u64; GAP_BUCKETS_MS.len() + 1];
        for gap in &gaps {
            let ms = gap.as_secs_f64() * 1000.0;
            let bucket =
                GAP_BUCKETS_MS.iter().position(|bound| ms < *bound as f64).unwrap_or(GAP_BUCKETS_MS.len());
            histogram[bucket] += 1;
        }
        let stalls = match median {
            Some(median) => stalls_from
                .iter()
                .enumerate()
                .filter(|(_, gap)| **gap > STALL_FLOOR && **gap > median * STALL_FACTOR as u32)
                .take(MAX_STALLS)
                .map(|(index, gap)| Stall {
                    after_token: index as u64 + 1,
                    at_ms: ms(times[index]),
                    gap_ms: ms(*gap),
                })
                .collect(),
            None => Vec::new(),
        };
        let per_second = match (times.first(), times.last()) {
            (Some(first), Some(last)) if times.len() > 1 && last > first => {
                Some((times.len() - 1) as f64 / (*last - *first).as_secs_f64())
            }
            _ => None,
        };
        Timing {
            second_token_ms: times.get(1).copied().map(ms),
            tokens: self.count,
            tokens_per_second: per_second,
            gap_p50_ms: median.map(ms),
            gap_p99_ms: percentile(0.99).map(ms),
            gap_max_ms: gaps.last().copied().map(ms),
            gap_histogram: histogram,
            stalls,
        }
    }
}

/// A duration in ms, to the microsecond.
pub(crate) fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// A gap that stood out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Stall {
    /// The token it came after (from 1).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub after_token: u64,
    pub at_ms: f64,
    pub gap_ms: f64,
}

/// The stream's timing, in ms from the request being sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    pub second_token_ms: Option<f64>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub tokens: u64,
    pub tokens_per_second: Option<f64>,
    pub gap_p50_ms: Option<f64>,
    pub gap_p99_ms: Option<f64>,
    pub gap_max_ms: Option<f64>,
    /// Gaps per bucket of [`GAP_BUCKETS_MS`] (under 1 ms, 1-2, ..., 1-5 s, over 5 s).
    #[cfg_attr(feature = "ts", ts(type = "number[]"))]
    pub gap_histogram: Vec<u64>,
    pub stalls: Vec<Stall>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(ms: &[u64]) -> TokenClock {
        let mut clock = TokenClock::default();
        ms.iter().for_each(|ms| clock.token(Duration::from_millis(*ms)));
        clock
    }

    #[test]
    fn steady_tokens_have_even_gaps_and_no_stall() {
        let timing = clock(&[300, 320, 340, 360, 380]).timing();
        assert_eq!(timing.second_token_ms, Some(320.0));
        assert_eq!(
            (timing.gap_p50_ms, timing.gap_p99_ms, timing.gap_max_ms),
            (Some(20.0), Some(20.0), Some(20.0))
        );
        assert_eq!(timing.tokens_per_second, Some(50.0));
        assert_eq!(timing.gap_histogram[5], 4, "20 ms falls in 20-50 ms: {:?}", timing.gap_histogram);
        assert!(timing.stalls.is_empty());
    }

    #[test]
    fn a_long_gap_over_five_medians_and_half_a_second_is_a_stall() {
        let timing = clock(&[100, 110, 120, 130, 800, 810]).timing();
        assert_eq!(timing.stalls, [Stall { after_token: 4, at_ms: 130.0, gap_ms: 670.0 }]);
        assert_eq!(timing.gap_max_ms, Some(670.0));
        // 400 ms is over five medians but under half a second: no stall.
        assert!(clock(&[0, 10, 20, 420]).timing().stalls.is_empty());
    }

    #[test]
    fn no_tokens_give_no_figures() {
        let timing = clock(&[]).timing();
        assert_eq!(
            (timing.tokens, timing.second_token_ms, timing.gap_p50_ms, timing.tokens_per_second),
            (0, None, None, None)
        );
    }
}
