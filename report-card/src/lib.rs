//! The report card of SSE clients, sans I/O: the record of each client's connection attempts
//! (filled by a server: the embedded server, or a tap in front of the user's own) and every
//! rule it is graded by, against the HTML standard's server-sent events section.
//!
//! # Layout
//! - [`client_name`], [`client_tag`] (`naming.rs`): who a request is from, the one rule for
//!   the broker, a tap and fault profiles.
//! - [`ClientBook`] (`book.rs`): the bounded record a server fills, each request kept with its
//!   credentials masked (the one masking rule), each attempt finished once.
//! - [`Attempt`], [`ClientHistory`] and their parts (`record.rs`): what the server recorded of
//!   each attempt (when, the request with credentials masked, `Last-Event-ID`, the answer, what
//!   was delivered, how it ended).
//! - `thresholds.rs`: every number the rules judge by (the 5 s watch, the retry window, the
//!   lockstep spread), in one place.
//! - `instances.rs`: which attempts of one client name are one EventSource (an instance), each
//!   graded on its own.
//! - `reading.rs`: how the rules read a client's attempts (which continue which, what was given
//!   before each, the reconnects).
//! - `rules.rs`: the rules on each reconnect, one function per rule named after its sentence:
//!   Last-Event-ID, the retry wait, giving up after a refusal, redirects, the same request.
//! - [`EventsLost`] (`lost.rs`): after each stream the server ended, the ids the client never
//!   got again.
//! - `timing.rs`: the rules across attempts: backing off, starting again after a connection
//!   that worked, not reconnecting in lockstep after a kick.
//! - [`Level`], [`CardVerdict`], [`RuleVerdict`] (`verdicts.rs`): how the spec words a rule,
//!   and what a client did.
//! - [`grade`], [`report`], [`Card`], [`ClientReport`] (`card.rs`): one client's card, and every
//!   client's.
//! - [`ClientScenarios`], [`Scenario`], [`scenario_of`] (`scenarios.rs`): one client across
//!   scenarios (`client=eventsource/cut`), its cards side by side.

mod book;
mod card;
mod instances;
mod lost;
mod naming;
mod reading;
mod record;
mod rules;
mod scenarios;
mod thresholds;
mod timing;
mod verdicts;

pub use book::{AttemptKey, AttemptRecord, ClientBook, KeptRequest, Opening, MAX_ATTEMPTS, MAX_CLIENTS};
pub use card::{grade, report, Card, ClientReport, GradedClient};
pub use instances::AMBIGUOUS;
pub use lost::EventsLost;
pub use naming::{client_name, client_tag, CLIENT_HEADER, CLIENT_PARAMETER, MAX_VALUE_CHARS};
pub use record::{Answer, Attempt, AttemptEnd, ClientHistory, ClientNamedBy, Delivered};
pub use scenarios::{scenario_of, ClientScenarios, Scenario};
pub use thresholds::{ERROR_PAGE_RETRY_MS, GIVE_UP_WINDOW_MS};
pub use verdicts::{CardVerdict, Level, RuleVerdict};
