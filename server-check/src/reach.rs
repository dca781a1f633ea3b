//! The rules on who can open the stream: seven connections at once, a page on another origin
//! (CORS), and the preflight a browser sends for a `fetch()` stream with the request's headers.

use sse_report_card::{CardVerdict, Level};

use crate::observed::{Observations, CHECK_ORIGIN};
use crate::rule::ServerRule;
use crate::thresholds::CONCURRENT_CONNECTIONS;

pub(crate) fn rules(seen: &Observations) -> Vec<ServerRule> {
    vec![serves_connections_at_once(seen), allows_other_origins(seen), answers_the_preflight(seen)]
}

fn one_connection_only(seen: &Observations) -> Option<String> {
    seen.with_body.then(|| {
        "the request has a body: the check opens one connection only (another would send it again)".to_owned()
    })
}

/// "serves seven connections at once"
fn serves_connections_at_once(seen: &Observations) -> ServerRule {
    const RULE: &str = "serves seven connections at once";
    const SOURCE: &str = "practice: each open tab (and each EventSource in it) holds a connection; a server that serves one connection per client or a handful in all locks the others out";
    let Some(concurrent) = &seen.concurrent else {
        let why = one_connection_only(seen).unwrap_or_else(|| "not tried".into());
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, why);
    };
    if seen.watched.events == 0 {
        let said = "no event on the watched connection either: nothing to compare".to_owned();
        return ServerRule::not_observed(RULE, Level::Should, SOURCE, said);
    }
    let mut evidence = vec![format!(
        "{} of {} connections opened beside the watched one got an event",
        concurrent.served, concurrent.opened
    )];
    evidence.extend(concurrent.failures.iter().take(3).cloned());
    let ok = concurrent.served >= CONCURRENT_CONNECTIONS;
    ServerRule::judged(RULE, Level::Should, SOURCE, CardVerdict::of(ok), evidence)
}

/// "lets a page on another origin open it (CORS)"
fn allows_other_origins(seen: &Observations) -> ServerRule {
    const RULE: &str = "lets a page on another origin open it (CORS)";
    const SOURCE: &str = "Fetch, CORS check: a cross-origin EventSource needs `Access-Control-Allow-Origin` naming its origin or `*` (and, with credentials, its origin and `Access-Control-Allow-Credentials: true`)";
    let Some(cors) = &seen.cors else {
        let why = one_connection_only(seen).unwrap_or_else(|| "not tried".into());
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, why);
    };
    let Some(head) = &cors.head else {
        let why = cors.failure.clone().unwrap_or_else(|| "no answer within the check".into());
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, why);
    };
    let origin = head.header("access-control-allow-origin");
    let credentials = head.header("access-control-allow-credentials").is_some_and(|v| v.trim() == "true");
    let allowed = match origin {
        Some("*") => !seen.with_credentials,
        Some(named) => named == CHECK_ORIGIN && (!seen.with_credentials || credentials),
        None => false,
    };
    let said = format!(
        "with Origin: {CHECK_ORIGIN}: Access-Control-Allow-Origin {}{}",
        origin.unwrap_or("absent"),
        if credentials { ", Access-Control-Allow-Credentials: true" } else { "" }
    );
    let mut evidence = vec![said];
    if !allowed {
        evidence.push("a page on another origin cannot open it (same-origin pages can)".into());
    }
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(allowed), evidence)
}

/// "answers the preflight of a fetch() stream with these headers"
fn answers_the_preflight(seen: &Observations) -> ServerRule {
    const RULE: &str = "answers the preflight of a fetch() stream with these headers";
    const SOURCE: &str = "Fetch, CORS-preflight fetch: a cross-origin `fetch()` with a method or headers beyond the safelisted ones is sent only after an OPTIONS that allows them";
    let Some(preflight) = &seen.preflight else {
        let why = one_connection_only(seen).unwrap_or_else(|| "not tried".into());
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, why);
    };
    let Some(head) = &preflight.head else {
        let why = preflight.failure.clone().unwrap_or_else(|| "no answer within the check".into());
        return ServerRule::not_observed(RULE, Level::Info, SOURCE, why);
    };
    let origin = head.header("access-control-allow-origin");
    let methods = head.header("access-control-allow-methods").unwrap_or("");
    let headers = head.header("access-control-allow-headers").unwrap_or("").to_ascii_lowercase();
    let listed = |list: &str, item: &str| {
        list.split(',').any(|entry| entry.trim() == "*" || entry.trim().eq_ignore_ascii_case(item))
    };
    let ok = (200..300).contains(&head.status)
        && origin.is_some_and(|origin| origin == "*" || origin == CHECK_ORIGIN)
        && (preflight.method == "GET" || preflight.method == "POST" || listed(methods, &preflight.method))
        && preflight.asked_headers.iter().all(|name| listed(&headers, name));
    let asked = if preflight.asked_headers.is_empty() {
        "none".to_owned()
    } else {
        preflight.asked_headers.join(", ")
    };
    // GET and POST without other headers are simple requests: fetch() sends no preflight.
    let simple =
        preflight.asked_headers.is_empty() && matches!(preflight.method.as_str(), "GET" | "POST" | "HEAD");
    if simple {
        let said = format!(
            "not needed: a fetch() {} without other headers sends none (OPTIONS answered HTTP {})",
            preflight.method, head.status
        );
        return ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::Pass, vec![said]);
    }
    let said = format!(
        "OPTIONS for {} with headers {asked}: HTTP {}, allow-origin {}, allow-methods {}, allow-headers {}",
        preflight.method,
        head.status,
        origin.unwrap_or("absent"),
        if methods.is_empty() { "absent" } else { methods },
        if headers.is_empty() { "absent" } else { &headers }
    );
    ServerRule::judged(RULE, Level::Info, SOURCE, CardVerdict::of(ok), vec![said])
}
