//! How the programs of SSE Monitor (the app, `sse-server`, `sse-sub`, `sse-tap`) speak on
//! stderr, set once so they agree: their logs, and the line that says they failed.
//!
//! # Layout
//! - [`init`] (here): `RUST_LOG`, else the program's default level; stderr (stdout is the
//!   programs' output); colour only on a terminal, never when `NO_COLOR` is set (no-color.org).
//! - [`Failure`] (`failure.rs`): a failure said in one line, `PROGRAM: what is wrong`, with its
//!   exit code (2 for the user's arguments, 1 at run time).

mod failure;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub use failure::Failure;

/// Starts logging for a program whose default level (without `RUST_LOG`) is `default_level`.
pub fn init(default_level: &str) {
    tracing_subscriber::fmt()
        .with_env_filter(filter(std::env::var("RUST_LOG").ok().as_deref(), default_level))
        .with_writer(std::io::stderr)
        .with_ansi(colour(std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR").as_deref()))
        .init();
}

/// `RUST_LOG` when it is set and parses, else the default level.
fn filter(rust_log: Option<&str>, default_level: &str) -> EnvFilter {
    rust_log
        .filter(|directives| !directives.trim().is_empty())
        .and_then(|directives| EnvFilter::try_new(directives).ok())
        .unwrap_or_else(|| EnvFilter::new(default_level))
}

/// Colour on a terminal, unless `NO_COLOR` is set to anything but the empty string.
fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|value| value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RUST_LOG wins when it parses; an empty or broken one leaves the default.
    #[test]
    fn rust_log_or_the_default_level() {
        assert_eq!(filter(Some("debug"), "warn").to_string(), "debug");
        assert_eq!(filter(None, "warn").to_string(), "warn");
        assert_eq!(filter(Some(" "), "info").to_string(), "info");
        assert_eq!(filter(Some("=[=broken"), "info").to_string(), "info");
    }

    /// Colour only on a terminal, and never when NO_COLOR is set (an empty one does not count).
    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(std::ffi::OsStr::new(""))));
        assert!(!colour(true, Some(std::ffi::OsStr::new("1"))));
        assert!(!colour(false, None));
    }
}
