//! The fault engine, sans I/O: what a fault profile does to one SSE stream, so that the
//! embedded server (and, in front of a user's own server, a tap) can make a stream misbehave
//! on purpose. It never reads or writes a socket: it is fed the stream's blocks and gives back
//! the steps to take. `docs/faults.md` lists every field.
//!
//! # Layout
//! - [`FaultProfile`] and its parts, [`ProfileError`] (`profile.rs`): the profile's JSON
//!   fields, their bounds, and the messages that name a field out of bounds.
//! - [`FaultBook`], [`is_reconnect`] (`book.rs`): the profiles set by stream,
//!   which one a subscription gets (its `client`, `once`), and what counts as a reconnect.
//! - [`InsteadAnswer`] (`answer.rs`): what a profile answers a reconnect with instead of the
//!   stream, and how the client record keeps it.
//! - [`FaultEngine`], [`SourceBlock`], [`Step`] (`engine.rs`): one connection's engine: blocks
//!   in, steps out (write, wait, cut); stalls, drip, comment floods, the error event.
//! - [`BlockSplitter`], [`OwnedBlock`] (`blocks.rs`): a source's body, in pieces of
//!   any size, cut into the blocks the engine takes (an event stream's blocks, NDJSON lines).
//! - [`BodyKind`], [`Skipped`] (`fit.rs`): which of a profile's faults fit a body (event stream, NDJSON, other),
//!   and those skipped, with why.
//! - `cut.rs`: where a fault cuts (after N events, N bytes, a seeded random byte).
//! - `rewrite.rs`: the rewrites of a block's bytes: ids repeated or reset, line endings.
//! - [`FaultRules`], [`FaultRule`], [`RulesError`] (`rules.rs`): a tap's rule list (`sse-tap
//!   --faults`): which exchanges each rule selects (method, a path glob, a client tag), the
//!   first that matches applying alone, `once` removing it; [`Selector`] and [`take_selectors`],
//!   which the tap's breakpoints select exchanges by too.

mod answer;
mod blocks;
mod book;
mod cut;
mod engine;
mod fit;
mod profile;
mod rewrite;
mod rules;

pub use answer::InsteadAnswer;
pub use blocks::{BlockSplitter, OwnedBlock, MAX_HELD_BYTES};
pub use book::{is_reconnect, FaultBook};
pub use engine::{FaultEngine, SourceBlock, Step};
pub use fit::{BodyKind, Skipped};
pub use profile::{
    FaultLineEnding, FaultProfile, FaultStall, IdFault, ProfileError, ReconnectAnswer, MAX_BYTES,
    MAX_CLIENT_CHARS, MAX_COMMENTS, MAX_COUNT, MAX_DRIP_BYTES_PER_SECOND, MAX_MS, MAX_REDIRECT_CHARS,
    MIN_DRIP_BYTES_PER_SECOND,
};
pub use rules::{glob_matches, take_selectors, FaultRule, FaultRules, RulesError, Selected, Selector};
