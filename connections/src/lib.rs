//! Connections to any SSE server, as the app's user sets them up: everything here is
//! testable without a window; the Tauri layer only wires it to commands.
//!
//! # Layout
//! - [`ConnectionSpec`] (`spec.rs`): URL, method, headers, body, auth, TLS and reconnect
//!   options; turned into the subscriber's request, with what a browser `EventSource` cannot do.
//! - [`curl_command`], [`sse_sub_command`], [`sse_sub_check_command`] (`command_line.rs`):
//!   "copy as command".
//! - [`check_server`] (`server_check.rs`): the Check server tab's battery (`sse-sub --check`)
//!   on a connection's request, through a second URL too.
//! - [`Diagnostics`] (`diagnostics.rs`): status, headers and warnings for one connection.
//! - [`CompressionReport`] (`body_watch.rs`): how a body arrived (compressed, event by event
//!   or in bursts) and its first byte that is not UTF-8, for the diagnostics.
//! - [`TextAssembler`] (`json_path.rs`): the assembled text of LLM streams.
//! - [`ExpectationsReport`] (`expectations.rs`): a connection's expectations (`sse_expect`)
//!   checked live, from the events its log keeps, for the window's Expectations panel.
//! - [`LlmReport`], [`parse_read_as`] (`llm.rs`): a connection's stream read as an LLM's by
//!   `sse_llm`'s one driver (fed through `sse_subscriber::analyzers`, as `sse-sub --llm` is),
//!   reported to the window's LLM panel in pieces.
//! - [`SharedExport`], [`OtlpSettings`], [`OtlpStatus`] (`otlp_export.rs`): the app's one
//!   OpenTelemetry export (`sse_otlp`) of its connections' and taps' LLM calls;
//!   `otlp_settings.rs`: kept with the settings, its header's value in the keyring.
//! - [`RunningConnections`], [`Page`] (`running.rs`): the open connections, each with its
//!   inspector capture (pages, detail, filter, clear, raw bytes, export), closed on request.
//! - `task.rs`: one connection's task: subscription, capture, diagnostics, batches.
//! - `tapped_feed.rs`: a stream through a tap read from the tap's record as a subscription's
//!   updates ([`RunningConnections::open_tapped`]), so the whole inspector shows it.
//! - [`ConnectionUpdate`], [`Emitter`] (`update.rs`): what a connection reports to the UI.
//! - [`LaunchOptions`] (`launch.rs`): `sse-monitor --url URL -H 'Name: value'`.
//! - [`TapSpec`] (`tap_spec.rs`): a tap as the user sets it up: upstream, headers, TLS, port.
//! - [`RunningTaps`], [`TapUpdate`], [`TapFaults`] (`taps.rs`): the open taps, each telling
//!   its emitter which of its exchanges changed; each tap's fault rules (never saved).
//! - [`TapBreakpointsView`], [`HoldAction`] (`tap_breakpoints.rs`): a tap's breakpoints and the
//!   events they hold, for its Breakpoints tab.
//! - [`ExchangeRow`], [`ExchangeDetail`], [`TimelineRow`] (`tap_detail.rs`): an exchange as
//!   its list shows it, one whole for the screen (credentials masked, bodies readable), and the
//!   timings of the waterfall.
//! - [`SettingsStore`] (`settings.rs`): saved connections and window state in a versioned
//!   JSON file; secrets split out of the specs, in the keyring or not saved at all.
//! - [`SecretStore`], [`OsKeyring`] (`secrets.rs`): where secrets are kept (what counts as one
//!   is `sse_wire::is_credential_name`); `query_keys.rs`: credential query parameters in a URL.
//! - [`presets`] (`presets.rs`): the embedded counter and OpenAI-compatible chat completions.
//! - [`SpecError`], [`InspectError`], [`SettingsError`] (`error.rs`); [`JsonPath`] and its
//!   error come from `sse_expect`, which the expectations share.

mod body_watch;
mod command_line;
mod diagnostics;
mod error;
mod expectations;
mod json_path;
mod launch;
mod llm;
mod mcp;
mod otlp_export;
mod otlp_settings;
mod presets;
mod query_keys;
mod running;
mod secrets;
mod server_check;
mod settings;
mod spec;
mod tap_breakpoints;
mod tap_detail;
mod tap_spec;
mod tapped_feed;
mod taps;
mod task;
mod update;

pub use body_watch::CompressionReport;
pub use command_line::{curl_command, request_curl, shell_quote, sse_sub_check_command, sse_sub_command};
pub use diagnostics::{Diagnostics, DiagnosticsReport, Resume, Warning, WarningKind, SILENCE_LIMIT};
pub use error::{InspectError, SettingsError, SpecError};
pub use expectations::{ExpectationRow, ExpectationsReport};
pub use json_path::TextAssembler;
pub use launch::LaunchOptions;
pub use llm::{parse_read_as, LlmReport};
pub use otlp_export::{OtlpSettings, OtlpStatus, SharedExport};
pub use presets::{embedded_counter, presets, HintField, Preset, OPENAI_TEXT_PATH};
pub use running::{Page, RunningConnections};
pub use secrets::{OsKeyring, SecretStore, SecretStoreError, KEYRING_SERVICE};
pub use server_check::check_server;
pub use settings::{
    Loaded, PaneLayout, SavedConnection, SavedOtlp, SavedTap, SecretState, Settings, SettingsStore,
    WindowState, SETTINGS_FILE, SETTINGS_VERSION,
};
pub use spec::{Auth, ConnectionSpec, HeaderField, ReconnectOptions, TlsOptions};
pub use sse_expect::{JsonPath, JsonPathError};
pub use sse_server_check::{ServerCard, ServerRule, ViaVerdict, DEFAULT_CHECK_SECS};
pub use tap_breakpoints::{HoldAction, TapBreakpointsView};
pub use tap_detail::{
    BodyView, ExchangeDetail, ExchangeRow, RawChunk, TimelineRow, MAX_CHUNK_MARKS, RAW_SHOWN_BYTES,
};
pub use tap_spec::TapSpec;
pub use taps::{RunningTaps, TapEmitter, TapFaults, TapOpened, TapUpdate};
pub use update::{ConnectionUpdate, Emitter};
