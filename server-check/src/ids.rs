//! The rules on ids and `retry`: ids present, unique and increasing; a `retry`; what a resume
//! with `Last-Event-ID` gets, named; what an id the server never sent gets.

use sse_report_card::{CardVerdict, Level};

use crate::observed::{Observations, SideConnection};
use crate::resume::{classify_resume, ResumeKind};
use crate::rule::{secs, ServerRule};

const LAST_EVENT_ID: &str = "HTML, server-sent events: \"The `Last-Event-ID` HTTP request header reports an EventSource object's last event ID string to the server when the user agent is to reestablish the connection.\" A resume that repeats or skips events makes the client show one twice or never";

pub(crate) fn rules(seen: &Observations) -> Vec<ServerRule> {
    vec![sends_retry(seen), sends_ids(seen), resumes_after_the_id(seen), answers_an_unknown_id(seen)]
}

/// "sends a retry"
fn sends_retry(seen: &Observations) -> ServerRule {
    const RULE: &str = "sends a retry";
    const SOURCE: &str = "HTML, server-sent events: a `retry` field sets the event source's reconnection time; without one a browser waits its own default (3 s in Chromium and Firefox)";
    let watched = &seen.watched;
    if watched.events == 0 {
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, "no event within the check");
    }
    let evidence = match watched.retry_ms {
        Some(retry) => vec![format!("retry: {retry} ms (set {} times)", watched.retries)],
        None => vec!["none: clients wait their own default before reconnecting".into()],
    };
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(watched.retry_ms.is_some()), evidence)
}

/// "gives its events ids, unique and increasing"
fn sends_ids(seen: &Observations) -> ServerRule {
    const RULE: &str = "gives its events ids, unique and increasing";
    const SOURCE: &str = "HTML, server-sent events: the `id` field sets the last event ID string, which a reconnecting client sends back; without ids a client cannot resume";
    let watched = &seen.watched;
    if watched.events == 0 {
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, "no event within the check");
    }
    let said = format!(
        "{} of {} events set an id; {} repeated one, {} went below the one before",
        watched.with_id, watched.events, watched.repeated_ids, watched.decreasing_ids
    );
    let ok = watched.with_id > 0 && watched.repeated_ids == 0 && watched.decreasing_ids == 0;
    let mut evidence = vec![said];
    if watched.with_id == 0 {
        evidence.push("no id: a client that reconnects cannot say where it was".into());
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(ok), evidence)
}

/// What a side connection answered, in a line.
fn answered(side: &SideConnection) -> String {
    match (&side.head, &side.failure) {
        (Some(head), _) => format!("HTTP {}", head.status),
        (None, Some(reason)) => reason.clone(),
        (None, None) => "no answer within the check".into(),
    }
}

/// "resumes after Last-Event-ID, repeating and losing nothing"
fn resumes_after_the_id(seen: &Observations) -> ServerRule {
    const RULE: &str = "resumes after Last-Event-ID, repeating and losing nothing";
    let Some(resume) = &seen.resume else {
        let why = seen.resume_skipped.clone().unwrap_or_else(|| "no resume was tried".into());
        return ServerRule::not_observed(RULE, Level::Should, LAST_EVENT_ID, why);
    };
    let sent = resume.sent_id.clone().unwrap_or_default();
    let watched: Vec<String> = seen.watched.seen.iter().map(|(_, id)| id.clone()).collect();
    let kind = classify_resume(&watched, &sent, &resume.first_ids);
    let first: Vec<&str> = resume.first_ids.iter().take(5).map(String::as_str).collect();
    let after = watched.iter().skip_while(|id| **id != sent).skip(1).take(5).cloned().collect::<Vec<_>>();
    let said = format!(
        "sent Last-Event-ID `{sent}` at {}: {}; got ids [{}], the watched connection had [{}] after it",
        secs(resume.at_ms),
        answered(resume),
        first.join(", "),
        after.join(", ")
    );
    let verdict = match kind {
        ResumeKind::Exact => CardVerdict::Pass,
        ResumeKind::NoEvent => CardVerdict::NotObserved,
        _ => CardVerdict::Fail,
    };
    ServerRule::judged(RULE, Level::Should, LAST_EVENT_ID, verdict, vec![kind.words(), said])
}

/// "what an unknown Last-Event-ID gets"
fn answers_an_unknown_id(seen: &Observations) -> ServerRule {
    const RULE: &str = "what an unknown Last-Event-ID gets";
    const SOURCE: &str = "HTML, server-sent events: a status other than 200 fails the connection, and EventSource does not reconnect after it: a 4xx for an id the server forgot stops the client for good";
    let Some(unknown) = &seen.unknown_id else {
        let why = if seen.with_body { "the request has a body: one connection only" } else { "not tried" };
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, why);
    };
    let sent = unknown.sent_id.clone().unwrap_or_default();
    let first: Vec<&str> = unknown.first_ids.iter().take(5).map(String::as_str).collect();
    if unknown.head.is_none() {
        let said = format!("sent Last-Event-ID `{sent}`: {}", answered(unknown));
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, said);
    }
    let status = unknown.head.as_ref().map(|head| head.status);
    let said =
        format!("sent Last-Event-ID `{sent}`: {}; first ids [{}]", answered(unknown), first.join(", "));
    let refused = status.is_some_and(|status| status != 200);
    let mut evidence = vec![said];
    if refused {
        evidence.push("an EventSource given this stops for good".into());
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(!refused), evidence)
}
