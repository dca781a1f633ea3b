// The taps' life: adding, selecting, starting, stopping and removing taps, saving them, and
// what each one's channel reports.
import { $, button, copyText, setText } from "./dom.js";
import { plural } from "./format.js";
import * as ipc from "./ipc.js";
import { Tap, blankTapSpec, state } from "./model.js";
import { notify } from "./notices.js";
import { scheduleRender } from "./schedule.js";
import { fillTapForm, readTapForm, setTapProblem, showTapOptions } from "./tap-form.js";

/** @typedef {import("./gen/ipc").TapSpec} TapSpec */
/** @typedef {import("./gen/ipc").TapUpdate} TapUpdate */

const SAVE_DELAY_MS = 400; // taps are saved this long after the last change

/** @param {TapSpec} spec @param {boolean} [select] @param {string | null} [savedKey] */
export function addTap(spec, select = true, savedKey = null) {
  const tap = new Tap(spec, savedKey);
  state.taps.push(tap);
  if (select) selectTap(tap);
  scheduleRender();
  scheduleTapSave();
  return tap;
}

/** Shows the tap's workspace instead of the connection's. @param {Tap} tap */
export function selectTap(tap) {
  state.selectedTap = tap;
  $("workspace").hidden = true;
  $("tap-workspace").hidden = false;
  fillTapForm(tap.spec);
  setTapProblem(tap.problem);
  tap.version += 1; // drawn afresh
  scheduleRender();
}

/** Back to the connection shown before (connections.js selects one). */
export function leaveTap() {
  state.selectedTap = null;
  $("tap-workspace").hidden = true;
  $("workspace").hidden = false;
}

/** (Re)starts `tap` with `spec`, on the port it had (when free). A tap that has a record
 * (stopped, or running) records on after it. @param {Tap} tap @param {TapSpec} spec */
export async function startTap(tap, spec) {
  const kept = tap.id;
  tap.spec = spec;
  if (kept === null) tap.reset();
  tap.state = "starting";
  tap.problem = "";
  tap.note = "";
  scheduleRender();
  /** @param {TapUpdate} update */
  const onUpdate = (update) => onTapUpdate(tap, update);
  try {
    const opened = kept === null ? await ipc.openTap(spec, onUpdate) : await ipc.restartTap(kept, spec, onUpdate);
    tap.id = opened.id;
    tap.listenUrl = opened.listenUrl;
    tap.note = opened.note || "";
    // Said where the user is, too: the app pointed at the old port will not find the tap.
    if (opened.note) notify(`${tap.label.title}: ${opened.note}`);
    tap.state = "listening";
    // Kept, so the app pointed at it finds it there next time.
    tap.spec = { ...spec, port: opened.port };
  } catch (error) {
    tap.state = "failed";
    tap.problem = ipc.errorMessage(error);
  }
  if (tap === state.selectedTap) setTapProblem(tap.problem);
  tap.version += 1;
  scheduleRender();
  scheduleTapSave();
}

/** Stops a tap listening; it stays in the list with its record (its exchanges can still be
 * opened, replayed and exported). @param {Tap} tap */
export async function stopTap(tap) {
  if (tap.id === null || !tap.running) return;
  tap.state = "stopped";
  tap.version += 1;
  scheduleRender();
  await ipc.stopTap(tap.id);
}

/** Forgets what a tap recorded (the user confirmed). @param {Tap} tap */
async function clearTapRecord(tap) {
  if (tap.id !== null) await ipc.clearTap(tap.id);
  tap.reset();
  tap.version += 1;
  scheduleRender();
}

/** @param {Tap} tap */
export async function removeTap(tap) {
  const id = tap.id;
  tap.id = null;
  tap.state = "stopped";
  if (id !== null) await ipc.closeTap(id);
  state.taps.splice(state.taps.indexOf(tap), 1);
  if (tap === state.selectedTap) leaveTap(); // back to the connection shown before
  scheduleRender();
  scheduleTapSave();
}

/** Names a tap (empty: none, it is listed by its upstream). @param {Tap} tap @param {string} name */
export function renameTap(tap, name) {
  tap.spec = { ...tap.spec, name };
  if (tap === state.selectedTap) fillTapForm(tap.spec);
  scheduleRender();
  scheduleTapSave();
}

/** The form's spec, for the selected tap; while it runs, only a new name takes effect now. */
export function tapFormChanged() {
  const tap = state.selectedTap;
  if (!tap) return;
  const spec = readTapForm(tap.spec.port);
  if (!tap.running) tap.spec = spec;
  else if (spec.name !== tap.spec.name) tap.spec = { ...tap.spec, name: spec.name };
  scheduleRender();
  scheduleTapSave();
}

/** A new tap, shown, its upstream field focused. */
function newTap() {
  addTap(blankTapSpec());
  $("t-upstream").focus();
}

/** Rows that changed, merged by id. @param {Tap} tap @param {TapUpdate} update */
function onTapUpdate(tap, update) {
  for (const row of update.rows) tap.exchanges.set(row.id, row);
  for (const id of tap.exchanges.keys()) {
    if (id < update.oldestKept) tap.exchanges.delete(id);
  }
  tap.open = update.open;
  tap.faults.count = update.faultRules;
  tap.breakpoints.count = update.breakpoints;
  tap.breakpoints.held = update.held;
  tap.version += 1;
  scheduleRender(); // its view, or its count in the list
}

export function scheduleTapSave() {
  clearTimeout(state.timers.tapSave);
  state.timers.tapSave = setTimeout(saveTaps, SAVE_DELAY_MS);
}

async function saveTaps() {
  if (!ipc.available()) return;
  const kept = state.taps.filter((tap) => tap.spec.upstream.trim() !== "");
  /** @type {import("./gen/ipc").SavedTap[]} */
  const saved = kept.map((tap) => ({ key: tap.savedKey, spec: tap.spec, secrets: "none" }));
  try {
    (await ipc.saveTaps(saved)).forEach((note) => notify(note));
  } catch (error) {
    notify(ipc.errorMessage(error));
  }
}

/** The tap workspace's own controls. */
export function wireTaps() {
  button("new-tap").addEventListener("click", newTap);
  const form = $("tap-form");
  form.addEventListener("input", tapFormChanged);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const tap = state.selectedTap;
    if (tap) startTap(tap, readTapForm(tap.spec.port));
  });
  button("tap-stop").addEventListener("click", () => {
    if (state.selectedTap) stopTap(state.selectedTap);
  });
  // Clearing asks first: the record cannot be had back.
  const confirmClear = (/** @type {boolean} */ asking) => {
    $("tap-clear").hidden = asking;
    $("tap-clear-confirm").hidden = !asking;
    $("tap-clear-cancel").hidden = !asking;
    if (asking) {
      const tap = state.selectedTap;
      setText($("tap-clear-confirm"), `Forget ${plural(tap ? tap.exchanges.size : 0, "exchange")}`);
      $("tap-clear-cancel").focus();
    }
  };
  button("tap-clear").addEventListener("click", () => confirmClear(true));
  button("tap-clear-cancel").addEventListener("click", () => {
    confirmClear(false);
    $("tap-clear").focus();
  });
  button("tap-clear-confirm").addEventListener("click", () => {
    confirmClear(false);
    if (state.selectedTap) clearTapRecord(state.selectedTap);
    $("tap-clear").focus();
  });
  button("tap-options-toggle").addEventListener("click", () => showTapOptions($("tap-options").hidden));
  button("tap-copy").addEventListener("click", async () => {
    const tap = state.selectedTap;
    if (tap && tap.listenUrl && !(await copyText(tap.listenUrl))) {
      tap.note = "Could not reach the clipboard: select the URL and copy it.";
      scheduleRender();
    }
  });
  // The filters redraw the rows on the next frame.
  $("tap-filter-path").addEventListener("input", () => scheduleRender());
  $("tap-filter-status").addEventListener("change", () => scheduleRender());
}
