//! Where a fault cuts: after N events, after N bytes of the body, or at a seeded random byte.
//! A cut closes the connection without ending the body, so the client sees a stream cut, not
//! one that ended.

use crate::profile::FaultProfile;

/// The cut points of one connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CutPoints {
    after_events: Option<u64>,
    /// The byte of the body after which the connection is cut: the earlier of `cutAfterBytes`
    /// and the random byte of `cutRandomlyWithinBytes`.
    at_byte: Option<u64>,
}

impl CutPoints {
    /// The random byte is drawn by the profile's `seed`, else by `clock_seed`.
    pub(crate) fn new(profile: &FaultProfile, clock_seed: u64) -> Self {
        let random = profile.cut_randomly_within_bytes.map(|within| {
            let mut state = profile.seed.unwrap_or(clock_seed);
            1 + split_mix(&mut state) % within
        });
        let at_byte = match (profile.cut_after_bytes, random) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self { after_events: profile.cut_after_events, at_byte }
    }

    /// Whether the connection is cut once `events` events were written (before the next one,
    /// or right after the last).
    pub(crate) fn events_done(&self, events: u64) -> bool {
        self.after_events.is_some_and(|cut| events >= cut)
    }

    /// How many more bytes may be written after `written`, before the cut.
    pub(crate) fn room(&self, written: u64) -> u64 {
        self.at_byte.map_or(u64::MAX, |cut| cut.saturating_sub(written))
    }

    /// The byte cut, for tests.
    #[cfg(test)]
    pub(crate) fn at_byte(&self) -> Option<u64> {
        self.at_byte
    }
}

/// SplitMix64: a small, seedable generator (the cut point only).
fn split_mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same seed cuts at the same byte, within the bound; the clock seeds only an unseeded
    /// profile; the earlier of the two byte cuts wins.
    #[test]
    fn a_seeded_random_cut_is_reproducible() {
        let profile =
            FaultProfile { cut_randomly_within_bytes: Some(100), seed: Some(7), ..FaultProfile::default() };
        let first = CutPoints::new(&profile, 1).at_byte();
        assert_eq!(first, CutPoints::new(&profile, 2).at_byte());
        assert!(first.is_some_and(|at| (1..=100).contains(&at)), "{first:?}");
        let both = FaultProfile { cut_after_bytes: Some(1), ..profile };
        assert_eq!(CutPoints::new(&both, 1).at_byte(), Some(1));
        let unseeded = FaultProfile { cut_randomly_within_bytes: Some(1 << 40), ..FaultProfile::default() };
        assert_ne!(CutPoints::new(&unseeded, 1).at_byte(), CutPoints::new(&unseeded, 2).at_byte());
    }
}
