//! Replaying a recorded capture (the `sse-sub --json` NDJSON format) into a stream.

use std::io::BufRead;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::broker::{Broker, Publish};
use crate::error::{BrokerError, ReplayError};

/// One recorded event: its type and data, and when it was received, if recorded (`--time`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedEvent {
    pub event: String,
    pub data: String,
    pub time: Option<SystemTime>,
}

#[derive(serde::Deserialize)]
struct CaptureLine {
    #[serde(default)]
    event: Option<String>,
    data: String,
    #[serde(default)]
    time: Option<String>,
}

/// How fast to replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// The recorded gaps divided by this factor (1.0 = original pace); events without a
    /// recorded time follow the previous one at once.
    Speed(f64),
    /// No waiting at all.
    AsFastAsPossible,
}

/// Reads a capture: one JSON object per line with `data` and optionally `event` and `time`
/// (RFC 3339); other fields (`id`, `retry`) are ignored, blank lines skipped.
pub fn parse_capture(reader: impl BufRead) -> Result<Vec<CapturedEvent>, ReplayError> {
    let mut events = Vec::new();
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| ReplayError::Read(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: CaptureLine =
            serde_json::from_str(&line).map_err(|e| ReplayError::Line { number, reason: e.to_string() })?;
        let time = parsed
            .time
            .map(|t| {
                parse_rfc3339(&t)
                    .ok_or_else(|| ReplayError::Line { number, reason: format!("bad time `{t}`") })
            })
            .transpose()?;
        events.push(CapturedEvent {
            event: parsed.event.unwrap_or_else(|| "message".into()),
            data: parsed.data,
            time,
        });
    }
    Ok(events)
}

/// Publishes `events` on `stream` at `pace`; each gets the stream's next id. Returns how many
/// were published.
pub async fn replay(
    broker: &Broker,
    stream: &str,
    events: &[CapturedEvent],
    pace: Pace,
) -> Result<usize, BrokerError> {
    let started = tokio::time::Instant::now();
    let first_time = events.iter().find_map(|e| e.time);
    for (published, captured) in events.iter().enumerate() {
        if let (Pace::Speed(speed), Some(first), Some(time)) = (pace, first_time, captured.time) {
            let offset = time.duration_since(first).unwrap_or_default();
            if speed > 0.0 && speed.is_finite() {
                tokio::time::sleep_until(started + offset.div_f64(speed)).await;
            }
        }
        // `message` is the default type: no `event:` line, as in the original.
        let event = (captured.event != "message").then(|| captured.event.clone());
        if let Err(error) =
            broker.publish_once(stream, Publish { event, data: captured.data.clone(), retry: None }, None)
        {
            tracing::warn!(%error, published, "replay stopped");
            return Err(error);
        }
    }
    Ok(events.len())
}

/// Replays `events` on `stream` once someone watches it: waits up to `watch_timeout` for a
/// first subscriber, then `grace` for others to join (so every viewer sees the first event),
/// then publishes at `pace`. Replays to nobody if nobody came.
pub async fn replay_when_watched(
    broker: &Broker,
    stream: &str,
    events: &[CapturedEvent],
    pace: Pace,
    watch_timeout: Duration,
    grace: Duration,
) -> Result<usize, BrokerError> {
    let deadline = tokio::time::Instant::now() + watch_timeout;
    let watched = || broker.streams().iter().any(|info| info.name == stream && info.subscribers > 0);
    while !watched() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(grace).await;
    replay(broker, stream, events, pace).await
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &fraction[..digits.min(9)];
        nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
        rest = &fraction[digits..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
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
    use crate::config::BrokerConfig;

    #[test]
    fn rfc3339_times_parse_with_fractions_and_offsets() {
        let at = |s: &str| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap());
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(Duration::ZERO));
        assert_eq!(at("2026-11-27T00:00:00.123456Z"), Some(Duration::new(1_795_737_600, 123_456_000)));
        assert_eq!(at("2000-02-29T01:00:00+01:00"), Some(Duration::from_secs(951_782_400)));
        for bad in ["", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T00:00:00", "2026-11-27T00:00:00.Z"]
        {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn captures_parse_and_report_bad_lines() {
        let capture = "{\"event\":\"message\",\"data\":\"a\",\"id\":\"1\"}\n\n{\"event\":\"x\",\"data\":\"b\\nc\",\"id\":\"2\",\"retry\":5,\"time\":\"2026-11-27T00:00:00.5Z\"}\n";
        let events = parse_capture(capture.as_bytes()).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!((events[1].event.as_str(), events[1].data.as_str()), ("x", "b\nc"));
        assert!(events[1].time.is_some());
        let error = parse_capture("{\"data\":\"ok\"}\nnot json\n".as_bytes()).unwrap_err();
        assert!(error.to_string().starts_with("line 2: "), "{error}");
        let error = parse_capture("{\"data\":\"x\",\"time\":\"yesterday\"}".as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), "line 1: bad time `yesterday`");
    }

    #[tokio::test(start_paused = true)]
    async fn replay_keeps_the_recorded_pace_divided_by_speed() {
        let broker = Broker::new(BrokerConfig::default());
        broker.create_stream("r").unwrap();
        let base = UNIX_EPOCH + Duration::from_secs(1000);
        let events: Vec<_> = (0..3)
            .map(|n| CapturedEvent {
                event: "message".into(),
                data: n.to_string(),
                time: Some(base + Duration::from_secs(n * 10)),
            })
            .collect();
        let started = tokio::time::Instant::now();
        assert_eq!(replay(&broker, "r", &events, Pace::Speed(2.0)).await, Ok(3));
        assert_eq!(started.elapsed(), Duration::from_secs(10), "20 s recorded at speed 2");
        let started = tokio::time::Instant::now();
        replay(&broker, "r", &events, Pace::AsFastAsPossible).await.unwrap();
        assert_eq!(started.elapsed(), Duration::ZERO);
        assert_eq!(broker.streams()[0].last_event_id, 6, "replayed events get new ids");
    }
}
