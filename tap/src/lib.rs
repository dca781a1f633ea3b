//! `sse_tap`: a recording reverse proxy for the SSE traffic of one's own app. A request to the
//! tap's listener goes on to the upstream (its target appended to the upstream URL's path),
//! its response comes back as it streams, chunk by chunk, and the whole exchange is recorded:
//! heads, bodies (bounded), each chunk's timing, the events of a `text/event-stream` (or
//! NDJSON) response, and how it ended, so "who cut the stream" has an answer.
//!
//! # Layout
//! - [`TapConfig`] (`config.rs`): the upstream, extra headers, limits; joining a target onto
//!   the upstream's path.
//! - `headers.rs`: the hop-by-hop headers of RFC 9110 section 7.6.1, removed in both directions;
//!   a header's value among recorded pairs.
//! - [`Exchange`], [`Recorder`] (`record.rs`): what is kept of each exchange, and the bounded
//!   store that keeps them (with the clients' attempts for the report card).
//! - [`Ending`] (`ending.rs`): how an exchange ended, who cut it, in the report card's words too.
//! - `graded.rs`: the tap's clients on the report card (`sse_report_card`): which requests are
//!   attempts, kept with credentials masked when they come.
//! - [`AppliedFault`] (`applied.rs`): what a fault rule did to an exchange.
//! - `body.rs`: a body that forwards frames as they come and tells the record about each.
//! - `to_client.rs`: what the client is sent: the upstream's body, the same through a fault rule,
//!   or the tap's own answer.
//! - `fault.rs`: fault rules (`--faults`) on the request side: the rule an exchange takes, the
//!   client tag taken off, a reconnect answered by the tap.
//! - `cut_io.rs`: the client's connection, which a rule's cut closes once what it holds is written.
//! - [`TapBreakpoints`] (`breakpoints.rs`): the window's breakpoints (`sse_breakpoints`), shared
//!   by the exchanges, each registered with a control channel for the user's actions.
//! - `held.rs`: one exchange's hold at work in its body, shown to the window and recorded.
//! - `faulted.rs`: a selected (or watched) response's body through the hold and the fault engine
//!   (`sse_faults`), decoded first when compressed.
//! - [`Tap`] (`proxy.rs`): `Tap::run(listener, shutdown)`; one task per client connection,
//!   WebSocket upgrades tunnelled.
//! - `upstream.rs`, `tls.rs`: one upstream connection per exchange; TLS with ALPN (HTTP/2 or
//!   HTTP/1.1), the system's roots plus an extra CA, or none checked.
//! - `llm.rs`: a stream read as an LLM's (`sse_llm`), its milestones on the record's clock
//!   ([`Exchange::llm`]).
//! - [`LlmExport`] (`llm_export.rs`): each LLM call exported when its exchange ends
//!   (`sse_otlp`): `sse-tap --otlp` and the window's export.
//! - [`mcp_exchange`], [`McpLines`] (`mcp_calls.rs`): the record read as MCP (`sse_mcp`), and
//!   `sse-tap --mcp`'s line per call.
//! - [`har`] (`har.rs`): the session as HAR 1.2, credentials redacted unless kept.
//! - [`capture`] (`capture_file.rs`): a tapped stream as a capture file, for the inspector.
//! - [`TapError`] (`error.rs`).
//! - [`cli`]: `sse-tap`'s arguments (the binary, and the completions and man page).
//!
//! HTTP/1.1 towards the client. From an HTTP/1.1 upstream, header names keep their case
//! (hyper carries it through); HTTP/2 has lowercase names only, so they reach the client
//! lowercase. Repeated headers keep their values' order but are written together, after the
//! first of their name (hyper's header map groups them).

mod applied;
mod body;
mod breakpoints;
mod capture_file;
pub mod cli;
mod config;
mod cut_io;
mod ending;
mod error;
mod fault;
mod faulted;
mod graded;
mod har;
mod headers;
mod held;
mod llm;
mod llm_export;
mod mcp_calls;
mod proxy;
mod record;
mod tls;
mod to_client;
mod upstream;

pub use applied::AppliedFault;
pub use breakpoints::{BreakpointActError, TapBreakpoints};
pub use capture_file::{capture, capture_file_name, write_capture};
pub use config::{
    TapConfig, DEFAULT_BODY_LIMIT, DEFAULT_CLIENT_HEAD_TIMEOUT, DEFAULT_HEAD_TIMEOUT, DEFAULT_KEEP_EXCHANGES,
    MAX_CHUNK_TIMINGS, MAX_RAW_BYTES,
};
pub use error::TapError;
pub use har::{har, redact_headers, redact_url, Secrets, REDACTED};
pub use headers::is_hop_by_hop;
pub use llm_export::LlmExport;
pub use mcp_calls::{mcp_conversation, mcp_exchange, McpLines};
pub use proxy::Tap;
pub use record::{Chunk, Ending, Exchange, ExchangeSummary, Recorder, TappedEvent};
