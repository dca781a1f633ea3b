//! One exchange's hold at work in its body (`faulted.rs`): the upstream's blocks go through it
//! before the fault engine, the user's actions come down its control channel, and what it holds
//! is shown to the window and kept in the record.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use sse_breakpoints::{Action, EventView, Hold, HoldFull, Stops};
use sse_faults::{BodyKind, OwnedBlock};

use crate::breakpoints::Watch;
use crate::record::{lock, Exchange, Recorder};

/// An exchange's hold, before its fault rule's engine.
pub(crate) struct StreamHold {
    hold: Hold,
    watch: Watch,
    /// The held event last shown (its number), so that only its counts are updated after.
    shown: Option<u64>,
}

impl StreamHold {
    pub(crate) fn new(kind: BodyKind, watch: Watch) -> Self {
        Self { hold: Hold::new(kind), watch, shown: None }
    }

    /// Takes the upstream's next block.
    pub(crate) fn push(&mut self, block: OwnedBlock) -> Result<(), HoldFull> {
        self.with_stops(|hold, stops| hold.push(block, Instant::now(), stops))
    }

    /// Runs `work` on the hold with the breakpoints that watch this exchange now.
    fn with_stops<R>(&mut self, work: impl FnOnce(&mut Hold, Option<Stops<'_>>) -> R) -> R {
        let list = self.watch.list();
        let key = self.watch.key();
        let stop_at = |event: &EventView| list.as_ref().and_then(|list| list.stop_at(key, event));
        work(&mut self.hold, list.is_some().then_some(&stop_at))
    }

    /// Takes the actions the user sent; whether any came.
    pub(crate) fn take_actions(&mut self, cx: &mut Context<'_>) -> bool {
        let mut any = false;
        while let Poll::Ready(Some(action)) = self.watch.actions.poll_recv(cx) {
            any = true;
            self.act(action);
        }
        any
    }

    fn act(&mut self, action: Action) {
        if let Err(error) = self.with_stops(|hold, stops| hold.act(action, Instant::now(), stops)) {
            tracing::debug!(%error, "a breakpoint action was not taken");
        }
    }

    pub(crate) fn take_ready(&mut self) -> Option<OwnedBlock> {
        self.hold.take_ready()
    }

    pub(crate) fn is_holding(&self) -> bool {
        self.hold.is_holding()
    }

    /// Shows what is held now to the window, and keeps the marks in the record; tells the
    /// record's watchers when what is held changed (`acted`: the user's actions came, which
    /// may change it without changing the event held).
    pub(crate) fn show(&mut self, exchange: &Arc<Mutex<Exchange>>, recorder: &Recorder, acted: bool) {
        let number = self.hold.held_number();
        let changed = number != self.shown || acted;
        if changed {
            self.watch.show(self.hold.held());
        } else if number.is_some() {
            // The same event: only what waits behind it moved (its text is not copied again).
            self.watch.show_behind(self.hold.behind());
        }
        if changed {
            self.shown = number;
            let mut record = lock(exchange);
            record.held = number.is_some();
            record.breakpoints = self.hold.marks().to_vec();
            drop(record);
            recorder.touched();
        }
    }

    /// The exchange ended: a held event goes with it; the record gets the marks.
    pub(crate) fn end(&mut self, record: &mut Exchange) {
        self.hold.went(Instant::now());
        record.held = false;
        record.breakpoints = self.hold.marks().to_vec();
        self.watch.show(None);
    }
}
