// The tap's lower tabs (the waterfall, and the exchange selected in the list) and the
// selected exchange shown whole: fetched when selected, and again as it moves (at most twice
// a second); credentials come masked from Rust.
import { $, button, copyText, headerRows, setText } from "./dom.js";
import { durationText, stateText } from "./exchanges.js";
import { formatBytes, plural, timeText } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { rawLine } from "./raw-view.js";
import { fetchThrottled, scheduleRender } from "./schedule.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").BodyView} BodyView */

/** Selects an exchange of `tap` (null: none) and shows it. @param {Tap} tap @param {number | null} id */
export function selectExchange(tap, id) {
  if (tap.selectedExchange === id) return;
  tap.selectedExchange = id;
  tap.detail = null;
  tap.fetches.detail.at = -Infinity; // the new one at once
  tap.version += 1; // the list marks it
  if (id !== null) showTapTab(tap, "exchange");
  scheduleRender();
}

/** The tabs, in their order. @type {Tap["tab"][]} */
const TABS = ["waterfall", "exchange", "mcp", "faults", "breakpoints", "clients"];

/** @param {Tap} tap @param {Tap["tab"]} tab */
export function showTapTab(tap, tab) {
  tap.tab = tab;
  renderTapTabs(tap); // at once: what is clicked next may be in it
  scheduleRender();
}

/** Arrow keys, Home and End move between the tabs. @param {KeyboardEvent} event */
function onTabKey(event) {
  const tap = state.selectedTap;
  if (!tap || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
  event.preventDefault();
  const at = TABS.indexOf(tap.tab);
  const step = { ArrowLeft: TABS.length - 1, ArrowRight: 1, Home: 0, End: 0 }[event.key] ?? 0;
  const next = event.key === "Home" ? TABS[0] : event.key === "End" ? TABS[TABS.length - 1] : TABS[(at + step) % TABS.length];
  showTapTab(tap, next);
  button(`tap-tab-${next}`).focus();
}

/** Shows the tab chosen for `tap`. @param {Tap} tap */
export function renderTapTabs(tap) {
  for (const tab of TABS) {
    const panel = `tap-${tab}`;
    const shown = tap.tab === tab;
    const tabButton = button(`tap-tab-${tab}`);
    if (tabButton.getAttribute("aria-selected") !== String(shown)) {
      tabButton.setAttribute("aria-selected", String(shown));
      tabButton.tabIndex = shown ? 0 : -1;
    }
    if ($(panel).hidden === shown) $(panel).hidden = !shown;
  }
}

/** Draws the selected exchange, fetching it when it moved. @param {Tap} tap */
export function renderExchange(tap) {
  const id = tap.selectedExchange;
  $("exchange-empty").hidden = id !== null && tap.detail !== null;
  $("exchange-body").hidden = tap.detail === null;
  if (id === null || tap.id === null) return;
  const row = tap.exchanges.get(id);
  const moved = tap.detail === null || (row !== undefined && row !== tap.detail.row);
  if (moved) fetchDetail(tap, id);
  const detail = tap.detail;
  if (!detail || detail.row.id !== id) return;
  const shown = row || detail.row;
  setText($("exchange-title"), `${shown.method} ${shown.target} → ${shown.status ?? "no response yet"}`);
  button("exchange-replay").hidden = !shown.isStream;
  button("exchange-inspect").hidden = !shown.isStream;
  /** @type {[string, string][]} */
  const meta = [
    ["Upstream", detail.url],
    ["State", stateText(shown)],
    ["Started", timeText(shown.startedMs * 1000, state.view.utc)],
    ["Head after", detail.headMs === null ? "–" : durationText(detail.headMs)],
    ["Duration", durationText(shown.durationMs)],
    ["Bytes", `${formatBytes(shown.bytes)}${detail.decodedBytes !== detail.row.bytes ? ` (${formatBytes(detail.decodedBytes)} decoded)` : ""} in ${plural(detail.chunks, "chunk")}`],
    ["Protocol", detail.upstreamVersion || "–"],
  ];
  if (shown.isStream) meta.push(["Events", String(shown.events)]);
  if (shown.fault) meta.push(["Fault rule", shown.fault]);
  if (shown.breakpoints) meta.push(["Breakpoints", shown.breakpoints.replace(/^breakpoints: /, "")]);
  const dl = $("exchange-meta");
  const key = JSON.stringify(meta);
  if (dl.dataset.key !== key) {
    dl.dataset.key = key;
    dl.replaceChildren(...meta.flatMap(([name, value]) => [textElement("dt", name), textElement("dd", value)]));
  }
  if (drawnDetail !== detail) {
    // The heads and bodies change only when the detail was fetched again.
    drawnDetail = detail;
    $("exchange-warnings").replaceChildren(...detail.warnings.map((w) => textElement("li", w)));
    $("exchange-request-headers").replaceChildren(...headerRows(detail.requestHeaders));
    $("exchange-response-headers").replaceChildren(...headerRows(detail.responseHeaders));
    setText($("exchange-request-body"), bodyText(detail.requestBody));
    setText($("exchange-curl-shown"), detail.curlShown);
    setText($("exchange-curl-note"), detail.curlNote ? `Copy as curl: ${detail.curlNote}.` : "");
    renderRaw(detail);
    setText($("exchange-response-body"), bodyText(detail.responseBody));
  }
}

/** A stream's last chunks, each under a line saying when it came and its size.
 * @param {import("./gen/ipc").ExchangeDetail} detail */
function renderRaw(detail) {
  $("exchange-raw-part").hidden = detail.raw.length === 0;
  if (detail.raw.length === 0) return;
  setText(
    $("exchange-raw-note"),
    `${plural(detail.raw.length, "chunk")} shown${detail.rawLeftOut > 0 ? `; ${formatBytes(detail.rawLeftOut)} before them not shown` : ""} · each line ends with its LF, CR or CRLF`,
  );
  const last = detail.raw.length - 1;
  const items = detail.raw.flatMap((chunk, i) => {
    const head = document.createElement("li");
    head.className = "chunk-start";
    head.textContent = `── chunk at +${durationText(chunk.atMs)}, ${formatBytes(chunk.bytes)} ──`;
    const unended = i === last ? "(no line ending yet)" : "(goes on in the next chunk)";
    return [head, ...chunk.lines.map((line) => rawLine(line, unended))];
  });
  $("exchange-raw").replaceChildren(...items);
}

/** @param {string} tag @param {string} text */
function textElement(tag, text) {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

/** A body as the detail shows it (always as text, never as markup). @param {BodyView} body */
export function bodyText(body) {
  switch (body.kind) {
    case "none":
      return "(none)";
    case "binary":
      return `(binary, ${formatBytes(body.total)})`;
    case "stream":
      return `(an event stream: ${plural(body.events, "event")}; see the waterfall for its chunks)`;
    default: {
      const cut = body.kept < body.total ? `\n… the first ${formatBytes(body.kept)} of ${formatBytes(body.total)} (the tap's body limit)` : "";
      return body.text + cut;
    }
  }
}

/** @type {import("./gen/ipc").ExchangeDetail | null} whose heads and bodies are on screen */
let drawnDetail = null;

/** @param {Tap} tap @param {number} id */
function fetchDetail(tap, id) {
  const tapId = tap.id;
  if (tapId === null) return;
  fetchThrottled(tap.fetches.detail, async () => {
    const detail = await ipc.tapExchange(tapId, id);
    if (tap.selectedExchange !== id) return;
    if (detail) tap.detail = detail;
    else tap.selectedExchange = null; // no longer kept
  });
}

/** The tabs' own keys; `onReplay` opens what a replay started, `onInspect` opens a tapped
 * stream in the inspector.
 * @param {(imported: import("./gen/ipc").Imported) => void} onReplay
 * @param {(tap: Tap, row: import("./gen/ipc").ExchangeRow) => void} onInspect */
export function wireTapExchange(onReplay, onInspect) {
  $("tap-tabs").addEventListener("keydown", onTabKey);
  for (const tab of TABS) {
    button(`tap-tab-${tab}`).addEventListener("click", () => state.selectedTap && showTapTab(state.selectedTap, tab));
  }
  button("exchange-replay").addEventListener("click", async () => {
    const tap = state.selectedTap;
    if (!tap || tap.id === null || tap.selectedExchange === null) return;
    try {
      const imported = await ipc.replayExchange(tap.id, tap.selectedExchange, 1);
      if (imported) onReplay(imported);
    } catch (error) {
      tap.note = ipc.errorMessage(error);
      scheduleRender();
    }
  });
  button("exchange-inspect").addEventListener("click", () => {
    const tap = state.selectedTap;
    if (!tap || tap.id === null || tap.selectedExchange === null) return;
    const row = tap.exchanges.get(tap.selectedExchange) || (tap.detail && tap.detail.row);
    if (row && row.id === tap.selectedExchange) onInspect(tap, row);
  });
  button("exchange-curl").addEventListener("click", async () => {
    const tap = state.selectedTap;
    if (!tap || !tap.detail) return;
    if (!(await copyText(tap.detail.curl))) {
      tap.note = "Could not reach the clipboard: select the command and copy it.";
      scheduleRender();
    }
  });
  button("tap-export-har").addEventListener("click", async () => {
    const tap = state.selectedTap;
    if (!tap || tap.id === null) return;
    try {
      const withSecrets = /** @type {HTMLInputElement} */ ($("tap-har-secrets")).checked;
      const saved = await ipc.exportHar(tap.id, withSecrets, null);
      if (saved) tap.note = `Saved ${formatBytes(saved.bytes)} of HAR to ${saved.path}${withSecrets ? ", secrets included" : ""}.`;
    } catch (error) {
      tap.note = ipc.errorMessage(error);
    }
    scheduleRender();
  });
}
