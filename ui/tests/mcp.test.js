// The MCP tab's lines: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { callLine, sessionLine } from "../mcp-view.js";
import { isJsonRpc } from "../panels/mcp.js";

/** @param {Partial<import("../gen/ipc").Call>} fields @returns {import("../gen/ipc").Call} */
function call(fields) {
  return { kind: "request", direction: "clientToServer", id: "1", method: "tools/call", params: "", atMs: 1000, exchange: 4, via: "postBody", reply: null, latencyMs: null, notes: [], notesDropped: 0, ...fields };
}

test("a call's line says which way, what, and how it was answered", () => {
  assert.equal(callLine(call({}), 1000), "+0 ms → tools/call #1 · waiting");
  const reply = { ok: true, value: "{}", atMs: 1050, exchange: 4, via: "postStream" };
  const note = { method: "notifications/progress", params: "{}", atMs: 1010, exchange: 4, via: "postStream" };
  assert.equal(callLine(call({ reply, latencyMs: 50, notes: [note, note] }), 900), "+100 ms → tools/call #1 · result in 50 ms · 2 notifications");
  assert.equal(callLine(call({ reply: { ...reply, ok: false }, latencyMs: 1500.4 }), 1000), "+0 ms → tools/call #1 · error in 1500 ms");
  assert.equal(callLine(call({ kind: "notification", id: null, method: "notifications/tools/list_changed", direction: "serverToClient" }), 0), "+1.00 s ← notifications/tools/list_changed");
  assert.equal(callLine(call({ kind: "strayResponse", id: "9", method: "" }), 1000), "+0 ms → response to 9 (no request seen)");
});

test("the session line names the transport, the session and what broke", () => {
  /** @type {import("../gen/ipc").Conversation} */
  const conversation = {
    transport: "streamableHttp", endpoint: "/mcp", sessionId: "s-1", protocolVersion: "2025-06-18",
    sessionEnd: { exchange: 6, status: 200, atMs: 0 }, calls: [call({})], callsDropped: 0, unanswered: 1, exchanges: [1],
    violations: [{ rule: "session-id", quote: "", detail: "", exchange: 4 }],
  };
  assert.equal(sessionLine(conversation), "Streamable HTTP · endpoint /mcp · session s-1 · revision 2025-06-18 · ended by DELETE (#6, 200) · 1 message, 1 unanswered · 1 rule broken");
  assert.match(sessionLine({ ...conversation, transport: null }), /^No MCP traffic/);
});

test("a JSON-RPC body is told from other bodies", () => {
  assert.equal(isJsonRpc('{"jsonrpc":"2.0","id":1,"method":"initialize"}'), true);
  assert.equal(isJsonRpc('[{"jsonrpc":"2.0","method":"notifications/initialized"}]'), true);
  assert.equal(isJsonRpc('{"model":"gpt","stream":true}'), false);
  assert.equal(isJsonRpc("not json"), false);
  assert.equal(isJsonRpc(""), false);
});
