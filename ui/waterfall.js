// The waterfall: each exchange of the tap (as the list filters them, newest on top) from its
// start to its end on one time axis: waiting for the head, then the body, a mark for each
// chunk, so bursts and stalls are seen. Fetched from Rust at most twice a second.
import { $, element, setText } from "./dom.js";
import { durationText, passes } from "./exchanges.js";
import { plural } from "./format.js";
import * as ipc from "./ipc.js";
import { fetchThrottled } from "./schedule.js";
import { selectExchange } from "./tap-exchange.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").TimelineRow} TimelineRow */

const ROW_PX = 16;
const GUTTER_PX = 44; // the exchange's number
const MAX_ROWS = 500;

/** What the canvas shows, for clicks: the exchange of each row. @type {number[]} */
let rowIds = [];

/** Fetches the timeline when it moved (and while exchanges are open), at most twice a second.
 * @param {Tap} tap */
function refresh(tap) {
  const tapId = tap.id;
  if (tapId === null || (tap.timelineVersion === tap.version && tap.open === 0)) return;
  const version = tap.version;
  fetchThrottled(tap.fetches.timeline, async () => {
    tap.timeline = await ipc.tapTimeline(tapId, MAX_ROWS);
    tap.timelineVersion = version;
  });
}

/** @param {string} name */
function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/** Draws the waterfall of `tap`'s exchanges that pass `filter`.
 * @param {Tap} tap @param {{ path: string, status: string }} filter */
export function renderWaterfall(tap, filter) {
  refresh(tap);
  const canvas = element("waterfall-canvas", HTMLCanvasElement);
  const rows = tap.timeline.filter((line) => {
    const row = tap.exchanges.get(line.id);
    return row !== undefined && passes(row, filter);
  });
  rows.reverse(); // newest on top, as the list
  rowIds = rows.map((line) => line.id);
  if (rows.length === 0) {
    setText($("waterfall-axis"), tap.exchanges.size === 0 ? "No exchanges yet." : "No exchange passes the filter.");
    canvas.height = 0;
    return;
  }
  const from = Math.min(...rows.map((line) => line.startedMs));
  const to = Math.max(...rows.map((line) => line.startedMs + line.endMs));
  const span = Math.max(to - from, 1);
  setText($("waterfall-axis"), `${plural(rows.length, "exchange")} over ${durationText(span)} · grey: waiting for the head, then the body, a tick per chunk`);
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(canvas.parentElement ? canvas.parentElement.clientWidth - 4 : 300, 200);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${rows.length * ROW_PX}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(rows.length * ROW_PX * ratio);
  const g = canvas.getContext("2d");
  if (!g) return;
  g.scale(ratio, ratio);
  const x = (/** @type {number} */ ms) => GUTTER_PX + ((ms - from) / span) * (width - GUTTER_PX - 4);
  const [text, muted, accent, ok, bad, border] = ["--text", "--muted", "--accent", "--ok", "--bad", "--border"].map(cssColor);
  g.font = "11px ui-monospace, monospace";
  g.textBaseline = "middle";
  rows.forEach((line, i) => {
    const top = i * ROW_PX;
    const middle = top + ROW_PX / 2;
    if (line.id === tap.selectedExchange) {
      g.fillStyle = border;
      g.fillRect(0, top, width, ROW_PX);
    }
    g.fillStyle = muted;
    g.fillText(`#${line.id}`, 2, middle);
    const start = x(line.startedMs);
    const head = line.headMs === null ? null : x(line.startedMs + line.headMs);
    const end = Math.max(x(line.startedMs + line.endMs), start + 1);
    g.fillStyle = muted;
    g.globalAlpha = 0.45;
    g.fillRect(start, middle - 2, (head ?? end) - start, 4);
    g.globalAlpha = 1;
    if (head !== null) {
      g.fillStyle = line.failed ? bad : line.open ? ok : accent;
      g.fillRect(head, middle - 3, Math.max(end - head, 1), 6);
    }
    g.fillStyle = text;
    for (const at of line.chunkMs) g.fillRect(x(line.startedMs + at), middle - 5, 1, 10);
    if (line.failed) {
      g.fillStyle = bad;
      g.fillRect(end - 2, top + 2, 2, ROW_PX - 4);
    }
  });
}

/** A click on a row selects its exchange. @param {() => Tap | null} current */
export function wireWaterfall(current) {
  const canvas = element("waterfall-canvas", HTMLCanvasElement);
  canvas.addEventListener("click", (event) => {
    const tap = current();
    const id = rowIds[Math.floor(event.offsetY / ROW_PX)];
    if (tap && id !== undefined) selectExchange(tap, id);
  });
}
