//! The fault profile: its fields as the API's JSON (camelCase) names them, their bounds, and
//! the messages that name a field out of bounds. `docs/faults.md` lists every field.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The bounds of a profile's values, so no profile can make the server hold a connection, a
/// byte count or a timer without end.
pub const MAX_COUNT: u64 = 1_000_000;
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
pub const MAX_MS: u64 = 10 * 60 * 1000;
pub const MIN_DRIP_BYTES_PER_SECOND: u64 = 1;
pub const MAX_DRIP_BYTES_PER_SECOND: u64 = 10 * 1024 * 1024;
pub const MAX_CLIENT_CHARS: usize = 128;
pub const MAX_COMMENTS: u64 = 10_000;
pub const MAX_REDIRECT_CHARS: usize = 2048;

impl ReconnectAnswer {
    /// Exactly one answer, within its bounds.
    fn check(&self) -> Result<(), ProfileError> {
        let set = [self.status.is_some(), self.content_type.is_some(), self.redirect.is_some()];
        if set.iter().filter(|set| **set).count() != 1 {
            return Err(ProfileError(
                "`onReconnect` needs exactly one of `status`, `contentType`, `redirect`".into(),
            ));
        }
        if let Some(status) = self.status {
            if status != 204 && !(400..=599).contains(&status) {
                return Err(ProfileError(format!(
                    "`onReconnect.status` is {status}: it must be 204, a 4xx or a 5xx"
                )));
            }
        }
        if let Some(content_type) = &self.content_type {
            if content_type.is_empty()
                || content_type.len() > 200
                || !content_type.bytes().all(|b| (0x20..0x7f).contains(&b))
            {
                return Err(ProfileError(
                    "`onReconnect.contentType` must be 1 to 200 visible ASCII characters".into(),
                ));
            }
        }
        if let Some(redirect) = &self.redirect {
            let visible = redirect.bytes().all(|b| (0x21..0x7f).contains(&b));
            if redirect.is_empty() || redirect.len() > MAX_REDIRECT_CHARS || !visible {
                return Err(ProfileError(format!(
                    "`onReconnect.redirect` must be 1 to {MAX_REDIRECT_CHARS} visible ASCII characters (a URL or a path)"
                )));
            }
        }
        Ok(())
    }
}

/// Line endings on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FaultLineEnding {
    Lf,
    Cr,
    Crlf,
}

impl FaultLineEnding {
    /// As `docs/faults.md` and the tap's line name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Lf => "LF",
            Self::Cr => "CR",
            Self::Crlf => "CRLF",
        }
    }
}

/// What happens to the `id:` fields on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum IdFault {
    /// Every event carries the first faulted event's id.
    Repeat,
    /// Ids start again from 1 on this connection.
    Reset,
}

/// How a reconnect (a subscribe request with `Last-Event-ID`) is answered instead of streamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReconnectAnswer {
    /// 204, or a 4xx or 5xx status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A 200 with this Content-Type instead of `text/event-stream`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// A 307 to this URL or path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// Every reconnect, not only the next one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub every: bool,
}

/// A pause in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultStall {
    /// After this many events (0: before the first).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub after_events: u64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ms: u64,
}

/// How a stream misbehaves towards the subscriptions it targets. Every field is optional; the
/// faults set apply together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultProfile {
    /// Only subscriptions whose `client` query parameter or `X-SSE-Client` header is this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Only the next matching subscription; the profile is cleared once it is applied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub once: bool,
    /// Seeds the random cut point: runs with a seed are reproducible.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seed: Option<u64>,
    /// Close the connection after this many events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_after_events: Option<u64>,
    /// Close the connection after this many bytes of the body: inside a line, a UTF-8
    /// sequence, or between the CR and LF of a CRLF.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_after_bytes: Option<u64>,
    /// Close the connection at a random byte in `1..=N` of the body (by `seed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cut_randomly_within_bytes: Option<u64>,
    /// Write the body at most this many bytes a second.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub drip_bytes_per_second: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall: Option<FaultStall>,
    /// Send `retry: MS` first.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_ms: Option<u64>,
    /// Send a UTF-8 byte order mark first (the spec says a client skips one).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bom: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_ending: Option<FaultLineEnding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<IdFault>,
    /// Send an `error`-typed event after this many events.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub error_event_after: Option<u64>,
    /// Send this many comment lines before each event.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub comment_flood: Option<u64>,
    /// Send first an event whose data is this many bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub oversized_event_bytes: Option<u64>,
    /// Answer the next (or every) reconnect with this instead of the stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_reconnect: Option<ReconnectAnswer>,
}

/// A profile that does not parse or is out of bounds: says which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProfileError(pub String);

fn bounded(field: &str, value: Option<u64>, min: u64, max: u64, unit: &str) -> Result<(), ProfileError> {
    match value {
        Some(value) if value < min || value > max => {
            Err(ProfileError(format!("`{field}` is {value} {unit}: it must be between {min} and {max}")))
        }
        _ => Ok(()),
    }
}

impl FaultProfile {
    /// Parses a profile (JSON, the API's camelCase) and checks its bounds.
    pub fn parse(json: &[u8]) -> Result<Self, ProfileError> {
        let profile: Self = serde_json::from_slice(json)
            .map_err(|error| ProfileError(format!("not a fault profile: {error}")))?;
        profile.check()?;
        Ok(profile)
    }

    /// Every value within its bound, named when it is not.
    pub fn check(&self) -> Result<(), ProfileError> {
        bounded("cutAfterEvents", self.cut_after_events, 0, MAX_COUNT, "events")?;
        bounded("cutAfterBytes", self.cut_after_bytes, 1, MAX_BYTES, "bytes")?;
        bounded("cutRandomlyWithinBytes", self.cut_randomly_within_bytes, 1, MAX_BYTES, "bytes")?;
        bounded(
            "dripBytesPerSecond",
            self.drip_bytes_per_second,
            MIN_DRIP_BYTES_PER_SECOND,
            MAX_DRIP_BYTES_PER_SECOND,
            "bytes/s",
        )?;
        if let Some(stall) = self.stall {
            bounded("stall.afterEvents", Some(stall.after_events), 0, MAX_COUNT, "events")?;
            bounded("stall.ms", Some(stall.ms), 1, MAX_MS, "ms")?;
        }
        bounded("retryMs", self.retry_ms, 0, MAX_MS, "ms")?;
        bounded("errorEventAfter", self.error_event_after, 0, MAX_COUNT, "events")?;
        bounded("commentFlood", self.comment_flood, 1, MAX_COMMENTS, "comments")?;
        bounded("oversizedEventBytes", self.oversized_event_bytes, 1, MAX_BYTES, "bytes")?;
        if let Some(answer) = &self.on_reconnect {
            answer.check()?;
        }
        if let Some(client) = &self.client {
            if client.is_empty() || client.chars().count() > MAX_CLIENT_CHARS {
                return Err(ProfileError(format!("`client` must be 1 to {MAX_CLIENT_CHARS} characters")));
            }
        }
        Ok(())
    }

    /// How long a stall lasts, if the profile has one.
    pub fn stall_time(&self) -> Option<(u64, Duration)> {
        self.stall.map(|stall| (stall.after_events, Duration::from_millis(stall.ms)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile parses from the API's camelCase; unknown fields and values out of bounds are
    /// refused naming the field.
    #[test]
    fn profiles_parse_and_are_bounded() {
        let profile =
            FaultProfile::parse(br#"{"cutAfterBytes": 1234, "seed": 7, "lineEnding": "crlf"}"#).unwrap();
        assert_eq!(
            (profile.cut_after_bytes, profile.seed, profile.line_ending),
            (Some(1234), Some(7), Some(FaultLineEnding::Crlf))
        );
        let unknown = FaultProfile::parse(br#"{"cutAfter": 5}"#).unwrap_err().0;
        assert!(unknown.contains("unknown field `cutAfter`"), "{unknown}");
        let drip = FaultProfile::parse(br#"{"dripBytesPerSecond": 0}"#).unwrap_err().0;
        assert!(drip.contains("`dripBytesPerSecond` is 0 bytes/s"), "{drip}");
        let stall = FaultProfile::parse(br#"{"stall": {"afterEvents": 1, "ms": 86400000}}"#).unwrap_err().0;
        assert!(stall.contains("`stall.ms`"), "{stall}");
        let huge = FaultProfile::parse(br#"{"cutAfterBytes": 10737418240}"#).unwrap_err().0;
        assert!(huge.contains("`cutAfterBytes`"), "{huge}");
    }
}
