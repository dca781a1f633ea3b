//! A connection's expectations checked live, for the window's Expectations panel: the checker's
//! one driver (`sse_expect::StreamCheck`, fed through `sse_subscriber::analyzers` as `sse-sub
//! --expect` feeds it) over the current connection, fed first the events the log still keeps
//! of it, then each new one by the connection's task.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sse_capture::{CaptureHead, CapturedEvent, RecordedResponse, CAPTURE_VERSION};
use sse_expect::{generate, Checker, Expectations, GenerateOptions, Lifecycle, StreamCheck, Tally, Verdict};
use sse_inspector::{Capture, KeptEvent};
use sse_subscriber::analyzers::expect_lifecycle;
use sse_subscriber::Update;

use crate::error::InspectError;

pub(crate) type SharedExpectations = Arc<Mutex<ExpectationsView>>;

/// A response's status and headers, in the order received.
pub(crate) type ResponseHead = (u16, Vec<(String, String)>);

pub(crate) fn lock(expectations: &SharedExpectations) -> MutexGuard<'_, ExpectationsView> {
    expectations.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One expectation as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExpectationRow {
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
pub struct ExpectationsReport {
    /// Where the expectations came from: a file's name, or "generated from N events".
    pub source: String,
    pub rows: Vec<ExpectationRow>,
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
    check: StreamCheck,
    /// The log's sequence number of the first event checked: the checker numbers events from 0.
    first_seq: Option<u64>,
    note: String,
    changed: bool,
}

/// What the task tells about the current stream (the last connection that opened), and the
/// expectations checked on it.
#[derive(Default)]
pub(crate) struct ExpectationsView {
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

fn kept_time(event: &KeptEvent) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(event.received_at_us)
}

impl ExpectationsView {
    /// What the task saw, in order; `connection` is the capture's current connection number,
    /// `seq` where an event was kept.
    pub(crate) fn observe(&mut self, update: &Update, connection: u32, seq: Option<u64>) {
        // The checker's view of the update, with its times: the current stream's state is read
        // from it too, so both see one clock.
        let Some(lifecycle) = expect_lifecycle(update) else { return };
        match &lifecycle {
            Lifecycle::RequestSent { at } => self.attempt_sent = Some(*at),
            Lifecycle::HeadReceived { status, headers } => {
                self.sent = self.attempt_sent;
                self.ended = None;
                self.connection = connection;
                self.head = Some((*status, headers.clone()));
            }
            Lifecycle::Refused { at, .. } | Lifecycle::Ended { at } => {
                self.ended.get_or_insert(*at);
            }
            Lifecycle::Event { .. } => {}
        }
        let Some(run) = &mut self.run else { return };
        if matches!(lifecycle, Lifecycle::Event { .. }) {
            if run.check.checker().is_finished() {
                return;
            }
            if let Some(seq) = seq {
                run.first_seq.get_or_insert(seq);
            }
        }
        // A report goes only when a verdict changed (verdicts change once, from pending).
        run.changed |= run.check.observe(lifecycle);
    }

    /// The current stream: when its request went, its response head, and its connection
    /// number in the capture (its events carry it); none before a response came.
    pub(crate) fn current_stream(&self) -> Option<(Option<SystemTime>, &ResponseHead, u32)> {
        self.head.as_ref().map(|head| (self.sent, head, self.connection))
    }

    /// Whether the task should drop the connection and resume it now
    /// (`reconnect_after_events`).
    pub(crate) fn wants_resume(&self) -> bool {
        self.run.as_ref().is_some_and(|run| run.check.checker().wants_reconnect())
    }

    /// The task dropped the connection and resumes it.
    pub(crate) fn resumed(&mut self) {
        if let Some(run) = &mut self.run {
            run.check.checker_mut().resumed();
        }
    }

    pub(crate) fn set_resumable(&mut self, resumable: bool) {
        self.resumable = resumable;
    }

    /// Time passes: bounds that ran out are decided.
    pub(crate) fn tick(&mut self) {
        if let Some(run) = &mut self.run {
            run.changed |= run.check.tick(SystemTime::now());
        }
    }

    /// The report, if it changed since last asked.
    pub(crate) fn take_changed(&mut self) -> Option<ExpectationsReport> {
        let run = self.run.as_mut().filter(|run| run.changed)?;
        run.changed = false;
        Some(run.report())
    }

    pub(crate) fn report(&self) -> Option<ExpectationsReport> {
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
    ) -> Result<ExpectationsReport, InspectError> {
        let expectations = Expectations::parse(&text)
            .map_err(|error| InspectError::Expectations { file: source.clone(), source: error })?;
        let mut checker = Checker::new(expectations);
        if !self.resumable {
            checker
                .cannot_resume("a tapped stream follows the tap's record: it cannot be dropped and resumed");
        }
        if self.head.is_some() && self.sent.is_none() {
            checker.start_unknown("when the request went is not known");
        }
        // Times count from the current stream's request, or the attempt under way.
        let mut check = StreamCheck::from(checker, self.sent.or(self.attempt_sent));
        if let Some((status, headers)) = &self.head {
            check.observe(Lifecycle::HeadReceived { status: *status, headers: headers.clone() });
        }
        let mut run = Run { source, text, check, first_seq: None, note: String::new(), changed: false };
        let history = capture.history();
        let mine = |event: &&KeptEvent| event.connection == self.connection && self.head.is_some();
        let mut kept = history.from_seq(0).filter(mine).peekable();
        if history.dropped() > 0 && kept.peek().is_some() {
            run.note =
                "the log no longer keeps the stream's earliest events: checked from the oldest it keeps"
                    .into();
        }
        for event in kept {
            run.first_seq.get_or_insert(event.seq);
            run.check.observe(Lifecycle::Event {
                event_type: &event.event,
                data: &event.data,
                id: &event.id,
                id_set: event.id_set,
                received_at: kept_time(event),
            });
        }
        let checker = run.check.checker_mut();
        if let Some(after) = checker.reconnect_after_events().filter(|after| checker.events() >= *after) {
            checker.cannot_resume(&format!(
                "the stream was past event {after} when the file was loaded: load it before, or use sse-sub --expect"
            ));
        }
        if let Some(ended) = self.ended {
            run.check.observe(Lifecycle::Ended { at: ended });
        }
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
    fn report(&self) -> ExpectationsReport {
        let checker = self.check.checker();
        let outcomes = checker.outcomes();
        let tally = Tally::of(outcomes);
        let rows = outcomes
            .iter()
            .map(|outcome| ExpectationRow {
                name: outcome.name.clone(),
                verdict: outcome.verdict,
                detail: outcome.detail.clone(),
                seq: outcome.event.zip(self.first_seq).map(|(index, first)| first + index),
            })
            .collect();
        ExpectationsReport {
            source: self.source.clone(),
            rows,
            pass: tally.pass,
            fail: tally.fail,
            open: tally.undecided + tally.pending,
            finished: checker.is_finished(),
            note: self.note.clone(),
        }
    }
}
