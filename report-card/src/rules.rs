//! The report card's rules on each reconnect, one function per rule, each named after the
//! sentence it checks and quoting the spec's words (the HTML standard's server-sent events
//! section). The rules on timing across attempts are in `timing.rs`.

use crate::reading::{continued, path_of, secs, server_ended, Reading};
use crate::record::{Attempt, AttemptEnd, ClientNamedBy};
use crate::thresholds::{longest_retry_wait, shortest_retry_wait, ERROR_PAGE_RETRY_MS, ERROR_PAGE_SLACK_MS};
use crate::verdicts::{CardVerdict, Level, RuleVerdict};

/// "reestablishes the connection after the stream ends": after each stream the server ended, the
/// client came back (within the 5 s watch, or later). A client named by its tag fails when it
/// never did; one named by address and User-Agent is only said not to reconnect, since a one-off
/// request (a curl, a health check) and an EventSource that gave up look the same without a tag.
pub(crate) fn reestablishes_the_connection(reading: &Reading<'_>) -> RuleVerdict {
    let how = |attempt: &Attempt| attempt.end.map_or("ended", AttemptEnd::word);
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (_, ended, next) in &reading.reconnects {
        results.push(CardVerdict::Pass);
        let at = secs(ended.ended_at_ms());
        evidence.push(format!("stream {} at {at}, came back at {}", how(ended), secs(next.at_ms)));
    }
    // Every stream the server ended but the last was followed (a reconnect above).
    if let Some(last) = reading.attempts.last().filter(|last| server_ended(last)) {
        let at = secs(last.ended_at_ms());
        let tagged = reading.history.named_by != ClientNamedBy::AddressAndAgent;
        if !reading.unanswered {
            evidence.push(format!("stream {} at {at}, watching for 5 s", how(last)));
        } else if tagged {
            results.push(CardVerdict::Fail);
            evidence.push(format!("stream {} at {at}, no attempt after it", how(last)));
        } else {
            evidence.push(format!(
                "stream {} at {at}, no attempt after it: does not reconnect (a one-off request or an \
                 EventSource that gave up cannot be told apart without a tag: `client=` or X-SSE-Client)",
                how(last)
            ));
        }
    }
    if evidence.is_empty() {
        evidence.push("no stream the server ended yet".into());
    }
    RuleVerdict::judged(
        "reestablishes the connection after the stream ends",
        Level::Must,
        "Let processEventSourceEndOfBody given response res be the following step: if res is not a network error, then reestablish the connection.",
        &results,
        evidence,
    )
}

/// "sends Last-Event-ID equal to the last id it was given (none when none was given)"
pub(crate) fn sends_last_event_id(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    let mut all: Vec<(usize, bool, &Attempt)> =
        reading.reconnects.iter().map(|(i, _, next)| (*i, false, *next)).collect();
    all.extend(reading.own_reconnects.iter().map(|(i, _, next)| (*i, true, *next)));
    all.sort_by_key(|(i, _, _)| *i);
    for (i, own, next) in all {
        let expected = &reading.given[i].0;
        let ok = next.last_event_id == *expected;
        results.push(CardVerdict::of(ok));
        evidence.push(format!(
            "{} at {} sent {} (last id given: {})",
            if own { "its own reconnect" } else { "attempt" },
            secs(next.at_ms),
            next.last_event_id
                .as_deref()
                .map_or("no Last-Event-ID".into(), |id| format!("Last-Event-ID `{id}`")),
            expected.as_deref().map_or("none".into(), |id| format!("`{id}`")),
        ));
    }
    if results.is_empty() {
        evidence = reading.no_reconnect();
    }
    RuleVerdict::judged(
        "sends Last-Event-ID equal to the last id it was given (none when none was given)",
        Level::Must,
        "If the EventSource object's last event ID string is not the empty string, then: [...] Set (`Last-Event-ID`, lastEventIDValue) in request's header list.",
        &results,
        evidence,
    )
}

/// Each reconnect after a `retry` was given: its wait and that retry.
fn waits_after_retry(reading: &Reading<'_>) -> Vec<(u64, u64)> {
    reading
        .reconnects
        .iter()
        .filter_map(|(i, prev, next)| Some((next.wait_after(prev), reading.given[*i].1?)))
        .collect()
}

/// The evidence of a retry rule that judged nothing.
fn no_retry_wait(reading: &Reading<'_>) -> Vec<String> {
    if reading.reconnects.is_empty() {
        reading.no_reconnect()
    } else {
        vec!["no retry was sent before a reconnect".into()]
    }
}

/// "waits at least the retry it was told before reconnecting" (less 20 ms of timer slack)
pub(crate) fn waits_the_retry(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (wait, retry) in waits_after_retry(reading) {
        let least = shortest_retry_wait(retry);
        results.push(CardVerdict::of(wait >= least));
        evidence.push(format!("waited {wait} ms after retry: {retry} (at least {least} ms)"));
    }
    if results.is_empty() {
        evidence = no_retry_wait(reading);
    }
    RuleVerdict::judged(
        "waits at least the retry it was told before reconnecting",
        Level::Must,
        "Wait a delay equal to the reconnection time of the event source.",
        &results,
        evidence,
    )
}

/// "does not wait far more than the retry it was told" (over retry + max(1 s, 50 %)): allowed
/// ("wait some more"), so only an observation.
pub(crate) fn does_not_wait_far_more_than_the_retry(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (wait, retry) in waits_after_retry(reading) {
        let most = longest_retry_wait(retry);
        results.push(CardVerdict::of(wait <= most));
        evidence.push(format!("waited {wait} ms after retry: {retry} (far more: over {most} ms)"));
    }
    if results.is_empty() {
        evidence = no_retry_wait(reading);
    }
    RuleVerdict::judged(
        "does not wait far more than the retry it was told",
        Level::Info,
        "Optionally, wait some more.",
        &results,
        evidence,
    )
}

/// "makes no attempt after 204, another status or another Content-Type"
pub(crate) fn makes_no_attempt_after_a_refusal(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (at, attempt) in reading.attempts.iter().enumerate().filter(|(_, a)| a.was_refused()) {
        let answered = attempt.ended_at_ms();
        let what = match attempt.answer.status {
            200 => format!("Content-Type {}", attempt.answer.content_type.as_deref().unwrap_or("none")),
            status => format!("status {status}"),
        };
        // The client's instances are told apart already: any later attempt of this one came
        // back, however late.
        match reading.attempts.get(at + 1) {
            Some(next) => {
                let server_error = attempt.answer.status >= 500;
                results.push(if server_error { CardVerdict::BeyondSpec } else { CardVerdict::Fail });
                evidence.push(format!(
                    "answered {what} at {}, came back at {} ({} later){}",
                    secs(answered),
                    secs(next.at_ms),
                    secs(next.wait_after(attempt)),
                    if server_error { " (retrying a 5xx: beyond the spec)" } else { "" }
                ));
            }
            None if reading.watched_long_enough(answered) => {
                results.push(CardVerdict::Pass);
                evidence.push(format!("answered {what} at {}, no attempt within 5 s", secs(answered)));
            }
            None => evidence.push(format!("answered {what} at {}, watching for 5 s", secs(answered))),
        }
    }
    RuleVerdict::judged(
        "makes no attempt after 204, another status or another Content-Type",
        Level::Must,
        "Otherwise, if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection. [...] Once the user agent has failed the connection, it does not attempt to reconnect.",
        &results,
        evidence,
    )
}

/// "does not read an error page as an event stream": after a 5xx whose `text/plain` body holds
/// `retry: 2345` and a `data` line, a client that waits about 2,345 ms read the page as a stream;
/// any other wait is a retry of its own (beyond the spec, but on purpose). An observation.
pub(crate) fn does_not_read_an_error_page_as_a_stream(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    let server_errors =
        reading.attempts.iter().enumerate().filter(|(_, a)| a.was_refused() && a.answer.status >= 500);
    for (at, attempt) in server_errors {
        let Some(next) = reading.attempts.get(at + 1) else { continue };
        let wait = next.wait_after(attempt);
        let read_it = (shortest_retry_wait(ERROR_PAGE_RETRY_MS)..=ERROR_PAGE_RETRY_MS + ERROR_PAGE_SLACK_MS)
            .contains(&wait);
        results.push(CardVerdict::of(!read_it));
        evidence.push(if read_it {
            format!(
                "waited {wait} ms after a {}: the `retry: {ERROR_PAGE_RETRY_MS}` in its error page, read as a stream",
                attempt.answer.status
            )
        } else {
            format!("waited {wait} ms after a {}: a retry of its own, not the error page's {ERROR_PAGE_RETRY_MS} ms", attempt.answer.status)
        });
    }
    if evidence.is_empty() {
        evidence.push("no attempt after a 5xx".into());
    }
    RuleVerdict::judged(
        "does not read an error page as an event stream",
        Level::Info,
        "Otherwise, if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection.",
        &results,
        evidence,
    )
}

/// "follows a redirect to its target"
pub(crate) fn follows_a_redirect(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (at, attempt) in reading.attempts.iter().enumerate().filter(|(_, a)| a.is_redirect()) {
        let location = attempt.answer.location.as_deref().unwrap_or("");
        match next_within_watch(reading, at) {
            Some(next) => {
                let ok = next.target == path_of(location);
                results.push(CardVerdict::of(ok));
                evidence.push(format!(
                    "redirected to {location}; next request to {} at {}",
                    next.target,
                    secs(next.at_ms)
                ));
            }
            None if reading.watched_long_enough(attempt.ended_at_ms()) => {
                results.push(CardVerdict::Fail);
                evidence.push(format!("redirected to {location}; no request followed within 5 s"));
            }
            None => evidence.push(format!("redirected to {location}; watching for 5 s")),
        }
    }
    RuleVerdict::judged(
        "follows a redirect to its target",
        Level::Must,
        "Event stream requests can be redirected using HTTP 301 and 307 redirects as with normal HTTP requests.",
        &results,
        evidence,
    )
}

/// "sends the same method, headers, body and target again": every reconnect sends the request
/// again, but `Last-Event-ID` (and the target after a redirect).
pub(crate) fn sends_the_same_request(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (at, pair) in reading.attempts.windows(2).enumerate().filter(|(_, pair)| continued(pair[0], pair[1]))
    {
        let (prev, next) = (pair[0], pair[1]);
        // The attempt `prev` was redirected from, if it was reached by a redirect.
        let redirected_from =
            at.checked_sub(1).map(|before| reading.attempts[before]).filter(|before| before.is_redirect());
        let mut changed = Vec::new();
        if next.method != prev.method {
            changed.push(format!("method {} (before {})", next.method, prev.method));
        }
        if next.body != prev.body {
            let shown = |body: &Option<String>| body.clone().unwrap_or_else(|| "none".into());
            changed.push(format!("body {} (before {})", shown(&next.body), shown(&prev.body)));
        }
        if !prev.is_redirect() && next.target != prev.target {
            changed.push(match redirected_from {
                Some(origin) if next.target == origin.target => format!(
                    "went back to the URL it was made with ({}) after a {} to {} (browsers keep the redirect's target)",
                    next.target, origin.answer.status, prev.target
                ),
                _ => format!("target {} (before {})", next.target, prev.target),
            });
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
        evidence.push(match results.len() {
            1 => "1 reconnect, the same request".to_owned(),
            n => format!("{n} reconnects, each the same request"),
        });
    }
    RuleVerdict::judged(
        "sends the same method, headers, body and target again",
        Level::Must,
        "Let request be the EventSource object's request. [...] Fetch request and process the response obtained in this fashion, if any, as described earlier in this section.",
        &results,
        evidence,
    )
}

/// The attempt after attempt `at`, if it came within the watch after it.
fn next_within_watch<'h>(reading: &Reading<'h>, at: usize) -> Option<&'h Attempt> {
    let attempt = reading.attempts[at];
    reading
        .attempts
        .get(at + 1)
        .copied()
        .filter(|next| next.wait_after(attempt) < crate::thresholds::GIVE_UP_WINDOW_MS)
}

/// "does not drop a quiet stream on its own": a reconnect the client made soon after leaving a
/// stream (a read timeout), with the silence before it. Allowed, so only an observation; a
/// client that drops every stream silent for 5 s is seen here, as a proxy that cuts idle
/// connections would be.
pub(crate) fn does_not_drop_a_quiet_stream(reading: &Reading<'_>) -> RuleVerdict {
    let (mut results, mut evidence) = (Vec::new(), Vec::new());
    for (_, left, next) in &reading.own_reconnects {
        results.push(CardVerdict::Fail);
        let silence = left.silent_ms.map_or("an unknown time".to_owned(), secs);
        evidence.push(format!(
            "left the stream at {} after {silence} without a byte, came back at {}",
            secs(left.ended_at_ms()),
            secs(next.at_ms)
        ));
    }
    if evidence.is_empty() {
        evidence.push("no reconnect of its own".into());
    }
    RuleVerdict::judged(
        "does not drop a quiet stream on its own",
        Level::Info,
        "Legacy proxy servers are known to, in certain cases, drop HTTP connections after a short timeout. To protect against such proxy servers, authors can include a comment line (one starting with a ':' character) every 15 seconds or so.",
        &results,
        evidence,
    )
}
