//! MCP (Model Context Protocol) conversations as they went over HTTP: JSON-RPC requests and
//! their responses paired by id across Streamable HTTP's POST responses (JSON or SSE) and its
//! GET stream, or across the older HTTP+SSE transport's `/sse` stream and message endpoint;
//! notifications under the request they belong to; the session (`Mcp-Session-Id`,
//! `MCP-Protocol-Version`, its DELETE) followed; and the transport's rules checked, each broken
//! one named with the exchange that broke it. Sans-I/O: fed HTTP exchanges (a tap's record, or
//! one connection's request and stream); nothing is rewritten.
//!
//! # Layout
//! - [`HttpExchange`], [`StreamEvent`] (`exchange.rs`): what it reads, one HTTP exchange each.
//! - [`Transport`], [`Direction`], [`Via`] (`message.rs`): JSON-RPC messages found in bodies
//!   and events, classified, and where each travelled.
//! - [`Conversation`], [`Call`], [`Reply`], [`Note`] (`conversation.rs`): the calls paired, in
//!   order, with the session.
//! - [`Violation`] (`rules.rs`): the transport's rules, each quoting the sentence it checks.

mod conversation;
mod exchange;
mod message;
mod rules;

pub use conversation::{Call, CallKind, Conversation, Note, Reply, SessionEnd};
pub use exchange::{HttpExchange, StreamEvent};
pub use message::{Direction, Transport, Via};
pub use rules::Violation;

/// The most text kept of one message's params, result or error (its JSON, cut there).
pub const MAX_SHOWN: usize = 16 * 1024;
/// The most calls kept in a conversation; later ones are counted.
pub const MAX_CALLS: usize = 10_000;
