//! One moment read on both of the machine's clocks: records keep a wall-clock start and
//! measure what follows on the monotonic clock (`start + elapsed`), so the two reads of that
//! start must be one moment. Read apart (a lock taken between them, or the thread preempted on
//! a busy machine), every stamp after it is off by the gap: the tap's were up to a millisecond
//! late under load, after the client had the same bytes.

use std::time::{Duration, Instant, SystemTime};

/// A bracket this tight is taken at once.
const TIGHT: Duration = Duration::from_micros(20);
/// Tries at most, keeping the tightest.
const TRIES: usize = 4;

/// Now on the monotonic and the wall clock as one moment: the wall clock read between two
/// monotonic reads, the instant being their midpoint, of the tightest of a few tries. Either
/// clock's reading plus an elapsed time on the other is then off by at most half the bracket,
/// not by whatever came between two separate reads.
pub fn now_on_both_clocks() -> (Instant, SystemTime) {
    let (instant, wall, _) = bracket();
    (instant, wall)
}

/// [`now_on_both_clocks`] with the width of the bracket it was read in.
fn bracket() -> (Instant, SystemTime, Duration) {
    let mut best = read_once();
    for _ in 1..TRIES {
        if best.2 <= TIGHT {
            break;
        }
        let next = read_once();
        if next.2 < best.2 {
            best = next;
        }
    }
    best
}

fn read_once() -> (Instant, SystemTime, Duration) {
    let before = Instant::now();
    let wall = SystemTime::now();
    let width = before.elapsed();
    (before + width / 2, wall, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pair is now: the instant between two reads around it, the wall clock likewise.
    #[test]
    fn the_pair_is_read_now() {
        let (instant_before, wall_before) = (Instant::now(), SystemTime::now());
        let (instant, wall, width) = bracket();
        let (instant_after, wall_after) = (Instant::now(), SystemTime::now());
        assert!(instant_before <= instant && instant <= instant_after);
        assert!(wall_before <= wall && wall <= wall_after);
        assert!(width <= instant_after - instant_before, "{width:?}");
    }
}
