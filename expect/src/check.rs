//! The checker: fed a response head, events with their receive times and the passing of time,
//! it decides each expectation as soon as it can. No I/O: `sse-sub --expect`, a capture and the
//! window drive it alike.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use serde_json::Value;

use crate::expectation::{ms, quote, DataCheck, Expectation, Expectations, Kind, Selector};
use crate::outcome::{Outcome, Verdict};

/// The most ids remembered for `unique` and resume checks; older ones are forgotten.
const REMEMBERED_IDS: usize = 100_000;

/// A response head as received.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub status: u16,
    /// `(name, value)` pairs in the order received.
    pub headers: &'a [(String, String)],
}

/// One event as received.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    pub event_type: &'a str,
    pub data: &'a str,
    /// The last event id, as EventSource keeps it.
    pub id: &'a str,
    /// Whether this event's own block set the id.
    pub id_set: bool,
    /// When it arrived, counted from the request being sent.
    pub at: Duration,
}

/// Why checking ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The stream ended (or the file's `events = N` arrived): what is still pending is decided.
    Ended,
    /// Time ran out: what is still pending stays undecided.
    TimedOut,
    /// The response was not a stream: no event will come.
    Refused,
    /// The run stopped at the first failure.
    Stopped,
}

enum State {
    Idle,
    /// Events a rule has looked at.
    Seen(u64),
    Sequence {
        next: usize,
    },
    Window(VecDeque<String>),
    /// Where the terminal event came.
    Terminal(Option<u64>),
    LastAt(Option<Duration>),
    After {
        pending: Option<Duration>,
        saw_after: bool,
    },
    LastId(Option<u64>),
    /// Dropped after this id; waiting for the next event.
    Resume {
        dropped_after: Option<String>,
    },
}

/// Decides a set of expectations as a stream arrives.
pub struct Checker {
    items: Vec<Expectation>,
    outcomes: Vec<Outcome>,
    states: Vec<State>,
    scope: Option<u64>,
    reconnect_after: Option<u64>,
    events: u64,
    first_at: Option<Duration>,
    last_at: Option<Duration>,
    head_seen: bool,
    finished: bool,
    resumed: bool,
    seen_ids: HashSet<String>,
    id_order: VecDeque<String>,
    last_id: Option<String>,
}

impl Checker {
    pub fn new(expectations: Expectations) -> Self {
        let Expectations { items, scope, reconnect_after } = expectations;
        let outcomes = items.iter().map(|item| Outcome::pending(&item.name)).collect();
        let states = items
            .iter()
            .map(|item| match &item.kind {
                Kind::Data { .. } | Kind::Count { .. } => State::Seen(0),
                Kind::Sequence { contiguous: false, .. } => State::Sequence { next: 0 },
                Kind::Sequence { contiguous: true, .. } => State::Window(VecDeque::new()),
                Kind::Terminal { .. } => State::Terminal(None),
                Kind::NoGapOver(_) => State::LastAt(None),
                Kind::After { .. } => State::After { pending: None, saw_after: false },
                Kind::IdsIncreasing | Kind::IdsNoGap => State::LastId(None),
                Kind::ResumeExact { .. } => State::Resume { dropped_after: None },
                _ => State::Idle,
            })
            .collect();
        Self {
            items,
            outcomes,
            states,
            scope,
            reconnect_after,
            events: 0,
            first_at: None,
            last_at: None,
            head_seen: false,
            finished: false,
            resumed: false,
            seen_ids: HashSet::new(),
            id_order: VecDeque::new(),
            last_id: None,
        }
    }

    /// Each expectation's outcome so far, in the file's order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// `reconnect_after_events`, if the file set it.
    pub fn reconnect_after_events(&self) -> Option<u64> {
        self.reconnect_after
    }

    /// Events looked at so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn all_decided(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.verdict != Verdict::Pending)
    }

    pub fn any_failed(&self) -> bool {
        self.outcomes.iter().any(|outcome| outcome.verdict == Verdict::Fail)
    }

    /// Checking is over: the stream ended, time ran out or `events = N` arrived.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The client should drop the connection now and resume with `Last-Event-ID`
    /// (`reconnect_after_events`), then call [`Checker::resumed`].
    pub fn wants_reconnect(&self) -> bool {
        !self.resumed && !self.finished && self.reconnect_after == Some(self.events)
    }

    /// The earliest time at which [`Checker::tick`] can decide something; `None` when only
    /// events or the end can.
    pub fn next_deadline(&self) -> Option<Duration> {
        if self.finished {
            return None;
        }
        self.items
            .iter()
            .zip(&self.outcomes)
            .zip(&self.states)
            .filter(|((_, outcome), _)| outcome.verdict == Verdict::Pending)
            .filter_map(|((item, _), state)| match (&item.kind, state) {
                (Kind::FirstWithin(within), _) if self.events == 0 => Some(*within),
                (Kind::WholeWithin(within), _) => Some(*within),
                (Kind::NoGapOver(within), State::LastAt(Some(last))) => Some(*last + *within),
                (Kind::After { within, .. }, State::After { pending: Some(since), .. }) => {
                    Some(*since + *within)
                }
                _ => None,
            })
            .min()
    }

    /// Expectations that cannot be decided without receive times (a capture recorded none).
    pub fn times_unknown(&mut self, reason: &str) {
        self.undecide(|kind| kind.is_timed(), reason);
    }

    /// Expectations counted from the request being sent, when that time is not known.
    pub fn start_unknown(&mut self, reason: &str) {
        self.undecide(|kind| kind.needs_start(), reason);
    }

    /// Expectations about the response head, when there is none (a capture without its head).
    pub fn head_unknown(&mut self, reason: &str) {
        self.undecide(|kind| kind.is_response(), reason);
    }

    /// The resume check, when the client cannot drop and resume (a capture).
    pub fn cannot_resume(&mut self, reason: &str) {
        self.undecide(|kind| matches!(kind, Kind::ResumeExact { .. }), reason);
    }

    fn undecide(&mut self, which: impl Fn(&Kind) -> bool, reason: &str) {
        for (item, outcome) in self.items.iter().zip(&mut self.outcomes) {
            if which(&item.kind) && outcome.verdict == Verdict::Pending {
                outcome.decide(Verdict::Undecided, reason.to_owned(), None, None);
            }
        }
    }

    /// The response head (only the first one counts).
    pub fn response(&mut self, head: Head<'_>) {
        if self.head_seen {
            return;
        }
        self.head_seen = true;
        for (item, outcome) in self.items.iter().zip(&mut self.outcomes) {
            if outcome.verdict != Verdict::Pending {
                continue;
            }
            let (pass, detail) = match &item.kind {
                Kind::Status(status) => (head.status == *status, format!("HTTP {}", head.status)),
                Kind::ContentType(wanted) => {
                    let found = header(head.headers, "content-type");
                    let pass = found.is_some_and(|found| same_media_type(found, wanted));
                    (pass, found.map_or("no Content-Type".into(), |found| format!("got {found}")))
                }
                Kind::Header { name, value } => {
                    let values: Vec<&str> = head
                        .headers
                        .iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.trim())
                        .collect();
                    let detail = match values.as_slice() {
                        [] => format!("no {name} header"),
                        found => format!("got {}", found.join(", ")),
                    };
                    (values.contains(&value.trim()), detail)
                }
                _ => continue,
            };
            let verdict = if pass { Verdict::Pass } else { Verdict::Fail };
            outcome.decide(verdict, detail, None, None);
        }
    }

    /// The connection was dropped on purpose and resumed with `Last-Event-ID`.
    pub fn resumed(&mut self) {
        self.resumed = true;
        let last = self.last_id.clone();
        for state in &mut self.states {
            if let State::Resume { dropped_after } = state {
                *dropped_after = Some(last.clone().unwrap_or_default());
            }
        }
    }

    /// One event. Events after the end, or past `events = N`, are not looked at.
    pub fn event(&mut self, event: Event<'_>) {
        if self.finished {
            return;
        }
        let index = self.events;
        self.events += 1;
        self.first_at.get_or_insert(event.at);
        self.last_at = Some(event.at);
        let parsed = std::cell::OnceCell::new();
        let json = || parsed.get_or_init(|| serde_json::from_str::<Value>(event.data).ok());
        let id_seen_before = event.id_set && self.seen_ids.contains(event.id);
        let where_ = describe(index, &event);
        for ((item, outcome), state) in self.items.iter().zip(&mut self.outcomes).zip(&mut self.states) {
            if outcome.verdict != Verdict::Pending {
                continue;
            }
            let fail = |outcome: &mut Outcome, why: String| {
                outcome.decide(Verdict::Fail, format!("{where_}: {why}"), Some(index), Some(event.at));
            };
            let pass = |outcome: &mut Outcome, why: String| {
                outcome.decide(Verdict::Pass, format!("{where_}{why}"), Some(index), Some(event.at));
            };
            match (&item.kind, state) {
                (Kind::Data { selector, check }, State::Seen(seen)) => {
                    if !selector.matches(event.event_type, index) {
                        continue;
                    }
                    *seen += 1;
                    match check_data(check, event.data, json) {
                        Err(why) => fail(outcome, why),
                        Ok(()) if matches!(selector, Selector::Position(_)) => pass(outcome, String::new()),
                        Ok(()) => {}
                    }
                }
                (Kind::TypeAt { position, event_type }, _) if index + 1 == *position => {
                    if event.event_type == event_type {
                        pass(outcome, String::new());
                    } else {
                        fail(outcome, format!("it is a `{}`", event.event_type));
                    }
                }
                (Kind::Count { selector, bound }, State::Seen(seen)) => {
                    if !selector.matches(event.event_type, index) {
                        continue;
                    }
                    *seen += 1;
                    match bound.at_most {
                        Some(most) if *seen > most => {
                            fail(outcome, format!("{seen} so far, more than {most}"))
                        }
                        None if *seen >= bound.at_least => {
                            pass(outcome, format!(" made it {}", bound.at_least));
                        }
                        _ => {}
                    }
                }
                (Kind::Sequence { types, .. }, State::Sequence { next })
                    if types.get(*next).is_some_and(|wanted| wanted == event.event_type) =>
                {
                    *next += 1;
                    if *next == types.len() {
                        pass(outcome, " completed it".into());
                    }
                }
                (Kind::Sequence { types, .. }, State::Window(window)) => {
                    window.push_back(event.event_type.to_owned());
                    if window.len() > types.len() {
                        window.pop_front();
                    }
                    if window.iter().eq(types.iter()) {
                        pass(outcome, " completed it".into());
                    }
                }
                (Kind::Terminal { .. }, State::Terminal(Some(terminal))) => {
                    fail(outcome, format!("came after the terminal event #{}", *terminal + 1));
                }
                (Kind::Terminal { event_type, data }, State::Terminal(terminal)) => {
                    let type_fits = event_type.as_ref().is_none_or(|t| t == event.event_type);
                    let data_fits = data.as_ref().is_none_or(|d| d == event.data);
                    if type_fits && data_fits {
                        *terminal = Some(index);
                    }
                }
                (Kind::FirstWithin(within), _) => {
                    if event.at <= *within {
                        pass(outcome, String::new());
                    } else {
                        fail(outcome, format!("later than {}", ms(*within)));
                    }
                }
                (Kind::NoGapOver(within), State::LastAt(last)) => {
                    if let Some(gap) = last.map(|last| event.at.saturating_sub(last)) {
                        if gap > *within {
                            fail(outcome, format!("{} after the event before it", ms(gap)));
                            continue;
                        }
                    }
                    *last = Some(event.at);
                }
                (Kind::WholeWithin(within), _) if event.at > *within => {
                    fail(outcome, format!("later than {}", ms(*within)));
                }
                (Kind::After { event_type, after, within }, State::After { pending, saw_after }) => {
                    if event.event_type == event_type {
                        if let Some(since) = pending.take() {
                            let took = event.at.saturating_sub(since);
                            if took > *within {
                                fail(outcome, format!("{} after `{after}`", ms(took)));
                                continue;
                            }
                        }
                    }
                    if event.event_type == after {
                        *saw_after = true;
                        pending.get_or_insert(event.at);
                    }
                }
                (Kind::IdsPresent, _) if !event.id_set => fail(outcome, "it has no id".into()),
                (Kind::IdsIncreasing | Kind::IdsNoGap, State::LastId(last)) => {
                    if !event.id_set {
                        continue;
                    }
                    let Ok(id) = event.id.parse::<u64>() else {
                        fail(outcome, format!("id {} is not a whole number", quote(event.id)));
                        continue;
                    };
                    match (*last, &item.kind) {
                        (Some(last), Kind::IdsIncreasing) if id <= last => {
                            fail(outcome, format!("id {id} after {last}"));
                        }
                        (Some(last), Kind::IdsNoGap) if Some(id) != last.checked_add(1) => {
                            fail(outcome, format!("id {id} after {last}"));
                        }
                        _ => *last = Some(id),
                    }
                }
                (Kind::IdsUnique, _) if id_seen_before => {
                    fail(outcome, format!("id {} came before", quote(event.id)));
                }
                (Kind::ResumeExact { .. }, State::Resume { dropped_after: Some(last) }) => {
                    let last = std::mem::take(last);
                    match resume_fault(&last, &event, id_seen_before) {
                        Some(why) => fail(outcome, why),
                        None => pass(outcome, format!(" resumed after id {}", quote(&last))),
                    }
                }
                _ => {}
            }
        }
        if event.id_set {
            self.remember_id(event.id);
        }
        self.last_id = Some(event.id.to_owned());
        if self.scope == Some(self.events) {
            self.end(event.at, End::Ended);
        }
    }

    fn remember_id(&mut self, id: &str) {
        if self.seen_ids.insert(id.to_owned()) {
            self.id_order.push_back(id.to_owned());
            if self.id_order.len() > REMEMBERED_IDS {
                if let Some(oldest) = self.id_order.pop_front() {
                    self.seen_ids.remove(&oldest);
                }
            }
        }
    }

    /// Time has passed with no event: decides the time bounds that ran out.
    pub fn tick(&mut self, now: Duration) {
        if self.finished {
            return;
        }
        let events = self.events;
        for ((item, outcome), state) in self.items.iter().zip(&mut self.outcomes).zip(&self.states) {
            if outcome.verdict != Verdict::Pending {
                continue;
            }
            let why = match (&item.kind, state) {
                (Kind::FirstWithin(within), _) if events == 0 && now > *within => {
                    format!("no event in {}", ms(*within))
                }
                (Kind::WholeWithin(within), _) if now > *within => {
                    format!("not over after {} ({events} events)", ms(*within))
                }
                (Kind::NoGapOver(within), State::LastAt(Some(last))) if now > *last + *within => {
                    format!("nothing for {} after event #{events}", ms(*within))
                }
                (Kind::After { event_type, after, within }, State::After { pending: Some(since), .. })
                    if now > *since + *within =>
                {
                    format!("no `{event_type}` within {} after `{after}`", ms(*within))
                }
                _ => continue,
            };
            outcome.decide(Verdict::Fail, why, None, Some(now));
        }
    }

    /// Checking ends at `now`: what is still pending is decided as `end` says.
    pub fn end(&mut self, now: Duration, end: End) {
        if self.finished {
            return;
        }
        if end == End::TimedOut {
            self.tick(now);
        }
        self.finished = true;
        let events = self.events;
        let head_seen = self.head_seen;
        // `events = N` ends at the Nth event; a stream that ends, when it ends.
        let took = if self.scope == Some(events) { self.last_at.unwrap_or(now) } else { now };
        for ((item, outcome), state) in self.items.iter().zip(&mut self.outcomes).zip(&self.states) {
            if outcome.verdict != Verdict::Pending {
                continue;
            }
            let undecided = match end {
                End::TimedOut => Some(format!("still open at the timeout, after {events} events")),
                End::Refused if !item.kind.is_response() => {
                    Some("no stream: the response was refused".into())
                }
                End::Stopped => Some("not checked: the run stopped at the first failure".into()),
                _ => None,
            };
            if let Some(why) = undecided {
                outcome.decide(Verdict::Undecided, why, None, None);
                continue;
            }
            let over = if events == 0 {
                "the stream had no event".to_owned()
            } else {
                format!("after {events} events")
            };
            let (verdict, why) = match (&item.kind, state) {
                _ if item.kind.is_response() && !head_seen => (Verdict::Fail, "no response".into()),
                (Kind::Data { selector: Selector::Position(p), .. }, _)
                | (Kind::TypeAt { position: p, .. }, _) => (Verdict::Fail, format!("no event {p}: {over}")),
                (Kind::Data { selector, .. }, State::Seen(0)) => {
                    (Verdict::Fail, format!("none of {}: {over}", selector.describe()))
                }
                (Kind::Data { .. }, State::Seen(seen)) => (Verdict::Pass, format!("all {seen} checked")),
                (Kind::Count { bound, .. }, State::Seen(seen)) => {
                    if *seen < bound.at_least {
                        (Verdict::Fail, format!("{seen}, fewer than {}", bound.at_least))
                    } else {
                        (Verdict::Pass, format!("{seen}"))
                    }
                }
                (Kind::Sequence { types, .. }, State::Sequence { next }) => (
                    Verdict::Fail,
                    match types.get(*next) {
                        Some(missing) if *next > 0 => {
                            format!("saw {} of {}, then no `{missing}`", next, types.len())
                        }
                        _ => format!("never began: {over}"),
                    },
                ),
                (Kind::Sequence { .. }, _) => (Verdict::Fail, format!("never in a row: {over}")),
                (Kind::Terminal { .. }, State::Terminal(Some(terminal))) => {
                    (Verdict::Pass, format!("event #{} ended it", terminal + 1))
                }
                (Kind::Terminal { .. }, _) => (Verdict::Fail, format!("the stream ended without it, {over}")),
                (Kind::FirstWithin(_), _) => (Verdict::Fail, over),
                (Kind::WholeWithin(within), _) => {
                    if took <= *within {
                        (Verdict::Pass, format!("took {}", ms(took)))
                    } else {
                        (Verdict::Fail, format!("took {}", ms(took)))
                    }
                }
                (Kind::After { after, .. }, State::After { saw_after: false, .. }) => {
                    (Verdict::Fail, format!("no `{after}` event came: {over}"))
                }
                (Kind::After { event_type, after, .. }, State::After { pending: Some(_), .. }) => {
                    (Verdict::Fail, format!("no `{event_type}` after the last `{after}`: {over}"))
                }
                (Kind::ResumeExact { after_events }, State::Resume { dropped_after: None }) => (
                    Verdict::Fail,
                    format!("the stream ended before the reconnect at event {after_events}: {over}"),
                ),
                (Kind::ResumeExact { .. }, _) => (Verdict::Fail, format!("no event after resuming: {over}")),
                _ if events == 0 => (Verdict::Fail, over),
                _ => (Verdict::Pass, format!("{events} events")),
            };
            outcome.decide(verdict, why, None, None);
        }
    }
}

/// The first value of header `name` (any case) among recorded pairs.
pub(crate) fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// `text/event-stream; charset=utf-8` is `text/event-stream`.
fn same_media_type(found: &str, wanted: &str) -> bool {
    sse_wire::has_essence(found, &sse_wire::essence(wanted))
}

fn describe(index: u64, event: &Event<'_>) -> String {
    let id = if event.id_set { format!(", id {}", quote(event.id)) } else { String::new() };
    format!("event #{} (`{}`{id}) at {}", index + 1, event.event_type, ms(event.at))
}

fn check_data<'j>(
    check: &DataCheck,
    data: &str,
    json: impl FnOnce() -> &'j Option<Value>,
) -> Result<(), String> {
    match check {
        DataCheck::Equals(wanted) if data == wanted => Ok(()),
        DataCheck::Equals(_) => Err(format!("data is {}", quote(data))),
        DataCheck::Matches(regex) if regex.is_match(data) => Ok(()),
        DataCheck::Matches(_) => Err(format!("data {} does not match", quote(data))),
        DataCheck::JsonEquals { path, text, value } => {
            let Some(json) = json() else { return Err(format!("data {} is not JSON", quote(data))) };
            match path.find(json) {
                Some(found) if found == value => Ok(()),
                Some(found) => Err(format!("{text} is {}", quote(&found.to_string()))),
                None => Err(format!("data has no {text}")),
            }
        }
        DataCheck::Schema(validator) => {
            let Some(json) = json() else { return Err(format!("data {} is not JSON", quote(data))) };
            validator.validate(json).map_err(|error| {
                let at = error.instance_path().to_string();
                let at = if at.is_empty() { "the data".to_owned() } else { at };
                format!("{at}: {error}")
            })
        }
    }
}

/// What is wrong with the first event after a resume, if anything: it must carry an id, not
/// one sent before, and follow on from the last one when ids are numbers.
fn resume_fault(last: &str, event: &Event<'_>, seen_before: bool) -> Option<String> {
    if !event.id_set {
        return Some("the first event after resuming has no id".into());
    }
    if seen_before {
        return Some(format!("id {} was sent again after resuming from {}", quote(event.id), quote(last)));
    }
    match (last.parse::<u64>(), event.id.parse::<u64>()) {
        (Ok(last), Ok(id)) if Some(id) != last.checked_add(1) => {
            Some(format!("resumed from id {last} at id {id}, not {}", last.saturating_add(1)))
        }
        _ => None,
    }
}
