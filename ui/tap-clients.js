// The tap's Clients tab: every client of the tap that asked for an event stream (or was
// answered with one), graded by the report card the embedded server uses (sse_report_card, in
// Rust), fetched at most twice a second while the tab is shown (a rule's 5 s watch ends without
// news) and drawn by client-cards.js, as the Server's Clients tab draws its own.
import { $ } from "./dom.js";
import { renderReport } from "./client-cards.js";
import * as ipc from "./ipc.js";
import { fetchThrottled } from "./schedule.js";

/** @typedef {import("./model.js").Tap} Tap */

/** What was drawn last: the tap and its report as JSON (redrawn only when it changed, so an
 * opened card and the focus stay). */
/** @type {{ tap: Tap | null, json: string }} */
const drawn = { tap: null, json: "" };

/** Draws the Clients tab of `tap`. @param {Tap} tap */
export function renderTapClients(tap) {
  const id = tap.id;
  const els = { summary: $("tap-clients-summary"), scenarios: $("tap-client-scenarios"), cards: $("tap-client-cards") };
  if (id === null) {
    drawn.tap = null;
    els.summary.textContent = "Start the tap: each client that opens an event stream through it is graded here.";
    return;
  }
  fetchThrottled(tap.fetches.clients, async () => {
    tap.clients = await ipc.tapClientReport(id);
  });
  const report = tap.clients;
  if (!report) return;
  const json = JSON.stringify([report.clients, report.byClient]);
  if (drawn.tap === tap && drawn.json === json) return;
  drawn.tap = tap;
  drawn.json = json;
  const none = "No client has asked the tap for an event stream yet (Accept: text/event-stream), nor been answered with one.";
  renderReport(els, report, tap.clientsOpened, none);
}
