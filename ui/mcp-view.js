// An MCP conversation drawn (sse_mcp reads it, in Rust): the session, the transport's rules
// that an exchange broke (each with the specification's sentence), and the calls in the order
// they travelled, each opening to its params, its result or error and its notifications, with
// a button to each exchange it travelled on. Everything from the wire is set as text.

/** @typedef {import("./gen/ipc").Conversation} Conversation */
/** @typedef {import("./gen/ipc").Call} Call */

/** @param {number} ms */
function offset(ms) {
  return ms < 1000 ? `+${Math.round(ms)} ms` : `+${(ms / 1000).toFixed(2)} s`;
}

/** The session in one line. @param {Conversation} conversation */
export function sessionLine(conversation) {
  if (!conversation.transport) return "No MCP traffic through this tap yet: JSON-RPC POSTs (Streamable HTTP) or a /sse stream with an endpoint event (HTTP+SSE) show here.";
  const parts = [conversation.transport === "streamableHttp" ? "Streamable HTTP" : "HTTP+SSE (2024-11-05)"];
  if (conversation.endpoint) parts.push(`endpoint ${conversation.endpoint}`);
  parts.push(conversation.sessionId ? `session ${conversation.sessionId}` : "no session id");
  if (conversation.protocolVersion) parts.push(`revision ${conversation.protocolVersion}`);
  const end = conversation.sessionEnd;
  if (end) parts.push(`ended by DELETE (#${end.exchange}, ${end.status ?? "no answer"})`);
  const calls = conversation.calls.length + conversation.callsDropped;
  parts.push(`${calls} message${calls === 1 ? "" : "s"}, ${conversation.unanswered} unanswered`);
  if (conversation.violations.length) parts.push(`${conversation.violations.length} rule${conversation.violations.length === 1 ? "" : "s"} broken`);
  return parts.join(" · ");
}

/** A call's line: when, which way, what, and how it was answered.
 * @param {Call} call @param {number} start when the conversation began (ms) */
export function callLine(call, start) {
  const arrow = call.direction === "clientToServer" ? "→" : "←";
  const name = call.kind === "strayResponse" ? `response to ${call.id} (no request seen)` : call.method;
  const id = call.kind === "request" && call.id !== null ? ` #${call.id}` : "";
  let answer = "";
  if (call.kind === "request") {
    if (!call.reply) answer = " · waiting";
    else answer = ` · ${call.reply.ok ? "result" : "error"} in ${call.latencyMs === null ? "?" : `${Math.round(call.latencyMs)} ms`}`;
  }
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

/** @param {Call} call @param {number} start @param {((exchange: number) => void) | null} onExchange */
function callElement(call, start, onExchange) {
  const item = document.createElement("details");
  item.className = "mcp-call";
  item.dataset.kind = call.kind;
  item.dataset.state = call.kind !== "request" ? "none" : !call.reply ? "waiting" : call.reply.ok ? "ok" : "error";
  item.append(el("summary", "", callLine(call, start)));
  if (call.params) item.append(el("h3", "", "Params"), el("pre", "mcp-json", call.params));
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
  els.violations.replaceChildren(
    ...conversation.violations.map((violation) => {
      const item = el("li", "mcp-violation", "");
      item.append(el("strong", "", violation.rule), document.createTextNode(` ${violation.detail} `), exchangeButton(violation.exchange, "Exchange", onExchange));
      item.append(el("blockquote", "", violation.quote));
      return item;
    }),
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
