// Keyboard shortcuts of the inspector (listed in the buttons' titles and the README).
import { stepSelection } from "./detail.js";
import { button, input } from "./dom.js";
import { clearEvents, clearSelection, toggleFollow, togglePause, toggleRaw } from "./inspector.js";
import { toggleLowerMaximised } from "./layout.js";
import { state } from "./model.js";

/** @param {EventTarget | null} target */
function isTyping(target) {
  return target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable);
}

/** @type {Record<string, () => void>} */
const ACTIONS = {
  "/": () => input("filter-text").focus(),
  " ": togglePause,
  p: togglePause,
  j: () => stepSelection(1),
  ArrowDown: () => stepSelection(1),
  k: () => stepSelection(-1),
  ArrowUp: () => stepSelection(-1),
  f: toggleFollow,
  r: toggleRaw,
};

/** @param {KeyboardEvent} event */
export function onKey(event) {
  if (event.defaultPrevented) return; // a splitter or a tab list used the key
  const key = event.key;
  // A new connection, from anywhere in the window (the New button's title says so).
  if (event.ctrlKey && !event.altKey && !event.shiftKey && (key === "n" || key === "N")) {
    event.preventDefault();
    button("new-connection").click();
    return;
  }
  if (state.selectedTap) return; // these keys are the connection's inspector's, not in view
  if (key === "Escape") {
    if (isTyping(event.target) && event.target instanceof HTMLElement) {
      // Leaves the field as it is (a search field would clear itself without telling the
      // filter, which would then disagree with what the field shows).
      event.preventDefault();
      event.target.blur();
    } else clearSelection();
    return;
  }
  if ((event.ctrlKey || event.metaKey) && (key === "f" || key === "F")) {
    event.preventDefault();
    input("filter-text").focus();
    return;
  }
  if (event.ctrlKey && !event.altKey && (key === "m" || key === "M")) {
    event.preventDefault();
    toggleLowerMaximised();
    return;
  }
  if (isTyping(event.target) || event.altKey || event.metaKey) return;
  // Space and Enter on a button press that button, nothing else.
  if (event.target instanceof HTMLButtonElement && (key === " " || key === "Enter")) return;
  if (event.ctrlKey) {
    if (key === "l" || key === "L") {
      event.preventDefault();
      clearEvents();
    }
    return;
  }
  const action = ACTIONS[key];
  if (!action) return;
  event.preventDefault();
  action();
}
