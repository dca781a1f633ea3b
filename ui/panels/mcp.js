// MCP: for a connection whose body is a JSON-RPC request (an MCP call made by hand), its
// conversation: the request paired with what its stream answered, notifications under it, the
// session the server gave, the transport's rules broken (sse_mcp reads it, in Rust). Fetched
// at most twice a second while events come; a tap's MCP tab shows whole conversations.
import { mountTemplate } from "../dom.js";
import * as ipc from "../ipc.js";
import { renderConversation } from "../mcp-view.js";
import { fetchThrottled } from "../schedule.js";

/** The last body looked at, and whether it was JSON-RPC (bodies rarely change). */
const looked = { body: "", jsonRpc: false };

/** Whether `body` is a JSON-RPC message or batch. @param {string} body */
export function isJsonRpc(body) {
  if (body === looked.body) return looked.jsonRpc;
  let jsonRpc = false;
  try {
    const value = JSON.parse(body);
    jsonRpc = (Array.isArray(value) ? value : [value]).some((message) => message && message.jsonrpc === "2.0");
  } catch {
    jsonRpc = false;
  }
  looked.body = body;
  looked.jsonRpc = jsonRpc;
  return jsonRpc;
}

/** @returns {import("../panels.js").Panel} */
export function mcpPanel() {
  /** @type {{ session: HTMLElement, violations: HTMLElement, calls: HTMLElement } | null} */
  let els = null;
  let drawnJson = "";
  return {
    id: "mcp",
    title: "MCP",
    slot: "tabs",
    everyFrame: false,
    appliesTo: (connection) => !connection.tapped && isJsonRpc(connection.spec.body || ""),
    mount(element) {
      els = mountTemplate(element, "panel-mcp", { session: "conn-mcp-session", violations: "conn-mcp-violations", calls: "conn-mcp-calls" });
    },
    update(connection) {
      if (!els) return;
      const run = connection.run;
      const id = connection.id;
      const kept = run.counts.kept;
      if (id !== null && (kept !== run.mcpKept || run.mcp === null)) {
        fetchThrottled(run.mcpFetch, async () => {
          run.mcp = await ipc.mcpConversation(id);
          run.mcpKept = kept;
        });
      }
      if (!run.mcp) {
        els.session.textContent = id === null ? "Not connected." : "Waiting for the response…";
        els.violations.replaceChildren();
        els.calls.replaceChildren();
        drawnJson = "";
        return;
      }
      const json = JSON.stringify(run.mcp);
      if (json === drawnJson) return;
      drawnJson = json;
      renderConversation(els, run.mcp, run.mcpOpened, null);
    },
    unmount() {
      els = null;
      drawnJson = "";
    },
  };
}
