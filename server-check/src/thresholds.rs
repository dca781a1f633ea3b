//! Every number the server check judges by, in one place.

/// `--check-for`'s default and bounds, in seconds.
pub const DEFAULT_CHECK_SECS: u64 = 40;
pub const MIN_CHECK_SECS: u64 = 5;
pub const MAX_CHECK_SECS: u64 = 3_600;
/// Connections opened at once to see that each is served.
pub const CONCURRENT_CONNECTIONS: u32 = 7;
/// The longest silence a stream should keep: the spec advises a comment "every 15 seconds or
/// so"; past 20 s, proxies' and load balancers' idle timeouts start to cut.
pub const LONGEST_QUIET_MS: u64 = 20_000;
/// Idle timeouts of common intermediaries: nginx's `proxy_read_timeout` and Cloudflare's.
pub const NGINX_READ_TIMEOUT_MS: u64 = 60_000;
pub const CLOUDFLARE_TIMEOUT_MS: u64 = 100_000;
/// A first body byte this long after the head is noted (a buffering proxy, or a server silent
/// until its first event).
pub const FIRST_BYTE_LATE_MS: u64 = 1_000;
/// A read after at least this long without one, carrying several events, is "grouped".
pub const GROUPING_WAIT_MS: u64 = 200;
/// A compressed stream holds events back when they come this many to a read on average, some
/// of them grouped after a wait.
pub const HELD_EVENTS_PER_READ: f64 = 4.0;
/// The resume's `Last-Event-ID` is an id seen at least this long before it opens.
pub const RESUME_ID_AGE_MS: u64 = 1_000;
/// Events of the resume compared with what the watched connection saw after the id.
pub const RESUME_COMPARED: usize = 5;
/// Events and reads the watch keeps for the resume's comparison and the evidence.
pub const KEPT_EVENTS: usize = 100_000;
/// A hop that delays the first byte by this much more than the server is noted.
pub const HOP_DELAY_MS: u64 = 500;
