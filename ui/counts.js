// The one count of events the app received on the selected connection (its feed's count),
// written in every place that shows it in the same frame: the feed's card and Live stats. Each
// such element carries `data-count="app"`; no panel writes the count on a slower beat of its
// own, so no two places disagree at the same moment. The sidebar's entry of the selected
// connection shows no count (its card beside it does): a frame's news then changes the
// workspace only, which WebKit lays out and repaints for much less (docs/benchmarks.md).
import { setText } from "./dom.js";

/** @typedef {import("./model.js").Connection} Connection */

/** @param {Connection} connection */
export function drawCounts(connection) {
  const count = String(connection.run.ipcFeed.count);
  for (const element of document.querySelectorAll("[data-count='app']")) {
    if (element instanceof HTMLElement) setText(element, count);
  }
}
