//! One rule of a server's card, judged, and how its times and level are written.

use serde::Serialize;
use sse_report_card::{CardVerdict, Level};

/// One rule, judged, with its evidence (times in seconds since the check started).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerRule {
    pub rule: &'static str,
    pub level: Level,
    /// What the rule rests on: the spec's sentence, or the practice and where it is documented.
    pub source: &'static str,
    pub verdict: CardVerdict,
    pub evidence: Vec<String>,
    /// With `--via`: the same rule's verdict on the second URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub via: Option<ViaVerdict>,
}

/// A rule's verdict on the second URL of `--via`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ViaVerdict {
    pub verdict: CardVerdict,
    pub evidence: Vec<String>,
}

impl ServerRule {
    pub(crate) fn judged(
        rule: &'static str,
        level: Level,
        source: &'static str,
        verdict: CardVerdict,
        evidence: Vec<String>,
    ) -> Self {
        Self { rule, level, source, verdict, evidence, via: None }
    }

    /// A rule the check could not judge, and why.
    pub(crate) fn not_observed(
        rule: &'static str,
        level: Level,
        source: &'static str,
        why: impl Into<String>,
    ) -> Self {
        Self::judged(rule, level, source, CardVerdict::NotObserved, vec![why.into()])
    }

    /// A MUST that failed, on either URL (what makes `sse-sub --check` exit 1).
    pub fn fails_a_must(&self) -> bool {
        let via = self.via.as_ref().is_some_and(|via| via.verdict == CardVerdict::Fail);
        self.level == Level::Must && (self.verdict == CardVerdict::Fail || via)
    }

    /// How the verdict is said: an INFO rule that did not hold is noted, never failed.
    pub fn verdict_words(&self) -> &'static str {
        words(self.level, self.verdict)
    }
}

/// How a verdict at `level` is said.
pub(crate) fn words(level: Level, verdict: CardVerdict) -> &'static str {
    match (level, verdict) {
        (Level::Info, CardVerdict::Fail) => "noted",
        (_, CardVerdict::Pass) => "pass",
        (_, CardVerdict::Fail) => "FAIL",
        (_, CardVerdict::NotObserved) => "not observed",
        (_, CardVerdict::BeyondSpec) => "beyond the spec",
    }
}

/// Milliseconds as seconds since the check started: `1.234 s`.
pub(crate) fn secs(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

pub(crate) fn level_word(level: Level) -> &'static str {
    match level {
        Level::Must => "MUST",
        Level::Should => "SHOULD",
        Level::May => "MAY",
        Level::Info => "INFO",
    }
}
