//! One client across scenarios: a `client` tag may name its scenario after a slash
//! (`client=eventsource/cut`); cards whose tags share the part before the slash are one
//! client's, put side by side per scenario (`byClient` in the report), so "resumes after a cut,
//! but never after a clean end" reads in one place.

use serde::Serialize;

use crate::record::ClientNamedBy;
use crate::verdicts::{CardVerdict, Level, RuleVerdict};

/// One client's cards, a scenario each.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClientScenarios {
    /// The tag before the slash.
    pub client: String,
    pub scenarios: Vec<Scenario>,
}

/// One scenario's card, in short.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// The tag after the slash.
    pub scenario: String,
    /// Which EventSource of the tag (1, 2, ...).
    pub instance: u32,
    /// Its card's place in the report's `clients`.
    pub card: u32,
    pub reconnects: Option<bool>,
    /// The rules it failed (INFO is never a failure).
    pub failed: Vec<String>,
}

/// A tag's client and scenario (`eventsource/cut`), when it names one: both parts non-empty.
pub fn scenario_of(tag: &str) -> Option<(&str, &str)> {
    tag.split_once('/').filter(|(client, scenario)| !client.is_empty() && !scenario.is_empty())
}

/// A graded card, as the grouping reads it.
pub(crate) struct Graded<'a> {
    pub(crate) client: &'a str,
    pub(crate) named_by: ClientNamedBy,
    pub(crate) instance: u32,
    pub(crate) reconnects: Option<bool>,
    pub(crate) rules: &'a [RuleVerdict],
}

/// The clients whose tags name scenarios, in the order they first appear, each with its
/// scenarios in the order of their cards. A client told apart by address and User-Agent has no
/// tag, so no scenario.
pub(crate) fn by_client<'a>(cards: impl Iterator<Item = Graded<'a>>) -> Vec<ClientScenarios> {
    let mut groups: Vec<ClientScenarios> = Vec::new();
    for (at, graded) in cards.enumerate() {
        if graded.named_by == ClientNamedBy::AddressAndAgent {
            continue;
        }
        let Some((client, scenario)) = scenario_of(graded.client) else { continue };
        let failed = graded
            .rules
            .iter()
            .filter(|rule| rule.verdict == CardVerdict::Fail && rule.level != Level::Info)
            .map(|rule| rule.rule.to_owned())
            .collect();
        let entry = Scenario {
            scenario: scenario.to_owned(),
            instance: graded.instance,
            card: u32::try_from(at).unwrap_or(u32::MAX),
            reconnects: graded.reconnects,
            failed,
        };
        match groups.iter_mut().find(|group| group.client == client) {
            Some(group) => group.scenarios.push(entry),
            None => groups.push(ClientScenarios { client: client.to_owned(), scenarios: vec![entry] }),
        }
    }
    groups
}
