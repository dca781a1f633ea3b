//! The tap's record read as MCP (`sse_mcp`): each exchange as the reader takes it, and, for
//! `sse-tap --mcp`, one line per MCP call as it completes: time, era, method and name, id,
//! outcome, latency, and the rules its exchanges broke.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sse_mcp::{Call, CallKind, Conversation, Era, HttpExchange, StreamEvent};

use crate::record::{Ending, Exchange, Recorder};

fn wall_ms(start: Option<SystemTime>, after: Duration) -> f64 {
    let start = start.and_then(|start| start.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    (start + after).as_secs_f64() * 1000.0
}

/// One tapped exchange as `sse_mcp` reads it: times on the wall clock, so exchanges on
/// different connections line up; nothing rewritten.
pub fn mcp_exchange(exchange: &Exchange) -> HttpExchange {
    let at = |after: Duration| wall_ms(exchange.started, after);
    HttpExchange {
        id: exchange.id,
        started_ms: at(Duration::ZERO),
        method: exchange.method.clone(),
        target: exchange.target.clone(),
        request_headers: exchange.request_headers.clone(),
        request_body: String::from_utf8_lossy(&exchange.request_body).into_owned(),
        status: exchange.status,
        response_headers: exchange.response_headers.clone(),
        head_ms: exchange.head_after.map(at),
        response_body: String::from_utf8_lossy(&exchange.response_body).into_owned(),
        events: exchange
            .events
            .iter()
            .map(|event| StreamEvent {
                at_ms: at(event.at),
                event: event.event.clone(),
                // Its own id only: the rules follow the ids a server set.
                id: if event.id_set { event.id.clone() } else { String::new() },
                data: event.data.clone(),
            })
            .collect(),
        client_closed: matches!(exchange.ending, Some(Ending::ClientHungUp { .. })),
        comments: comment_lines(exchange),
        duration_ms: Some(exchange.duration.unwrap_or_else(|| {
            exchange.started.and_then(|started| started.elapsed().ok()).unwrap_or_default()
        }))
        .map(|duration| duration.as_secs_f64() * 1000.0),
    }
}

/// SSE comment lines among the stream's kept bytes (a line that begins with `:`).
fn comment_lines(exchange: &Exchange) -> u64 {
    let mut at_line_start = true;
    let mut count = 0;
    for byte in exchange.raw.iter().flat_map(|(_, bytes)| bytes.iter()) {
        if at_line_start && *byte == b':' {
            count += 1;
        }
        at_line_start = *byte == b'\n' || *byte == b'\r';
    }
    count
}

/// The MCP conversation in what `recorder` keeps, read as `era` says (a choice made by hand),
/// or as each exchange's request says when none.
pub fn mcp_conversation(recorder: &Recorder, era: Option<Era>) -> Conversation {
    let mut exchanges = Vec::new();
    recorder.visit(|exchange| exchanges.push(mcp_exchange(exchange)));
    Conversation::read_as(&exchanges, era)
}

/// The lines of `sse-tap --mcp`: the calls printed so far are remembered.
#[derive(Debug, Default)]
pub struct McpLines {
    printed: HashSet<(u64, String)>,
}

impl McpLines {
    /// Exchange `finished` ended: the lines of the calls that completed since, if it carried
    /// MCP (then its own line is not printed); none when it did not.
    pub fn finished(&mut self, finished: u64, recorder: &Recorder) -> Option<Vec<String>> {
        let conversation = mcp_conversation(recorder, None);
        if !conversation.exchanges.contains(&finished) {
            return None;
        }
        Some(self.lines(&conversation, false))
    }

    /// At exit: the calls still unprinted, those waiting for an answer included.
    pub fn rest(&mut self, recorder: &Recorder) -> Vec<String> {
        self.lines(&mcp_conversation(recorder, None), true)
    }

    fn lines(&mut self, conversation: &Conversation, all: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for call in &conversation.calls {
            let complete = call.reply.is_some() || call.cancelled || call.kind != CallKind::Request;
            if !complete && !all {
                continue;
            }
            if !all && call.reply.as_ref().is_some_and(|reply| reply.input_required) {
                continue; // its retry comes: the line waits for the last round
            }
            let key =
                (call.exchange, call.id.clone().unwrap_or_else(|| format!("{}@{}", call.method, call.at_ms)));
            if self.printed.insert(key) {
                lines.push(line(call, conversation));
            }
        }
        lines
    }
}

/// `03:37:52.123 modern tools/call greet #2 result 12 ms`, then the rules its exchanges broke.
fn line(call: &Call, conversation: &Conversation) -> String {
    let era = match call.era {
        Era::Modern => "modern",
        Era::Legacy => "legacy",
    };
    let mut words = vec![time_of_day(call.at_ms), era.to_owned()];
    let method = if call.method.is_empty() { "(response)" } else { call.method.as_str() };
    words.push(method.to_owned());
    words.extend(call.name.clone());
    words.extend(call.id.as_ref().map(|id| format!("#{}", id.trim_matches('"'))));
    words.push(outcome(call));
    words.extend(call.latency_ms.map(|ms| format!("{ms:.0} ms")));
    let mut on: Vec<u64> = vec![call.exchange];
    on.extend(call.rounds.iter().map(|round| round.retry_exchange));
    let broken: Vec<&str> = conversation
        .violations
        .iter()
        .filter(|violation| on.contains(&violation.exchange))
        .map(|violation| violation.rule.as_str())
        .collect();
    if !broken.is_empty() {
        words.push(format!("· breaks {}", broken.join(", ")));
    }
    words.join(" ")
}

/// What became of a call.
fn outcome(call: &Call) -> String {
    match (&call.kind, &call.reply) {
        (CallKind::Notification, _) => "notification".into(),
        _ if call.cancelled => "cancelled".into(),
        (_, None) => "unanswered".into(),
        (_, Some(reply)) if !reply.ok => {
            let error: serde_json::Value = serde_json::from_str(&reply.value).unwrap_or_default();
            let code = error
                .get("code")
                .and_then(serde_json::Value::as_i64)
                .map_or_else(String::new, |c| format!(" {c}"));
            let message = error
                .get("message")
                .and_then(serde_json::Value::as_str)
                .map_or_else(String::new, |m| format!(" {m}"));
            format!("error{code}{message}")
        }
        (_, Some(reply)) if reply.input_required => {
            format!(
                "input required after {} round{}",
                call.rounds.len() + 1,
                if call.rounds.is_empty() { "" } else { "s" }
            )
        }
        _ if call.failed => "isError".into(),
        _ if !call.rounds.is_empty() => format!("result after {} rounds", call.rounds.len() + 1),
        _ => "result".into(),
    }
}

/// `HH:MM:SS.mmm` (UTC) of a time in ms since the Unix epoch.
fn time_of_day(ms: f64) -> String {
    let total = ms.max(0.0) as u64;
    let (secs, millis) = (total / 1000, total % 1000);
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}.{millis:03}", day / 3600, day % 3600 / 60, day % 60)
}
