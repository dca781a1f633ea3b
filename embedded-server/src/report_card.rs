//! The report card: how a client reconnected, judged against the reconnection rules of the
//! HTML standard's server-sent events section (each labelled as the spec words it), from what
//! the server recorded of its attempts (`clients.rs`). Served by `GET /clients` and written by
//! `sse-server --report FILE`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::access::{check_publish_token, json, HttpState, Refusal};
use crate::clients::{Attempt, AttemptEnd, ClientBook, ClientHistory};
use crate::verdicts::combine;
pub use crate::verdicts::{CardVerdict, Level, RuleVerdict};

/// How long after a refusal an attempt still counts as the client not giving up.
pub const GIVE_UP_WINDOW_MS: u64 = 5_000;
/// Slack for timers and for when the server notes an end: a wait this much short still passes.
const TIMER_SLACK_MS: u64 = 20;

/// One client's card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Card {
    pub client: String,
    /// Whether it reconnects at all: none until a stream the server ended shows it.
    pub reconnects: Option<bool>,
    pub rules: Vec<RuleVerdict>,
}

/// A client's history with its card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GradedClient {
    #[serde(flatten)]
    pub history: ClientHistory,
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
}

fn secs(ms: u64) -> String {
    format!("{:.3} s", ms as f64 / 1000.0)
}

/// Ended by the server while streaming: a spec client reconnects after it.
fn server_ended(attempt: &Attempt) -> bool {
    attempt.answer.is_stream()
        && matches!(
            attempt.end,
            Some(AttemptEnd::Cut | AttemptEnd::Kicked | AttemptEnd::ServerStopped | AttemptEnd::FellBehind)
        )
}

/// Whether `next` continues the request `prev` made (a reconnect, a retry, a redirect
/// followed), rather than being a request of its own: `prev` ended, and not by the client.
fn continued(prev: &Attempt) -> bool {
    prev.end.is_some_and(|end| end != AttemptEnd::ClientLeft)
}

/// The last id and `retry` the EventSource behind attempt `at` had been given: from the
/// attempts it continues, newest first; its chain's first attempt's own Last-Event-ID when none
/// gave an id. (A client named by address and User-Agent may have several EventSources.)
fn given_before(attempts: &[&Attempt], at: usize) -> (Option<String>, Option<u64>) {
    let (mut id, mut retry) = (None, None);
    let (start, mut at) = (at, at);
    while at > 0 && continued(attempts[at - 1]) {
        at -= 1;
        let delivered = &attempts[at].delivered;
        id = id.or_else(|| delivered.last_id.clone());
        retry = retry.or(delivered.retry_ms);
    }
    if at < start {
        id = id.or_else(|| attempts[at].last_event_id.clone());
    }
    (id, retry)
}

/// The path and query of a redirect's target (a URL or a path).
fn path_of(location: &str) -> &str {
    match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        None => location,
    }
}

fn rule(
    rule: &'static str,
    level: Level,
    spec: &'static str,
    results: &[CardVerdict],
    evidence: Vec<String>,
) -> RuleVerdict {
    RuleVerdict { rule, level, spec, verdict: combine(results), evidence }
}

/// Grades one client; `everyone` is every client's history (for the rule on lockstep).
pub fn grade(history: &ClientHistory, everyone: &[ClientHistory], now_ms: u64) -> Card {
    let attempts: Vec<&Attempt> = history.attempts.iter().collect();
    let pairs: Vec<(&Attempt, &Attempt)> = attempts.windows(2).map(|w| (w[0], w[1])).collect();
    // What the client had been given before each attempt: the last id and retry.
    let given: Vec<(Option<String>, Option<u64>)> =
        (0..attempts.len()).map(|at| given_before(&attempts, at)).collect();
    let reconnects: Vec<(usize, &Attempt, &Attempt)> = pairs
        .iter()
        .enumerate()
        .filter(|(_, (prev, _))| server_ended(prev))
        .map(|(i, (p, n))| (i + 1, *p, *n))
        .collect();
    let unanswered = attempts.last().is_some_and(|last| {
        server_ended(last) && now_ms.saturating_sub(last.ended_at_ms()) >= GIVE_UP_WINDOW_MS
    });
    let card_reconnects = if !reconnects.is_empty() {
        Some(true)
    } else if unanswered {
        Some(false)
    } else {
        None
    };
    let no_reconnect =
        || vec![if unanswered { "does not reconnect".to_owned() } else { "no reconnect seen yet".into() }];

    // Last-Event-ID.
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (i, _, next) in &reconnects {
        let expected = &given[*i].0;
        let ok = next.last_event_id == *expected;
        results.push(CardVerdict::of(ok));
        evidence.push(format!(
            "attempt at {} sent {} (last id given: {})",
            secs(next.at_ms),
            next.last_event_id
                .as_deref()
                .map_or("no Last-Event-ID".into(), |id| format!("Last-Event-ID `{id}`")),
            expected.as_deref().map_or("none".into(), |id| format!("`{id}`")),
        ));
    }
    if reconnects.is_empty() {
        evidence = no_reconnect();
    }
    let mut rules = vec![rule(
        "sends Last-Event-ID equal to the last id it was given (none when none was given)",
        Level::Must,
        "If the EventSource object's last event ID string is not the empty string, then: [...] Set (`Last-Event-ID`, lastEventIDValue) in request's header list.",
        &results,
        evidence,
    )];

    // The retry wait.
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (i, prev, next) in &reconnects {
        let Some(retry) = given[*i].1 else { continue };
        let wait = next.wait_after(prev);
        let most = retry + (retry / 2).max(1_000);
        let ok = wait + TIMER_SLACK_MS >= retry && wait <= most;
        results.push(CardVerdict::of(ok));
        evidence.push(format!("waited {wait} ms after retry: {retry} (window {retry}..{most} ms)"));
    }
    if results.is_empty() {
        evidence = if reconnects.is_empty() {
            no_reconnect()
        } else {
            vec!["no retry was sent before a reconnect".into()]
        };
    }
    rules.push(rule(
        "waits the retry it was told before reconnecting, and not far more",
        Level::Must,
        "Wait a delay equal to the reconnection time of the event source.",
        &results,
        evidence,
    ));

    // Giving up after 204, another status or another Content-Type.
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (at, attempt) in attempts.iter().enumerate().filter(|(_, a)| a.was_refused()) {
        let answered = attempt.ended_at_ms();
        let what = match attempt.answer.status {
            200 => format!("Content-Type {}", attempt.answer.content_type.as_deref().unwrap_or("none")),
            status => format!("status {status}"),
        };
        match attempts.get(at + 1).filter(|next| next.wait_after(attempt) < GIVE_UP_WINDOW_MS) {
            Some(next) => {
                let server_error = attempt.answer.status >= 500;
                results.push(if server_error { CardVerdict::BeyondSpec } else { CardVerdict::Fail });
                evidence.push(format!(
                    "answered {what} at {}, tried again at {}{}",
                    secs(answered),
                    secs(next.at_ms),
                    if server_error { " (retrying a 5xx: beyond the spec)" } else { "" }
                ));
            }
            None if now_ms.saturating_sub(answered) >= GIVE_UP_WINDOW_MS => {
                results.push(CardVerdict::Pass);
                evidence.push(format!("answered {what} at {}, no attempt within 5 s", secs(answered)));
            }
            None => evidence.push(format!("answered {what} at {}, watching for 5 s", secs(answered))),
        }
    }
    rules.push(rule(
        "makes no attempt after 204, another status or another Content-Type",
        Level::Must,
        "Otherwise, if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection. [...] Once the user agent has failed the connection, it does not attempt to reconnect.",
        &results,
        evidence,
    ));

    // Redirects.
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (at, attempt) in attempts.iter().enumerate().filter(|(_, a)| a.is_redirect()) {
        let location = attempt.answer.location.as_deref().unwrap_or("");
        match attempts.get(at + 1).filter(|next| next.wait_after(attempt) < GIVE_UP_WINDOW_MS) {
            Some(next) => {
                let ok = next.target == path_of(location);
                results.push(CardVerdict::of(ok));
                evidence.push(format!(
                    "redirected to {location}; next request to {} at {}",
                    next.target,
                    secs(next.at_ms)
                ));
            }
            None if now_ms.saturating_sub(attempt.ended_at_ms()) >= GIVE_UP_WINDOW_MS => {
                results.push(CardVerdict::Fail);
                evidence.push(format!("redirected to {location}; no request followed within 5 s"));
            }
            None => evidence.push(format!("redirected to {location}; watching for 5 s")),
        }
    }
    rules.push(rule(
        "follows a redirect to its target",
        Level::Must,
        "Event stream requests can be redirected using HTTP 301 and 307 redirects as with normal HTTP requests.",
        &results,
        evidence,
    ));

    rules.extend(crate::report_card_timing::backoff_rules(&attempts, &given));
    rules.push(same_request(&attempts));
    rules.push(crate::report_card_timing::lockstep_rule(history, everyone));
    Card { client: history.client.clone(), reconnects: card_reconnects, rules }
}

/// Every reconnect sends the request again: same method, headers (but `Last-Event-ID`) and
/// target (but after a redirect).
fn same_request(attempts: &[&Attempt]) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for pair in attempts.windows(2).filter(|pair| continued(pair[0])) {
        let (prev, next) = (pair[0], pair[1]);
        let mut changed = Vec::new();
        if next.method != prev.method {
            changed.push(format!("method {} (before {})", next.method, prev.method));
        }
        if next.body != prev.body {
            let shown = |body: &Option<String>| body.clone().unwrap_or_else(|| "none".into());
            changed.push(format!("body {} (before {})", shown(&next.body), shown(&prev.body)));
        }
        if !prev.is_redirect() && next.target != prev.target {
            changed.push(format!("target {} (before {})", next.target, prev.target));
        }
        // Fetch sets the Referer itself (a redirect adds one), so it is not the client's choice.
        let compared = |name: &str| name != "referer";
        for (name, value) in prev.headers.iter().filter(|(name, _)| compared(name)) {
            match next.headers.iter().find(|(n, _)| n == name) {
                Some((_, v)) if v == value => {}
                Some((_, v)) => changed.push(format!("{name}: {v} (before {value})")),
                None => changed.push(format!("{name} no longer sent")),
            }
        }
        let added = |name: &String| compared(name) && !prev.headers.iter().any(|(f, _)| f == name);
        for (name, _) in next.headers.iter().filter(|(name, _)| added(name)) {
            changed.push(format!("{name} added"));
        }
        results.push(if changed.is_empty() { CardVerdict::Pass } else { CardVerdict::Fail });
        if !changed.is_empty() {
            evidence.push(format!("attempt at {}: {}", secs(next.at_ms), changed.join("; ")));
        }
    }
    if evidence.is_empty() && !results.is_empty() {
        evidence.push(format!("{} reconnects, each the same request", results.len()));
    }
    rule(
        "sends the same method, headers, body and target again",
        Level::Must,
        "Let request be the EventSource object's request. [...] Fetch request and process the response obtained in this fashion, if any, as described earlier in this section.",
        &results,
        evidence,
    )
}

/// Every client in `book`, graded.
pub fn report(book: &ClientBook) -> ClientReport {
    let now_ms = book.now_ms();
    let everyone = book.histories();
    let clients = everyone
        .iter()
        .map(|history| GradedClient { history: history.clone(), card: grade(history, &everyone, now_ms) })
        .collect();
    ClientReport { now_ms, clients }
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct ClientsQuery {
    client: Option<String>,
}

/// `GET /clients[?client=NAME]`: every client's attempts and card. Other clients' requests are
/// private: no CORS, and the publish token when one is set.
pub(crate) async fn get_clients(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(query): Query<ClientsQuery>,
) -> Result<Response, Refusal> {
    check_publish_token(&state, &headers)?;
    let mut report = report(&state.clients);
    if let Some(wanted) = &query.client {
        report.clients.retain(|graded| graded.history.client == *wanted);
    }
    json(StatusCode::OK, &report)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;

    use super::*;
    use crate::clients::{Answer, ClientNamedBy, Delivered};

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
        attempt.delivered = Delivered { events: 1, last_id: last_id.map(str::to_owned), retry_ms: Some(100) };
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
        assert_eq!(verdict_of(&card, "waits the retry"), CardVerdict::Pass);
        let bad = history(
            "bad",
            vec![attempt(0, 10, 200, Cut, None, Some("3")), attempt(40, 200, 200, Cut, Some("2"), None)],
        );
        let card = grade(&bad, &[], 10_000);
        assert_eq!(verdict_of(&card, "sends Last-Event-ID"), CardVerdict::Fail);
        assert_eq!(verdict_of(&card, "waits the retry"), CardVerdict::Fail);
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
        assert!(card.rules[0].evidence[0].contains("does not reconnect"));
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
