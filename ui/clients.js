// The Clients tab's state: the embedded server's report of every client (its connection
// attempts and its card against the spec's reconnection rules), fetched at most twice a second
// while the tab is shown, and which cards the user has opened.
import * as ipc from "./ipc.js";
import { Fetch } from "./model.js";
import { fetchThrottled } from "./schedule.js";

/** @typedef {import("./gen/ipc").ClientReport} ClientReport */

export const clients = {
  /** @type {ClientReport | null} */
  report: null,
  /** The report as last drawn, as JSON: a redraw only when it changed. */
  json: "",
  /** Cards opened or closed by the user, by client; the others follow `openByDefault`. */
  opened: /** @type {Map<string, boolean>} */ (new Map()),
  fetch: new Fetch(),
};

/** Fetches the report (at most twice a second). */
export function refreshClients() {
  fetchThrottled(clients.fetch, async () => {
    clients.report = await ipc.clientReport();
  });
}
