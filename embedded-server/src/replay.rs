//! Replaying a recorded capture (`sse_capture`'s NDJSON: `sse-sub --json --time`, or an
//! inspector export) into a stream, at its recorded pace or faster.

use std::path::Path;
use std::time::{Duration, SystemTime};

use sse_capture::{read_capture, CapturedEvent};

use crate::broker::{Broker, Publish};
use crate::error::{BrokerError, ReplayError};

/// How fast to replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// The recorded gaps divided by this factor (1.0 = original pace); events without a
    /// recorded time follow the previous one at once.
    Speed(f64),
    /// No waiting at all.
    AsFastAsPossible,
}

impl Pace {
    /// `speed` times the recorded pace; 0, a negative or a non-finite speed means as fast as
    /// possible.
    pub fn from_speed(speed: f64) -> Self {
        if speed > 0.0 && speed.is_finite() {
            Pace::Speed(speed)
        } else {
            Pace::AsFastAsPossible
        }
    }
}

/// How long an imported capture waits for its first viewer, and then for others to join.
pub const WATCH_TIMEOUT: Duration = Duration::from_secs(60);
pub const JOIN_GRACE: Duration = Duration::from_millis(500);

/// A capture read from a file and being replayed on a new stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayStarted {
    /// The new stream: `replay-N`, the first N not in use.
    pub stream: String,
    pub events: usize,
    /// The file's name, to name the connection that watches it.
    pub file_name: String,
}

/// Reads the capture at `path`, creates a new stream `replay-N` for it and replays it there
/// at `pace` once someone watches ([`replay_when_watched`] on the current tokio runtime).
pub fn replay_file(broker: &Broker, path: &Path, pace: Pace) -> Result<ReplayStarted, ReplayError> {
    let shown = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|source| ReplayError::Open { path: shown.clone(), source })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    replay_reader(broker, std::io::BufReader::new(file), &shown, name, pace)
}

/// As [`replay_file`], from a capture read from `reader`: `shown` names it in errors, `name`
/// (else the new stream's) in [`ReplayStarted::file_name`].
pub fn replay_reader(
    broker: &Broker,
    reader: impl std::io::BufRead,
    shown: &str,
    name: Option<String>,
    pace: Pace,
) -> Result<ReplayStarted, ReplayError> {
    let capture =
        read_capture(reader).map_err(|source| ReplayError::Capture { path: shown.to_owned(), source })?;
    let stream = new_replay_stream(broker)?;
    let started = ReplayStarted {
        stream: stream.clone(),
        events: capture.events.len(),
        file_name: name.unwrap_or_else(|| stream.clone()),
    };
    let broker = broker.clone();
    tokio::spawn(async move {
        match replay_when_watched(&broker, &stream, &capture.events, pace, WATCH_TIMEOUT, JOIN_GRACE).await {
            Ok(published) => tracing::info!(stream, published, "replay finished"),
            Err(error) => tracing::warn!(%error, stream, "replay stopped"),
        }
    });
    Ok(started)
}

/// Creates the first `replay-N` stream that does not exist yet.
fn new_replay_stream(broker: &Broker) -> Result<String, BrokerError> {
    let mut number = 1;
    loop {
        let name = format!("replay-{number}");
        if broker.create_stream(&name)? {
            return Ok(name);
        }
        number += 1;
    }
}

/// Publishes `events` on `stream` at `pace`; each gets the stream's next id. Returns how many
/// were published.
pub async fn replay(
    broker: &Broker,
    stream: &str,
    events: &[CapturedEvent<'_>],
    pace: Pace,
) -> Result<usize, BrokerError> {
    let started = tokio::time::Instant::now();
    let first_time: Option<SystemTime> = events.iter().find_map(|e| e.time);
    for (published, captured) in events.iter().enumerate() {
        if let (Pace::Speed(speed), Some(first), Some(time)) = (pace, first_time, captured.time) {
            let offset = time.duration_since(first).unwrap_or_default();
            if speed > 0.0 && speed.is_finite() {
                tokio::time::sleep_until(started + offset.div_f64(speed)).await;
            }
        }
        // `message` is the default type: no `event:` line, as in the original.
        let event = (captured.event != "message").then(|| captured.event.to_string());
        let publish = Publish { event, data: captured.data.to_string(), retry: None };
        if let Err(error) = broker.publish_async(stream, publish, None).await {
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
    events: &[CapturedEvent<'_>],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BrokerConfig;
    use std::time::UNIX_EPOCH;

    #[tokio::test(start_paused = true)]
    async fn replay_keeps_the_recorded_pace_divided_by_speed() {
        let broker = Broker::new(BrokerConfig::default());
        broker.create_stream("r").unwrap();
        let base = UNIX_EPOCH + Duration::from_secs(1000);
        let events: Vec<_> = (0..3)
            .map(|n| CapturedEvent {
                time: Some(base + Duration::from_secs(n * 10)),
                ..CapturedEvent::message(n.to_string())
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

    #[test]
    fn speeds_become_paces() {
        assert_eq!(Pace::from_speed(10.0), Pace::Speed(10.0));
        for fastest in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Pace::from_speed(fastest), Pace::AsFastAsPossible);
        }
    }

    /// Each imported file gets a stream of its own, named after the first free number, and a
    /// file that cannot be read names itself and its line.
    #[tokio::test]
    async fn files_replay_on_new_streams_and_bad_files_are_named() {
        let broker = Broker::new(BrokerConfig::default());
        broker.create_stream("replay-2").unwrap();
        let dir = std::env::temp_dir().join(format!("sse-replay-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.ndjson");
        std::fs::write(&good, "{\"data\":\"a\"}\n{\"event\":\"x\",\"data\":\"b\"}\n").unwrap();
        let first = replay_file(&broker, &good, Pace::AsFastAsPossible).unwrap();
        assert_eq!(
            (first.stream.as_str(), first.events, first.file_name.as_str()),
            ("replay-1", 2, "good.ndjson")
        );
        let second = replay_file(&broker, &good, Pace::AsFastAsPossible).unwrap();
        assert_eq!(second.stream, "replay-3", "replay-2 was taken");
        let bad = dir.join("bad.ndjson");
        std::fs::write(&bad, "{\"data\":\"a\"}\n{\"data\":\"b\",\"time\":\"2026-11-27T00:00:00é1234\"}\n")
            .unwrap();
        let error = replay_file(&broker, &bad, Pace::AsFastAsPossible).unwrap_err().to_string();
        assert!(error.contains("bad.ndjson: line 2: bad time"), "{error}");
        let error =
            replay_file(&broker, &dir.join("missing"), Pace::AsFastAsPossible).unwrap_err().to_string();
        assert!(error.starts_with("cannot open ") && error.contains("missing"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
