//! The fault engine of one connection: fed the stream block by block as its source wrote it,
//! it gives back the steps to take on the connection (write these bytes, wait, cut). What the
//! source holds is never changed; a profile that rewrites nothing passes every byte through.
//!
//! Asking for the next step says the one before it was done: what a client was given (its
//! events, the last `id` and `retry` of blocks written whole) counts only steps asked past.

use std::collections::VecDeque;
use std::time::Duration;

use sse_report_card::Delivered;

use crate::cut::CutPoints;
use crate::fit::Skipped;
use crate::profile::FaultProfile;
use crate::rewrite::{rewrite, IdRewrite};

/// The error event a profile sends.
const ERROR_EVENT: &[u8] = b"event: error\ndata: a fault profile sent this error event\n\n";
/// One comment of a comment flood.
const FLOOD_COMMENT: &[u8] = b": flood\n\n";

/// One block of the stream as its source wrote it (an event or a comment, whole), with the
/// fields its source's parser read in it.
#[derive(Debug, Clone, Copy)]
pub struct SourceBlock<'a> {
    pub bytes: &'a [u8],
    /// Whether it dispatches an event (it has a `data` field).
    pub is_event: bool,
    pub id: Option<&'a str>,
    pub retry_ms: Option<u64>,
}

impl<'a> SourceBlock<'a> {
    /// A block of no fields the client records (a comment, the server's greeting).
    pub fn comment(bytes: &'a [u8]) -> Self {
        Self { bytes, is_event: false, id: None, retry_ms: None }
    }
}

/// What to do next on the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Write(Vec<u8>),
    Wait(Duration),
    /// Close the connection without ending the body.
    Cut,
}

/// A step waiting its turn.
#[derive(Debug)]
enum Queued {
    Bytes(Vec<u8>),
    Wait(Duration),
    Cut,
    /// What the profile did, once the steps before it were taken.
    Did(String),
    /// The bytes before it were a block written whole: the client was given these fields.
    Given {
        event: bool,
        id: Option<String>,
        retry_ms: Option<u64>,
    },
}

/// A profile at work on one connection.
#[derive(Debug)]
pub struct FaultEngine {
    profile: FaultProfile,
    cuts: CutPoints,
    ids: Option<IdRewrite>,
    queue: VecDeque<Queued>,
    /// Decided so far, as blocks are queued.
    events_queued: u64,
    bytes_queued: u64,
    cut_queued: bool,
    stalled: bool,
    error_sent: bool,
    /// Of a dripped write: the bytes not yet handed out, and whether a pause is due first.
    dripping: Option<(Vec<u8>, usize)>,
    pause_due: bool,
    /// Done, as far as the steps asked past say.
    bytes_written: u64,
    given: Delivered,
    did: Vec<String>,
    flood_said: bool,
}

impl FaultEngine {
    /// An engine for one connection; `clock_seed` draws the random cut of a profile that has
    /// no `seed`.
    pub fn new(profile: FaultProfile, clock_seed: u64) -> Self {
        Self {
            cuts: CutPoints::new(&profile, clock_seed),
            ids: profile.ids.map(IdRewrite::new),
            profile,
            queue: VecDeque::new(),
            events_queued: 0,
            bytes_queued: 0,
            cut_queued: false,
            stalled: false,
            error_sent: false,
            dripping: None,
            pause_due: false,
            bytes_written: 0,
            given: Delivered::default(),
            did: Vec::new(),
            flood_said: false,
        }
    }

    /// Opens the body: a byte order mark and `retry:` first, then what the source writes on
    /// opening (`opening`: the embedded server's greeting), then an oversized event.
    pub fn open(&mut self, opening: Option<SourceBlock<'_>>) {
        let mut first = Vec::new();
        let mut said = Vec::new();
        if self.profile.bom {
            first.extend_from_slice("\u{feff}".as_bytes());
            said.push("sent a byte order mark".to_owned());
        }
        if let Some(retry) = self.profile.retry_ms {
            first.extend_from_slice(format!("retry: {retry}\n\n").as_bytes());
            said.push(format!("sent retry: {retry}"));
        }
        let opening = opening.unwrap_or(SourceBlock::comment(b""));
        first.extend_from_slice(opening.bytes);
        let retry_ms = opening.retry_ms.or(self.profile.retry_ms);
        self.queue_made(&first, false, opening.id.map(str::to_owned), retry_ms);
        self.queue_did(said);
        if let Some(size) = self.profile.oversized_event_bytes {
            let mut event = b"event: oversized\ndata: ".to_vec();
            event.resize(event.len() + usize::try_from(size).unwrap_or(0), b'x');
            event.extend_from_slice(b"\n\n");
            self.queue_made(&event, false, None, None);
            self.queue_did(vec![format!("sent an oversized event of {} bytes", grouped(size))]);
        }
    }

    /// Takes the next block of the stream: stalls, floods, the error event and cuts go before
    /// or after it as the profile says.
    pub fn push(&mut self, block: SourceBlock<'_>) {
        if self.cut_queued {
            return;
        }
        if block.is_event {
            if self.cuts.events_done(self.events_queued) {
                return self.queue_cut();
            }
            let stall = self.profile.stall_time().filter(|(after, _)| *after == self.events_queued);
            if let Some((_, time)) = stall.filter(|_| !self.stalled) {
                self.stalled = true;
                self.queue.push_back(Queued::Wait(time));
                let after = events(self.events_queued);
                self.queue_did(vec![format!("stalled {} ms after {after}", grouped(millis(time)))]);
            }
            if let Some(flood) = self.profile.comment_flood {
                let comments = FLOOD_COMMENT.repeat(usize::try_from(flood).unwrap_or(0));
                self.queue_made(&comments, false, None, None);
                if !std::mem::replace(&mut self.flood_said, true) {
                    self.queue_did(vec![format!("sent {} comments before each event", grouped(flood))]);
                }
            }
            if !self.error_sent && self.profile.error_event_after == Some(self.events_queued) {
                self.error_sent = true;
                self.queue_made(ERROR_EVENT, false, None, None);
                let after = events(self.events_queued);
                self.queue_did(vec![format!("sent an error event after {after}")]);
            }
        }
        let rewrites = self.ids.is_some() || self.profile.line_ending.is_some();
        let (bytes, rewritten_id) = if rewrites {
            rewrite(block.bytes, self.ids.as_mut(), self.profile.line_ending)
        } else {
            (block.bytes.to_vec(), None)
        };
        let id = rewritten_id.or_else(|| block.id.map(str::to_owned));
        self.queue_bytes(bytes, block.is_event, id, block.retry_ms);
        if block.is_event && !self.cut_queued {
            self.events_queued += 1;
            if self.cuts.events_done(self.events_queued) {
                self.queue_cut();
            }
        }
    }

    /// Bytes the engine made (LF line endings), with the profile's line endings.
    fn queue_made(&mut self, bytes: &[u8], event: bool, id: Option<String>, retry_ms: Option<u64>) {
        let bytes = match self.profile.line_ending {
            Some(ending) => rewrite(bytes, None, Some(ending)).0,
            None => bytes.to_vec(),
        };
        self.queue_bytes(bytes, event, id, retry_ms);
    }

    /// Queues bytes of the body up to the byte cut; a block cut inside gives the client none
    /// of its fields.
    fn queue_bytes(&mut self, mut bytes: Vec<u8>, event: bool, id: Option<String>, retry_ms: Option<u64>) {
        if self.cut_queued {
            return;
        }
        let room = self.cuts.room(self.bytes_queued);
        let whole = u64::try_from(bytes.len()).is_ok_and(|len| len <= room);
        if !whole {
            bytes.truncate(usize::try_from(room).unwrap_or(usize::MAX));
        }
        self.bytes_queued += bytes.len() as u64;
        if !bytes.is_empty() {
            self.queue.push_back(Queued::Bytes(bytes));
        }
        if whole {
            self.queue.push_back(Queued::Given { event, id, retry_ms });
        }
        if self.cuts.room(self.bytes_queued) == 0 {
            self.queue_cut();
        }
    }

    fn queue_did(&mut self, said: Vec<String>) {
        self.queue.extend(said.into_iter().map(Queued::Did));
    }

    fn queue_cut(&mut self) {
        self.cut_queued = true;
        self.queue.push_back(Queued::Cut);
    }

    /// The next step, or `None` until the next block (and for good after a cut). Asking says
    /// the step before was done.
    pub fn next_step(&mut self) -> Option<Step> {
        if std::mem::take(&mut self.pause_due) {
            return Some(Step::Wait(self.drip_pause()));
        }
        if let Some(step) = self.next_drip() {
            return Some(step);
        }
        loop {
            match self.queue.pop_front()? {
                Queued::Did(said) => self.did.push(said),
                Queued::Given { event, id, retry_ms } => {
                    self.given.events += u64::from(event);
                    if event && self.given.first_id.is_none() {
                        self.given.first_id = id.clone();
                    }
                    self.given.last_id = id.or(self.given.last_id.take());
                    self.given.retry_ms = retry_ms.or(self.given.retry_ms);
                }
                Queued::Bytes(bytes) if self.profile.drip_bytes_per_second.is_some() => {
                    self.dripping = Some((bytes, 0));
                    return self.next_drip();
                }
                Queued::Bytes(bytes) => {
                    self.bytes_written += bytes.len() as u64;
                    return Some(Step::Write(bytes));
                }
                Queued::Wait(time) => return Some(Step::Wait(time)),
                Queued::Cut => {
                    self.queue.clear();
                    let (given, at) = (events(self.given.events), grouped(self.bytes_written));
                    self.did.push(format!("cut after {given} at byte {at}"));
                    return Some(Step::Cut);
                }
            }
        }
    }

    /// A dripped write goes out a tenth of a second's bytes at a time (at least one), each
    /// followed by its pause.
    fn next_drip(&mut self) -> Option<Step> {
        let piece = self.drip_piece();
        let (bytes, at) = self.dripping.as_mut()?;
        let end = (*at + piece).min(bytes.len());
        let part = bytes[*at..end].to_vec();
        *at = end;
        if end == bytes.len() {
            self.dripping = None;
        }
        self.pause_due = true;
        self.bytes_written += part.len() as u64;
        Some(Step::Write(part))
    }

    fn drip_piece(&self) -> usize {
        let per_second = self.profile.drip_bytes_per_second.unwrap_or(u64::MAX);
        usize::try_from((per_second / 10).max(1)).unwrap_or(usize::MAX)
    }

    fn drip_pause(&self) -> Duration {
        let per_second = self.profile.drip_bytes_per_second.unwrap_or(u64::MAX).max(1);
        Duration::from_secs_f64(self.drip_piece() as f64 / per_second as f64)
    }

    /// What the client was given, by the steps asked past: events, the last `id` and `retry`
    /// of blocks written whole.
    pub fn given(&self) -> &Delivered {
        &self.given
    }

    /// Bytes of the body handed out to write.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// What the profile did so far, in the order it was done, as the tap's line says it
    /// ("stalled 2,000 ms after 3 events", "cut after 5 events at byte 1,234"); the faults that
    /// act all along (drip, rewrites) first.
    pub fn did(&self) -> Vec<String> {
        let mut did = Vec::new();
        if let Some(rate) = self.profile.drip_bytes_per_second.filter(|_| self.bytes_written > 0) {
            did.push(format!("dripped at {} B/s", grouped(rate)));
        }
        if let Some(ending) = self.profile.line_ending.filter(|_| self.bytes_written > 0) {
            did.push(format!("wrote {} line endings", ending.name()));
        }
        if let Some(ids) = self.ids.as_ref().filter(|ids| ids.rewritten() > 0) {
            did.push(format!("{} {} ids", ids.verb(), grouped(ids.rewritten())));
        }
        did.extend(self.did.iter().cloned());
        did
    }

    /// The faults that found nothing to act on in this stream, and why (known once it ended).
    pub fn skipped(&self) -> Vec<Skipped> {
        let no_ids = self.ids.as_ref().is_some_and(|ids| ids.rewritten() == 0);
        no_ids
            .then(|| Skipped { field: "ids", reason: "no event of the stream carried an `id:`".into() })
            .into_iter()
            .collect()
    }
}

fn millis(time: Duration) -> u64 {
    u64::try_from(time.as_millis()).unwrap_or(u64::MAX)
}

/// `1 event`, `1,234 events`.
fn events(count: u64) -> String {
    format!("{} event{}", grouped(count), if count == 1 { "" } else { "s" })
}

/// `1234567` as `1,234,567`.
pub(crate) fn grouped(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
