//! Receive times as RFC 3339 text: written in UTC with microseconds, read with any fraction
//! and offset. Civil dates use Howard Hinnant's day-count algorithms.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// RFC 3339 in UTC with microseconds, e.g. `2026-11-27T07:30:00.123456Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
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

/// The value of the ASCII digits `bytes[range]`, if they are all digits.
fn digits(bytes: &[u8], range: std::ops::Range<usize>) -> Option<i64> {
    let part = bytes.get(range)?;
    part.iter().try_fold(0i64, |value, &b| b.is_ascii_digit().then(|| value * 10 + i64::from(b - b'0')))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339's `date-time`; a space may
/// stand for the `T`). Times before 1970 and anything else are `None`. Works on bytes, so no
/// input can cut a character in two.
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    let at = |index: usize| bytes.get(index).copied();
    if at(4) != Some(b'-') || at(7) != Some(b'-') || !matches!(at(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    if at(13) != Some(b':') || at(16) != Some(b':') {
        return None;
    }
    let (year, month, day) = (digits(bytes, 0..4)?, digits(bytes, 5..7)?, digits(bytes, 8..10)?);
    let (hour, minute, second) = (digits(bytes, 11..13)?, digits(bytes, 14..16)?, digits(bytes, 17..19)?);
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &bytes[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        let kept = count.min(9);
        let value = digits(fraction, 0..kept)?;
        nanos = u32::try_from(value).ok()? * 10u32.pow(9 - kept as u32);
        rest = &fraction[count..];
    }
    let offset_secs = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (digits(rest, 1..3)?, digits(rest, 4..6)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_secs;
    let secs = u64::try_from(secs).ok()?;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn since_epoch(text: &str) -> Option<Duration> {
        parse_rfc3339(text).map(|t| t.duration_since(UNIX_EPOCH).unwrap())
    }

    #[test]
    fn times_are_written_in_utc_with_microseconds() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let time = UNIX_EPOCH + Duration::from_micros(1_795_764_600_123_456);
        assert_eq!(rfc3339(time), "2026-11-27T07:30:00.123456Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000Z");
    }

    #[test]
    fn times_are_read_with_fractions_and_offsets() {
        assert_eq!(since_epoch("1970-01-01T00:00:00Z"), Some(Duration::ZERO));
        assert_eq!(
            since_epoch("2026-11-27T00:00:00.123456Z"),
            Some(Duration::new(1_795_737_600, 123_456_000))
        );
        assert_eq!(
            since_epoch("2026-11-27 00:00:00.1234567891z"),
            Some(Duration::new(1_795_737_600, 123_456_789))
        );
        assert_eq!(since_epoch("2000-02-29T01:00:00+01:00"), Some(Duration::from_secs(951_782_400)));
        assert_eq!(since_epoch("2000-02-28T23:00:00-01:00"), Some(Duration::from_secs(951_782_400)));
    }

    #[test]
    fn malformed_times_are_none() {
        for bad in [
            "",
            "2026-11-27",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T00:00:00",
            "2026-11-27T00:00:00.Z",
            "2026-11-27T00:00:00+1:00",
            "+026-11-27T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2026-11-27T00:00:00+25:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    /// A multi-byte character where a byte offset falls (the replay parser once sliced the text
    /// there and panicked) is a malformed time, not a crash.
    #[test]
    fn non_ascii_where_digits_belong_is_refused_without_a_panic() {
        for bad in [
            "2026-11-27T00:00:00é1234",
            "2026-11-27T00:00:00+é:00",
            "2026-11-27T00:00:00é",
            "2026-11-27T00:00:0é",
            "2026-11-é7T00:00:00Z",
            "2026-11-27T00:00:00.12é",
            "ééééééééééééééééééééé",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
