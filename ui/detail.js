// The detail pane: all of the selected event (metadata, data as text or a JSON tree, its raw
// block), and moving the selection with the keyboard.
import { $, setText, span } from "./dom.js";
import { deltaText, formatBytes, timeText } from "./format.js";
import * as ipc from "./ipc.js";
import { ROW_HEIGHT, markSelectedRow, renderInspector, setFollow } from "./log.js";
import { state } from "./model.js";
import { rawLine } from "./raw-view.js";
import { scrollTopFor } from "./vlist.js";

/** @typedef {import("./model.js").Connection} Connection */

/** A JSON value as a tree of open `<details>`.
 * @param {string | number | null} key @param {unknown} value @returns {HTMLElement} */
function jsonNode(key, value) {
  const label = key === null ? [] : [span("key", JSON.stringify(key)), document.createTextNode(": ")];
  if (value !== null && typeof value === "object") {
    const isArray = Array.isArray(value);
    /** @type {[string | number, unknown][]} */
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = document.createElement("details");
    details.open = true;
    const summary = document.createElement("summary");
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    summary.append(...label, document.createTextNode(`${open} ${entries.length} ${isArray ? "items" : "keys"} ${close}`));
    details.append(summary, ...entries.map(([k, v]) => jsonNode(isArray ? null : k, v)));
    return details;
  }
  const line = document.createElement("div");
  line.className = "entry";
  const kind = typeof value === "string" ? "string" : typeof value === "number" ? "number" : "literal";
  line.append(...label, span(kind, JSON.stringify(value)));
  return line;
}

/** `data` parsed, if it is a JSON object or array. @param {string} data */
function jsonObject(data) {
  try {
    const parsed = JSON.parse(data);
    return parsed !== null && typeof parsed === "object" ? { parsed } : null;
  } catch {
    return null;
  }
}

/** @param {Connection} connection */
export function renderDetail(connection) {
  const detail = connection.run.detail;
  $("detail-empty").hidden = Boolean(detail);
  $("detail-body").hidden = !detail;
  if (!detail) return;
  const utc = state.view.utc;
  // Its place in the log, and the id as the log's Id column shows it (the two differ).
  const id = detail.id === "" ? "no id" : `id ${detail.id}`;
  setText($("detail-title"), `Event ${detail.seq + 1} · ${id}${detail.event === "message" ? "" : ` · ${detail.event}`}`);
  const meta = [
    ["Received", `${timeText(detail.receivedAtUs, utc)} (${deltaText(detail.deltaUs) || "first"})`],
    ["Id", detail.id === "" ? "(none)" : `${detail.id}${detail.idSet ? "" : " (carried over)"}`],
    ["Type", detail.event],
    ["Size", `${formatBytes(detail.size)} on the wire, ${detail.dataCut ? formatBytes(detail.dataBytes) : `${detail.data.length} characters`} of data`],
    ["Connection", String(detail.connection)],
  ];
  if (detail.retryMs !== null) meta.push(["Retry", `${detail.retryMs} ms`]);
  $("detail-meta").replaceChildren(
    ...meta.flatMap(([name, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      return [dt, dd];
    }),
  );
  // Empty and whitespace-only data: Rust says how to show it. A huge event comes cut: the
  // pane never lays out more than its first 64 KiB (Copy data and Save data… have all of it).
  const whitespace = detail.whitespace;
  const cut = detail.dataCut
    ? `Showing the first ${formatBytes(detail.cutAt)} of ${formatBytes(detail.dataBytes)} of data: Copy data and Save data… take all of it.`
    : "";
  setText($("detail-note"), [cut, whitespace ? whitespace.note : ""].filter(Boolean).join(" "));
  setText($("detail-data"), whitespace ? whitespace.shown : detail.data);
  const json = whitespace || detail.dataCut ? null : jsonObject(detail.data);
  $("detail-json").hidden = !json;
  $("detail-data").hidden = Boolean(json);
  $("detail-json").replaceChildren(...(json ? [jsonNode(null, json.parsed)] : []));
  const raw = detail.raw;
  const rawCut = detail.rawCut ? [span("muted", `The block's first ${formatBytes(detail.cutAt)} (${formatBytes(detail.size)} in all).`)] : [];
  $("detail-raw").replaceChildren(
    ...(raw ? raw.map((line) => rawLine(line)) : [span("muted", "Its bytes are no longer kept (the raw view keeps the last 4 MiB).")]),
    ...rawCut,
  );
}

/** Selects event `seq` and shows it. @param {Connection} connection @param {number} seq */
export async function selectEvent(connection, seq) {
  const run = connection.run;
  // The event picked stays where it is: following the newest would scroll it away.
  if (state.view.follow) setFollow(false, "Follow turned off: an event is selected (F turns it back on)");
  run.selectedSeq = seq;
  markSelectedRow(seq);
  try {
    run.detail = connection.id === null ? null : await ipc.eventDetail(connection.id, seq);
  } catch {
    run.detail = null;
  }
  if (connection === state.selected) renderDetail(connection);
}

/** Forgets the selected event. @param {Connection} connection */
export function unselectEvent(connection) {
  connection.run.selectedSeq = null;
  connection.run.detail = null;
  renderDetail(connection);
}

/** Selects the event `step` rows after (or before) the selected one, scrolling to it.
 * @param {number} step */
export async function stepSelection(step) {
  const connection = state.selected;
  if (!connection || connection.id === null) return;
  const total = connection.shownTotal;
  if (total === 0) return;
  const shown = state.render.lastWindow;
  const selectedSeq = connection.run.selectedSeq;
  const position = selectedSeq === null ? null : await ipc.eventPosition(connection.id, selectedSeq);
  const target = position === null ? (step > 0 ? shown.first : shown.first + shown.count - 1) : position + step;
  if (target < 0 || target >= total) return;
  const page = await ipc.eventsPage(connection.id, target, 1);
  const row = page.rows[0];
  if (!row) return;
  if (step < 0) setFollow(false);
  const log = $("ipc-log");
  if (target < shown.first || target >= shown.first + shown.count - 1) {
    setFollow(false);
    log.scrollTop = scrollTopFor(target, total, ROW_HEIGHT, log.clientHeight, step > 0);
  }
  await selectEvent(connection, row.seq);
  renderInspector(true);
}

/** Scrolls the log to event `seq` and selects it; false if the log does not show it (it was
 * dropped, or the filter hides it). @param {Connection} connection @param {number} seq */
export async function revealEvent(connection, seq) {
  if (connection.id === null) return false;
  const position = await ipc.eventPosition(connection.id, seq);
  if (position === null) return false;
  setFollow(false);
  const log = $("ipc-log");
  log.scrollTop = scrollTopFor(position, connection.shownTotal, ROW_HEIGHT, log.clientHeight, false);
  await selectEvent(connection, seq);
  renderInspector(true);
  return true;
}

/** The time zone the log and the detail use. @param {boolean} utc */
export function setUtc(utc) {
  state.view.utc = utc;
  renderInspector(true);
  if (state.selected) renderDetail(state.selected);
}
