//! Which of a profile's faults fit a body: every fault fits an event stream; the SSE rewrites do
//! not fit an NDJSON stream; only the byte faults fit any other body. What does not fit is
//! skipped for that exchange, and said.

use crate::profile::FaultProfile;

/// What a body is, for which faults apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `text/event-stream`: every fault applies.
    EventStream,
    /// NDJSON: each line counts as an event for cuts and stalls; the SSE rewrites do not apply.
    Ndjson,
    /// Any other body: only the byte faults (cuts at a byte, drip) apply.
    Other,
}

/// A fault left out for one exchange, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The profile's field, as `docs/faults.md` names it.
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` skipped: {}", self.field, self.reason)
    }
}

impl FaultProfile {
    /// Whether it does anything to a response body (`client`, `once`, `seed` and `onReconnect`
    /// do not).
    pub fn touches_body(&self) -> bool {
        let body_only = Self { client: None, once: false, seed: None, on_reconnect: None, ..self.clone() };
        body_only != Self::default()
    }

    /// The profile with only the faults that fit a body of `kind` (its `content_type` named in
    /// the reasons), and those it left out.
    pub fn fitted(&self, kind: BodyKind, content_type: &str) -> (Self, Vec<Skipped>) {
        let mut fitted = self.clone();
        let mut skipped = Vec::new();
        let reason = match kind {
            BodyKind::EventStream => return (fitted, skipped),
            BodyKind::Ndjson => "an NDJSON stream has no SSE fields to rewrite".to_owned(),
            BodyKind::Other => {
                let shown = if content_type.is_empty() { "no Content-Type" } else { content_type };
                format!("the response is not an event stream ({shown}): only byte faults apply")
            }
        };
        let mut skip = |field: &'static str, set: bool| {
            if set {
                skipped.push(Skipped { field, reason: reason.clone() });
            }
        };
        if kind == BodyKind::Other {
            skip("cutAfterEvents", fitted.cut_after_events.take().is_some());
            // A body without events can still be held before its first byte.
            let counts_events = fitted.stall.is_some_and(|stall| stall.after_events > 0);
            if counts_events {
                fitted.stall = None;
            }
            skip("stall", counts_events);
        }
        skip("retryMs", fitted.retry_ms.take().is_some());
        skip("bom", std::mem::take(&mut fitted.bom));
        skip("lineEnding", fitted.line_ending.take().is_some());
        skip("ids", fitted.ids.take().is_some());
        skip("errorEventAfter", fitted.error_event_after.take().is_some());
        skip("commentFlood", fitted.comment_flood.take().is_some());
        skip("oversizedEventBytes", fitted.oversized_event_bytes.take().is_some());
        (fitted, skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{FaultStall, IdFault, ReconnectAnswer};

    /// An event stream takes every fault; NDJSON loses the SSE rewrites and keeps cuts and
    /// stalls; any other body keeps only the byte faults; each left out is named with why.
    #[test]
    fn each_body_takes_the_faults_that_fit_it() {
        let profile = FaultProfile {
            cut_after_events: Some(3),
            cut_after_bytes: Some(100),
            drip_bytes_per_second: Some(50),
            stall: Some(FaultStall { after_events: 1, ms: 10 }),
            retry_ms: Some(9),
            ids: Some(IdFault::Reset),
            ..FaultProfile::default()
        };
        assert_eq!(profile.fitted(BodyKind::EventStream, "text/event-stream"), (profile.clone(), vec![]));
        let (ndjson, skipped) = profile.fitted(BodyKind::Ndjson, "application/x-ndjson");
        assert_eq!((ndjson.cut_after_events, ndjson.stall.is_some(), ndjson.retry_ms), (Some(3), true, None));
        let names: Vec<_> = skipped.iter().map(|s| s.field).collect();
        assert_eq!(names, ["retryMs", "ids"]);
        let (other, skipped) = profile.fitted(BodyKind::Other, "application/json");
        assert_eq!(
            (other.cut_after_events, other.cut_after_bytes, other.drip_bytes_per_second),
            (None, Some(100), Some(50))
        );
        assert_eq!(
            skipped[0].to_string(),
            "`cutAfterEvents` skipped: the response is not an event stream (application/json): only byte faults apply"
        );
        assert!(other.touches_body());
        let before_the_body =
            FaultProfile { stall: Some(FaultStall { after_events: 0, ms: 10 }), ..FaultProfile::default() };
        let (kept, skipped) = before_the_body.fitted(BodyKind::Other, "");
        assert_eq!(
            (kept.stall, skipped),
            (before_the_body.stall, vec![]),
            "a stall before the first byte fits any body"
        );
    }

    /// Only faults on the body count: a profile that only answers reconnects does not touch it.
    #[test]
    fn a_reconnect_answer_alone_does_not_touch_the_body() {
        let answer = ReconnectAnswer { status: Some(204), content_type: None, redirect: None, every: false };
        let profile = FaultProfile {
            client: Some("x".into()),
            once: true,
            seed: Some(1),
            on_reconnect: Some(answer),
            ..FaultProfile::default()
        };
        assert!(!profile.touches_body());
        assert!(FaultProfile { bom: true, ..profile }.touches_body());
    }
}
