//! What the bench binaries share.
//!
//! # Layout
//! - `process.rs`: the server or proxy under test as a child process (a proxy with its workers
//!   in a process group, killed whole), its CPU and memory (RSS, PSS).
//! - [`load`]: subscribers that measure each event's latency, and one measuring window.
//! - [`llm_ttft`]: an LLM provider's SDK streaming a fixture through a tap, the tap's first
//!   content against the SDK's.
//!
//! The binaries: `main.rs` (`sse-load`: sse-server under many subscribers, against a named
//! baseline), `abuse.rs` (`sse-abuse`: idle hordes, slow-loris, oversized input, connection
//! floods), `tap_bench.rs` (`sse-tap-bench`: the tap against nginx and mitmproxy) and
//! `inspector/` (`sse-inspector-bench`: the window under load and at rest; `display.rs` an
//! Xvfb with openbox for each window measured, `session.rs` the app under WebDriver, `page.rs`
//! what it reads of the page, `idle.rs` the window at rest in five states, `anchor.rs` what it
//! is measured against: the demo page in a plain WebKitGTK window,
//! `benches/anchor/webkit_anchor.py`; `tapped.rs` the load through a tap), `llm_ttft_bench.rs` (`sse-llm-ttft-bench`: how much
//! earlier the tap sees an LLM stream's first content than each provider's SDK yields it).

pub mod llm_ttft;
pub mod load;
mod process;

pub use process::{
    all_pids, children, cpu_secs, kill_group, pss_kib, rss_kib, spawn_listening, sse_server_bin, Group, Stat,
};
