// Export (the kept events to NDJSON or CSV) and import (a capture replayed through the
// embedded server as a new connection). The files are chosen in native dialogs, in Rust.
import { addConnection, openConnection } from "./connections.js";
import { select } from "./dom.js";
import { formatBytes } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { notify } from "./notices.js";

export async function exportEvents() {
  const connection = state.selected;
  if (!connection || connection.id === null) {
    notify("Connect first: only an open connection's events can be exported.");
    return;
  }
  const format = select("export-format").value === "csv" ? "csv" : "ndjson";
  const filtered = connection.run.counts.filtered;
  try {
    const done = await ipc.exportEvents(connection.id, format, filtered);
    if (done) notify(`Exported ${filtered ? "the filtered" : "the kept"} events to ${done.path} (${formatBytes(done.bytes)}).`, "success");
  } catch (error) {
    notify(`Export failed: ${ipc.errorMessage(error)}`);
  }
}

/** Replays a capture; `path` null asks with the open dialog (only test builds take a path).
 * @param {string | null} [path] */
export async function importCapture(path = null) {
  const speed = select("replay-speed");
  try {
    const imported = await ipc.importCapture(path, Number(speed.value));
    if (!imported) return;
    const connection = addConnection(imported.spec);
    const pace = speed.selectedOptions[0] ? speed.selectedOptions[0].textContent : "";
    notify(`Replaying ${imported.events} events through the embedded server (${pace}).`, "success");
    await openConnection(connection, connection.spec);
  } catch (error) {
    notify(`Import failed: ${ipc.errorMessage(error)}`);
  }
}
