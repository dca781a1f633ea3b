// How a tap's exchange reads in its list, and which the filters let through (no DOM: Node
// tests import it).

/** @typedef {import("./gen/ipc").ExchangeRow} ExchangeRow */

/** Whether `row` passes the filter. @param {ExchangeRow} row @param {{ path: string, status: string }} filter */
export function passes(row, filter) {
  if (filter.path && !row.target.toLowerCase().includes(filter.path.toLowerCase())) return false;
  switch (filter.status) {
    case "":
      return true;
    case "open":
      return row.ending === null;
    case "failed":
      return row.failed;
    default:
      return row.status !== null && String(row.status).startsWith(filter.status);
  }
}

/** A duration in ms as the list shows it. @param {number} ms */
export function durationText(ms) {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** The state cell: live while a stream is open, else how it ended. @param {ExchangeRow} row */
export function stateText(row) {
  if (row.ending !== null) return row.ending;
  if (row.held) return "held at a breakpoint";
  if (row.tunnel) return "tunnel open";
  if (row.status === null) return "waiting for the head";
  return row.isStream ? "live" : "open";
}
