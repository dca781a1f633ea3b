// The bytes as received, line by line with their endings: the Raw view of the log, and the
// raw block in the detail pane.
import { $, setText, span } from "./dom.js";
import { formatBytes } from "./format.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";

/** @typedef {import("./gen/ipc").RawLine} RawLine */
/** @typedef {import("./model.js").Connection} Connection */

const RAW_TAIL_BYTES = 64 * 1024; // the raw view shows the end of what was received
const ENDINGS = { lf: "LF", cr: "CR", crlf: "CRLF", none: "" };
const ENDING_BYTES = { lf: "\n", cr: "\r", crlf: "\r\n", none: "" };

/** One received line as a list item; `unended` says why a line has no ending.
 * @param {RawLine} line @param {string} [unended] */
export function rawLine(line, unended = "(no line ending yet)") {
  const item = document.createElement("li");
  item.className = line.kind;
  if (line.kind === "connectionStart") {
    item.textContent = `── ${line.text} ──`;
    return item;
  }
  if (line.kind === "read") {
    // Where a network read began: the chunks the bytes came in (a buffering proxy shows here).
    item.textContent = `▸ ${line.text}`;
    return item;
  }
  item.append(document.createTextNode(line.text));
  const ending = ENDINGS[line.ending];
  if (ending) item.append(span("eol", ending));
  if (line.ending === "none") item.append(span("eol", unended));
  return item;
}

/** The lines as the bytes they were, endings included. @param {RawLine[]} lines */
export function rawText(lines) {
  const bytes = lines.filter((line) => line.kind !== "connectionStart" && line.kind !== "read");
  return bytes.map((line) => line.text + ENDING_BYTES[line.ending]).join("");
}

/** Fetches and shows the end of what `connection` received.
 * @param {Connection} connection @param {(text: string) => void} onProblem */
export async function fetchRaw(connection, onProblem) {
  state.render.rawFetchedAt = performance.now();
  const list = $("raw-view");
  if (connection.id === null) {
    list.replaceChildren();
    return;
  }
  try {
    const view = await ipc.rawTail(connection.id, RAW_TAIL_BYTES);
    if (connection !== state.selected || !state.view.raw) return;
    const head = document.createElement("li");
    head.className = "comment";
    setText(
      head,
      `${formatBytes(view.totalBytes)} received · showing the last ${formatBytes(Math.min(view.keptBytes, RAW_TAIL_BYTES))} · each line ends with its LF, CR or CRLF · ▸ marks where each network read began`,
    );
    list.replaceChildren(head, ...view.lines.map((line) => rawLine(line)));
    if (state.view.follow) list.scrollTop = list.scrollHeight;
  } catch (error) {
    onProblem(ipc.errorMessage(error));
  }
}
