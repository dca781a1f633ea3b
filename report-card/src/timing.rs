//! The report card's rules on timing across attempts, one function per rule: backing off
//! after failures (and starting again after a connection that worked), and not reconnecting in
//! lockstep after a kick.

use crate::reading::Reading;
use crate::record::{Attempt, AttemptEnd, ClientHistory};
use crate::thresholds::{backed_off, longest_retry_wait, shortest_retry_wait, LOCKSTEP_MS, SAME_KICK_MS};
use crate::verdicts::{CardVerdict, Level, RuleVerdict};

const BACKOFF: &str = "Optionally, wait some more. In particular, if the previous attempt failed, then user agents might introduce an exponential backoff delay to avoid overloading a potentially already overloaded server.";

/// The waits after each failed attempt that another followed, grouped into runs of failures:
/// (index of the attempt after the wait, the wait).
fn failure_runs(attempts: &[&Attempt]) -> Vec<Vec<(usize, u64)>> {
    let mut runs: Vec<Vec<(usize, u64)>> = Vec::new();
    let mut current: Vec<(usize, u64)> = Vec::new();
    for (at, pair) in attempts.windows(2).enumerate() {
        if pair[0].was_refused() {
            current.push((at + 1, pair[1].wait_after(pair[0])));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// "backs off over repeated failures"
pub(crate) fn backs_off_over_repeated_failures(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for run in failure_runs(&reading.attempts).iter().filter(|run| run.len() >= 2) {
        let (first, last) = (run[0].1, run[run.len() - 1].1);
        results.push(CardVerdict::of(backed_off(first, last)));
        let waits: Vec<String> = run.iter().map(|(_, wait)| format!("{wait}")).collect();
        evidence.push(format!("waits after {} failed attempts: {} ms", run.len(), waits.join(", ")));
    }
    if evidence.is_empty() {
        evidence.push("no two failed attempts in a row".into());
    }
    RuleVerdict::judged("backs off over repeated failures", Level::May, BACKOFF, &results, evidence)
}

/// "starts backing off again from the retry after a connection that worked": a client that
/// backed off over failures (a wait over 1.5 times the first), then had a stream that worked
/// and ended, waits the retry again (its MUST window), not its last backed-off wait.
pub(crate) fn starts_backing_off_again(reading: &Reading<'_>) -> RuleVerdict {
    let (attempts, given) = (&reading.attempts, &reading.given);
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for run in failure_runs(attempts).iter().filter(|run| run.len() >= 2) {
        let longest = run.iter().map(|(_, wait)| *wait).max().unwrap_or(0);
        if !backed_off(run[0].1, longest) {
            continue; // it never backed off: there is nothing to start again from
        }
        let Some(&(worked, _)) = run.last() else { continue };
        let (Some(stream), Some(next)) = (attempts.get(worked), attempts.get(worked + 1)) else { continue };
        if !stream.answer.is_stream() {
            continue;
        }
        let wait = next.wait_after(stream);
        // The retry it was told, else the wait it began its backing off with.
        let retry = given.get(worked + 1).and_then(|(_, retry)| *retry).unwrap_or(run[0].1);
        let (least, most) = (shortest_retry_wait(retry), longest_retry_wait(retry));
        results.push(CardVerdict::of((least..=most).contains(&wait)));
        evidence.push(format!(
            "after a stream that worked it waited {wait} ms (retry window {least}..{most} ms); it had backed off to {longest} ms"
        ));
    }
    if evidence.is_empty() {
        evidence.push("no stream that worked after backing off over failures, then ended".into());
    }
    RuleVerdict::judged(
        "starts backing off again from the retry after a connection that worked",
        Level::May,
        BACKOFF,
        &results,
        evidence,
    )
}

/// A kick that ended one of a client's streams, followed by another attempt.
struct Kick {
    /// When it ended the stream.
    at_ms: u64,
    /// How long the client waited before its next attempt.
    wait_ms: u64,
    stream: String,
}

/// The kicks that ended this client's streams.
fn kicks_of(history: &ClientHistory) -> Vec<Kick> {
    let attempts: Vec<&Attempt> = history.attempts.iter().collect();
    attempts
        .windows(2)
        .filter(|pair| pair[0].end == Some(AttemptEnd::Kicked))
        .map(|pair| Kick {
            at_ms: pair[0].ended_at_ms(),
            wait_ms: pair[1].wait_after(pair[0]),
            stream: stream_of(&pair[0].target),
        })
        .collect()
}

/// "does not reconnect in lockstep with other clients after a kick": judged for each client on
/// its own, against the others the same kick ended on the same stream: it fails when one of them
/// came back within 20 ms (or 2 % of their mean wait) of it. `others` are every other client with
/// the name the evidence gives it.
pub(crate) fn does_not_reconnect_in_lockstep(
    reading: &Reading<'_>,
    others: &[(&ClientHistory, &str)],
) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    let kicks = kicks_of(reading.history);
    // The others' kicks, read once (and only for a client that was kicked at all).
    let others_kicks: Vec<(&str, Vec<Kick>)> = if kicks.is_empty() {
        Vec::new()
    } else {
        others.iter().map(|(other, name)| (*name, kicks_of(other))).collect()
    };
    for Kick { at_ms: kicked, wait_ms: delay, stream } in kicks {
        let together: Vec<(&str, u64)> = others_kicks
            .iter()
            .filter_map(|(name, their_kicks)| {
                let same = their_kicks
                    .iter()
                    .find(|k| k.at_ms.abs_diff(kicked) <= SAME_KICK_MS && k.stream == stream)?;
                Some((*name, same.wait_ms))
            })
            .collect();
        if together.is_empty() {
            continue;
        }
        let close: Vec<String> = together
            .iter()
            .filter(|(_, wait)| delay.abs_diff(*wait) < LOCKSTEP_MS.max((delay + wait) / 2 / 50))
            .map(|(name, wait)| format!("{name} after {wait} ms"))
            .collect();
        results.push(CardVerdict::of(close.is_empty()));
        let at = kicked as f64 / 1000.0;
        evidence.push(if close.is_empty() {
            let waits: Vec<String> =
                together.iter().map(|(name, wait)| format!("{name} {wait} ms")).collect();
            format!(
                "kick at {at:.3} s: came back after {delay} ms; the others kicked with it: {}",
                waits.join(", ")
            )
        } else {
            format!("kick at {at:.3} s: came back after {delay} ms, in lockstep with {}", close.join(", "))
        });
    }
    if evidence.is_empty() {
        evidence.push("no other client kicked with it on the same stream".into());
    }
    RuleVerdict::judged(
        "does not reconnect in lockstep with other clients after a kick",
        Level::May,
        "Optionally, wait some more.",
        &results,
        evidence,
    )
}

/// The stream an attempt asked for: its path and query without `lastEventId` and `client`
/// (which differ between clients of one stream).
fn stream_of(target: &str) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !matches!(pair.split('=').next(), Some("lastEventId" | "client")))
        .collect();
    kept.sort_unstable();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}
