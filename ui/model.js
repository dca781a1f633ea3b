// The one home of the window's mutable state: the connections with everything each one has
// seen (every field declared in a constructor here), and the view's own state in `state`.
import { BusyMeter } from "./busy-meter.js";
import { PathComparison } from "./compare.js";
import { FeedState } from "./feed-state.js";
import { SamplingMeter } from "./sampling.js";
import { connectionLabel } from "./format.js";

/** @typedef {import("./gen/ipc").ConnectionSpec} ConnectionSpec */
/** @typedef {import("./gen/ipc").SpecInfo} SpecInfo */
/** @typedef {import("./gen/ipc").Counts} Counts */
/** @typedef {import("./gen/ipc").EventRow} EventRow */
/** @typedef {import("./gen/ipc").EventDetail} EventDetail */
/** @typedef {import("./gen/ipc").EventFilter} EventFilter */
/** @typedef {import("./gen/ipc").StatsReport} StatsReport */
/** @typedef {import("./gen/ipc").DiagnosticsReport} DiagnosticsReport */
/** @typedef {import("./gen/ipc").ExpectationsReport} ExpectationsReport */

/** What one run of a connection has seen: made afresh each time it is (re)opened. */
export class Run {
  constructor() {
    this.ipcFeed = new FeedState();
    this.browserFeed = new FeedState();
    // How much of the page's main thread the browser feed holds (it can stall the window).
    this.browserBusy = new BusyMeter();
    this.comparison = new PathComparison();
    /** @type {Counts} */
    this.counts = { kept: 0, matching: 0, dropped: 0, filtered: false, view: 0 };
    /** @type {StatsReport | null} */
    this.stats = null;
    /** @type {number | null} */
    this.selectedSeq = null;
    /** @type {EventDetail | null} */
    this.detail = null;
    /** @type {EventFilter} */
    this.filter = { types: [], text: "", regex: false, caseSensitive: false };
    /** @type {string[]} */
    this.typesSeen = [];
    /** @type {EventRow[]} the newest rows of the log, as the batches brought them */
    this.tail = [];
    /** @type {DiagnosticsReport | null} */
    this.diagnostics = null;
    this.assembled = "";
    /** @type {{ used: number, skipped: number, truncated: boolean, done: boolean } | null} the
     * assembled text's counts, once events came */
    this.assembledCounts = null;
    this.lastError = "";
    this.attempt = 0; // the subscriber's latest connection attempt
    /** @type {Set<string>} types the browser's EventSource listens for */
    this.eventTypes = new Set(["message"]);
    /** @type {string[]} types learned from the IPC feed after their first events */
    this.lateTypes = [];
    /** @type {ExpectationsReport | null} the expectations checked on it, as last reported */
    this.expectations = null;
    this.expectationsProblem = ""; // why the last load, generate or save failed
    /** @type {import("./llm-text.js").LlmState | null} the stream read as an LLM's */
    this.llm = null;
    this.llmProblem = ""; // why the last choice failed
    /** @type {import("./gen/ipc").Conversation | null} its MCP conversation (a JSON-RPC body) */
    this.mcp = null;
    this.mcpFetch = new Fetch();
    this.mcpKept = -1; // the events kept when it was fetched
    /** @type {Set<string>} the MCP calls the user opened */
    this.mcpOpened = new Set();
  }
}

/**
 * Where a tapped stream comes from.
 * @typedef {object} TappedOrigin
 * @property {Tap} tap
 * @property {number} tapId the tap's backend id when it was opened (a restarted tap numbers
 *   its exchanges afresh)
 * @property {number} exchange
 * @property {{ title: string, where: string }} label
 */

/** @typedef {{ text: string, field: import("./gen/ipc").HintField }} PresetHint */

/**
 * The Check server tab of a connection (`sse-sub --check` on its request).
 * @typedef {object} ServerCheck
 * @property {number} checkFor seconds the battery runs
 * @property {string} via a second URL to compare through ("" for none)
 * @property {boolean} running
 * @property {number} startedAt performance.now() when it started
 * @property {import("./gen/ipc").ServerCard | null} card the last check's
 * @property {string} problem why the last check could not run
 * @property {Set<string>} opened the rules whose evidence the user opened
 * @property {string} commandShown the `sse-sub --check` line last copied, credentials masked
 */

/** A connection as the user set it up, and what both feeds have seen of it. */
export class Connection {
  /** @param {ConnectionSpec} spec @param {string | null} [savedKey] */
  constructor(spec, savedKey = null) {
    // Names the connection in the settings file and its secrets in the keyring.
    this.savedKey = savedKey || newSavedKey();
    this.spec = spec;
    /** @type {number | null} the backend's id while open, and after Disconnect (its events stay) */
    this.id = null;
    this.running = false; // subscribed now
    /** @type {SpecInfo | null} inspect_connection's answer for `spec` */
    this.info = null;
    /** @type {EventSource | null} the browser's feed */
    this.source = null;
    /** @type {string | null} */
    this.sourceOrigin = null;
    // The user paused the browser's feed (it cost the window too much); kept across reconnects.
    this.browserFeedPaused = false;
    // The user has typed in its form: only then does the form say what is wrong with it (a
    // blank connection is not an error yet).
    this.edited = false;
    // The view is paused (events still arrive and are kept); kept across reconnects.
    this.paused = false;
    this.pausedAtEvents = 0;
    this.pausedMatching = 0;
    this.run = new Run();
    /** @type {TappedOrigin | null} a stream through a tap, read from the tap's record (not
     * saved, not reconnected; it has no request of its own) */
    this.tapped = null;
    /** @type {PresetHint | null} what a preset left to fill in, shown until it is first opened */
    this.hint = null;
    /** @type {ServerCheck} the Check server tab: its settings and its last card */
    this.check = { checkFor: 40, via: "", running: false, startedAt: 0, card: null, problem: "", opened: new Set(), commandShown: "" };
  }

  /** Forgets what the last run saw. */
  reset() {
    this.run = new Run();
  }

  /** How the list tells it apart: `title` over `where` (format.js). */
  get label() {
    if (this.tapped) {
      const named = (this.spec.name || "").trim();
      return named ? { title: named, where: this.tapped.label.where } : this.tapped.label;
    }
    return connectionLabel(this.spec.url, this.spec.name || "", state.embeddedBaseUrl);
  }

  get name() {
    return this.label.title;
  }

  /** Rows the log shows: frozen while paused. */
  get shownTotal() {
    return this.paused ? this.pausedMatching : this.run.counts.matching;
  }
}

/** @typedef {import("./gen/ipc").TapSpec} TapSpec */
/** @typedef {import("./gen/ipc").ExchangeRow} ExchangeRow */

/** One kind of fetch from Rust: whether one is under way, and when the last began. */
export class Fetch {
  constructor() {
    this.inFlight = false;
    this.at = -Infinity; // performance.now()
  }
}

/** A tap as the user set it up, and the exchanges it has seen. */
export class Tap {
  /** @param {TapSpec} spec @param {string | null} [savedKey] */
  constructor(spec, savedKey = null) {
    // Names the tap in the settings file and its secrets in the keyring.
    this.savedKey = savedKey || newSavedKey();
    this.spec = spec;
    /** @type {number | null} the backend's id while it has a record: listening, or stopped (Stop
     * keeps the record; only Clear record and removing the tap forget it) */
    this.id = null;
    /** @type {"stopped" | "starting" | "listening" | "failed"} */
    this.state = "stopped";
    this.listenUrl = "";
    /** Why it listens elsewhere than its saved port, or why it failed. */
    this.note = "";
    this.problem = "";
    /** @type {Map<number, ExchangeRow>} by id, as the tap last reported them */
    this.exchanges = new Map();
    this.open = 0; // exchanges still open
    this.version = 0; // bumped on news: the view redraws what moved
    /** @type {number | null} the exchange shown whole */
    this.selectedExchange = null;
    /** @type {import("./gen/ipc").ExchangeDetail | null} */
    this.detail = null;
    /** @type {import("./gen/ipc").TimelineRow[]} the waterfall's rows, as last fetched */
    this.timeline = [];
    /** @type {"waterfall" | "exchange" | "mcp" | "faults" | "breakpoints" | "clients"} the tab shown below the exchanges */
    this.tab = "waterfall";
    /** The Faults box: how many rules the tap has (as it last said), the box's text (the
     * user's until applied), the rule its controls edit, and what the last action said. */
    this.faults = { count: 0, text: "[]", rule: 0, note: "", problem: "" };
    /** The Breakpoints tab: how many the tap has and how many events they hold (as it last
     * said), the box's text (the user's until applied), what the last action said, the tap's
     * breakpoints and held events as last fetched, the held event shown (its exchange), and the
     * event form's mode while it is open. */
    this.breakpoints = {
      count: 0,
      held: 0,
      text: "[]",
      note: "",
      problem: "",
      /** @type {import("./gen/ipc").TapBreakpointsView | null} */
      view: null,
      /** @type {number | null} */
      chosen: null,
      /** @type {"edit" | "before" | "after" | null} */
      form: null,
    };
    /** The fetches of the detail, the waterfall, the MCP conversation and the clients' report
     * (at most twice a second each, schedule.js). */
    this.fetches = { detail: new Fetch(), timeline: new Fetch(), mcp: new Fetch(), clients: new Fetch(), breakpoints: new Fetch() };
    /** @type {import("./gen/ipc").ClientReport | null} its clients graded, as last fetched */
    this.clients = null;
    /** @type {Map<string, boolean>} the client cards the user opened or closed */
    this.clientsOpened = new Map();
    /** @type {import("./gen/ipc").Conversation | null} the MCP conversation, as last fetched */
    this.mcp = null;
    this.mcpVersion = -1; // the tap's version it was fetched at
    /** @type {import("./gen/ipc").Era | null} the era chosen to read it as (null: as each request says) */
    this.mcpEra = null;
    /** @type {Set<string>} the MCP calls the user opened */
    this.mcpOpened = new Set();
    this.timelineVersion = -1; // the tap's version the waterfall's rows were fetched at
  }

  /** How the list tells it apart: its name, else its upstream (host and path), over where it
   * listens (or its state). */
  get label() {
    const upstream = this.spec.upstream.trim();
    let shown = upstream;
    try {
      const url = new URL(upstream);
      shown = `${url.host}${url.pathname === "/" ? "" : url.pathname}`;
    } catch {
      // not a URL yet (the form says why)
    }
    const title = this.spec.name.trim() || shown || "New tap";
    const listening = this.listenUrl && this.state === "listening" ? this.listenUrl.replace(/^http:\/\//, "") : this.state;
    const rules = this.faults.count;
    let where = rules === 0 ? listening : `${listening} · ${rules === 1 ? "1 fault rule" : `${rules} fault rules`}`;
    if (this.breakpoints.held > 0) where += ` · ${this.breakpoints.held} held`;
    return { title, where };
  }

  /** Whether it listens (or is starting to). */
  get running() {
    return this.state === "starting" || this.state === "listening";
  }

  /** Its state as the list's dot and the status badge colour it. */
  get badgeState() {
    return { stopped: "closed", starting: "connecting", listening: "open", failed: "failed" }[this.state];
  }

  /** Forgets the exchanges (a restarted tap numbers them afresh). */
  reset() {
    this.exchanges = new Map();
    this.open = 0;
    this.selectedExchange = null;
    this.detail = null;
    this.timeline = [];
    this.version += 1;
  }
}

/** @returns {TapSpec} */
export function blankTapSpec() {
  return { name: "", upstream: "", headers: [], tls: { insecure: false, caFile: "" }, port: null };
}

function newSavedKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** @returns {ConnectionSpec} */
export function blankSpec() {
  return {
    name: "",
    url: "",
    method: "GET",
    headers: [],
    body: "",
    auth: { kind: "none" },
    tls: { insecure: false, caFile: "" },
    reconnect: { enabled: true, retryHttpErrors: false, connectTimeoutSecs: 10, idleTimeoutSecs: 0 },
    assemblePath: "",
    llm: "",
    mcpHeaders: true,
  };
}

export const state = {
  /** @type {Connection[]} */
  connections: [],
  /** @type {Connection | null} */
  selected: null,
  /** @type {Tap[]} */
  taps: [],
  /** @type {Tap | null} the tap shown instead of a connection, if one is */
  selectedTap: null,
  /** Connections to the embedded server are not saved: its port changes. */
  embeddedBaseUrl: "",
  /** @type {Set<string>} notices shown once */
  shownNotices: new Set(),
  /** The app's OpenTelemetry export (Export to OpenTelemetry… in the LLM tab). */
  otlp: {
    /** @type {import("./gen/ipc").OtlpStatus | null} as Rust last said it */
    status: /** @type {import("./gen/ipc").OtlpStatus | null} */ (null),
    /** @type {import("./gen/ipc").OtlpSettings | null} as saved (the form starts from it) */
    settings: /** @type {import("./gen/ipc").OtlpSettings | null} */ (null),
    /** The form is open. */
    editing: false,
    problem: "",
    /** When the status was last asked for (performance.now()). */
    askedAt: -Infinity,
  },
  view: {
    follow: true, // keep the newest event in view
    raw: false, // the raw bytes instead of the log
    utc: false,
  },
  /** @type {import("./gen/ipc").PaneLayout} the splitters' sizes (px) and the tab shown; saved */
  panes: { sidebar: null, detail: null, lower: null, tab: null, lowerMaximised: false },
  render: {
    queued: false,
    /** When the last frame was drawn; a timer for a frame later (the slow parts' next turn,
     * paced news; 0 for none) and when it fires. */
    frameAt: -Infinity,
    laterTimer: 0,
    laterAt: 0,
    slowRenderedAt: -Infinity,
    /** The selected connection's event log has news. */
    inspectorDirty: false,
    pageInFlight: false,
    pageAgain: false,
    pageShownAt: -Infinity,
    /** What the rows on screen were asked for, when they came from Rust (log.js). */
    pageShows: "",
    rawFetchedAt: 0,
    /** When the user last scrolled the log themselves (log.js: only that stops Follow). */
    userScrolledAt: -Infinity,
    /** Rows on screen: the first's index in the (filtered) log and how many. */
    lastWindow: { first: 0, count: 0 },
    /** The last frame that came STALL_MS or more late (schedule.js): when, and how late. */
    stalledAt: -Infinity,
    stallMs: 0,
    /** Whether the log following a fast stream shows every event or 1 in N. */
    sampling: new SamplingMeter(),
  },
  timers: { save: 0, inspect: 0, filter: 0, panes: 0, tapSave: 0 },
  /** @type {((name: string, ms: number, outermost: boolean) => void) | null} told how long each
   * handler ran (probe.js) */
  probe: null,
  probeDepth: 0,
};
