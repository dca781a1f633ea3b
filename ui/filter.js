// The log's filter: text (or a regular expression), case, and event type, applied in Rust.
import { input, select } from "./dom.js";
import * as ipc from "./ipc.js";
import { renderInspector, setFilterProblem } from "./log.js";
import { state } from "./model.js";

/** @typedef {import("./gen/ipc").EventFilter} EventFilter */

const FILTER_DELAY_MS = 200;

/** Shows a connection's filter in the toolbar. @param {EventFilter} filter */
export function showFilter(filter) {
  input("filter-text").value = filter.text;
  input("filter-regex").checked = filter.regex;
  input("filter-case").checked = filter.caseSensitive;
}

/** Whether the toolbar shows a filter. */
export function filterOnScreen() {
  return input("filter-text").value !== "" || select("filter-type").value !== "";
}

/** Applies the toolbar's filter after typing pauses. */
export function filterChanged() {
  clearTimeout(state.timers.filter);
  state.timers.filter = setTimeout(applyFilter, FILTER_DELAY_MS);
}

/** Applies the toolbar's filter to the selected connection's log. */
export async function applyFilter() {
  const connection = state.selected;
  if (!connection) return;
  const run = connection.run;
  const type = select("filter-type").value;
  run.filter = {
    types: type ? [type] : [],
    text: input("filter-text").value,
    regex: input("filter-regex").checked,
    caseSensitive: input("filter-case").checked,
  };
  if (connection.id === null) return;
  run.tail = []; // rows of the old view
  try {
    run.counts = await ipc.setFilter(connection.id, run.filter);
    run.tail = []; // and any a batch of the old view brought meanwhile
    connection.pausedMatching = run.counts.matching;
    setFilterProblem("");
  } catch (error) {
    setFilterProblem(ipc.errorMessage(error));
  }
  renderInspector(true);
}
