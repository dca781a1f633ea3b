//! Expectations about a Server-Sent Events stream, checked as the stream arrives: the response
//! (status, Content-Type, headers), the events (type, data, JSON paths, JSON Schema, counts),
//! their order and end, timing, and ids, including an exact resume after a reconnect.
//! Written in a TOML file (`docs/expectations.md`), or generated from a known-good capture.
//!
//! Sans-I/O: a [`Checker`] is fed a response head, events with their receive times and the
//! passing of time, by `sse-sub --expect`, by [`check_capture`] or by the window; it never
//! connects. It does not depend on the subscriber, so the subscriber's CLI can depend on it.
//!
//! # Layout
//! - [`Expectations`] (`expectation.rs`): a checked file, each expectation with its name.
//! - `file.rs`: the TOML file, unknown keys refused, mistakes reported at a line and column.
//! - [`Checker`], [`Head`], [`Event`], [`End`] (`check.rs`): deciding them.
//! - [`StreamCheck`], [`Lifecycle`] (`stream.rs`): the one driver of a checker for a stream as
//!   it arrives, which `sse-sub --expect` and the window both feed; its clock.
//! - [`Outcome`], [`Verdict`], [`Tally`], [`text_report`], [`junit_xml`] (`outcome.rs`).
//! - [`check_capture`] (`capture.rs`): a capture checked offline with its recorded times.
//! - [`generate`], [`GenerateOptions`] (`generate.rs`): a file from a capture; `infer.rs`
//!   infers the JSON Schema of each event type's data.
//! - [`JsonPath`]: `a.b[0].c`, kept by `sse_wire` (shared with the window's assembled text and
//!   the tap's breakpoints).
//! - [`FileError`] (`error.rs`), [`GenerateError`].

mod capture;
mod check;
mod error;
mod expectation;
mod file;
mod generate;
mod infer;
mod outcome;
mod stream;

pub use capture::check_capture;
pub use check::{Checker, End, Event, Head};
pub use error::FileError;
pub use expectation::Expectations;
pub use generate::{generate, GenerateError, GenerateOptions};
pub use outcome::{junit_xml, text_report, Outcome, Tally, Verdict};
pub use sse_wire::{JsonPath, JsonPathError};
pub use stream::{Lifecycle, StreamCheck};
