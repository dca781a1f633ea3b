//! A tap's breakpoints, shared by its exchanges and the window: the list (replaced while the
//! tap runs, reaching streams already flowing), and each exchange's hold, registered with a
//! control channel the user's actions go down and the held event it shows.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use sse_breakpoints::{Action, BreakpointList, ExchangeKey, HeldEvent, HeldView, WrittenError};
use sse_faults::BodyKind;
use sse_wire::LineEnding;
use tokio::sync::mpsc;

/// Why an action did not reach a held event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakpointActError {
    #[error("exchange {0} holds no event (it was sent on, or the exchange ended)")]
    NotHeld(u64),
    #[error(transparent)]
    Written(#[from] WrittenError),
}

/// One exchange watched for breakpoints.
struct Entry {
    control: mpsc::UnboundedSender<Action>,
    key: ExchangeKey,
    kind: BodyKind,
    held: Option<HeldEvent>,
}

#[derive(Default)]
struct Hub {
    list: Mutex<Arc<BreakpointList>>,
    /// Bumped at each change of the list, so that an exchange reads it again.
    version: AtomicU64,
    entries: Mutex<BTreeMap<u64, Entry>>,
}

/// The breakpoints of a tap. Cheap to share: clones see the same list and holds.
#[derive(Clone, Default)]
pub struct TapBreakpoints(Arc<Hub>);

impl std::fmt::Debug for TapBreakpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TapBreakpoints").field("list", &self.list().to_json()).finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl TapBreakpoints {
    /// Puts `list` in place; streams already flowing stop at their next matching event.
    pub fn set(&self, list: BreakpointList) {
        *lock(&self.0.list) = Arc::new(list);
        self.0.version.fetch_add(1, Ordering::Release);
    }

    pub fn list(&self) -> Arc<BreakpointList> {
        lock(&self.0.list).clone()
    }

    /// The events held now, oldest exchange first.
    pub fn held(&self) -> Vec<HeldView> {
        let list = self.list();
        let now = Instant::now();
        let entries = lock(&self.0.entries);
        let view = |(exchange, entry): (&u64, &Entry)| {
            let held = entry.held.as_ref()?;
            let words = list
                .breakpoints()
                .get(held.breakpoint.wrapping_sub(1))
                .map_or_else(|| "a breakpoint since changed".to_owned(), |breakpoint| breakpoint.describe());
            Some(HeldView::new(*exchange, &entry.key, held, words, entry.kind == BodyKind::Ndjson, now))
        };
        entries.iter().filter_map(view).collect()
    }

    /// How many events are held now.
    pub fn holding(&self) -> usize {
        lock(&self.0.entries).values().filter(|entry| entry.held.is_some()).count()
    }

    /// Sends `action` to exchange `exchange`'s held event; an edited or injected event that
    /// cannot go into its stream is refused here, with why.
    pub fn act(&self, exchange: u64, action: Action) -> Result<(), BreakpointActError> {
        let entries = lock(&self.0.entries);
        let entry = entries.get(&exchange).filter(|entry| entry.held.is_some());
        let entry = entry.ok_or(BreakpointActError::NotHeld(exchange))?;
        if let Action::SendEdited(written) | Action::InjectBefore(written) | Action::InjectAfter(written) =
            &action
        {
            written.block(entry.kind, LineEnding::Lf)?;
        }
        entry.control.send(action).map_err(|_| BreakpointActError::NotHeld(exchange))
    }

    /// Registers exchange `exchange` (its body a stream of `kind`) to stop at the breakpoints.
    pub(crate) fn watch(&self, exchange: u64, key: ExchangeKey, kind: BodyKind) -> Watch {
        let (control, actions) = mpsc::unbounded_channel();
        lock(&self.0.entries).insert(exchange, Entry { control, key: key.clone(), kind, held: None });
        Watch {
            hub: self.clone(),
            exchange,
            key,
            actions,
            version: u64::MAX,
            list: Arc::default(),
            watches: false,
        }
    }

    /// Whether a breakpoint watches `key` now.
    pub(crate) fn watches(&self, key: &ExchangeKey) -> bool {
        self.list().watches(key)
    }
}

/// One exchange's registration: its actions, and the list as it last read it.
pub(crate) struct Watch {
    hub: TapBreakpoints,
    exchange: u64,
    key: ExchangeKey,
    pub(crate) actions: mpsc::UnboundedReceiver<Action>,
    version: u64,
    list: Arc<BreakpointList>,
    watches: bool,
}

impl Watch {
    /// The list, read again if it changed; none when no breakpoint watches this exchange.
    pub(crate) fn list(&mut self) -> Option<Arc<BreakpointList>> {
        let version = self.hub.0.version.load(Ordering::Acquire);
        if version != self.version {
            self.version = version;
            self.list = self.hub.list();
            self.watches = self.list.watches(&self.key);
        }
        self.watches.then(|| self.list.clone())
    }

    pub(crate) fn key(&self) -> &ExchangeKey {
        &self.key
    }

    /// Shows `held` (or nothing held) to the window.
    pub(crate) fn show(&self, held: Option<HeldEvent>) {
        if let Some(entry) = lock(&self.hub.0.entries).get_mut(&self.exchange) {
            entry.held = held;
        }
    }
}

impl Watch {
    /// What waits behind the event shown: its events and bytes.
    pub(crate) fn show_behind(&self, (events, bytes): (usize, usize)) {
        let mut entries = lock(&self.hub.0.entries);
        if let Some(held) = entries.get_mut(&self.exchange).and_then(|entry| entry.held.as_mut()) {
            (held.behind_events, held.behind_bytes) = (events, bytes);
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        lock(&self.hub.0.entries).remove(&self.exchange);
    }
}
