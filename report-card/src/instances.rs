//! Which attempts of one client name are one EventSource (an instance): two EventSources of one
//! browser or process share an address and a User-Agent, so a name can hold several. An attempt
//! that starts while another of its name is open begins a new instance; a later one continues the
//! instance of its name that has no open connection, was not left by its client, and was last
//! given the id the attempt sends as `Last-Event-ID` (or no id, when it sends none). Fitting none,
//! it begins a new instance, except for a client named by its tag: its word makes it one client,
//! so an attempt that sends another id (or none) continues the one instance it could otherwise
//! continue, and the rule on `Last-Event-ID` judges it. Fitting several, it begins one that
//! cannot be told apart.

use crate::reading::own_reconnect;
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

/// Splits one name's attempts (oldest first) into instances, in the order they began; `tagged`
/// when the name is the client's own tag.
pub(crate) fn instances(attempts: &[&Attempt], tagged: bool) -> Vec<Instance> {
    let mut found: Vec<Instance> = Vec::new();
    for (at, attempt) in attempts.iter().enumerate() {
        let fitting = |same_id: bool| -> Vec<usize> {
            let fits = |instance: &Instance| {
                waits(attempts, instance, attempt, tagged)
                    && (!same_id || last_given_id(attempts, instance) == attempt.last_event_id)
            };
            found.iter().enumerate().filter(|(_, instance)| fits(instance)).map(|(index, _)| index).collect()
        };
        let mut fits = fitting(true);
        if fits.is_empty() && tagged {
            fits = fitting(false).into_iter().take(2).collect::<Vec<_>>();
            if fits.len() > 1 {
                fits.clear();
            }
        }
        match fits.as_slice() {
            [only] => found[*only].attempts.push(at),
            [] => found.push(Instance { attempts: vec![at], note: None }),
            _ => found.push(Instance { attempts: vec![at], note: Some(AMBIGUOUS) }),
        }
    }
    found
}

/// Whether `instance` waits for an attempt such as `attempt`: its last connection is closed,
/// and not by its client, unless the client is tagged and came back soon (its own reconnect).
fn waits(attempts: &[&Attempt], instance: &Instance, attempt: &Attempt, tagged: bool) -> bool {
    let Some(&last) = instance.attempts.last() else { return false };
    let last = attempts[last];
    let closed = last.ended_ms.is_some_and(|ended| ended <= attempt.at_ms);
    closed && (last.end != Some(AttemptEnd::ClientLeft) || (tagged && own_reconnect(last, attempt)))
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
