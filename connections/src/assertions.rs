//! A connection's expectations checked live, for the window's Assertions panel: an
//! `sse_expect` checker over the current connection, fed first the events the log still keeps
//! of it, then each new one by the connection's task.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sse_capture::{CaptureHead, CapturedEvent, RecordedResponse, CAPTURE_VERSION};
use sse_expect::{generate, Checker, End, Event, Expectations, GenerateOptions, Head, Tally, Verdict};
use sse_inspector::{Capture, KeptEvent};
use sse_subscriber::{header_pairs, SseEvent, Update};

use crate::error::InspectError;

pub(crate) type SharedAssertions = Arc<Mutex<Assertions>>;

/// A response's status and headers, in the order received.
pub(crate) type ResponseHead = (u16, Vec<(String, String)>);

pub(crate) fn lock(assertions: &SharedAssertions) -> MutexGuard<'_, Assertions> {
    assertions.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One expectation as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssertionRow {
    pub name: String,
    pub verdict: Verdict,
    pub detail: String,
    /// The log's sequence number of the event that decided it, to jump to.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<u64>,
}

/// Where a connection's expectations stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AssertionsReport {
    /// Where the expectations came from: a file's name, or "generated from N events".
    pub source: String,
    pub rows: Vec<AssertionRow>,
    pub pass: usize,
    pub fail: usize,
    /// Undecided or still pending.
    pub open: usize,
    /// Checking is over (the stream ended, or the file's `events` arrived).
    pub finished: bool,
    /// What a user should know about how it was checked (say, that the log had already let
    /// the stream's first events go).
    pub note: String,
}

struct Run {
    source: String,
    text: String,
    checker: Checker,
    /// Where its times count from: when the checked stream's request went.
    start: Option<SystemTime>,
    /// The log's sequence number of the first event checked: the checker numbers events from 0.
    first_seq: Option<u64>,
    note: String,
    changed: bool,
}

/// What the task tells about the current stream (the last connection that opened), and the
/// expectations checked on it.
#[derive(Default)]
pub(crate) struct Assertions {
    /// When the latest attempt's request went (a tapped stream: when the exchange began).
    attempt_sent: Option<SystemTime>,
    /// When the current stream's request went.
    sent: Option<SystemTime>,
    head: Option<ResponseHead>,
    /// The capture's number of the current connection (its events carry it).
    connection: u32,
    /// The current connection ended, and when.
    ended: Option<SystemTime>,
    /// The task can drop the connection and resume it (not a tapped stream).
    resumable: bool,
    run: Option<Run>,
}

fn since(time: SystemTime, start: Option<SystemTime>) -> Duration {
    start.and_then(|start| time.duration_since(start).ok()).unwrap_or(Duration::ZERO)
}

fn kept_time(event: &KeptEvent) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(event.received_at_us)
}

impl Assertions {
    /// A connection attempt starts at `sent`; it becomes the current stream if it opens.
    pub(crate) fn connecting(&mut self, sent: SystemTime) {
        self.attempt_sent = Some(sent);
    }

    /// What the task saw, in order; `connection` is the capture's current connection number.
    pub(crate) fn observe(&mut self, update: &Update, connection: u32, seq: Option<u64>) {
        let now = SystemTime::now();
        if matches!(update, Update::Open { .. }) {
            self.sent = self.attempt_sent;
            self.ended = None;
        }
        match update {
            Update::Open { status, headers, .. } => {
                self.connection = connection;
                let head = (*status, header_pairs(headers));
                if let Some(run) = &mut self.run {
                    run.checker.response(Head { status: head.0, headers: &head.1 });
                    run.changed = true;
                }
                self.head = Some(head);
            }
            Update::Event(event) => {
                if let Some(run) = &mut self.run {
                    run.event(event, seq);
                }
            }
            Update::Error { error, .. } => {
                if let Some(run) = &mut self.run {
                    if let Some(response) = error.response() {
                        run.checker.response(Head { status: response.status, headers: &response.headers });
                    }
                    let end = if error.response().is_some() { End::Refused } else { End::Ended };
                    run.end(since(now, run.start), end);
                }
                self.ended.get_or_insert(now);
            }
            Update::Retrying { .. } | Update::Closed { .. } => {
                if let Some(run) = &mut self.run {
                    run.end(since(now, run.start), End::Ended);
                }
                self.ended.get_or_insert(now);
            }
            Update::Connecting { .. } | Update::Raw(_) => {}
        }
    }

    /// The current stream: when its request went, its response head, and its connection
    /// number in the capture (its events carry it); none before a response came.
    pub(crate) fn current_stream(&self) -> Option<(Option<SystemTime>, &ResponseHead, u32)> {
        self.head.as_ref().map(|head| (self.sent, head, self.connection))
    }

    /// Whether the task should drop the connection and resume it now
    /// (`reconnect_after_events`).
    pub(crate) fn wants_resume(&self) -> bool {
        self.run.as_ref().is_some_and(|run| run.checker.wants_reconnect())
    }

    /// The task dropped the connection and resumes it.
    pub(crate) fn resumed(&mut self) {
        if let Some(run) = &mut self.run {
            run.checker.resumed();
        }
    }

    pub(crate) fn set_resumable(&mut self, resumable: bool) {
        self.resumable = resumable;
    }

    /// Time passes: bounds that ran out are decided.
    pub(crate) fn tick(&mut self) {
        if let Some(run) = &mut self.run {
            if !run.checker.is_finished() {
                let before = run.checker.outcomes().to_vec();
                run.checker.tick(since(SystemTime::now(), run.start));
                run.changed |= run.checker.outcomes() != before.as_slice();
            }
        }
    }

    /// The report, if it changed since last asked.
    pub(crate) fn take_changed(&mut self) -> Option<AssertionsReport> {
        let run = self.run.as_mut().filter(|run| run.changed)?;
        run.changed = false;
        Some(run.report())
    }

    pub(crate) fn report(&self) -> Option<AssertionsReport> {
        self.run.as_ref().map(Run::report)
    }

    /// The loaded file's text, to save.
    pub(crate) fn text(&self) -> Option<&str> {
        self.run.as_ref().map(|run| run.text.as_str())
    }

    pub(crate) fn clear(&mut self) {
        self.run = None;
    }

    /// Checks `text` on the current connection: the events the log keeps of it, then new ones.
    pub(crate) fn load(
        &mut self,
        source: String,
        text: String,
        capture: &Capture,
    ) -> Result<AssertionsReport, InspectError> {
        let expectations = Expectations::parse(&text)
            .map_err(|error| InspectError::Expectations { file: source.clone(), source: error })?;
        let mut checker = Checker::new(expectations);
        if !self.resumable {
            checker
                .cannot_resume("a tapped stream follows the tap's record: it cannot be dropped and resumed");
        }
        let mut note = String::new();
        if let Some((status, headers)) = &self.head {
            checker.response(Head { status: *status, headers });
        }
        if self.sent.is_none() {
            checker.start_unknown("when the request went is not known");
        }
        let mut run = Run {
            source,
            text,
            checker,
            start: self.sent,
            first_seq: None,
            note: String::new(),
            changed: false,
        };
        let history = capture.history();
        let mine = |event: &&KeptEvent| event.connection == self.connection && self.head.is_some();
        let mut kept = history.from_seq(0).filter(mine).peekable();
        if history.dropped() > 0 && kept.peek().is_some() {
            note = "the log no longer keeps the stream's earliest events: checked from the oldest it keeps"
                .into();
        }
        for event in kept {
            run.first_seq.get_or_insert(event.seq);
            run.checker.event(Event {
                event_type: &event.event,
                data: &event.data,
                id: &event.id,
                id_set: event.id_set,
                at: since(kept_time(event), self.sent),
            });
        }
        if let Some(after) =
            run.checker.reconnect_after_events().filter(|after| run.checker.events() >= *after)
        {
            run.checker.cannot_resume(&format!(
                "the stream was past event {after} when the file was loaded: load it before, or use sse-sub --expect"
            ));
        }
        if let Some(ended) = self.ended {
            run.end(since(ended, self.sent), End::Ended);
        }
        run.note = note;
        let report = run.report();
        self.run = Some(run);
        Ok(report)
    }

    /// Expectations written from the current connection's kept events (its first `events`).
    pub(crate) fn generate(
        &self,
        capture: &Capture,
        events: u64,
        source: &str,
    ) -> Result<String, InspectError> {
        let head = CaptureHead {
            version: CAPTURE_VERSION,
            request: self.sent.map(|time| sse_capture::RecordedRequest {
                method: String::new(),
                url: String::new(),
                headers: Vec::new(),
                time: Some(time),
            }),
            response: self.head.as_ref().map(|(status, headers)| RecordedResponse {
                status: *status,
                headers: headers.clone(),
                time: None,
            }),
        };
        let limit = usize::try_from(events).unwrap_or(usize::MAX);
        let kept: Vec<CapturedEvent<'static>> = capture
            .history()
            .from_seq(0)
            .filter(|event| event.connection == self.connection && self.head.is_some())
            .take(limit.saturating_add(1))
            .map(|event| CapturedEvent {
                event: Cow::Owned(event.event.to_string()),
                data: Cow::Owned(event.data.to_string()),
                id: Cow::Owned(event.id.to_string()),
                retry: event.retry_ms,
                time: Some(kept_time(event)),
            })
            .collect();
        let recorded = sse_capture::Capture { head: Some(head), events: kept };
        // A stream still open is not known to be whole.
        let whole = Some(self.ended.is_some() && recorded.events.len() <= limit);
        let options =
            GenerateOptions { events, whole, source: source.to_owned(), ..GenerateOptions::default() };
        Ok(generate(&recorded, &options)?)
    }
}

impl Run {
    fn event(&mut self, event: &SseEvent, seq: Option<u64>) {
        if self.checker.is_finished() {
            return;
        }
        if let Some(seq) = seq {
            self.first_seq.get_or_insert(seq);
        }
        let open_before = self.open();
        self.checker.event(Event {
            event_type: &event.event,
            data: &event.data,
            id: &event.id,
            id_set: event.id_set,
            at: since(event.received_at, self.start),
        });
        // A report goes only when a verdict changed (verdicts change once, from pending).
        self.changed |= self.open() != open_before;
    }

    /// Expectations still pending.
    fn open(&self) -> usize {
        self.checker.outcomes().iter().filter(|outcome| outcome.verdict == Verdict::Pending).count()
    }

    fn end(&mut self, at: Duration, end: End) {
        if !self.checker.is_finished() {
            self.checker.end(at, end);
            self.changed = true;
        }
    }

    fn report(&self) -> AssertionsReport {
        let outcomes = self.checker.outcomes();
        let tally = Tally::of(outcomes);
        let rows = outcomes
            .iter()
            .map(|outcome| AssertionRow {
                name: outcome.name.clone(),
                verdict: outcome.verdict,
                detail: outcome.detail.clone(),
                seq: outcome.event.zip(self.first_seq).map(|(index, first)| first + index),
            })
            .collect();
        AssertionsReport {
            source: self.source.clone(),
            rows,
            pass: tally.pass,
            fail: tally.fail,
            open: tally.undecided + tally.pending,
            finished: self.checker.is_finished(),
            note: self.note.clone(),
        }
    }
}
