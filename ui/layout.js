// The window's splitters: the connection list's width, the detail pane's size and the height
// of the tabs below the log, moved with the mouse or the keyboard (arrows, Shift for larger
// steps, Home and End), reset by a double click, and saved with the settings; and the tabs
// maximised (Ctrl+M or the tab bar's ⤢) and restored.
import { $ } from "./dom.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";

const SAVE_DELAY_MS = 500;
const STEP_PX = 16;
const BIG_STEP_PX = 64;

/** @typedef {"sidebar" | "detail" | "lower"} PaneName */

/**
 * Each splitter's size: the CSS variable it sets (styles.css clamps it to the window too),
 * its bounds in px, and `grow`: +1 if moving the splitter right or down makes the pane
 * larger, -1 if smaller.
 * @type {Record<PaneName, { variable: string, min: number, max: number, grow: 1 | -1, pane: string }>}
 */
const PANES = {
  sidebar: { variable: "--sidebar-width", min: 150, max: 480, grow: 1, pane: "sidebar" },
  detail: { variable: "--detail-size", min: 160, max: 1200, grow: -1, pane: "detail" },
  // Up to all but three of the log's rows (styles.css keeps the inspector that tall).
  lower: { variable: "--lower-height", min: 34, max: 4000, grow: -1, pane: "lower" },
};

/** @param {number} value @param {number} min @param {number} max */
const clamp = (value, min, max) => Math.min(max, Math.max(min, value));

/** Whether a splitter moves left-right ("x") or up-down ("y"): styles.css says, since the
 * detail pane stacks under the log in a narrow window. @param {HTMLElement} splitter */
function axisOf(splitter) {
  return getComputedStyle(splitter).getPropertyValue("--axis").trim() === "y" ? "y" : "x";
}

/** The pane's size on screen now (after the CSS clamps). @param {PaneName} name @param {"x" | "y"} axis */
function shownSize(name, axis) {
  const rect = $(PANES[name].pane).getBoundingClientRect();
  return Math.round(axis === "x" ? rect.width : rect.height);
}

/** Sets a pane's size (null: the default) and tells assistive technology.
 * @param {PaneName} name @param {number | null} px */
function applySize(name, px) {
  const pane = PANES[name];
  const root = document.documentElement.style;
  if (px === null) root.removeProperty(pane.variable);
  else root.setProperty(pane.variable, `${px}px`);
  describe(name);
}

/** aria-orientation and the value a screen reader reads. @param {PaneName} name */
function describe(name) {
  const splitter = $(`split-${name}`);
  const axis = axisOf(splitter);
  // A vertical separator sits between panes side by side (it moves along x).
  splitter.setAttribute("aria-orientation", axis === "x" ? "vertical" : "horizontal");
  splitter.setAttribute("aria-valuemin", String(PANES[name].min));
  splitter.setAttribute("aria-valuemax", String(PANES[name].max));
  const now = shownSize(name, axis);
  splitter.setAttribute("aria-valuenow", String(now));
  splitter.setAttribute("aria-valuetext", `${now} pixels`);
}

/** Saves the sizes and tab a little after the last change. */
export function schedulePanesSave() {
  clearTimeout(state.timers.panes);
  state.timers.panes = setTimeout(() => {
    if (ipc.available()) ipc.savePanes(state.panes).catch(() => {});
  }, SAVE_DELAY_MS);
}

/** @param {PaneName} name @param {number | null} px */
function resize(name, px) {
  const size = px === null ? null : Math.round(clamp(px, PANES[name].min, PANES[name].max));
  state.panes[name] = size;
  applySize(name, size);
  schedulePanesSave();
}

/** @param {PaneName} name */
function wireSplitter(name) {
  const splitter = $(`split-${name}`);
  const pane = PANES[name];
  splitter.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    const axis = axisOf(splitter);
    const start = axis === "x" ? event.clientX : event.clientY;
    const from = shownSize(name, axis);
    splitter.setPointerCapture(event.pointerId);
    splitter.classList.add("dragging");
    /** @param {PointerEvent} move */
    const onMove = (move) => resize(name, from + pane.grow * ((axis === "x" ? move.clientX : move.clientY) - start));
    const onUp = () => {
      splitter.classList.remove("dragging");
      splitter.removeEventListener("pointermove", onMove);
      splitter.removeEventListener("pointerup", onUp);
      splitter.removeEventListener("pointercancel", onUp);
    };
    splitter.addEventListener("pointermove", onMove);
    splitter.addEventListener("pointerup", onUp);
    splitter.addEventListener("pointercancel", onUp);
  });
  splitter.addEventListener("dblclick", () => resize(name, null));
  splitter.addEventListener("keydown", (event) => {
    const axis = axisOf(splitter);
    const step = event.shiftKey ? BIG_STEP_PX : STEP_PX;
    const forward = axis === "x" ? "ArrowRight" : "ArrowDown";
    const back = axis === "x" ? "ArrowLeft" : "ArrowUp";
    const from = shownSize(name, axis);
    /** @type {number | null | undefined} */
    let to;
    if (event.key === forward) to = from + pane.grow * step;
    else if (event.key === back) to = from - pane.grow * step;
    else if (event.key === "Home") to = pane.min;
    else if (event.key === "End") to = pane.max;
    else if (event.key === "Enter") to = null;
    else return;
    event.preventDefault(); // the arrows move the splitter, not the log's selection
    resize(name, to);
  });
}

/** Shows the tabs maximised (filling the workspace under the request) or restored.
 * @param {boolean} maximised */
function applyMaximised(maximised) {
  $("workspace").classList.toggle("lower-maximised", maximised);
  const toggle = $("lower-max");
  toggle.setAttribute("aria-pressed", String(maximised));
  toggle.textContent = maximised ? "⤡" : "⤢";
  toggle.title = maximised ? "Restore the log and the tabs (Ctrl+M)" : "Maximise the tabs (Ctrl+M)";
  toggle.setAttribute("aria-label", maximised ? "Restore the tabs" : "Maximise the tabs");
}

/** Maximises the tabs below the log, or restores them; saved with the sizes. */
export function toggleLowerMaximised() {
  state.panes.lowerMaximised = !state.panes.lowerMaximised;
  applyMaximised(state.panes.lowerMaximised);
  schedulePanesSave();
}

/** Applies the saved sizes and wires the splitters. @param {import("./gen/ipc").PaneLayout} saved */
export function wireLayout(saved) {
  state.panes = { ...saved };
  for (const name of /** @type {PaneName[]} */ (Object.keys(PANES))) {
    const px = saved[name];
    applySize(name, typeof px === "number" ? clamp(px, PANES[name].min, PANES[name].max) : null);
    wireSplitter(name);
  }
  // The detail pane's splitter turns when the pane stacks under the log.
  window.addEventListener("resize", () => describe("detail"));
  applyMaximised(Boolean(saved.lowerMaximised));
  $("lower-max").addEventListener("click", toggleLowerMaximised);
}
