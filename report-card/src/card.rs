//! A client's report card: every rule, graded from its attempts; and every client's, as
//! `GET /clients` and `sse-server --report` give them.

use serde::Serialize;

use crate::instances::instances;
use crate::lost::{events_lost, EventsLost};
use crate::reading::Reading;
use crate::record::ClientHistory;
use crate::rules::{
    does_not_drop_a_quiet_stream, does_not_read_an_error_page_as_a_stream,
    does_not_wait_far_more_than_the_retry, follows_a_redirect, makes_no_attempt_after_a_refusal,
    reestablishes_the_connection, sends_last_event_id, sends_the_same_request, waits_the_retry,
};
use crate::scenarios::{by_client, ClientScenarios, Graded};
use crate::timing::{
    backs_off_over_repeated_failures, does_not_reconnect_in_lockstep, starts_backing_off_again,
};
use crate::verdicts::RuleVerdict;

/// One client's card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub client: String,
    /// Whether it reconnects at all: none until a stream the server ended shows it.
    pub reconnects: Option<bool>,
    pub rules: Vec<RuleVerdict>,
    /// After each stream the server ended and the client came back: the ids it never got.
    pub events_lost: Vec<EventsLost>,
}

/// One EventSource of a client name (its instance) with its attempts and its card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GradedClient {
    #[serde(flatten)]
    pub history: ClientHistory,
    /// Which EventSource of its name this is: 1, 2, ... in the order they began.
    pub instance: u32,
    /// Why its first attempt is graded as a new EventSource, when it could have continued
    /// several.
    pub note: Option<String>,
    pub card: Card,
}

/// Every client, graded (what `GET /clients` and `--report` give).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ClientReport {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub now_ms: u64,
    pub clients: Vec<GradedClient>,
    /// The clients whose `client` tags name scenarios (`eventsource/cut`), each scenario's card
    /// in short, side by side.
    pub by_client: Vec<ClientScenarios>,
}

/// Grades one client (one EventSource); `everyone` is every client's history, `history` among
/// them (for the rule on lockstep); `now_ms` is when, in the record's milliseconds (a watch not
/// over yet judges nothing).
pub fn grade(history: &ClientHistory, everyone: &[ClientHistory], now_ms: u64) -> Card {
    let others: Vec<(&ClientHistory, &str)> = everyone
        .iter()
        .filter(|other| !std::ptr::eq(*other, history))
        .map(|other| (other, other.client.as_str()))
        .collect();
    grade_among(history, &others, now_ms)
}

/// Grades one client against `others`, each with the name its evidence gives it.
fn grade_among(history: &ClientHistory, others: &[(&ClientHistory, &str)], now_ms: u64) -> Card {
    let reading = Reading::of(history, now_ms);
    let rules = vec![
        reestablishes_the_connection(&reading),
        sends_last_event_id(&reading),
        waits_the_retry(&reading),
        does_not_wait_far_more_than_the_retry(&reading),
        makes_no_attempt_after_a_refusal(&reading),
        does_not_read_an_error_page_as_a_stream(&reading),
        follows_a_redirect(&reading),
        backs_off_over_repeated_failures(&reading),
        starts_backing_off_again(&reading),
        sends_the_same_request(&reading),
        does_not_drop_a_quiet_stream(&reading),
        does_not_reconnect_in_lockstep(&reading, others),
    ];
    Card {
        client: history.client.clone(),
        reconnects: reading.reconnects_at_all(),
        rules,
        events_lost: events_lost(&reading),
    }
}

/// Every client of `everyone`, each EventSource of a name graded on its own, at `now_ms`.
pub fn report(everyone: Vec<ClientHistory>, now_ms: u64) -> ClientReport {
    let split: Vec<(ClientHistory, u32, Option<String>, String)> =
        everyone.iter().flat_map(by_instance).collect();
    let clients = split
        .iter()
        .enumerate()
        .map(|(at, (history, instance, note, _))| {
            let others: Vec<(&ClientHistory, &str)> = split
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != at)
                .map(|(_, (other, _, _, label))| (other, label.as_str()))
                .collect();
            GradedClient {
                history: history.clone(),
                instance: *instance,
                note: note.clone(),
                card: grade_among(history, &others, now_ms),
            }
        })
        .collect::<Vec<_>>();
    let by_client = by_client(clients.iter().map(|graded: &GradedClient| Graded {
        client: &graded.history.client,
        named_by: graded.history.named_by,
        instance: graded.instance,
        reconnects: graded.card.reconnects,
        rules: &graded.card.rules,
    }));
    ClientReport { now_ms, clients, by_client }
}

/// A name's attempts as one history per instance: (its history, its number, its note, how the
/// evidence names it).
fn by_instance(history: &ClientHistory) -> Vec<(ClientHistory, u32, Option<String>, String)> {
    let attempts: Vec<&crate::record::Attempt> = history.attempts.iter().collect();
    let found = instances(&attempts, history.named_by != crate::record::ClientNamedBy::AddressAndAgent);
    let several = found.len() > 1;
    found
        .into_iter()
        .zip(1u32..)
        .map(|(instance, number)| {
            let label =
                if several { format!("{} #{number}", history.client) } else { history.client.clone() };
            let own = ClientHistory {
                client: history.client.clone(),
                named_by: history.named_by,
                attempts: instance.attempts.iter().map(|&at| attempts[at].clone()).collect(),
                // Dropped attempts are counted on the first: which instance they were is unknown.
                dropped: if number == 1 { history.dropped } else { 0 },
                serial: history.serial,
            };
            (own, number, instance.note.map(str::to_owned), label)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;

    use super::*;
    use crate::record::{Answer, Attempt, AttemptEnd, ClientNamedBy, Delivered};
    use crate::verdicts::CardVerdict;

    /// An attempt at `at` ms that ended at `ended` ms as `end`, answered `status`.
    fn attempt(
        at: u64,
        ended: u64,
        status: u16,
        end: AttemptEnd,
        sent: Option<&str>,
        last_id: Option<&str>,
    ) -> Attempt {
        let answer = if status == 200 {
            Answer::stream(None)
        } else {
            Answer { status, content_type: None, location: None, fault: None }
        };
        let mut attempt = Attempt::for_tests(at, answer);
        attempt.ended_ms = Some(ended);
        attempt.end = Some(end);
        attempt.last_event_id = sent.map(str::to_owned);
        attempt.delivered =
            Delivered { events: 1, first_id: None, last_id: last_id.map(str::to_owned), retry_ms: Some(100) };
        attempt.headers = Arc::new(vec![("accept".into(), "text/event-stream".into())]);
        attempt
    }

    fn history(client: &str, attempts: Vec<Attempt>) -> ClientHistory {
        ClientHistory::for_tests(client, ClientNamedBy::Parameter, VecDeque::from(attempts))
    }

    fn verdict_of(card: &Card, rule: &str) -> CardVerdict {
        card.rules.iter().find(|r| r.rule.starts_with(rule)).map(|r| r.verdict).unwrap()
    }

    /// A resume with an id other than the last one given, and a reconnect that came too soon,
    /// fail; the right id after the retry passes.
    #[test]
    fn a_wrong_last_event_id_and_a_short_wait_fail() {
        use AttemptEnd::Cut;
        let good = history(
            "good",
            vec![attempt(0, 10, 200, Cut, None, Some("3")), attempt(115, 200, 200, Cut, Some("3"), None)],
        );
        let card = grade(&good, &[], 10_000);
        assert_eq!(verdict_of(&card, "sends Last-Event-ID"), CardVerdict::Pass);
        assert_eq!(verdict_of(&card, "waits at least the retry"), CardVerdict::Pass);
        let bad = history(
            "bad",
            vec![attempt(0, 10, 200, Cut, None, Some("3")), attempt(40, 200, 200, Cut, Some("2"), None)],
        );
        let card = grade(&bad, &[], 10_000);
        assert_eq!(verdict_of(&card, "sends Last-Event-ID"), CardVerdict::Fail);
        assert_eq!(verdict_of(&card, "waits at least the retry"), CardVerdict::Fail);
        assert_eq!(card.reconnects, Some(true));
    }

    /// Trying again within 5 s of a 204 fails; after a 503 it is beyond the spec; a stream the
    /// server ended with nothing after it for 5 s means the client does not reconnect.
    #[test]
    fn giving_up_is_judged_per_answer() {
        use AttemptEnd::{Answered, Cut};
        let after_204 = history(
            "a",
            vec![attempt(0, 5, 204, Answered, None, None), attempt(1_000, 1_005, 204, Answered, None, None)],
        );
        assert_eq!(verdict_of(&grade(&after_204, &[], 10_000), "makes no attempt"), CardVerdict::Fail);
        let after_503 = history(
            "b",
            vec![attempt(0, 5, 503, Answered, None, None), attempt(1_000, 1_005, 204, Answered, None, None)],
        );
        let card = grade(&after_503, &[], 10_000);
        assert_eq!(
            verdict_of(&card, "makes no attempt"),
            CardVerdict::BeyondSpec,
            "retrying a 5xx is not a failure"
        );
        let watching = history("c", vec![attempt(0, 5, 204, Answered, None, None)]);
        assert_eq!(verdict_of(&grade(&watching, &[], 1_000), "makes no attempt"), CardVerdict::NotObserved);
        assert_eq!(verdict_of(&grade(&watching, &[], 5_100), "makes no attempt"), CardVerdict::Pass);
        let silent = history("d", vec![attempt(0, 5, 200, Cut, None, Some("1"))]);
        let card = grade(&silent, &[], 6_000);
        assert_eq!(card.reconnects, Some(false));
        let rule = |name: &str| card.rules.iter().find(|r| r.rule.starts_with(name)).unwrap();
        assert!(rule("sends Last-Event-ID").evidence[0].contains("does not reconnect"));
        // Named by its tag, a client that never came back fails the MUST.
        assert_eq!(rule("reestablishes the connection").verdict, CardVerdict::Fail);
    }

    /// Waits that grow over failures pass the backoff rule; equal waits fail it.
    #[test]
    fn backoff_is_seen_in_growing_waits() {
        use AttemptEnd::Answered;
        let waits = |gaps: [u64; 3]| {
            let mut at = 0;
            let mut attempts = vec![attempt(0, 0, 503, Answered, None, None)];
            for gap in gaps {
                at += gap;
                attempts.push(attempt(at, at, 503, Answered, None, None));
            }
            grade(&history("x", attempts), &[], at + 10_000)
        };
        assert_eq!(verdict_of(&waits([100, 200, 400]), "backs off"), CardVerdict::Pass);
        assert_eq!(verdict_of(&waits([100, 100, 100]), "backs off"), CardVerdict::Fail);
    }

    /// Three clients kicked together that come back within a few ms of each other are in
    /// lockstep; spread over hundreds of ms they are not.
    #[test]
    fn reconnecting_in_lockstep_after_a_kick_fails() {
        use AttemptEnd::{Cut, Kicked};
        let kicked = |name: &str, delay: u64| {
            history(
                name,
                vec![
                    attempt(0, 1_000, 200, Kicked, None, None),
                    attempt(1_000 + delay, 9_000, 200, Cut, None, None),
                ],
            )
        };
        let lockstep = [kicked("a", 3_000), kicked("b", 3_002), kicked("c", 3_004)];
        assert_eq!(
            verdict_of(&grade(&lockstep[0], &lockstep, 20_000), "does not reconnect in lockstep"),
            CardVerdict::Fail
        );
        let jittered = [kicked("a", 2_700), kicked("b", 3_100), kicked("c", 3_400)];
        assert_eq!(
            verdict_of(&grade(&jittered[0], &jittered, 20_000), "does not reconnect in lockstep"),
            CardVerdict::Pass
        );
    }
}
