// The MCP tab's lines: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { callLine, sessionLine } from "../mcp-view.js";
import { isJsonRpc } from "../panels/mcp.js";

/** @param {Partial<import("../gen/ipc").Call>} fields @returns {import("../gen/ipc").Call} */
function call(fields) {
  return {
    kind: "request", direction: "clientToServer", id: "1", method: "tools/call", params: "", atMs: 1000, exchange: 4, via: "postBody", reply: null, latencyMs: null, notes: [], notesDropped: 0,
    era: "legacy", name: null, failed: false, cancelled: false, headers: [], rounds: [], ...fields,
  };
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

test("a modern call's line names its tool and says a failure, a cancel, its rounds", () => {
  const reply = { ok: true, value: '{"content":[],"resultType":"complete"}', atMs: 1050, exchange: 4, via: "postJson" };
  const round = { asked: "{}", answered: "{}", retryId: "2", retryExchange: 5, retryAtMs: 1030, headers: [] };
  const modern = { era: /** @type {const} */ ("modern"), name: "greet" };
  assert.equal(callLine(call({ ...modern, reply, latencyMs: 50, failed: true }), 1000), "+0 ms → tools/call greet #1 · failed (isError) in 50 ms");
  const refused = { ...reply, ok: false, value: '{"code":-32020}', error: "-32020 HeaderMismatch" };
  assert.equal(callLine(call({ ...modern, reply: refused, latencyMs: 3 }), 1000), "+0 ms → tools/call greet #1 · error -32020 HeaderMismatch in 3 ms");
  assert.equal(callLine(call({ ...modern, cancelled: true }), 1000), "+0 ms → tools/call greet #1 · cancelled (its client closed the stream)");
  assert.equal(callLine(call({ ...modern, reply, latencyMs: 60, rounds: [round] }), 1000), "+0 ms → tools/call greet #1 · result after 2 rounds in 60 ms");
  const asks = { ...reply, value: '{"resultType":"input_required","inputRequests":{}}', inputRequired: true };
  assert.equal(callLine(call({ ...modern, reply: asks, latencyMs: 5 }), 1000), "+0 ms → tools/call greet #1 · input required after 1 round");
});

test("the session line names the transport, the session and what broke", () => {
  /** @type {import("../gen/ipc").Conversation} */
  const conversation = {
    transport: "streamableHttp", endpoint: "/mcp", sessionId: "s-1", protocolVersion: "2025-06-18",
    sessionEnd: { exchange: 6, status: 200, atMs: 0 }, calls: [call({})], callsDropped: 0, unanswered: 1, exchanges: [1],
    violations: [{ rule: "session-id", quote: "", detail: "", exchange: 4, revision: "2025-06-18" }],
    era: "legacy", eraChange: null, advice: [],
  };
  assert.equal(sessionLine(conversation), "Streamable HTTP · endpoint /mcp · session s-1 · revision 2025-06-18 · ended by DELETE (#6, 200) · 1 message, 1 unanswered · legacy era (2024-11-05 to 2025-11-25) · 1 rule broken");
  assert.match(sessionLine({ ...conversation, transport: null }), /^No MCP traffic/);
  const modern = { ...conversation, era: /** @type {const} */ ("modern"), sessionId: null, protocolVersion: null, sessionEnd: null, violations: [], unanswered: 0 };
  assert.equal(sessionLine(modern), "Streamable HTTP · revision 2026-07-28 (no sessions: a request per POST) · endpoint /mcp · 1 message, 0 unanswered");
  const fellBack = { ...conversation, eraChange: { refused: 1, fellBack: 2 }, sessionEnd: null, violations: [] };
  assert.match(sessionLine(fellBack), /^Streamable HTTP · tried 2026-07-28, refused \(#1\), fell back to initialize \(#2\) · endpoint/);
});

test("a JSON-RPC body is told from other bodies", () => {
  assert.equal(isJsonRpc('{"jsonrpc":"2.0","id":1,"method":"initialize"}'), true);
  assert.equal(isJsonRpc('[{"jsonrpc":"2.0","method":"notifications/initialized"}]'), true);
  assert.equal(isJsonRpc('{"model":"gpt","stream":true}'), false);
  assert.equal(isJsonRpc("not json"), false);
  assert.equal(isJsonRpc(""), false);
});
