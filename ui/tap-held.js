// The events a tap's breakpoints hold (docs/breakpoints.md): one chip each, and the chosen one
// whole, with its actions. Keyboard-first: while the held event's panel has focus, Enter sends
// it on, Delete drops it, E edits it, I injects an event before it and Shift+I after it, F8
// resumes; in the event form Ctrl+Enter sends and Escape cancels. The inspector's keys are off
// while a tap is shown, so none clashes.
import { $, button, input, setText, textarea } from "./dom.js";
import { formatBytes, plural } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { scheduleRender } from "./schedule.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").HeldView} HeldView */
/** @typedef {import("./gen/ipc").HoldAction} HoldAction */

/** The held event shown: the chosen one, else the first. @param {Tap} tap */
function shownHeld(tap) {
  const held = tap.breakpoints.view?.held ?? [];
  return held.find((view) => view.exchange === tap.breakpoints.chosen) ?? held[0] ?? null;
}

/** A held event's bytes with their line endings made visible (as escapes: the symbols for
 * control characters are missing from common fonts). @param {string} text */
export function visibleEndings(text) {
  /** @type {Record<string, string>} */
  const shown = { "\r\n": "\\r\\n\n", "\r": "\\r\n", "\n": "\\n\n" };
  return text.replace(/\r\n|\r|\n/g, (ending) => shown[ending]);
}

/** The line over the held event. @param {HeldView} held */
export function whereText(held) {
  const parts = [`Exchange ${held.exchange}: ${held.method} ${held.target}`, `event ${held.number}`, `breakpoint ${held.breakpoint} (${held.breakpointText})`, `held ${(held.heldMs / 1000).toFixed(1)} s`];
  if (held.behindEvents > 0 || held.behindBytes > 0) parts.push(`${plural(held.behindEvents, "event")} (${formatBytes(held.behindBytes)}) waiting behind it`);
  if (held.injectedBefore > 0) parts.push(`${held.injectedBefore} injected before`);
  if (held.injectAfter > 0) parts.push(`${held.injectAfter} to send after it`);
  return parts.join(" · ");
}

/** Sends `action` for the event shown, then fetches what is held again. @param {HoldAction} action */
async function send(action) {
  const tap = state.selectedTap;
  const held = tap ? shownHeld(tap) : null;
  if (!tap || !held || tap.id === null) return;
  try {
    await ipc.actOnHeld(tap.id, held.exchange, action);
    tap.breakpoints.problem = "";
    tap.breakpoints.form = null;
  } catch (error) {
    tap.breakpoints.problem = ipc.errorMessage(error);
  }
  tap.fetches.breakpoints.at = -Infinity; // what is held now, at once
  tap.version += 1;
  scheduleRender();
}

/** Opens the event form: the held event's fields to edit, or blank to inject.
 * @param {"edit" | "before" | "after"} mode */
function openForm(mode) {
  const tap = state.selectedTap;
  const held = tap ? shownHeld(tap) : null;
  if (!tap || !held) return;
  tap.breakpoints.form = mode;
  const editing = mode === "edit";
  input("bp-f-event").value = editing && held.event !== "message" ? held.event : "";
  input("bp-f-id").value = editing ? held.id ?? "" : "";
  input("bp-f-retry").value = editing && held.retryMs !== null ? String(held.retryMs) : "";
  textarea("bp-f-data").value = editing ? held.data : "";
  for (const id of ["bp-f-event", "bp-f-id", "bp-f-retry"]) input(id).disabled = held.ndjson;
  const titles = { edit: "Edit the held event, then send the edit instead of it", before: "A new event, sent now, before the held one", after: "A new event, sent right after the held one" };
  setText($("bp-form-title"), held.ndjson ? `${titles[mode]} (an NDJSON line: its data only, on one line)` : titles[mode]);
  $("bp-form").hidden = false;
  textarea("bp-f-data").focus();
}

/** The form's event. */
function formEvent() {
  const text = (/** @type {string} */ id) => input(id).value.trim();
  const retry = text("bp-f-retry");
  return { event: text("bp-f-event") || null, id: text("bp-f-id") || null, data: textarea("bp-f-data").value, retryMs: retry === "" ? null : Number(retry) };
}

function submitForm() {
  const mode = state.selectedTap?.breakpoints.form;
  if (!mode) return;
  const event = formEvent();
  /** @type {HoldAction} */
  const action = mode === "edit" ? { kind: "sendEdited", event } : mode === "before" ? { kind: "injectBefore", event } : { kind: "injectAfter", event };
  send(action).then(() => $("bp-event").focus());
}

function closeForm() {
  const tap = state.selectedTap;
  if (tap) tap.breakpoints.form = null;
  $("bp-form").hidden = true;
  $("bp-event").focus();
}

/** Draws the held events of `tap`. @param {Tap} tap */
export function renderHeld(tap) {
  const all = tap.breakpoints.view?.held ?? [];
  const held = shownHeld(tap);
  const list = $("bp-held-list");
  const chips = all.map((view) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.setAttribute("role", "option");
    chip.dataset.exchange = String(view.exchange);
    chip.setAttribute("aria-selected", String(view === held));
    chip.textContent = `#${view.exchange} ${view.target} · event ${view.number}`;
    return chip;
  });
  const key = all.map((view) => `${view.exchange}:${view.number}:${view === held}`).join(",");
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    list.replaceChildren(...(all.length > 1 ? chips : []));
  }
  const panel = $("bp-event");
  if (!held) {
    if (!panel.hidden && panel.contains(document.activeElement)) $("tap-breakpoints").focus();
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  setText($("bp-where"), whereText(held));
  /** @type {[string, string][]} */
  const fields = [["Type", held.event], ["Id", held.id ?? "(none)"], ["Retry", held.retryMs === null ? "(none)" : `${held.retryMs} ms`], ["Data", held.data]];
  const dl = $("bp-fields");
  const fieldsKey = JSON.stringify(fields);
  if (dl.dataset.key !== fieldsKey) {
    dl.dataset.key = fieldsKey;
    dl.replaceChildren(...fields.flatMap(([name, value]) => [Object.assign(document.createElement("dt"), { textContent: name }), Object.assign(document.createElement("dd"), { textContent: value })]));
  }
  setText($("bp-raw"), visibleEndings(held.text));
  $("bp-form").hidden = tap.breakpoints.form === null;
}

/** The keys of the held event's panel (not while typing in its form). @param {KeyboardEvent} event */
function onPanelKey(event) {
  const target = event.target;
  if (target instanceof HTMLElement && target.closest("#bp-form")) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeForm();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submitForm();
    }
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  // Enter on one of the panel's buttons presses that button.
  if (target instanceof HTMLButtonElement && (event.key === "Enter" || event.key === " ")) return;
  /** @type {Record<string, () => void>} */
  const keys = {
    Enter: () => send({ kind: "sendOn" }),
    Delete: () => send({ kind: "drop" }),
    e: () => openForm("edit"),
    E: () => openForm("edit"),
    i: () => openForm("before"),
    I: () => openForm("after"),
    F8: () => send({ kind: "resume" }),
  };
  const key = event.key === "i" && event.shiftKey ? "I" : event.key;
  const action = keys[key];
  if (!action) return;
  event.preventDefault();
  action();
}

/** Arrow keys choose among the held events; a click chooses one. @param {KeyboardEvent} event */
function onListKey(event) {
  const tap = state.selectedTap;
  const all = tap?.breakpoints.view?.held ?? [];
  if (!tap || all.length === 0 || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(event.key)) return;
  event.preventDefault();
  const at = Math.max(0, all.findIndex((view) => view.exchange === shownHeld(tap)?.exchange));
  const step = event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 1;
  tap.breakpoints.chosen = all[(at + step + all.length) % all.length].exchange;
  scheduleRender();
}

/** The panel's own controls. */
export function wireHeld() {
  $("bp-event").addEventListener("keydown", onPanelKey);
  $("bp-held-list").addEventListener("keydown", onListKey);
  $("bp-held-list").addEventListener("click", (event) => {
    const chip = event.target instanceof Element ? event.target.closest("[data-exchange]") : null;
    const tap = state.selectedTap;
    if (tap && chip instanceof HTMLElement) {
      tap.breakpoints.chosen = Number(chip.dataset.exchange);
      scheduleRender();
    }
  });
  button("bp-send").addEventListener("click", () => send({ kind: "sendOn" }));
  button("bp-drop").addEventListener("click", () => send({ kind: "drop" }));
  button("bp-resume").addEventListener("click", () => send({ kind: "resume" }));
  button("bp-edit").addEventListener("click", () => openForm("edit"));
  button("bp-before").addEventListener("click", () => openForm("before"));
  button("bp-after").addEventListener("click", () => openForm("after"));
  button("bp-f-cancel").addEventListener("click", closeForm);
  $("bp-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitForm();
  });
}
