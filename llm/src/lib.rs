//! LLM streams understood the way their developers think of them: the answer rebuilt per
//! choice or content block (text, reasoning apart, each tool call with its arguments checked
//! as JSON when its block ends), usage, token timing, and whether the stream is complete, cut
//! short or failed in band. Sans-I/O: fed events with their receive times by `sse-sub --llm`
//! or the window; it never connects. Bounded in memory whatever the stream sends.
//!
//! # Layout
//! - [`Provider`] (`provider.rs`): the formats, guessed from the URL or the first event.
//! - [`LlmStream`], [`Summary`], [`Oddities`] (`stream.rs`): one stream,
//!   event by event; what did not fit is counted and sampled.
//! - `openai_chat.rs`, `openai_responses.rs`, `anthropic.rs`, `gemini.rs`, `ollama.rs`: each
//!   format's events, each citing the documentation it follows.
//! - [`Block`], [`BlockKind`], [`Arguments`], [`Usage`] (`answer.rs`): the assembled answer.
//! - [`LlmReading`], [`Lifecycle`], [`ReadAs`] (`reading.rs`): the one driver both the window
//!   and `sse-sub --llm` feed a subscription's lifecycle to: the provider picked, a reading
//!   per response, and the clock: where TTFB and TTFT are computed (per attempt, from its
//!   request being sent).
//! - [`Completeness`] (`completeness.rs`): where a stream stands.
//! - [`Milestones`], [`NoContent`] (`milestones.rs`): the stream's moments on one clock, from
//!   the request sent to the end; TTFT is the first event that carries content, as each
//!   format's module finds it.
//! - [`Timing`], [`Stall`] (`timing.rs`): the token figures from those times: rate, gaps,
//!   stalls.
//! - `report.rs`: [`Summary::text`], for a terminal.
//! - `shared.rs`: what the format modules share (how an event fitted, error objects as text).

mod answer;
mod anthropic;
mod completeness;
mod gemini;
mod milestones;
mod ollama;
mod openai_chat;
mod openai_responses;
mod provider;
mod reading;
mod report;
mod shared;
mod stream;
mod timing;

pub use answer::{Arguments, Block, BlockKind, Usage};
pub use completeness::Completeness;
pub use milestones::{Milestones, NoContent};
pub use provider::Provider;
pub use reading::{Lifecycle, LlmReading, ReadAs};
pub use stream::{LlmStream, Oddities, Summary};
pub use timing::{Stall, Timing, GAP_BUCKETS_MS};
