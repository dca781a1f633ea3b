//! The embedded SSE server: a broker of named streams on hyper and axum (selected with
//! `?stream=`; monotonic ids, replay and a durable log, keep-alives, CORS so any page or the
//! app's webview can open an `EventSource`), a demo counter on `messages`, fault profiles
//! applied by the `sse_faults` engine, and each client's connection attempts recorded for the
//! `sse_report_card` rules.
//!
//! # Layout
//! - [`ServerConfig`] (`config.rs`): intervals and limits, with the demo's defaults.
//! - [`Event`] (`event.rs`): one published event and its exact wire encoding.
//! - [`Broker`] (`broker.rs`): the named streams, each with a bounded replay log; publish
//!   (idempotent on request) and subscribe from now or after a `Last-Event-ID`.
//! - [`DurableLog`] (`durable.rs`): the optional event log file (redb) the broker stores each
//!   event in before sending it, so a restarted server resumes subscribers with no gap.
//! - `counter.rs`: the task that publishes 0, 1, 2, ... on `messages`.
//! - `load.rs`: the load publisher: R events/s whose data is the publish time in ns.
//! - `subscription.rs`: one subscriber's body stream (events, keep-alives, shutdown).
//! - `faulted_sse.rs`: a subscription a fault profile targets (profiles and their engine are
//!   the `sse_faults` crate's), its blocks handed to the engine and its steps (write, wait,
//!   cut) taken on the socket; a reconnect a profile answers instead; `fault_api.rs`:
//!   `PUT`/`GET`/`DELETE /streams/NAME/faults`.
//! - [`ClientBook`] (`clients.rs`, `sse_report_card`'s record): each client's connection
//!   attempts to `/events`, the broker's streams told apart by their `stream` parameter;
//!   [`report`] (`report_card.rs`): every client's card, served by `GET /clients`.
//! - `access.rs`: the shared state, the Host check, the publish token, refusals.
//! - `answer_headers.rs`: the headers every answer to `/events` carries (the lean and faulted
//!   paths, the router, a fault profile's answer on reconnect), kept once.
//! - `http.rs`: the axum router: `GET /events?stream=`, `GET /streams`, `PUT /streams/{name}`,
//!   `POST /streams/{name}/events`, the demo page at `/`.
//! - [`replay`], [`replay_file`], [`replay_reader`] (`replay.rs`): a recorded capture (`sse_capture`) published
//!   again on a stream, at its recorded pace or faster; an imported file on a new stream.
//! - `listener.rs`: the accept loop (TCP_NODELAY, one task per connection, graceful stop).
//! - `connection.rs`: reads a connection's first request head (with a time limit), then
//!   streams an opened subscription on the lean path or hands the connection to hyper.
//! - `lean_sse.rs`: the lean path: `GET /events` answered straight on the socket, so an idle
//!   subscriber keeps no HTTP buffers.
//! - `io.rs`: the connection given to hyper: bytes already read first, a write-stall limit.
//! - [`Server`] (`server.rs`): wires it together; [`Server::run`] takes a bound listener and a
//!   shutdown future, so the caller chooses the address (port 0 works).
//! - [`cli`] (`cli.rs`): `sse-server`'s arguments.
//! - [`BrokerError`], [`ServerError`], [`ReplayError`] (`error.rs`).
//! - `fuzzing.rs` (hidden): the fuzz targets' entry points, shared with the corpus replay test.

mod access;
mod answer_headers;
mod broker;
pub mod cli;
mod clients;
mod config;
mod connection;
mod counter;
mod durable;
mod error;
mod event;
mod fault_api;
mod faulted_sse;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod io;
mod lean_sse;
mod listener;
mod load;
mod replay;
mod report_card;
mod server;
mod subscription;

pub use broker::{Broker, Publish, Published, Start, StreamInfo, SubscriberHook};
pub use clients::{ClientBook, MAX_ATTEMPTS, MAX_CLIENTS};
pub use config::{BrokerConfig, LoadConfig, ServerConfig, COUNTER_STREAM};
pub use durable::DurableLog;
pub use error::{BrokerError, ReplayError, ServerError, StoreError};
pub use event::{Event, LOST_EVENT_TYPE};
pub use replay::{
    replay, replay_file, replay_reader, replay_when_watched, Pace, ReplayStarted, JOIN_GRACE, WATCH_TIMEOUT,
};
pub use report_card::report;
pub use server::Server;
pub use sse_capture::CapturedEvent;
/// Fault profiles and the engine that applies them, which the embedded server serves.
pub use sse_faults::{
    FaultBook, FaultLineEnding, FaultProfile, FaultStall, IdFault, ProfileError, ReconnectAnswer,
};
/// The report card's record and rules, which the embedded server fills and serves.
pub use sse_report_card::{
    grade, Answer, Attempt, AttemptEnd, Card, CardVerdict, ClientHistory, ClientNamedBy, ClientReport,
    ClientScenarios, Delivered, EventsLost, GradedClient, Level, RuleVerdict, Scenario,
};
