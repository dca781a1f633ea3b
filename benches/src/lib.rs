//! What the bench binaries share.
//!
//! # Layout
//! - `process.rs`: the server or proxy under test as a child process, its CPU and memory.
//! - [`load`]: subscribers that measure each event's latency, and one measuring window.

pub mod load;
mod process;

pub use process::{children, cpu_secs, rss_kib, spawn_listening, sse_server_bin};
