//! `sse_otlp`: each LLM call `sse_llm` read (its summary, its milestones, its events' times)
//! exported over OTLP/HTTP to a collector, as the OpenTelemetry GenAI semantic conventions
//! define a client's inference (`semantic-conventions-genai`, `docs/gen-ai/gen-ai-spans.md`
//! and `gen-ai-metrics.md`): a span per call and the metrics
//! `gen_ai.client.operation.duration`, `gen_ai.client.token.usage`,
//! `gen_ai.client.operation.time_to_first_chunk` and
//! `gen_ai.client.operation.time_per_output_chunk`. Prompts and completions only when asked;
//! credentials never. Used by `sse-sub --otlp`, `sse-tap --otlp` and the app.
//!
//! # Layout
//! - [`OtlpConfig`], [`OtlpProtocol`] (`config.rs`): the collector's base URL (as
//!   `OTEL_EXPORTER_OTLP_ENDPOINT` means it), `http/protobuf` or `http/json`, headers.
//! - [`LlmCall`] (`call.rs`): one call as it is exported: what the request said (URL, body)
//!   and what the stream was (the `sse_llm` reading).
//! - `conventions.rs`: the names, units, bucket boundaries and provider names of the
//!   conventions, in one place.
//! - `span.rs`: a call as a span.
//! - `metrics.rs`: the four instruments, and a call recorded on them.
//! - [`Exporter`] (`exporter.rs`): spans and metrics sent to the collector on the caller's
//!   tokio runtime, a failure said once, a flush bounded in time.
//! - [`ExportQueue`] (`queue.rs`): calls waiting to be sent (at most 1,000, the oldest
//!   dropped and counted), for a tap that exports each call as it ends.
//! - [`OtlpError`] (`error.rs`).
//! - [`cli`] (feature `cli`): the `--otlp`, `--otlp-protocol` and `--otlp-content` arguments
//!   `sse-sub` and `sse-tap` share, and the exporter they ask for.

mod call;
#[cfg(feature = "cli")]
pub mod cli;
mod config;
mod conventions;
mod error;
mod exporter;
mod metrics;
mod queue;
mod span;

pub use call::LlmCall;
pub use config::{OtlpConfig, OtlpProtocol};
pub use error::OtlpError;
pub use exporter::{Exporter, EXPORT_TIMEOUT};
pub use queue::ExportQueue;
