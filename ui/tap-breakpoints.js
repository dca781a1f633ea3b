// A tap's Breakpoints tab (docs/breakpoints.md): the breakpoint list as JSON, a row that adds
// one from its fields, Apply (Ctrl+Enter), Clear, Revert; the events held now, fetched while
// the tab is shown, are drawn by tap-held.js. Breakpoints live in the tap, never in the
// settings.
import { $, button, input, setText, textarea } from "./dom.js";
import { plural } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { fetchThrottled, scheduleRender } from "./schedule.js";
import { renderHeld } from "./tap-held.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").TapBreakpointsView} TapBreakpointsView */

/** The tap the box was last written for: then its text is the user's. */
let drawnFor = /** @type {Tap | null} */ (null);

/** What the tap said it has, into its state (and the box, when `write`).
 * @param {Tap} tap @param {TapBreakpointsView} view @param {boolean} write */
export function took(tap, view, write) {
  tap.breakpoints.view = view;
  tap.breakpoints.count = view.described.length;
  tap.breakpoints.held = view.held.length;
  if (write) {
    tap.breakpoints.text = view.list;
    if (state.selectedTap === tap) textarea("bp-json").value = view.list;
  }
}

/** The tap's backend id, or why there is none. @param {Tap} tap */
function backendId(tap) {
  if (tap.id === null) throw new Error("Start the tap first: breakpoints stop the streams it forwards.");
  return tap.id;
}

/** Runs `work` for the selected tap, saying what it did or why it failed.
 * @param {(tap: Tap) => Promise<string>} work */
async function act(work) {
  const tap = state.selectedTap;
  if (!tap) return;
  try {
    tap.breakpoints.note = await work(tap);
    tap.breakpoints.problem = "";
  } catch (error) {
    tap.breakpoints.problem = ipc.errorMessage(error);
  }
  tap.version += 1;
  scheduleRender();
}

/** Gives the tap `text` as its list. @param {Tap} tap @param {string} text */
async function setList(tap, text) {
  took(tap, await ipc.setTapBreakpoints(backendId(tap), text), true);
}

const apply = () =>
  act(async (tap) => {
    await setList(tap, tap.breakpoints.text);
    return tap.breakpoints.count === 0 ? "" : "Applied: streams stop at their next matching event.";
  });

const clear = () =>
  act(async (tap) => {
    await setList(tap, "[]");
    return "Breakpoints cleared: events held now stay held until you act on them.";
  });

const revert = () =>
  act(async (tap) => {
    took(tap, await ipc.tapBreakpoints(backendId(tap)), true);
    return "The breakpoints the tap has now.";
  });

/** The breakpoint the add row's fields describe: only the fields filled in. */
export function newBreakpoint() {
  /** @type {Record<string, unknown>} */
  const breakpoint = {};
  /** @param {string} id */
  const value = (id) => input(id).value.trim();
  const fields = /** @type {[string, string][]} */ ([["event", "bp-n-event"], ["id", "bp-n-id"], ["dataMatches", "bp-n-data"], ["path", "bp-n-target"]]);
  for (const [field, id] of fields) {
    if (value(id)) breakpoint[field] = value(id);
  }
  if (value("bp-n-path")) {
    breakpoint.jsonPath = value("bp-n-path");
    const equals = value("bp-n-equals");
    try {
      breakpoint.equals = JSON.parse(equals);
    } catch {
      breakpoint.equals = equals; // plain text is a string
    }
  }
  return breakpoint;
}

/** The box's list with `breakpoint` added, or why it cannot be. @param {string} text @param {object} breakpoint */
export function withAdded(text, breakpoint) {
  let list;
  try {
    list = JSON.parse(text.trim() || "[]");
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  list.push(breakpoint);
  return `[\n${list.map((item) => `  ${JSON.stringify(item)}`).join(",\n")}\n]\n`;
}

const add = () =>
  act(async (tap) => {
    const text = withAdded(tap.breakpoints.text, newBreakpoint());
    if (text === null) throw new Error("The breakpoints are not a JSON array yet: fix the text first.");
    await setList(tap, text);
    for (const id of ["bp-n-event", "bp-n-id", "bp-n-data", "bp-n-path", "bp-n-equals", "bp-n-target"]) input(id).value = "";
    return "Added: streams stop at their next matching event.";
  });

/** Draws the selected tap's Breakpoints tab. @param {Tap} tap */
export function renderTapBreakpoints(tap) {
  if (drawnFor !== tap) {
    drawnFor = tap;
    textarea("bp-json").value = tap.breakpoints.text;
  }
  const id = tap.id;
  if (id !== null) {
    fetchThrottled(tap.fetches.breakpoints, async () => {
      const view = await ipc.tapBreakpoints(id);
      // The box is the user's once written for this tap; a first fetch fills it.
      took(tap, view, tap.breakpoints.view === null && tap.breakpoints.text === "[]");
    });
  }
  const { count, held } = tap.breakpoints;
  let said = count === 0 ? "No breakpoints: streams pass as they come." : `${plural(count, "breakpoint")}: the first that matches an event stops it.`;
  if (held > 0) said += ` ${held === 1 ? "1 event is" : `${held} events are`} held.`;
  if (id === null) said = "Start the tap: breakpoints stop the streams it forwards.";
  setText($("bp-state"), tap.breakpoints.note ? `${said} ${tap.breakpoints.note}` : said);
  setText($("bp-problem"), tap.breakpoints.problem);
  for (const control of ["bp-apply", "bp-clear", "bp-revert", "bp-add"]) button(control).disabled = id === null;
  renderHeld(tap);
}

/** The status line's badge: plain to see while an event is held. @param {Tap} tap */
export function renderHeldBadge(tap) {
  const badge = button("tap-held-badge");
  const held = tap.breakpoints.held;
  badge.hidden = held === 0;
  setText(badge, held === 1 ? "HELD: 1 EVENT" : `HELD: ${held} EVENTS`);
}

/** The tab's own controls. @param {(tap: Tap) => void} showHeld shows the tab, the held event focused */
export function wireTapBreakpoints(showHeld) {
  const json = textarea("bp-json");
  json.addEventListener("input", () => {
    if (state.selectedTap) state.selectedTap.breakpoints.text = json.value;
  });
  json.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      apply();
    }
  });
  for (const id of ["bp-n-event", "bp-n-id", "bp-n-data", "bp-n-path", "bp-n-equals", "bp-n-target"]) {
    input(id).addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        add();
      }
    });
  }
  button("bp-apply").addEventListener("click", apply);
  button("bp-clear").addEventListener("click", clear);
  button("bp-revert").addEventListener("click", revert);
  button("bp-add").addEventListener("click", add);
  button("tap-held-badge").addEventListener("click", () => {
    if (state.selectedTap) showHeld(state.selectedTap);
  });
}
