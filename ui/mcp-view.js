// An MCP conversation drawn (sse_mcp reads it, in Rust): its era and session, the rules an
// exchange broke (each with the specification's sentence and its revision) and the SHOULDs it
// missed, and the calls in the order they travelled, each opening to its params, its result or
// error, its notifications, a modern request's metadata headers beside the body fields they
// mirror (a mismatch in red), a multi round-trip request's rounds, with a button to each
// exchange it travelled on. Everything from the wire is set as text.

/** @typedef {import("./gen/ipc").Conversation} Conversation */
/** @typedef {import("./gen/ipc").Call} Call */
/** @typedef {import("./gen/ipc").MetadataHeader} MetadataHeader */

/** @param {number} ms */
function offset(ms) {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(2)} s`;
}

/** The session in one line. @param {Conversation} conversation */
export function sessionLine(conversation) {
  if (!conversation.transport) return "No MCP traffic through this tap yet: JSON-RPC POSTs (Streamable HTTP) or a /sse stream with an endpoint event (HTTP+SSE) show here.";
  const parts = [conversation.transport === "streamableHttp" ? "Streamable HTTP" : "HTTP+SSE (2024-11-05)"];
  const modern = conversation.era === "modern";
  if (modern) parts.push("revision 2026-07-28 (no sessions: a request per POST)");
  const change = conversation.eraChange;
  if (change) parts.push(`tried 2026-07-28, refused (#${change.refused}), fell back to initialize (#${change.fellBack})`);
  if (conversation.endpoint) parts.push(`endpoint ${conversation.endpoint}`);
  if (!modern) parts.push(conversation.sessionId ? `session ${conversation.sessionId}` : "no session id");
  if (conversation.protocolVersion) parts.push(`revision ${conversation.protocolVersion}`);
  const end = conversation.sessionEnd;
  if (end) parts.push(`ended by DELETE (#${end.exchange}, ${end.status ?? "no answer"})`);
  const calls = conversation.calls.length + conversation.callsDropped;
  parts.push(`${calls} message${calls === 1 ? "" : "s"}, ${conversation.unanswered} unanswered`);
  if (!modern && conversation.era === "legacy") parts.push("legacy era (2024-11-05 to 2025-11-25)");
  if (conversation.violations.length) parts.push(`${conversation.violations.length} rule${conversation.violations.length === 1 ? "" : "s"} broken`);
  if (conversation.advice.length) parts.push(`${conversation.advice.length} SHOULD${conversation.advice.length === 1 ? "" : "s"} missed`);
  return parts.join(" · ");
}

/** What became of a request. @param {Call} call */
export function outcomeText(call) {
  if (call.cancelled) return "cancelled (its client closed the stream)";
  if (!call.reply) return "waiting";
  const latency = call.latencyMs === null ? "?" : `${Math.round(call.latencyMs)} ms`;
  const rounds = call.rounds.length ? ` after ${call.rounds.length + 1} rounds` : "";
  if (!call.reply.ok) return `error${call.reply.error ? ` ${call.reply.error}` : ""}${rounds} in ${latency}`;
  if (call.reply.inputRequired) return `input required after ${call.rounds.length + 1} round${call.rounds.length ? "s" : ""}`;
  if (call.failed) return `failed (isError)${rounds} in ${latency}`;
  return `result${rounds} in ${latency}`;
}

/** A call's line: when, which way, what, and how it was answered.
 * @param {Call} call @param {number} start when the conversation began (ms) */
export function callLine(call, start) {
  const arrow = call.direction === "clientToServer" ? "→" : "←";
  const named = call.name ? ` ${call.name}` : "";
  const name = call.kind === "strayResponse" ? `response to ${call.id} (no request seen)` : `${call.method}${named}`;
  const id = call.kind === "request" && call.id !== null ? ` #${call.id}` : "";
  const answer = call.kind === "request" ? ` · ${outcomeText(call)}` : "";
  const notes = call.notes.length + call.notesDropped;
  const noted = notes ? ` · ${notes} notification${notes === 1 ? "" : "s"}` : "";
  return `${offset(call.atMs - start)} ${arrow} ${name}${id}${answer}${noted}`;
}

/** @param {string} tag @param {string} className @param {string} text */
function el(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  made.textContent = text;
  return made;
}

/** A button to an exchange. @param {number} exchange @param {string} label
 * @param {((exchange: number) => void) | null} onExchange */
function exchangeButton(exchange, label, onExchange) {
  const go = el("button", "mcp-exchange", `${label} #${exchange}`);
  /** @type {HTMLButtonElement} */ (go).type = "button";
  go.title = "Show this exchange whole: its headers, body and raw chunks";
  go.addEventListener("click", () => onExchange?.(exchange));
  go.hidden = onExchange === null;
  return go;
}

/** A request's metadata headers beside the body fields they mirror; a problem in red.
 * @param {MetadataHeader[]} headers */
function headerTable(headers) {
  const table = document.createElement("table");
  table.className = "mcp-headers";
  const head = document.createElement("tr");
  for (const title of ["Header", "Sent", "Decoded", "Mirrors", "Body value", "Problem"]) head.append(el("th", "", title));
  table.append(head);
  for (const header of headers) {
    const row = document.createElement("tr");
    if (header.problem) row.dataset.problem = "true";
    const problem = header.problem ? `${header.rule}: ${header.problem}` : "";
    for (const text of [header.name, header.sent ?? "(missing)", header.decoded ?? "", header.field, header.bodyValue ?? "", problem]) row.append(el("td", "", text));
    table.append(row);
  }
  return table;
}

/** @param {Call} call @param {number} start @param {((exchange: number) => void) | null} onExchange */
function callElement(call, start, onExchange) {
  const item = document.createElement("details");
  item.className = "mcp-call";
  item.dataset.kind = call.kind;
  item.dataset.state = call.kind !== "request" ? "none" : call.cancelled ? "cancelled" : !call.reply ? "waiting" : call.reply.ok && !call.failed ? "ok" : "error";
  item.append(el("summary", "", callLine(call, start)));
  if (call.headers.length) item.append(el("h3", "", "Metadata headers"), headerTable(call.headers));
  if (call.params) item.append(el("h3", "", "Params"), el("pre", "mcp-json", call.params));
  for (const [at, round] of call.rounds.entries()) {
    item.append(el("h3", "", `Round ${at + 1}: the server asked`), el("pre", "mcp-json", round.asked));
    const retried = `Round ${at + 2}: the client answered (request #${round.retryId ?? "?"}, exchange #${round.retryExchange})`;
    item.append(el("h3", "", retried), el("pre", "mcp-json", round.answered ?? "(nothing: the request again as it was)"));
    if (round.headers.some((header) => header.problem)) item.append(headerTable(round.headers));
  }
  if (call.reply) item.append(el("h3", "", call.reply.ok ? "Result" : "Error"), el("pre", "mcp-json", call.reply.value));
  if (call.notes.length) {
    item.append(el("h3", "", "Notifications"));
    const list = document.createElement("ol");
    list.className = "mcp-notes";
    for (const note of call.notes) list.append(el("li", "", `${offset(note.atMs - start)} ${note.method} ${note.params}`));
    if (call.notesDropped) list.append(el("li", "", `${call.notesDropped} more, not kept`));
    item.append(list);
  }
  const where = el("p", "mcp-where", "");
  where.append(exchangeButton(call.exchange, call.direction === "clientToServer" ? "Sent on" : "Came on", onExchange));
  if (call.reply && call.reply.exchange !== call.exchange) where.append(exchangeButton(call.reply.exchange, "Answered on", onExchange));
  item.append(where);
  return item;
}

/**
 * Draws `conversation` in the three elements; calls the user had opened stay open.
 * @param {{ session: HTMLElement, violations: HTMLElement, calls: HTMLElement }} els
 * @param {Conversation} conversation
 * @param {Set<string>} opened keys of the calls the user opened (kept across redraws)
 * @param {((exchange: number) => void) | null} onExchange shows an exchange, if there are any to show
 */
export function renderConversation(els, conversation, opened, onExchange) {
  els.session.textContent = sessionLine(conversation);
  /** @param {import("./gen/ipc").Violation} violation @param {string} className @param {string} label */
  const finding = (violation, className, label) => {
    const item = el("li", className, "");
    item.append(el("strong", "", `${label}${violation.rule}`), document.createTextNode(` ${violation.detail} `), exchangeButton(violation.exchange, "Exchange", onExchange));
    item.append(el("blockquote", "", `${violation.quote} (revision ${violation.revision})`));
    return item;
  };
  els.violations.replaceChildren(
    ...conversation.violations.map((violation) => finding(violation, "mcp-violation", "")),
    ...conversation.advice.map((advice) => finding(advice, "mcp-advice", "SHOULD: ")),
  );
  const start = conversation.calls.length ? conversation.calls[0].atMs : 0;
  els.calls.replaceChildren(
    ...conversation.calls.map((call) => {
      const item = callElement(call, start, onExchange);
      const key = `${call.exchange}:${call.id ?? call.method}:${call.atMs}`;
      /** @type {HTMLDetailsElement} */ (item).open = opened.has(key);
      item.addEventListener("toggle", () => {
        if (/** @type {HTMLDetailsElement} */ (item).open) opened.add(key);
        else opened.delete(key);
      });
      return item;
    }),
  );
}
