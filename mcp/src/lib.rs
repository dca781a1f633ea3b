//! MCP (Model Context Protocol) conversations as they went over HTTP, in either era: JSON-RPC
//! requests and their responses paired across Streamable HTTP's POST responses (JSON or SSE)
//! and, in the legacy era, its GET stream, or across the older HTTP+SSE transport's `/sse`
//! stream and message endpoint; notifications under the request they belong to; the legacy
//! session (`Mcp-Session-Id`, `MCP-Protocol-Version`, its DELETE) followed; the modern era's
//! request metadata headers read beside the body, its listen streams, cancellations and multi
//! round-trip requests; and each era's rules checked, each broken one named with the exchange
//! that broke it. Sans-I/O: fed HTTP exchanges (a tap's record, or
//! one connection's request and stream); nothing is rewritten.
//!
//! # Layout
//! - [`HttpExchange`], [`StreamEvent`] (`exchange.rs`): what it reads, one HTTP exchange each.
//! - [`Transport`], [`Direction`], [`Via`] (`message.rs`): JSON-RPC messages found in bodies
//!   and events, classified, and where each travelled.
//! - [`Call`], [`Reply`], [`Note`], [`Round`] (`call.rs`): one call and what belongs to it.
//! - [`Conversation`] (`conversation.rs`): the calls paired, in order, with the session.
//! - `reading.rs`: which exchanges carry MCP, and the messages they carried, in order.
//! - [`Era`], [`EraChange`] (`era.rs`): the legacy era (2024-11-05 to 2025-11-25) and the modern
//!   one (2026-07-28: no sessions, a request per POST), each exchange's, and a client's fallback.
//! - [`MetadataHeader`] (`metadata.rs`): a modern request's metadata headers beside the body
//!   fields they mirror, Base64 sentinels decoded, `x-mcp-header` annotations learnt from
//!   `tools/list`.
//! - `calls.rs`: each call's name, failure (`isError`), cancellation, headers, and a multi
//!   round-trip request's retries folded into it as its [`Round`]s.
//! - [`Violation`] (`rules.rs`): the legacy era's transport rules, each quoting the sentence it
//!   checks; `modern_rules.rs`: the modern era's (revision 2026-07-28), and its SHOULDs as advice.

mod call;
mod calls;
mod conversation;
mod era;
mod exchange;
mod message;
mod metadata;
mod modern_rules;
mod reading;
mod rules;

pub use call::{error_name, Call, CallKind, Note, Reply, Round};
pub use conversation::{Conversation, SessionEnd};
pub use era::{Era, EraChange, MODERN_REVISION};
pub use exchange::{HttpExchange, StreamEvent};
pub use message::{Direction, Transport, Via};
pub use metadata::{encode as encode_header_value, request_metadata, MetadataHeader};
pub use rules::Violation;

/// The most text kept of one message's params, result or error (its JSON, cut there).
pub const MAX_SHOWN: usize = 16 * 1024;
/// The most calls kept in a conversation; later ones are counted.
pub const MAX_CALLS: usize = 10_000;
