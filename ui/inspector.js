// The log's toolbar and the detail pane's buttons: filter, pause, clear, follow, time zone,
// raw, export and import, copying, and picking a row.
import { selectEvent, setUtc, unselectEvent } from "./detail.js";
import { $, button, copyText, input, select } from "./dom.js";
import { exportEvents, importCapture } from "./files.js";
import { filterChanged } from "./filter.js";
import * as ipc from "./ipc.js";
import { noteUserScroll, onLogScroll, renderInspector, setFollow } from "./log.js";
import { state } from "./model.js";
import { notify } from "./notices.js";
import { rawText } from "./raw-view.js";
import { scheduleRender } from "./schedule.js";

export function togglePause() {
  const connection = state.selected;
  if (!connection) return;
  connection.paused = !connection.paused;
  connection.pausedAtEvents = connection.run.stats ? connection.run.stats.events : 0;
  connection.pausedMatching = connection.run.counts.matching;
  renderInspector(true);
  scheduleRender(); // a paused view's once-a-second frames start here
}

/** Forgets the selected connection's kept events (it stays connected). */
export async function clearEvents() {
  const connection = state.selected;
  if (!connection) return;
  const run = connection.run;
  run.tail = [];
  unselectEvent(connection);
  if (connection.id !== null) run.counts = await ipc.clearEvents(connection.id);
  connection.pausedMatching = 0;
  run.browserFeed.logSize = 0;
  renderInspector(true);
  scheduleRender();
}

export function toggleRaw() {
  showRaw(!state.view.raw);
}

/** The raw bytes (true) or the events (false) in the log's place. @param {boolean} raw */
function showRaw(raw) {
  state.view.raw = raw;
  renderInspector(true);
}

/** The log's two tabs, Events and Raw: clicked, or moved between with the arrow keys.
 * @param {KeyboardEvent} event */
function onViewTabKey(event) {
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight" && event.key !== "Home" && event.key !== "End") return;
  event.preventDefault();
  const raw = event.key === "Home" ? false : event.key === "End" ? true : !state.view.raw;
  showRaw(raw);
  $(raw ? "raw-button" : "events-tab").focus();
}

export function toggleFollow() {
  setFollow(!state.view.follow);
  renderInspector(true);
}

/** Escape with nothing focused: drop the selected event. */
export function clearSelection() {
  const connection = state.selected;
  if (!connection) return;
  unselectEvent(connection);
  renderInspector(true);
}

export function wireInspector() {
  input("filter-text").addEventListener("input", filterChanged);
  for (const id of ["filter-regex", "filter-case", "filter-type"]) $(id).addEventListener("change", filterChanged);
  button("pause-button").addEventListener("click", togglePause);
  button("clear-button").addEventListener("click", clearEvents);
  button("events-tab").addEventListener("click", () => showRaw(false));
  button("raw-button").addEventListener("click", () => showRaw(true));
  $("events-tab").parentElement?.addEventListener("keydown", onViewTabKey);
  input("follow").addEventListener("change", () => {
    state.view.follow = input("follow").checked;
    renderInspector(true);
  });
  select("time-zone").addEventListener("change", () => setUtc(select("time-zone").value === "utc"));
  button("export-button").addEventListener("click", exportEvents);
  button("import-button").addEventListener("click", () => importCapture());
  button("copy-data").addEventListener("click", async () => {
    const connection = state.selected;
    const detail = connection && connection.run.detail;
    if (!connection || !detail || connection.id === null) return;
    // A cut detail has only the data's start: the whole comes from Rust.
    const whole = detail.dataCut ? await ipc.eventData(connection.id, detail.seq).catch(() => null) : detail.data;
    if (whole !== null) copyText(whole);
  });
  button("save-data").addEventListener("click", () => {
    const connection = state.selected;
    const detail = connection && connection.run.detail;
    if (!connection || !detail || connection.id === null) return;
    ipc.saveEventData(connection.id, detail.seq).catch((error) => notify(`Save failed: ${ipc.errorMessage(error)}`));
  });
  button("copy-raw").addEventListener("click", () => {
    const raw = state.selected && state.selected.run.detail && state.selected.run.detail.raw;
    if (raw) copyText(rawText(raw));
  });
  const log = $("ipc-log");
  log.addEventListener("scroll", onLogScroll);
  for (const kind of ["wheel", "touchmove", "pointerdown", "keydown"]) log.addEventListener(kind, noteUserScroll, { passive: true });
  $("vlog-rows").addEventListener("click", (event) => {
    const row = event.target instanceof Element ? event.target.closest(".vrow") : null;
    if (row instanceof HTMLElement && state.selected) selectEvent(state.selected, Number(row.dataset.seq));
  });
}
