// The Check server tab's actions: the server check (`sse-sub --check`, in Rust) run on the
// selected connection's request, through a second URL too, and its command line copied.
import * as ipc from "./ipc.js";
import { copyText } from "./dom.js";
import { notify } from "./notices.js";
import { scheduleRender } from "./schedule.js";

/** @typedef {import("./model.js").Connection} Connection */

/** The check's settings, as the backend takes them. @param {Connection} connection */
function settings(connection) {
  const check = connection.check;
  const checkFor = Math.min(3600, Math.max(5, Math.round(check.checkFor) || 40));
  return { checkFor, via: check.via.trim() || null };
}

/** Runs the check on `connection`'s request; its card replaces the last. @param {Connection} connection */
export async function runCheck(connection) {
  const check = connection.check;
  if (check.running) return;
  const { checkFor, via } = settings(connection);
  check.running = true;
  check.startedAt = performance.now();
  check.problem = "";
  scheduleRender();
  try {
    check.card = await ipc.checkServer(connection.spec, checkFor, via);
    check.opened.clear();
  } catch (error) {
    check.problem = ipc.errorMessage(error);
  } finally {
    check.running = false;
    scheduleRender();
  }
}

/** Copies `sse-sub --check ...` for the same check (credentials included, or it would not
 * work); the line shown has them masked. @param {Connection} connection */
export async function copyCheckCommand(connection) {
  const { checkFor, via } = settings(connection);
  const { command, shown } = await ipc.checkCommand(connection.spec, checkFor, via);
  connection.check.commandShown = shown;
  const copied = await copyText(command);
  if (!copied) notify("Could not reach the clipboard: select the command shown and copy it.");
  scheduleRender();
}
