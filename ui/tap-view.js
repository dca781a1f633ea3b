// The tap's workspace: its state and listening URL, and its exchanges, newest first, live,
// filtered by path and status. Rows are kept per exchange and only their changed cells are
// written (a stream's row moves 4 times a second).
import { $, select, setText } from "./dom.js";
import { durationText, passes, stateText } from "./exchanges.js";
import { formatBytes, plural } from "./format.js";
import { state } from "./model.js";
import { renderExchange, renderTapTabs, selectExchange } from "./tap-exchange.js";
import { renderTapClients } from "./tap-clients.js";
import { renderFaultsBadge, renderTapFaults } from "./tap-faults.js";
import { renderHeldBadge, renderTapBreakpoints } from "./tap-breakpoints.js";
import { renderTapMcp } from "./tap-mcp.js";
import { renderWaterfall } from "./waterfall.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").ExchangeRow} ExchangeRow */

const COLUMNS = ["id", "method", "path", "status", "type", "duration", "bytes", "events", "state"];

/** What is drawn now: for which tap, at which version, with which filter. */
const drawn = {
  /** @type {Tap | null} */
  tap: null,
  version: -1,
  filter: "",
  /** @type {Map<number, HTMLTableRowElement>} */
  rows: new Map(),
};

/** The path filter and status filter on screen. */
function currentFilter() {
  return { path: /** @type {HTMLInputElement} */ ($("tap-filter-path")).value.trim().toLowerCase(), status: select("tap-filter-status").value };
}

/** @param {ExchangeRow} row */
function newRow(row) {
  const tr = document.createElement("tr");
  tr.dataset.id = String(row.id);
  for (const column of COLUMNS) {
    const td = document.createElement("td");
    td.className = `col-${column}`; // prefixed: .state, .id... are other parts' classes
    tr.append(td);
  }
  return tr;
}

/** Writes `row` into `tr`, only what changed. @param {HTMLTableRowElement} tr @param {ExchangeRow} row */
function fillRow(tr, row) {
  const cells = tr.cells;
  setText(cells[0], String(row.id));
  setText(cells[1], row.method);
  setText(cells[2], row.target);
  const hover = `${row.method} ${row.target}${row.contentType ? `\n${row.contentType}` : ""}`;
  if (cells[2].title !== hover) cells[2].title = hover;
  setText(cells[3], row.status === null ? "…" : String(row.status));
  const statusClass = row.status === null ? "" : String(row.status)[0];
  if (cells[3].dataset.class !== statusClass) cells[3].dataset.class = statusClass;
  setText(cells[4], row.contentType.split(";")[0]);
  setText(cells[5], durationText(row.durationMs));
  setText(cells[6], formatBytes(row.bytes));
  setText(cells[7], row.isStream ? String(row.events) : "");
  const state = stateText(row);
  setText(cells[8], state);
  const said = [state, row.fault, row.breakpoints].filter(Boolean).join("\n");
  if (cells[8].title !== said) cells[8].title = said;
  const kind = row.held ? "held" : row.ending === null ? (row.isStream ? "live" : "open") : row.failed ? "failed" : "done";
  if (tr.dataset.kind !== kind) tr.dataset.kind = kind;
}

/** Draws the selected tap: the status line every time, the rows when they moved. */
export function renderTap() {
  const tap = state.selectedTap;
  if (!tap) return;
  const badge = $("tap-state");
  if (badge.dataset.state !== tap.badgeState) badge.dataset.state = tap.badgeState;
  setText(badge, tap.state);
  setText($("tap-url"), tap.state === "listening" ? tap.listenUrl : "–");
  /** @type {HTMLButtonElement} */ ($("tap-copy")).disabled = tap.state !== "listening";
  /** @type {HTMLButtonElement} */ ($("tap-stop")).disabled = !tap.running;
  // What reads the tap's record needs one (a stopped tap keeps it).
  /** @type {HTMLButtonElement} */ ($("tap-export-har")).disabled = tap.id === null;
  /** @type {HTMLButtonElement} */ ($("tap-clear")).disabled = tap.id === null || tap.exchanges.size === 0;
  /** @type {HTMLButtonElement} */ ($("exchange-replay")).disabled = tap.id === null;
  /** @type {HTMLButtonElement} */ ($("exchange-inspect")).disabled = tap.id === null;
  /** @type {HTMLButtonElement} */ ($("exchange-curl")).disabled = tap.detail === null;
  setText($("tap-start"), tap.running ? "Apply and restart" : "Start");
  $("tap-insecure-badge").hidden = !tap.spec.tls.insecure;
  renderFaultsBadge(tap);
  renderHeldBadge(tap);
  const hint =
    tap.state === "listening"
      ? `Point your app's base URL here: a request for ${tap.listenUrl}/x goes to ${tap.spec.upstream.replace(/\/$/, "")}/x, and is listed below as it streams.`
      : "";
  setText($("tap-hint"), hint);
  setText($("tap-note"), tap.note);
  renderRows(tap);
  renderTapTabs(tap);
  if (tap.tab === "waterfall") renderWaterfall(tap, currentFilter());
  else if (tap.tab === "mcp") renderTapMcp(tap);
  else if (tap.tab === "faults") renderTapFaults(tap);
  else if (tap.tab === "breakpoints") renderTapBreakpoints(tap);
  else if (tap.tab === "clients") renderTapClients(tap);
  else renderExchange(tap);
}

/** @param {Tap} tap */
function renderRows(tap) {
  const filter = currentFilter();
  const filterKey = `${filter.path}\u0000${filter.status}`;
  if (drawn.tap === tap && drawn.version === tap.version && drawn.filter === filterKey) return;
  const body = $("tap-rows");
  if (drawn.tap !== tap) {
    body.replaceChildren();
    drawn.rows.clear();
    drawn.tap = tap;
  }
  drawn.version = tap.version;
  drawn.filter = filterKey;
  for (const [id, tr] of drawn.rows) {
    if (!tap.exchanges.has(id)) {
      tr.remove();
      drawn.rows.delete(id);
    }
  }
  let shown = 0;
  for (const row of tap.exchanges.values()) {
    let tr = drawn.rows.get(row.id);
    if (!tr) {
      tr = newRow(row);
      drawn.rows.set(row.id, tr);
      body.prepend(tr); // newest first: ids only grow
    }
    fillRow(tr, row);
    const selected = row.id === tap.selectedExchange;
    if (tr.getAttribute("aria-selected") !== String(selected)) tr.setAttribute("aria-selected", String(selected));
    const visible = passes(row, filter);
    if (tr.hidden === visible) tr.hidden = !visible;
    if (visible) shown += 1;
  }
  const total = tap.exchanges.size;
  let counts = total === 0 ? "No exchanges yet." : plural(total, "exchange");
  if (total > 0 && shown !== total) counts = `${shown} of ${counts} shown`;
  if (tap.open > 0) counts += ` · ${tap.open} open`;
  setText($("tap-counts"), counts);
}

/** The exchange rows shown, top to bottom. */
function shownIds() {
  return [...$("tap-rows").children].flatMap((tr) => (tr instanceof HTMLElement && !tr.hidden ? [Number(tr.dataset.id)] : []));
}

/** A click on a row selects its exchange; in the list, ↑/↓ (and j/k) move the selection,
 * Home/End go to the newest and oldest, Enter shows it. */
export function wireExchangeTable() {
  $("tap-rows").addEventListener("click", (event) => {
    const tap = state.selectedTap;
    const tr = event.target instanceof Element ? event.target.closest("tr") : null;
    if (tap && tr instanceof HTMLElement && tr.dataset.id) selectExchange(tap, Number(tr.dataset.id));
  });
  $("tap-exchange-list").addEventListener("keydown", (event) => {
    const tap = state.selectedTap;
    if (!tap) return;
    const ids = shownIds();
    if (ids.length === 0) return;
    const at = tap.selectedExchange === null ? -1 : ids.indexOf(tap.selectedExchange);
    let to;
    if (event.key === "ArrowDown" || event.key === "j") to = Math.min(at + 1, ids.length - 1);
    else if (event.key === "ArrowUp" || event.key === "k") to = Math.max(at - 1, 0);
    else if (event.key === "Home") to = 0;
    else if (event.key === "End") to = ids.length - 1;
    else return;
    event.preventDefault();
    selectExchange(tap, ids[to]);
    const tr = $("tap-rows").querySelector(`tr[data-id="${ids[to]}"]`);
    if (tr) tr.scrollIntoView({ block: "nearest" });
  });
}
