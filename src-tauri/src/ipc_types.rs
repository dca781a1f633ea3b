//! `ui/gen/ipc.d.ts`: TypeScript declarations of everything that crosses IPC, generated from
//! the Rust types with ts-rs, and the command table the UI's `ipc.js` is checked against.
//! The test fails when the committed file is stale; `UPDATE_IPC_TYPES=1 cargo test -p
//! sse-monitor --lib ipc_types` rewrites it.

use std::fmt::Write as _;
use std::path::PathBuf;

use embedded_server::{
    Answer, Attempt, AttemptEnd, Card, CardVerdict, ClientHistory, ClientNamedBy, ClientReport,
    ClientScenarios, Delivered, EventsLost, FaultLineEnding, FaultProfile, FaultStall, GradedClient, IdFault,
    Level, ReconnectAnswer, RuleVerdict, Scenario, StreamInfo,
};
use sse_breakpoints::{HeldView, HoldMark, MarkAction, WrittenEvent};
use sse_connections::{
    Auth, BodyView, CompressionReport, ConnectionSpec, ConnectionUpdate, DiagnosticsReport, ExchangeDetail,
    ExchangeRow, ExpectationRow, ExpectationsReport, HeaderField, HintField, HoldAction, LlmReport, Loaded,
    OtlpSettings, OtlpStatus, Page, PaneLayout, Preset, RawChunk, ReconnectOptions, Resume, SavedConnection,
    SavedOtlp, SavedTap, SecretState, ServerCard, ServerRule, Settings, TapBreakpointsView, TapFaults,
    TapOpened, TapSpec, TapUpdate, TimelineRow, TlsOptions, ViaVerdict, Warning, WarningKind, WindowState,
};
use sse_expect::Verdict;
use sse_inspector::{
    BatchIds, Counts, EventDetail, EventFilter, EventRow, ExportFormat, LineEnding, LineKind, RawLine,
    RawView, StatsReport, WhitespaceView,
};
use sse_llm::{
    Arguments, Block, BlockKind, Completeness, Milestones, NoContent, Oddities, Provider, Stall, Summary,
    Timing, Usage,
};
use sse_mcp::{
    Call, CallKind, Conversation, Direction, Era, EraChange, MetadataHeader, Note, Reply, Round, SessionEnd,
    Transport, Via, Violation,
};
use sse_subscriber::{FailedResponse, FeedUpdate};
use ts_rs::{Config, TS};

use crate::commands::{ServerInfo, SpecInfo, StreamStatus};
use crate::docs::{Doc, DocText};
use crate::error::{ErrorKind, ErrorPayload};
use crate::files::{Exported, Imported};
use crate::server_check::CheckCommand;

const HEADER: &str = "\
// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit.
// UPDATE_IPC_TYPES=1 cargo test -p sse-monitor --lib ipc_types rewrites it.

/** A Tauri channel as a command receives it: the page sets `onmessage`. */
export interface ChannelOf<T> {
  onmessage: (message: T) => void;
}
";

/// One command: its name, its arguments (name, TypeScript type, optional) and its result.
struct Command {
    name: &'static str,
    args: Vec<(&'static str, String, bool)>,
    result: String,
}

fn ts<T: TS>(cfg: &Config) -> String {
    T::name(cfg)
}

fn command(name: &'static str, args: Vec<(&'static str, String, bool)>, result: String) -> Command {
    Command { name, args, result }
}

fn arg(name: &'static str, ty: String) -> (&'static str, String, bool) {
    (name, ty, false)
}

fn optional(name: &'static str, ty: String) -> (&'static str, String, bool) {
    (name, ty, true)
}

/// Every command the app registers, as `commands.rs` declares it (arguments in camelCase, as
/// Tauri maps them).
fn commands(cfg: &Config) -> Vec<Command> {
    let id = || arg("id", ts::<u64>(cfg));
    vec![
        command("server_info", vec![], ts::<ServerInfo>(cfg)),
        command("initial_connection", vec![], ts::<ConnectionSpec>(cfg)),
        command("connection_presets", vec![], ts::<Vec<Preset>>(cfg)),
        command(
            "connect",
            vec![
                arg("spec", ts::<ConnectionSpec>(cfg)),
                arg("onUpdate", format!("ChannelOf<{}>", ts::<ConnectionUpdate>(cfg))),
            ],
            ts::<u64>(cfg),
        ),
        command("disconnect", vec![id(), optional("keep", ts::<Option<bool>>(cfg))], ts::<bool>(cfg)),
        command("reconnect", vec![id()], ts::<bool>(cfg)),
        command("inspect_connection", vec![arg("spec", ts::<ConnectionSpec>(cfg))], ts::<SpecInfo>(cfg)),
        command(
            "watch_server",
            vec![arg("onStatus", format!("ChannelOf<{}>", ts::<StreamStatus>(cfg)))],
            ts::<()>(cfg),
        ),
        command("load_settings", vec![], ts::<Loaded>(cfg)),
        command(
            "save_connections",
            vec![
                arg("connections", ts::<Vec<SavedConnection>>(cfg)),
                arg("selected", ts::<Option<String>>(cfg)),
            ],
            ts::<Vec<String>>(cfg),
        ),
        command("save_panes", vec![arg("panes", ts::<PaneLayout>(cfg))], ts::<()>(cfg)),
        command("window_ready", vec![], ts::<()>(cfg)),
        command(
            "events_page",
            vec![id(), arg("start", ts::<usize>(cfg)), arg("count", ts::<usize>(cfg))],
            ts::<Page>(cfg),
        ),
        command("event_detail", vec![id(), arg("seq", ts::<u64>(cfg))], ts::<Option<EventDetail>>(cfg)),
        command("event_data", vec![id(), arg("seq", ts::<u64>(cfg))], ts::<Option<String>>(cfg)),
        command(
            "save_event_data",
            vec![
                id(),
                arg("seq", ts::<u64>(cfg)),
                // Only builds with `test-hooks` read it; release builds always ask.
                optional("path", ts::<Option<String>>(cfg)),
            ],
            ts::<Option<Exported>>(cfg),
        ),
        command("event_position", vec![id(), arg("seq", ts::<u64>(cfg))], ts::<Option<usize>>(cfg)),
        command("set_filter", vec![id(), arg("filter", ts::<EventFilter>(cfg))], ts::<Counts>(cfg)),
        command("clear_events", vec![id()], ts::<Counts>(cfg)),
        command("raw_tail", vec![id(), arg("maxBytes", ts::<usize>(cfg))], ts::<RawView>(cfg)),
        command(
            "export_events",
            vec![
                id(),
                arg("format", ts::<ExportFormat>(cfg)),
                arg("matchingOnly", ts::<bool>(cfg)),
                // Only builds with `test-hooks` read it; release builds always ask.
                optional("path", ts::<Option<String>>(cfg)),
            ],
            ts::<Option<Exported>>(cfg),
        ),
        command(
            "import_capture",
            vec![optional("path", ts::<Option<String>>(cfg)), arg("speed", ts::<f64>(cfg))],
            ts::<Option<Imported>>(cfg),
        ),
        command(
            "open_tap",
            vec![
                arg("spec", ts::<TapSpec>(cfg)),
                arg("onUpdate", format!("ChannelOf<{}>", ts::<TapUpdate>(cfg))),
            ],
            ts::<TapOpened>(cfg),
        ),
        command(
            "restart_tap",
            vec![
                id(),
                arg("spec", ts::<TapSpec>(cfg)),
                arg("onUpdate", format!("ChannelOf<{}>", ts::<TapUpdate>(cfg))),
            ],
            ts::<TapOpened>(cfg),
        ),
        command("stop_tap", vec![id()], ts::<bool>(cfg)),
        command("clear_tap", vec![id()], ts::<bool>(cfg)),
        command("close_tap", vec![id()], ts::<bool>(cfg)),
        command("save_taps", vec![arg("taps", ts::<Vec<SavedTap>>(cfg))], ts::<Vec<String>>(cfg)),
        command(
            "tap_exchange",
            vec![id(), arg("exchange", ts::<u64>(cfg))],
            ts::<Option<ExchangeDetail>>(cfg),
        ),
        command("tap_timeline", vec![id(), arg("max", ts::<usize>(cfg))], ts::<Vec<TimelineRow>>(cfg)),
        command("tap_mcp", vec![id(), arg("era", ts::<Option<Era>>(cfg))], ts::<Conversation>(cfg)),
        command(
            "inspect_exchange",
            vec![
                id(),
                arg("exchange", ts::<u64>(cfg)),
                arg("onUpdate", format!("ChannelOf<{}>", ts::<ConnectionUpdate>(cfg))),
            ],
            ts::<u64>(cfg),
        ),
        command(
            "replay_exchange",
            vec![id(), arg("exchange", ts::<u64>(cfg)), arg("speed", ts::<f64>(cfg))],
            ts::<Option<Imported>>(cfg),
        ),
        command(
            "export_har",
            vec![
                id(),
                arg("withSecrets", ts::<bool>(cfg)),
                // Only builds with `test-hooks` read it; release builds always ask.
                optional("path", ts::<Option<String>>(cfg)),
            ],
            ts::<Option<Exported>>(cfg),
        ),
        command("tap_faults", vec![id()], ts::<TapFaults>(cfg)),
        command("set_tap_faults", vec![id(), arg("rules", ts::<String>(cfg))], ts::<TapFaults>(cfg)),
        command("tap_breakpoints", vec![id()], ts::<TapBreakpointsView>(cfg)),
        command(
            "set_tap_breakpoints",
            vec![id(), arg("list", ts::<String>(cfg))],
            ts::<TapBreakpointsView>(cfg),
        ),
        command(
            "act_on_held",
            vec![id(), arg("exchange", ts::<u64>(cfg)), arg("action", ts::<HoldAction>(cfg))],
            ts::<()>(cfg),
        ),
        command(
            "load_fault_rules",
            // `path`: only builds with `test-hooks` read it; release builds always ask.
            vec![optional("path", ts::<Option<String>>(cfg))],
            ts::<Option<String>>(cfg),
        ),
        command(
            "save_fault_rules",
            vec![arg("rules", ts::<String>(cfg)), optional("path", ts::<Option<String>>(cfg))],
            ts::<Option<Exported>>(cfg),
        ),
        command(
            "load_expectations",
            // `path`: only builds with `test-hooks` read it; release builds always ask.
            vec![id(), optional("path", ts::<Option<String>>(cfg))],
            ts::<Option<ExpectationsReport>>(cfg),
        ),
        command(
            "generate_expectations",
            vec![id(), arg("events", ts::<u64>(cfg))],
            ts::<ExpectationsReport>(cfg),
        ),
        command(
            "save_expectations",
            vec![id(), optional("path", ts::<Option<String>>(cfg))],
            ts::<Option<Exported>>(cfg),
        ),
        command("clear_expectations", vec![id()], ts::<()>(cfg)),
        command("mcp_conversation", vec![id()], ts::<Option<Conversation>>(cfg)),
        command("server_streams", vec![], ts::<Vec<StreamInfo>>(cfg)),
        command("create_stream", vec![arg("name", ts::<String>(cfg))], ts::<()>(cfg)),
        command(
            "publish_event",
            vec![
                arg("stream", ts::<String>(cfg)),
                optional("event", ts::<Option<String>>(cfg)),
                arg("data", ts::<String>(cfg)),
                optional("retry", ts::<Option<u64>>(cfg)),
            ],
            ts::<u64>(cfg),
        ),
        command("stream_faults", vec![arg("stream", ts::<String>(cfg))], ts::<Option<FaultProfile>>(cfg)),
        command(
            "set_stream_faults",
            vec![arg("stream", ts::<String>(cfg)), arg("profile", ts::<String>(cfg))],
            ts::<FaultProfile>(cfg),
        ),
        command("clear_stream_faults", vec![arg("stream", ts::<String>(cfg))], ts::<bool>(cfg)),
        command("client_report", vec![], ts::<ClientReport>(cfg)),
        command("tap_client_report", vec![id()], ts::<ClientReport>(cfg)),
        command(
            "check_server",
            vec![
                arg("spec", ts::<ConnectionSpec>(cfg)),
                arg("checkFor", ts::<u64>(cfg)),
                arg("via", ts::<Option<String>>(cfg)),
            ],
            ts::<ServerCard>(cfg),
        ),
        command(
            "check_command",
            vec![
                arg("spec", ts::<ConnectionSpec>(cfg)),
                arg("checkFor", ts::<u64>(cfg)),
                arg("via", ts::<Option<String>>(cfg)),
            ],
            ts::<CheckCommand>(cfg),
        ),
        command("watch_problems", vec![arg("onProblem", "ChannelOf<string>".to_owned())], ts::<()>(cfg)),
        command("read_doc", vec![arg("doc", ts::<Doc>(cfg))], ts::<DocText>(cfg)),
        // Registered only with `test-hooks`.
        command("panic_for_test", vec![arg("message", ts::<String>(cfg))], ts::<()>(cfg)),
        command("choose_llm", vec![id(), arg("choice", ts::<String>(cfg))], ts::<LlmReport>(cfg)),
        command(
            "set_otlp_export",
            vec![arg("settings", ts::<Option<OtlpSettings>>(cfg))],
            ts::<(OtlpStatus, Vec<String>)>(cfg),
        ),
        command("otlp_export_status", vec![], ts::<OtlpStatus>(cfg)),
    ]
}

/// The whole file.
fn declarations() -> String {
    // JSON numbers: the UI reads u64 and usize values as numbers (ids and counts stay far
    // below 2^53).
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    macro_rules! declare {
        ($($t:ty),* $(,)?) => {$(
            let _ = write!(out, "\nexport {}\n", <$t as TS>::decl(&cfg));
        )*};
    }
    declare!(
        ErrorKind,
        ErrorPayload,
        Doc,
        DocText,
        ServerInfo,
        SpecInfo,
        StreamStatus,
        Exported,
        Imported,
        ConnectionSpec,
        HeaderField,
        Auth,
        TlsOptions,
        ReconnectOptions,
        Preset,
        HintField,
        SecretState,
        SavedConnection,
        OtlpSettings,
        SavedOtlp,
        OtlpStatus,
        WindowState,
        PaneLayout,
        Settings,
        Loaded,
        Page,
        WarningKind,
        Warning,
        Resume,
        CompressionReport,
        DiagnosticsReport,
        ConnectionUpdate,
        FeedUpdate,
        FailedResponse,
        BatchIds,
        Counts,
        EventRow,
        EventDetail,
        WhitespaceView,
        EventFilter,
        ExportFormat,
        LineEnding,
        LineKind,
        RawLine,
        RawView,
        StatsReport,
        TapSpec,
        SavedTap,
        TapOpened,
        TapUpdate,
        TapFaults,
        TapBreakpointsView,
        HoldAction,
        HeldView,
        WrittenEvent,
        HoldMark,
        MarkAction,
        ExchangeRow,
        ExchangeDetail,
        RawChunk,
        BodyView,
        TimelineRow,
        ExpectationsReport,
        ExpectationRow,
        Verdict,
        LlmReport,
        Summary,
        Provider,
        Completeness,
        Block,
        BlockKind,
        Arguments,
        Usage,
        Timing,
        Milestones,
        NoContent,
        Stall,
        Oddities,
        Conversation,
        Transport,
        Era,
        EraChange,
        Call,
        Round,
        MetadataHeader,
        CallKind,
        Direction,
        Via,
        Reply,
        Note,
        SessionEnd,
        Violation,
        StreamInfo,
        FaultProfile,
        ReconnectAnswer,
        FaultStall,
        FaultLineEnding,
        IdFault,
        ClientReport,
        ServerCard,
        ServerRule,
        ViaVerdict,
        CheckCommand,
        ClientScenarios,
        Scenario,
        EventsLost,
        GradedClient,
        ClientHistory,
        ClientNamedBy,
        Attempt,
        Answer,
        Delivered,
        AttemptEnd,
        Card,
        RuleVerdict,
        Level,
        CardVerdict,
    );
    out.push_str(
        "\n/** Every command: its arguments and what it resolves to. */\nexport interface Commands {\n",
    );
    for command in commands(&cfg) {
        let args: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty, optional)| format!("{name}{}: {ty}", if *optional { "?" } else { "" }))
            .collect();
        let _ = writeln!(
            out,
            "  {}: {{ args: {{ {} }}; result: {} }};",
            command.name,
            args.join("; "),
            command.result
        );
    }
    out.push_str("}\n");
    out
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/gen/ipc.d.ts")
}

/// The commands the types table declares, by name (`command_list.rs` checks them).
pub(crate) fn command_names() -> Vec<&'static str> {
    commands(&Config::new()).iter().map(|command| command.name).collect()
}

/// The committed `ui/gen/ipc.d.ts` is what the Rust types generate now.
#[test]
fn ipc_types_are_current() {
    let generated = declarations();
    let path = committed_path();
    if std::env::var_os("UPDATE_IPC_TYPES").is_some() {
        std::fs::create_dir_all(path.parent().expect("ui/gen")).expect("create ui/gen");
        std::fs::write(&path, &generated).expect("write ui/gen/ipc.d.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/gen/ipc.d.ts is stale: run UPDATE_IPC_TYPES=1 cargo test -p sse-monitor --lib ipc_types"
    );
}
