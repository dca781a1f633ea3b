// The Expectations panel's actions: load an expectations file (TOML, docs/expectations.md),
// generate one from the stream, save it, clear it, and go to the event that decided one. The
// checking is in Rust; reports arrive with the connection's updates as verdicts change.
import * as ipc from "./ipc.js";
import { revealEvent } from "./detail.js";
import { scheduleRender } from "./schedule.js";
import { notify } from "./notices.js";
import { state } from "./model.js";

/** @typedef {import("./model.js").Connection} Connection */

/** The selected connection, if it has a backend to check on. */
function checkable() {
  const connection = state.selected;
  return connection && connection.id !== null ? connection : null;
}

/** Runs `work` on the selected connection, keeping its report or saying why it failed.
 * @param {(connection: Connection, id: number) => Promise<import("./gen/ipc").ExpectationsReport | null>} work */
async function withSelected(work) {
  const connection = checkable();
  if (!connection || connection.id === null) return;
  const run = connection.run;
  try {
    const report = await work(connection, connection.id);
    if (report) run.expectations = report;
    run.expectationsProblem = "";
  } catch (error) {
    run.expectationsProblem = ipc.errorMessage(error);
  }
  scheduleRender();
}

/** Loads a file chosen in the open dialog (test builds pass `path`). @param {string | null} [path] */
export const loadExpectations = (path = null) => withSelected((_, id) => ipc.loadExpectations(id, path));

/** Expectations from the stream's first `events` events, checked at once. @param {number} events */
export const generateExpectations = (events) => withSelected((_, id) => ipc.generateExpectations(id, events));

export async function saveExpectations() {
  const connection = checkable();
  if (!connection || connection.id === null) return;
  try {
    const saved = await ipc.saveExpectations(connection.id, null);
    if (saved) notify(`Saved the expectations to ${saved.path}.`, "success");
  } catch (error) {
    connection.run.expectationsProblem = ipc.errorMessage(error);
    scheduleRender();
  }
}

export const clearExpectations = () =>
  withSelected(async (connection, id) => {
    await ipc.clearExpectations(id);
    connection.run.expectations = null;
    return null;
  });

/** Shows the event that decided an expectation in the log. @param {number} seq */
export async function goToEvent(seq) {
  const connection = checkable();
  if (!connection) return;
  const shown = await revealEvent(connection, seq);
  if (!shown) notify("That event is not in the log any more, or the filter hides it.");
}
