//! The report card of an SSE server (`sse-sub --check`), sans I/O: what the check's
//! connections saw, kept bounded as it comes, and every rule the server is graded by, one
//! function per rule quoting its source (the HTML standard's sentence, or the practice and
//! where it is documented). Levels and verdicts are the client card's (`sse_report_card`).
//!
//! # Layout
//! - [`Watch`], [`Head`] (`watch.rs`): the connection watched throughout, kept as it comes:
//!   its head, each network read, each event's id and `retry`, the longest silence.
//! - [`Observations`], [`SideConnection`], [`Concurrent`], [`Preflight`] (`observed.rs`): all
//!   the check saw, the watched connection and the others (resume, unknown id, seven at once,
//!   the preflight).
//! - `thresholds.rs`: every number the rules judge by, in one place.
//! - [`ResumeKind`], [`classify_resume`] (`resume.rs`): what a resume got, named.
//! - `answer.rs`: the rules on the response head (status, Content-Type, Cache-Control, ...).
//! - `delivery.rs`: the rules on how events arrive (timings, silence, grouping, compression).
//! - `ids.rs`: the rules on ids, `retry`, the resume and an unknown `Last-Event-ID`.
//! - `reach.rs`: the rules on who can open it (seven at once, CORS, the preflight).
//! - [`ServerRule`] (`rule.rs`): one rule judged, with its source and evidence.
//! - `hop.rs`: what a hop changes (`--via`): events grouped through it, a stream it ends, the
//!   first byte delayed, headers removed, a resume that differs.
//! - [`grade`], [`compare`], [`ServerCard`] (`card.rs`): every rule (on both URLs with
//!   `--via`), as text, JSON and JUnit.

mod answer;
mod card;
mod delivery;
mod hop;
mod ids;
mod observed;
mod reach;
mod resume;
mod rule;
mod thresholds;
mod watch;

pub use card::{compare, grade, ServerCard};
pub use observed::{Concurrent, Observations, Preflight, SideConnection, CHECK_ORIGIN};
pub use resume::{classify_resume, ResumeKind};
pub use rule::{ServerRule, ViaVerdict};
pub use thresholds::{
    CONCURRENT_CONNECTIONS, DEFAULT_CHECK_SECS, MAX_CHECK_SECS, MIN_CHECK_SECS, RESUME_COMPARED,
    RESUME_ID_AGE_MS,
};
pub use watch::{Head, Watch};
