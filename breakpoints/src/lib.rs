//! Event breakpoints, sans I/O: a tap stops a stream at an event a breakpoint matches, holds it
//! while the stream keeps coming into a bounded hold behind it, and lets the user send it on,
//! edit it, drop it, or inject events before or after it. It never reads or writes a socket:
//! the tap feeds each stream's blocks (cut by `sse_faults`'s splitter) into a [`Hold`], takes
//! what is ready, and passes on the user's [`Action`]s. `docs/breakpoints.md` is the reference.
//!
//! # Layout
//! - [`Breakpoint`], [`BreakpointList`], [`ExchangeKey`] (`breakpoint.rs`): which exchanges a
//!   breakpoint watches (as a fault rule selects them) and which events it stops at; the JSON list.
//! - [`EventView`], [`WrittenEvent`] (`event.rs`): an event's fields read from its block by the
//!   subscriber's parser; an edited or injected event put in the stream's own form.
//! - [`Hold`], [`Action`], [`HoldMark`] (`hold.rs`): one stream's hold, its bounds, the record
//!   (its tests in `hold_tests.rs`).
//! - [`HeldView`] (`view.rs`): a held event with its exchange, as the window shows it.

mod breakpoint;
mod event;
mod hold;
mod view;

pub use breakpoint::{Breakpoint, BreakpointError, BreakpointList, ExchangeKey, JsonEquals, MAX_BREAKPOINTS};
pub use event::{EventView, WrittenError, WrittenEvent, MAX_WRITTEN_BYTES};
pub use hold::{
    marks_line, ActError, Action, HeldEvent, Hold, HoldFull, HoldMark, MarkAction, Stops, MAX_HELD_BYTES,
    MAX_HELD_EVENTS,
};
pub use view::HeldView;
