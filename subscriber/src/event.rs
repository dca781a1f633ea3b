use std::time::{Duration, SystemTime};

/// One event as the client received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type: `message` when the stream names none.
    pub event: String,
    pub data: String,
    /// The last event ID as EventSource's `lastEventId` defines it: kept from earlier events,
    /// `""` when none was ever set.
    pub id: String,
    /// Whether this event's own block set the id.
    pub id_set: bool,
    /// The reconnection time this event's block set, if any.
    pub retry: Option<Duration>,
    /// Bytes on the wire for this event's block.
    pub size: usize,
    /// Where the block ends in its connection's body (bytes from the body's start): the
    /// block is the `size` bytes before this offset.
    pub stream_offset: u64,
    pub received_at: SystemTime,
}

/// RFC 3339 in UTC with microseconds, e.g. `2026-11-27T07:30:00.123456Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = i64::try_from(days).unwrap_or(i64::MAX / 2) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn rfc3339_formats_utc_with_microseconds() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let time = UNIX_EPOCH + Duration::from_micros(1_795_764_600_123_456);
        assert_eq!(rfc3339(time), "2026-11-27T07:30:00.123456Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000Z");
    }
}
