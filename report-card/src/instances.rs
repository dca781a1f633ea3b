//! Which attempts of one client name are one EventSource (an instance): two EventSources of one
//! browser or process share an address and a User-Agent, so a name can hold several. An attempt
//! that starts while another of its name is open begins a new instance; a later one continues the
//! instance of its name that has no open connection, was not left by its client, and was last
//! given the id the attempt sends as `Last-Event-ID` (or no id, when it sends none). Fitting none,
//! it begins a new instance; fitting several, it begins one that cannot be told apart.

use crate::record::{Attempt, AttemptEnd};

/// What an instance that could continue several others is marked with.
pub const AMBIGUOUS: &str = "cannot tell which instance this continues: tag each client with `client=`";

/// One instance: the indices of its attempts, oldest first, and a note when its first attempt
/// could have continued several instances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Instance {
    pub(crate) attempts: Vec<usize>,
    pub(crate) note: Option<&'static str>,
}

/// Splits one name's attempts (oldest first) into instances, in the order they began.
pub(crate) fn instances(attempts: &[&Attempt]) -> Vec<Instance> {
    let mut found: Vec<Instance> = Vec::new();
    for (at, attempt) in attempts.iter().enumerate() {
        let fits: Vec<usize> = found
            .iter()
            .enumerate()
            .filter(|(_, instance)| continues(attempts, instance, attempt))
            .map(|(index, _)| index)
            .collect();
        match fits.as_slice() {
            [only] => found[*only].attempts.push(at),
            [] => found.push(Instance { attempts: vec![at], note: None }),
            _ => found.push(Instance { attempts: vec![at], note: Some(AMBIGUOUS) }),
        }
    }
    found
}

/// Whether `attempt` can continue `instance`.
fn continues(attempts: &[&Attempt], instance: &Instance, attempt: &Attempt) -> bool {
    let Some(&last) = instance.attempts.last() else { return false };
    let last = attempts[last];
    let closed = last.ended_ms.is_some_and(|ended| ended <= attempt.at_ms);
    closed
        && last.end != Some(AttemptEnd::ClientLeft)
        && last_given_id(attempts, instance) == attempt.last_event_id
}

/// The last id the instance's EventSource was given: the newest its attempts delivered, else the
/// id its first attempt sent (it was made resuming from it).
fn last_given_id(attempts: &[&Attempt], instance: &Instance) -> Option<String> {
    instance
        .attempts
        .iter()
        .rev()
        .find_map(|&at| attempts[at].delivered.last_id.clone())
        .or_else(|| instance.attempts.first().and_then(|&first| attempts[first].last_event_id.clone()))
}
