//! All a check saw: the watched connection, and the others it opened beside it.

use crate::watch::{Head, Watch};

/// A connection opened beside the watched one (the resume, the unknown id, the one with an
/// `Origin`): its head, why it failed, and the ids of its first events.
#[derive(Debug, Clone, Default)]
pub struct SideConnection {
    /// The `Last-Event-ID` it sent, if any.
    pub sent_id: Option<String>,
    /// When it opened (ms since the check's start).
    pub at_ms: u64,
    pub head: Option<Head>,
    pub failure: Option<String>,
    /// The last event ID after each of its first events (empty when none).
    pub first_ids: Vec<String>,
}

/// The connections opened at once.
#[derive(Debug, Clone, Default)]
pub struct Concurrent {
    pub opened: u32,
    /// Those that got an event within the check.
    pub served: u32,
    /// Why the others did not (one line each).
    pub failures: Vec<String>,
}

/// The `OPTIONS` preflight a browser sends for a `fetch()` stream with the request's headers.
#[derive(Debug, Clone, Default)]
pub struct Preflight {
    /// The headers it asked for (`Access-Control-Request-Headers`), lowercase.
    pub asked_headers: Vec<String>,
    pub method: String,
    pub head: Option<Head>,
    pub failure: Option<String>,
}

/// Everything the check saw; what it did not do is `None` (a request with a body opens only
/// the watched connection).
#[derive(Debug, Clone, Default)]
pub struct Observations {
    pub url: String,
    pub check_for_ms: u64,
    pub ran_for_ms: u64,
    /// `--connect-timeout`: no head within it fails the MUST.
    pub connect_timeout_ms: u64,
    /// The request has a body: only the watched connection was opened.
    pub with_body: bool,
    /// The request carries credentials (`Authorization`, a cookie).
    pub with_credentials: bool,
    pub watched: Watch,
    pub resume: Option<SideConnection>,
    /// Why no resume was tried, when none was.
    pub resume_skipped: Option<String>,
    pub unknown_id: Option<SideConnection>,
    pub concurrent: Option<Concurrent>,
    /// The connection sent with `Origin: http://sse-monitor.invalid` (one of the seven).
    pub cors: Option<SideConnection>,
    pub preflight: Option<Preflight>,
}

/// The origin the CORS request names: no server allows it by name, so only `*` or an echo of
/// any origin lets it in.
pub const CHECK_ORIGIN: &str = "http://sse-monitor.invalid";
