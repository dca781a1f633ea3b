// The event log: a virtual list that asks Rust for the rows in view only, its status line and
// type menu, and the switch to the raw bytes.
import { $, input, select, setHidden, setText, span } from "./dom.js";
import { countText, deltaText, formatBytes, timeText } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { timed } from "./probe.js";
import { fetchRaw } from "./raw-view.js";
import { scheduleRender } from "./schedule.js";
import { scrollHeight, visibleWindow } from "./vlist.js";

/** @typedef {import("./gen/ipc").EventRow} EventRow */
/** @typedef {import("./model.js").Connection} Connection */

export const ROW_HEIGHT = 22; // px per row (styles.css .vrow)
const USER_SCROLL_MS = 1000; // a scroll this soon after the user's wheel, key or drag is theirs
const FOLLOW_REFRESH_MS = 33; // a log following a fast stream redraws at most ~30 times a second
const RAW_REFRESH_MS = 250;
const ROW_FIELDS = ["time", "delta", "id", "type", "size", "data"];

/** The message under the toolbar (a bad regex, a failed page). @param {string} text */
export function setFilterProblem(text) {
  setText($("filter-problem"), text);
}

/** Keeps the newest row in view, or not; `why` it went off, for the box to say. @param {boolean} on @param {string} [why] */
export function setFollow(on, why = "") {
  state.view.follow = on;
  const box = input("follow");
  box.checked = on;
  // The box says why it went off, when something other than the user's click turned it off.
  const label = box.closest("label");
  if (label) label.title = why || "Keep the newest event in view (F)";
}

/** Fills a row element (made once, reused as the view moves) with `row`.
 * @param {Element} el @param {EventRow} row @param {Connection} connection */
function fillRow(el, row, connection) {
  if (el.childElementCount !== ROW_FIELDS.length) {
    el.replaceChildren(...ROW_FIELDS.map((name) => span(name, "")));
    el.setAttribute("role", "listitem");
  }
  el.className = "vrow" + (row.seq === connection.run.selectedSeq ? " selected" : "");
  if (el instanceof HTMLElement) el.dataset.seq = String(row.seq);
  const [time, delta, id, type, size, data] = el.children;
  setText(time, timeText(row.receivedAtUs, state.view.utc));
  setText(delta, deltaText(row.deltaUs));
  setText(id, row.id);
  id.className = row.idSet ? "id" : "id carried";
  id.setAttribute("title", row.idSet ? "" : "carried over from an earlier event");
  setText(type, row.event);
  setText(size, formatBytes(row.size));
  setText(data, row.preview + (row.truncated ? " …" : ""));
  // Decided in Rust on the data, not on the preview's symbols.
  data.className = row.blank ? "data blank" : "data";
}

/** Shows `rows` at `top` px, reusing the row elements already there. */
const showRows = timed(
  "showRows",
  /** @param {EventRow[]} rows @param {number} top @param {Connection} connection */
  (rows, top, connection) => {
    const list = $("vlog-rows");
    list.style.transform = `translateY(${top}px)`;
    while (list.childElementCount > rows.length) list.lastElementChild?.remove();
    while (list.childElementCount < rows.length) list.append(document.createElement("div"));
    rows.forEach((row, i) => fillRow(list.children[i], row, connection));
  },
);

/** Marks the selected row, without a redraw. @param {number | null} seq */
export function markSelectedRow(seq) {
  for (const row of $("vlog-rows").children) {
    if (row instanceof HTMLElement) row.classList.toggle("selected", row.dataset.seq === String(seq));
  }
}

/** @param {number} total */
function sizeSpacer(total) {
  $("vlog-spacer").style.height = `${scrollHeight(total, ROW_HEIGHT)}px`;
}

/** @param {Connection} connection */
function renderLogStatus(connection) {
  const c = connection.run.counts;
  const parts = [];
  // First what is on screen: the line is cut at the log's width.
  const oneIn = state.render.sampling.oneIn();
  if (oneIn > 0 && state.view.follow && !connection.paused) parts.push(`sampling: showing 1 event in ${countText(oneIn)}`);
  if (c.kept === 0) parts.push(connection.id === null ? "Not connected." : "No events yet.");
  else {
    parts.push(`${countText(c.kept)} kept`);
    if (c.filtered) parts.push(`${countText(c.matching)} match the filter`);
  }
  if (c.dropped > 0) parts.push(`${countText(c.dropped)} older events dropped (the newest are kept)`);
  const counts = $("log-counts");
  const text = parts.join(" · ");
  setText(counts, text);
  if (counts.title !== text) counts.title = text;
  const note = $("paused-note");
  setHidden(note, !connection.paused);
  if (connection.paused) {
    const received = (connection.run.stats ? connection.run.stats.events : 0) - connection.pausedAtEvents;
    setText(note, `Paused · ${countText(received)} received since`);
  }
  const pause = $("pause-button");
  setText(pause, connection.paused ? "Resume" : "Pause");
  pause.classList.toggle("paused", connection.paused);
  /** @type {[string, boolean][]} */
  const tabs = [["events-tab", !state.view.raw], ["raw-button", state.view.raw]];
  for (const [id, shown] of tabs) {
    const tab = $(id);
    if (tab.getAttribute("aria-selected") !== String(shown)) {
      tab.setAttribute("aria-selected", String(shown));
      tab.tabIndex = shown ? 0 : -1;
    }
  }
  renderTypeOptions(connection);
}

/** The type menu: every type seen so far. @param {Connection} connection */
function renderTypeOptions(connection) {
  const menu = select("filter-type");
  const wanted = ["", ...connection.run.typesSeen];
  const have = [...menu.options].map((o) => o.value);
  if (wanted.length === have.length && wanted.every((v, i) => v === have[i])) return;
  const current = connection.run.filter.types[0] || "";
  menu.replaceChildren(
    ...wanted.map((type) => {
      const option = document.createElement("option");
      option.value = type;
      option.textContent = type === "" ? "All types" : type;
      return option;
    }),
  );
  menu.value = current;
}

/** Redraws the log if it has news (or with `force`), at most ~30 times a second.
 * @param {boolean} force */
export function renderInspector(force) {
  const connection = state.selected;
  if (!connection) return;
  const render = state.render;
  renderLogStatus(connection);
  const raw = state.view.raw;
  setHidden($("ipc-log"), raw);
  setHidden($("log-head"), raw);
  setHidden($("raw-view"), !raw);
  if (raw) {
    const due = performance.now() - render.rawFetchedAt > RAW_REFRESH_MS;
    if (force || (render.inspectorDirty && due && !connection.paused)) {
      render.inspectorDirty = false;
      fetchRaw(connection, setFilterProblem);
    }
    return;
  }
  if (!force && (connection.paused || !render.inspectorDirty)) return;
  const now = performance.now();
  if (!force && now - render.pageShownAt < FOLLOW_REFRESH_MS) {
    scheduleRender(); // later, with whatever has come by then
    return;
  }
  render.pageShownAt = now;
  render.inspectorDirty = false;
  fetchPage(connection, force);
}

/** Shows the rows in view: from the latest batch when following, else asked of Rust (unless
 * they are the rows on screen, unless `force`).
 * @param {Connection} connection @param {boolean} force */
async function fetchPage(connection, force) {
  const render = state.render;
  if (render.pageInFlight) {
    render.pageAgain = true;
    return;
  }
  const log = $("ipc-log");
  if (connection.id === null) {
    sizeSpacer(0);
    showRows([], 0, connection);
    return;
  }
  render.pageInFlight = true;
  const run = connection.run;
  try {
    const total = connection.shownTotal;
    sizeSpacer(total);
    const following = state.view.follow && !connection.paused;
    if (following) log.scrollTop = log.scrollHeight;
    const view = visibleWindow(total, ROW_HEIGHT, log.scrollTop, log.clientHeight);
    const fits = Math.max(1, Math.floor(log.clientHeight / ROW_HEIGHT));
    // Events so far: the log keeps the newest 100,000, so past that its total holds still
    // while the events dropped from its start go on counting (unfiltered: under a filter,
    // which of the dropped matched is not known).
    const c = run.counts;
    const seen = c.matching + (c.filtered ? 0 : c.dropped);
    if (following) render.sampling.drew(connection, seen, fits, performance.now());
    else render.sampling.reset();
    // Following the newest events, the latest batch brought the rows: no round trip.
    const tailStart = run.counts.matching - run.tail.length;
    if (!connection.paused && total === run.counts.matching && view.first >= tailStart && run.tail.length > 0) {
      const offset = view.first - tailStart;
      const rows = run.tail.slice(offset, offset + view.count);
      render.lastWindow = { first: view.first, count: rows.length };
      render.pageShows = "";
      showRows(rows, view.top, connection);
      return;
    }
    // Follow off, news below the rows in view changes none of them (which events the indexes
    // hold changes only with the filter's view or a drop, how they read with the clock): no
    // round trip to Rust, no rows redrawn.
    const shows = `${connection.id} ${view.first} ${view.count} ${c.view} ${c.dropped} ${state.view.utc}`;
    if (!force && shows === render.pageShows) return;
    render.pageShows = "";
    const page = await ipc.eventsPage(connection.id, view.first, view.count);
    if (connection !== state.selected) return;
    if (page.counts.view < run.counts.view) {
      render.pageAgain = true; // asked before a new filter took effect: its rows are of the old one
      return;
    }
    if (!connection.paused) run.counts = page.counts;
    render.lastWindow = { first: view.first, count: page.rows.length };
    showRows(page.rows, view.top, connection);
    if (page.rows.length === view.count) render.pageShows = shows;
  } catch (error) {
    // The connection closed meanwhile: its log is gone with it.
    if (connection.id !== null) setFilterProblem(ipc.errorMessage(error));
  } finally {
    render.pageInFlight = false;
    if (render.pageAgain) {
      render.pageAgain = false;
      render.inspectorDirty = true;
      scheduleRender();
    }
  }
}

/** The user scrolling the log (wheel, touch, keys, the scroll bar): only that stops Follow. */
export function noteUserScroll() {
  state.render.userScrolledAt = performance.now();
}

/** Scrolling away from the newest row, by the user, stops following it. A scroll the page
 * caused (the log growing or shrinking under a filter, a line appearing above it) does not:
 * by the time such an event is told, the log may be a moment away from its bottom. */
export function onLogScroll() {
  const log = $("ipc-log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - ROW_HEIGHT;
  const byUser = performance.now() - state.render.userScrolledAt < USER_SCROLL_MS;
  if (!atBottom && byUser && state.view.follow) setFollow(false);
  // A log following the newest row scrolls itself in each frame that draws it: its rows are
  // already drawn for where it scrolled to.
  if (!byUser && state.view.follow) return;
  renderInspector(true);
}
