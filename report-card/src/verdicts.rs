//! A report card's verdicts: how the spec words a rule, and what a client did.

use serde::Serialize;

/// How the spec words a rule (MUST, SHOULD, MAY), or INFO for an observation no source
/// requires: never a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Must,
    Should,
    May,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CardVerdict {
    Pass,
    Fail,
    NotObserved,
    /// Allowed by nothing in the spec, yet not a failure (retrying after a 5xx).
    BeyondSpec,
}

/// One rule, judged, with the evidence (times in seconds since the server started).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RuleVerdict {
    pub rule: &'static str,
    pub level: Level,
    /// The spec's words the rule rests on.
    pub spec: &'static str,
    pub verdict: CardVerdict,
    pub evidence: Vec<String>,
}

impl CardVerdict {
    /// Pass when `ok`, else fail.
    pub fn of(ok: bool) -> Self {
        if ok {
            Self::Pass
        } else {
            Self::Fail
        }
    }
}

impl RuleVerdict {
    /// A rule's verdict from each time it was looked at (`results`), with what was seen.
    pub(crate) fn judged(
        rule: &'static str,
        level: Level,
        spec: &'static str,
        results: &[CardVerdict],
        evidence: Vec<String>,
    ) -> Self {
        Self { rule, level, spec, verdict: combine(results), evidence }
    }
}

/// A rule's verdict from each time it was looked at: any failure fails it.
fn combine(results: &[CardVerdict]) -> CardVerdict {
    for verdict in [CardVerdict::Fail, CardVerdict::BeyondSpec, CardVerdict::Pass] {
        if results.contains(&verdict) {
            return verdict;
        }
    }
    CardVerdict::NotObserved
}
