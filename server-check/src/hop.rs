//! `sse-sub --check URL --via URL2`: what a hop (a proxy, a CDN, another environment) changes,
//! judged from the same battery run on both URLs side by side: events grouped through it and
//! not without it ("buffered by the hop"), a stream it ends that the server keeps, the first
//! byte delayed, headers added or removed, a resume that differs.

use sse_report_card::{CardVerdict, Level};

use crate::observed::Observations;
use crate::resume::classify_resume;
use crate::rule::{secs, ServerRule};
use crate::thresholds::HOP_DELAY_MS;
use crate::watch::Watch;

pub(crate) fn rules(direct: &Observations, via: &Observations) -> Vec<ServerRule> {
    vec![
        passes_events_as_they_come(direct, via),
        keeps_the_stream_open(direct, via),
        adds_no_first_byte_delay(direct, via),
        passes_the_headers(direct, via),
        passes_the_resume(direct, via),
    ]
}

/// "the hop passes events as they come"
fn passes_events_as_they_come(direct: &Observations, via: &Observations) -> ServerRule {
    const RULE: &str = "the hop passes events as they come";
    const SOURCE: &str = "practice: a buffering proxy or CDN holds a stream's events and lets them go several at a time (nginx's proxy_buffering, a CDN's response buffering)";
    let (server, hop) = (&direct.watched, &via.watched);
    if server.reads_with_events > 0 && hop.reads_with_events == 0 && hop.failure.is_none() {
        let said = format!("{} events came directly, none through the hop within the check", server.events);
        return ServerRule::judged(
            RULE,
            Level::Should,
            SOURCE,
            CardVerdict::Fail,
            vec!["buffered by the hop".into(), said],
        );
    }
    if server.reads_with_events == 0 || hop.reads_with_events == 0 {
        let said = "no event on one side: nothing to compare".to_owned();
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, said);
    }
    let said = format!(
        "directly {} of {} reads grouped after a wait; through the hop {} of {}",
        server.grouped_reads, server.reads_with_events, hop.grouped_reads, hop.reads_with_events
    );
    let buffered = hop.grouped_reads > 0 && server.grouped_reads == 0;
    let mut evidence = vec![said];
    if buffered {
        evidence.insert(0, "buffered by the hop".into());
    } else if hop.grouped_reads > 0 {
        evidence.push("grouped directly too: the server's own doing".into());
    }
    ServerRule::judged(RULE, Level::Should, SOURCE, CardVerdict::of(!buffered), evidence)
}

fn how_it_ended(watch: &Watch) -> Option<String> {
    match (&watch.failure, watch.ended_ms) {
        (Some((at, reason)), _) => Some(format!("at {}: {reason}", secs(*at))),
        (None, Some(at)) => Some(format!("at {}: ended", secs(at))),
        (None, None) => None,
    }
}

/// "the hop keeps a stream open while the server does"
fn keeps_the_stream_open(direct: &Observations, via: &Observations) -> ServerRule {
    const RULE: &str = "the hop keeps a stream open while the server does";
    const SOURCE: &str = "practice: proxies and CDNs end connections idle for their timeout (nginx's proxy_read_timeout, 60 s; Cloudflare, about 100 s) or after a maximum duration";
    let (server, hop) = (how_it_ended(&direct.watched), how_it_ended(&via.watched));
    let (verdict, said) = match (server, hop) {
        (None, Some(hop)) => {
            (CardVerdict::Fail, format!("the hop ended a stream the server kept open ({hop})"))
        }
        (None, None) => (CardVerdict::Pass, "open on both sides to the end of the check".to_owned()),
        (Some(server), Some(hop)) => {
            (CardVerdict::Pass, format!("ended on both sides: directly {server}; through the hop {hop}"))
        }
        (Some(server), None) => {
            (CardVerdict::Pass, format!("ended directly ({server}), open through the hop"))
        }
    };
    ServerRule::judged(RULE, Level::Should, SOURCE, verdict, vec![said])
}

/// "the hop adds no delay to the first byte"
fn adds_no_first_byte_delay(direct: &Observations, via: &Observations) -> ServerRule {
    const RULE: &str = "the hop adds no delay to the first byte";
    const SOURCE: &str =
        "practice: a hop that buffers holds the first bytes (and sometimes the head) until a buffer fills";
    let took = |watch: &Watch| watch.first_byte_ms.map(|at| at.saturating_sub(watch.sent_ms));
    if let (Some(server), None, None) = (took(&direct.watched), took(&via.watched), &via.watched.failure) {
        let held = if via.watched.head.is_none() { "not even the head" } else { "no body byte" };
        let said = format!("first byte after {server} ms directly; through the hop {held} within the check");
        return ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::Fail, vec![said]);
    }
    let (Some(server), Some(hop)) = (took(&direct.watched), took(&via.watched)) else {
        let said = "no body byte on one side".to_owned();
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, said);
    };
    let delay = hop.saturating_sub(server);
    let said = format!("first byte after {server} ms directly, {hop} ms through the hop");
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(delay < HOP_DELAY_MS), vec![said])
}

/// Headers every hop may change, left out of the comparison.
const OWN_HEADERS: [&str; 10] = [
    "date",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "server",
    "via",
    "age",
    "alt-svc",
    "content-length",
    "x-request-id",
];

/// "the hop passes the server's headers"
fn passes_the_headers(direct: &Observations, via: &Observations) -> ServerRule {
    const RULE: &str = "the hop passes the server's headers";
    const SOURCE: &str = "practice: a hop that drops `Cache-Control`, `X-Accel-Buffering` or the CORS headers changes what caches and browsers do with the stream";
    let (Some(server), Some(hop)) = (&direct.watched.head, &via.watched.head) else {
        let said = "no head on one side".to_owned();
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, said);
    };
    let names = |head: &crate::watch::Head| -> Vec<String> {
        let mut names: Vec<String> = head
            .headers
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|n| !OWN_HEADERS.contains(&n.as_str()))
            .collect();
        names.sort();
        names.dedup();
        names
    };
    let (server, hop) = (names(server), names(hop));
    let removed: Vec<&str> = server.iter().filter(|n| !hop.contains(n)).map(String::as_str).collect();
    let added: Vec<&str> = hop.iter().filter(|n| !server.contains(n)).map(String::as_str).collect();
    let list = |names: &[&str]| if names.is_empty() { "none".to_owned() } else { names.join(", ") };
    let said = format!("removed: {}; added: {}", list(&removed), list(&added));
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(removed.is_empty()), vec![said])
}

/// "the hop gives a resume what the server gives it"
fn passes_the_resume(direct: &Observations, via: &Observations) -> ServerRule {
    const RULE: &str = "the hop gives a resume what the server gives it";
    const SOURCE: &str = "practice: a hop that drops `Last-Event-ID` (or caches the stream) turns an exact resume into a restart";
    let kind = |seen: &Observations| {
        let resume = seen.resume.as_ref()?;
        let watched: Vec<String> = seen.watched.seen.iter().map(|(_, id)| id.clone()).collect();
        Some(classify_resume(&watched, resume.sent_id.as_deref().unwrap_or_default(), &resume.first_ids))
    };
    let (Some(server), Some(hop)) = (kind(direct), kind(via)) else {
        let said = "no resume on one side".to_owned();
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, said);
    };
    let said = format!("directly {}; through the hop {}", server.words(), hop.words());
    ServerRule::judged(RULE, Level::Should, SOURCE, CardVerdict::of(server == hop), vec![said])
}
