//! The rules on how events arrive: the three timings, the longest silence against the
//! intermediaries' idle timeouts, events grouped several to a read, a compressed stream.

use sse_report_card::{CardVerdict, Level};

use crate::observed::Observations;
use crate::rule::{secs, ServerRule};
use crate::thresholds::{
    CLOUDFLARE_TIMEOUT_MS, FIRST_BYTE_LATE_MS, HELD_EVENTS_PER_READ, LONGEST_QUIET_MS, NGINX_READ_TIMEOUT_MS,
};

const KEEP_ALIVE: &str = "HTML, server-sent events: \"Legacy proxy servers are known to, in certain cases, drop HTTP connections after a short timeout. To protect against such proxy servers, authors can include a comment line (one starting with a ':' character) every 15 seconds or so.\"";

pub(crate) fn rules(seen: &Observations) -> Vec<ServerRule> {
    vec![
        time_to_head(seen),
        head_to_first_byte(seen),
        time_to_first_event(seen),
        keeps_silences_short(seen),
        silence_past(seen, NGINX_READ_TIMEOUT_MS, "stays under nginx's 60 s proxy_read_timeout", "practice: nginx closes a proxied connection idle for `proxy_read_timeout`, 60 s by default (nginx docs)"),
        silence_past(seen, CLOUDFLARE_TIMEOUT_MS, "stays under Cloudflare's 100 s idle limit", "practice: Cloudflare answers 524 or closes a connection to the origin idle for about 100 s (Cloudflare docs, error 524)"),
        sends_an_event_a_read(seen),
        compressed_without_holding_back(seen),
    ]
}

fn timing(rule: &'static str, source: &'static str, value: Option<String>, none: &str) -> ServerRule {
    match value {
        Some(said) => ServerRule::judged(rule, Level::Info, source, CardVerdict::Pass, vec![said]),
        None => ServerRule::not_observed(rule, Level::Info, source, none),
    }
}

/// "time to the response head"
fn time_to_head(seen: &Observations) -> ServerRule {
    let watched = &seen.watched;
    let took = watched.head.as_ref().map(|head| format!("{} ms", head.at_ms.saturating_sub(watched.sent_ms)));
    timing("time to the response head", "a figure, for comparison", took, "no head")
}

/// "from the head to the first body byte"
fn head_to_first_byte(seen: &Observations) -> ServerRule {
    const RULE: &str = "from the head to the first body byte";
    const SOURCE: &str = "practice: a buffering proxy passes the head at once and holds the body until its buffer fills; a server that sends nothing (not even a comment) before its first event leaves the client waiting the same way";
    let watched = &seen.watched;
    let (Some(head), Some(first)) = (&watched.head, watched.first_byte_ms) else {
        return timing(RULE, SOURCE, None, "no body byte within the check");
    };
    let gap = first.saturating_sub(head.at_ms);
    let late = gap >= FIRST_BYTE_LATE_MS;
    let mut evidence = vec![format!("{gap} ms")];
    if late {
        evidence.push(
            "nothing for a while after the head: a buffering proxy, or a server silent until its first event"
                .into(),
        );
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(!late), evidence)
}

/// "time to the first event"
fn time_to_first_event(seen: &Observations) -> ServerRule {
    let watched = &seen.watched;
    let took = watched.first_event_ms.map(|at| format!("{} ms", at.saturating_sub(watched.sent_ms)));
    timing("time to the first event", "a figure, for comparison", took, "no event within the check")
}

/// "is never silent for more than 20 s"
fn keeps_silences_short(seen: &Observations) -> ServerRule {
    const RULE: &str = "is never silent for more than 20 s";
    let watched = &seen.watched;
    if watched.head.is_none() {
        return ServerRule::not_observed(RULE, Level::Should, KEEP_ALIVE, "no stream");
    }
    let (longest, ended_at) = watched.longest_silence;
    let said =
        format!("longest silence {} (no byte, event or comment), until {}", secs(longest), secs(ended_at));
    if longest > LONGEST_QUIET_MS {
        return ServerRule::judged(RULE, Level::Should, KEEP_ALIVE, CardVerdict::Fail, vec![said]);
    }
    if seen.check_for_ms <= LONGEST_QUIET_MS && !stream_ended(seen) {
        let more = format!("{said}; run longer than 20 s to decide (--check-for 30)");
        return ServerRule::not_observed(RULE, Level::Should, KEEP_ALIVE, more);
    }
    ServerRule::judged(RULE, Level::Should, KEEP_ALIVE, CardVerdict::Pass, vec![said])
}

fn stream_ended(seen: &Observations) -> bool {
    seen.watched.ended_ms.is_some() || seen.watched.failure.is_some()
}

/// A silence longer than `limit` (INFO): decided only by a check that ran longer than it.
fn silence_past(seen: &Observations, limit: u64, rule: &'static str, source: &'static str) -> ServerRule {
    let (longest, _) = seen.watched.longest_silence;
    if longest >= limit {
        let said = format!("silent for {}: an intermediary with this limit cuts the stream", secs(longest));
        return ServerRule::judged(rule, Level::Info, source, CardVerdict::Fail, vec![said]);
    }
    if seen.check_for_ms <= limit {
        let run = format!("not seen: run with --check-for {} or more to see it", limit / 1000 + 5);
        return ServerRule::not_observed(rule, Level::Info, source, run);
    }
    let said = format!("longest silence {}", secs(longest));
    ServerRule::judged(rule, Level::Info, source, CardVerdict::Pass, vec![said])
}

/// "sends its events as they come, not grouped after a wait"
fn sends_an_event_a_read(seen: &Observations) -> ServerRule {
    const RULE: &str = "sends its events as they come, not grouped after a wait";
    const SOURCE: &str = "practice: a buffering proxy (nginx's proxy_buffering) or a server that flushes late holds events back and lets them go several at a time";
    let watched = &seen.watched;
    if watched.reads_with_events == 0 {
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, "no event within the check");
    }
    let said = format!(
        "{} reads carried events, {} of them several after a wait of 200 ms or more (at most {} in one read)",
        watched.reads_with_events, watched.grouped_reads, watched.most_in_a_read
    );
    let mut evidence = vec![said];
    let grouped = watched.grouped_reads > 0;
    if grouped {
        evidence.push("buffering, or a server that publishes in bursts".into());
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(!grouped), evidence)
}

/// "a compressed stream still arrives event by event"
fn compressed_without_holding_back(seen: &Observations) -> ServerRule {
    const RULE: &str = "a compressed stream still arrives event by event";
    const SOURCE: &str = "practice: a compressor that is not flushed after each event holds events back until its buffer fills (gzip's default block), so clients see them late and in bursts";
    let watched = &seen.watched;
    if watched.head.is_none() {
        let said = "no head within the check".to_owned();
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, said);
    }
    let encoding = watched
        .head
        .as_ref()
        .and_then(|head| head.header("content-encoding"))
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"));
    let Some(encoding) = encoding else {
        return ServerRule::judged(
            RULE,
            Level::Should,
            SOURCE,
            CardVerdict::Pass,
            vec!["not compressed".into()],
        );
    };
    if watched.events < 2 {
        let said = format!("Content-Encoding: {encoding}; fewer than 2 events within the check");
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, said);
    }
    // Held back: events come several to a read after waits, many to a read on the whole (a
    // stream flushed per event comes about one event a read).
    let per_read = watched.events as f64 / watched.reads_with_events.max(1) as f64;
    let bursts = watched.grouped_reads > 0 || watched.reads_with_events == 1;
    let held = bursts && per_read >= HELD_EVENTS_PER_READ;
    let said = format!(
        "Content-Encoding: {encoding}; {} events in {} reads ({per_read:.1} a read), {} of them grouped after a wait",
        watched.events, watched.reads_with_events, watched.grouped_reads
    );
    ServerRule::judged(RULE, Level::Should, SOURCE, CardVerdict::of(!held), vec![said])
}
