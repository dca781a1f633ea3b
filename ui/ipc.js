// The only file that names Tauri commands and opens channels. Arguments and results are
// the types generated from Rust (gen/ipc.d.ts); commands reject with `{kind, message}`.

/** @typedef {import("./gen/ipc").Commands} Commands */
/** @typedef {import("./gen/ipc").ConnectionSpec} ConnectionSpec */
/** @typedef {import("./gen/ipc").ConnectionUpdate} ConnectionUpdate */
/** @typedef {import("./gen/ipc").StreamStatus} StreamStatus */
/** @typedef {import("./gen/ipc").SavedConnection} SavedConnection */
/** @typedef {import("./gen/ipc").EventFilter} EventFilter */
/** @typedef {import("./gen/ipc").ExportFormat} ExportFormat */

/** Whether the page runs in the app (and not, say, opened as a file). */
export function available() {
  return window.__TAURI__ !== undefined;
}

/**
 * @template {keyof Commands} K
 * @param {K} name
 * @param {Commands[K]["args"]} args
 * @returns {Promise<Commands[K]["result"]>}
 */
function call(name, args) {
  const tauri = window.__TAURI__;
  if (!tauri) return Promise.reject({ kind: "task", message: "Tauri IPC is not available: open this page in the SSE Monitor app." });
  return /** @type {Promise<Commands[K]["result"]>} */ (tauri.core.invoke(name, args));
}

/**
 * A channel for a command to send to; `onmessage` receives each message.
 * @template T
 * @param {(message: T) => void} onmessage
 */
function channel(onmessage) {
  const tauri = window.__TAURI__;
  if (!tauri) throw new Error("Tauri IPC is not available");
  /** @type {import("./gen/ipc").ChannelOf<T>} */
  const opened = new tauri.core.Channel();
  opened.onmessage = onmessage;
  return opened;
}

/** A command's error as text. @param {unknown} error */
export function errorMessage(error) {
  if (error && typeof error === "object" && "message" in error) return String(error.message);
  return String(error);
}

/** A command's error kind (`spec`, `inspect`...), if it has one. @param {unknown} error */
export function errorKind(error) {
  return error && typeof error === "object" && "kind" in error ? String(error.kind) : null;
}

export const serverInfo = () => call("server_info", {});
export const initialConnection = () => call("initial_connection", {});
export const connectionPresets = () => call("connection_presets", {});
export const loadSettings = () => call("load_settings", {});

/** @param {(status: StreamStatus) => void} onStatus */
export const watchServer = (onStatus) => call("watch_server", { onStatus: channel(onStatus) });

/** Problems no command returns (a panic in a background task) go to `onProblem`.
 * @param {(text: string) => void} onProblem */
export const watchProblems = (onProblem) => call("watch_problems", { onProblem: channel(onProblem) });

/** Panics in Rust on purpose (builds with test hooks only). @param {string} message */
export const panicForTest = (message) => call("panic_for_test", { message });

/** @param {SavedConnection[]} connections @param {string | null} selected */
export const saveConnections = (connections, selected) => call("save_connections", { connections, selected });

/** @param {import("./gen/ipc").PaneLayout} panes */
export const savePanes = (panes) => call("save_panes", { panes });

/** The page has drawn: the window may be shown. */
export const windowReady = () => call("window_ready", {});

/** @param {ConnectionSpec} spec */
export const inspectConnection = (spec) => call("inspect_connection", { spec });

/** Opens a connection; its updates go to `onUpdate`. Its id.
 * @param {ConnectionSpec} spec @param {(update: ConnectionUpdate) => void} onUpdate */
export const connect = (spec, onUpdate) => call("connect", { spec, onUpdate: channel(onUpdate) });

/** @param {number} id @param {boolean} keep */
export const disconnect = (id, keep) => call("disconnect", { id, keep });

/** @param {number} id */
export const reconnect = (id) => call("reconnect", { id });

/** @param {number} id @param {number} start @param {number} count */
export const eventsPage = (id, start, count) => call("events_page", { id, start, count });

/** @param {number} id @param {number} seq */
export const eventDetail = (id, seq) => call("event_detail", { id, seq });

/** An event's whole data (the detail has its first 64 KiB). @param {number} id @param {number} seq */
export const eventData = (id, seq) => call("event_data", { id, seq });

/** Saves an event's whole data to a file chosen in the save dialog. @param {number} id @param {number} seq */
export const saveEventData = (id, seq) => call("save_event_data", { id, seq });

/** @param {number} id @param {number} seq */
export const eventPosition = (id, seq) => call("event_position", { id, seq });

/** @param {number} id @param {EventFilter} filter */
export const setFilter = (id, filter) => call("set_filter", { id, filter });

/** @param {number} id */
export const clearEvents = (id) => call("clear_events", { id });

/** @param {number} id @param {number} maxBytes */
export const rawTail = (id, maxBytes) => call("raw_tail", { id, maxBytes });

/** Asks for a file in the save dialog (builds with test hooks take `path`).
 * @param {number} id @param {ExportFormat} format @param {boolean} matchingOnly @param {string | null} path */
export const exportEvents = (id, format, matchingOnly, path = null) => call("export_events", { id, format, matchingOnly, path });

/** Asks for a capture in the open dialog (builds with test hooks take `path`).
 * @param {string | null} path @param {number} speed */
export const importCapture = (path, speed) => call("import_capture", { path, speed });

/** Starts a tap; its exchanges go to `onUpdate`. Where it listens.
 * @param {import("./gen/ipc").TapSpec} spec @param {(update: import("./gen/ipc").TapUpdate) => void} onUpdate */
export const openTap = (spec, onUpdate) => call("open_tap", { spec, onUpdate: channel(onUpdate) });

/** Stops a tap; resolves once its port is free. @param {number} id */
export const closeTap = (id) => call("close_tap", { id });

/** Starts a tap again, keeping its record. @param {number} id @param {import("./gen/ipc").TapSpec} spec
 * @param {(update: import("./gen/ipc").TapUpdate) => void} onUpdate */
export const restartTap = (id, spec, onUpdate) => call("restart_tap", { id, spec, onUpdate: channel(onUpdate) });

/** Stops a tap listening; its record stays. @param {number} id */
export const stopTap = (id) => call("stop_tap", { id });

/** Forgets a tap's recorded exchanges. @param {number} id */
export const clearTap = (id) => call("clear_tap", { id });

/** @param {import("./gen/ipc").SavedTap[]} taps */
export const saveTaps = (taps) => call("save_taps", { taps });

/** @param {number} id @param {number} exchange */
export const tapExchange = (id, exchange) => call("tap_exchange", { id, exchange });

/** Opens a tapped stream in the inspector; its updates go to `onUpdate`. Its connection id.
 * @param {number} id @param {number} exchange @param {(update: ConnectionUpdate) => void} onUpdate */
export const inspectExchange = (id, exchange, onUpdate) => call("inspect_exchange", { id, exchange, onUpdate: channel(onUpdate) });

/** @param {number} id @param {number} max */
export const tapTimeline = (id, max) => call("tap_timeline", { id, max });

/** The MCP conversation of a connection posting JSON-RPC (null before its response came).
 * @param {number} id */
export const mcpConversation = (id) => call("mcp_conversation", { id });

export const serverStreams = () => call("server_streams", {});
/** Every client of the embedded server, its attempts and its report card. */
export const clientReport = () => call("client_report", {});
/** The server check (`sse-sub --check`) on a connection's request, through `via` too.
 * @param {ConnectionSpec} spec @param {number} checkFor @param {string | null} via */
export const checkServer = (spec, checkFor, via) => call("check_server", { spec, checkFor, via });
/** The `sse-sub --check` line of that check. @param {ConnectionSpec} spec @param {number} checkFor @param {string | null} via */
export const checkCommand = (spec, checkFor, via) => call("check_command", { spec, checkFor, via });
/** Every client of a tap that asked for an event stream, graded the same way. @param {number} id */
export const tapClientReport = (id) => call("tap_client_report", { id });
/** A reference page as installed with the app. @param {import("./gen/ipc").Doc} doc */
export const readDoc = (doc) => call("read_doc", { doc });
/** @param {string} name */
export const createStream = (name) => call("create_stream", { name });
/** @param {string} stream @param {string | null} event @param {string} data @param {number | null} retry */
export const publishEvent = (stream, event, data, retry) => call("publish_event", { stream, event, data, retry });
/** @param {string} stream */
export const streamFaults = (stream) => call("stream_faults", { stream });
/** A stream's fault profile from its JSON (docs/faults.md). @param {string} stream @param {string} profile */
export const setStreamFaults = (stream, profile) => call("set_stream_faults", { stream, profile });
/** @param {string} stream */
export const clearStreamFaults = (stream) => call("clear_stream_faults", { stream });

/** The MCP conversation through a tap, read as `era` says (null: as each request says).
 * @param {number} id @param {import("./gen/ipc").Era | null} era */
export const tapMcp = (id, era = null) => call("tap_mcp", { id, era });

/** @param {number} id @param {number} exchange @param {number} speed */
export const replayExchange = (id, exchange, speed) => call("replay_exchange", { id, exchange, speed });

/** Asks for a file in the save dialog (builds with test hooks take `path`).
 * @param {number} id @param {boolean} withSecrets @param {string | null} path */
export const exportHar = (id, withSecrets, path = null) => call("export_har", { id, withSecrets, path });

/** A tap's fault rules as they are now. @param {number} id */
export const tapFaults = (id) => call("tap_faults", { id });
/** Puts these rules (a JSON array, docs/faults.md) in place of a tap's. @param {number} id @param {string} rules */
export const setTapFaults = (id, rules) => call("set_tap_faults", { id, rules });
/** A rule file's text from the open dialog (builds with test hooks take `path`); null if
 * cancelled. @param {string | null} path */
export const loadFaultRules = (path = null) => call("load_fault_rules", { path });
/** Writes rules to a file from the save dialog (builds with test hooks take `path`); null if
 * cancelled. @param {string} rules @param {string | null} path */
export const saveFaultRules = (rules, path = null) => call("save_fault_rules", { rules, path });

/** A tap's breakpoints and the events they hold now. @param {number} id */
export const tapBreakpoints = (id) => call("tap_breakpoints", { id });
/** Puts these breakpoints (a JSON array, docs/breakpoints.md) in place of a tap's.
 * @param {number} id @param {string} list */
export const setTapBreakpoints = (id, list) => call("set_tap_breakpoints", { id, list });
/** Sends an action to the event held on a tap's exchange.
 * @param {number} id @param {number} exchange @param {import("./gen/ipc").HoldAction} action */
export const actOnHeld = (id, exchange, action) => call("act_on_held", { id, exchange, action });

/** Checks a connection against an expectations file from the open dialog (builds with test
 * hooks take `path`); null if cancelled. @param {number} id @param {string | null} path */
export const loadExpectations = (id, path = null) => call("load_expectations", { id, path });

/** @param {number} id @param {number} events */
export const generateExpectations = (id, events) => call("generate_expectations", { id, events });

/** Asks for a file in the save dialog (builds with test hooks take `path`).
 * @param {number} id @param {string | null} path */
export const saveExpectations = (id, path = null) => call("save_expectations", { id, path });

/** @param {number} id */
export const clearExpectations = (id) => call("clear_expectations", { id });

/** Reads a connection's stream as `choice` says ("" to guess, "off", a provider's key).
 * @param {number} id @param {string} choice */
export const chooseLlm = (id, choice) => call("choose_llm", { id, choice });

/** Sets the app's OpenTelemetry export (null: off) and saves it; its status and notes.
 * @param {import("./gen/ipc").OtlpSettings | null} settings */
export const setOtlpExport = (settings) => call("set_otlp_export", { settings });

/** Where the OpenTelemetry export stands. */
export const otlpExportStatus = () => call("otlp_export_status", {});
