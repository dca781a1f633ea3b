// How a tap's exchanges read and filter: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { durationText, passes, stateText } from "../exchanges.js";

/** @returns {import("../gen/ipc").ExchangeRow} */
function row(overrides = {}) {
  return {
    id: 1, method: "GET", target: "/v1/chat/completions", status: 200, contentType: "text/event-stream",
    startedMs: 0, durationMs: 0, bytes: 0, events: 0, isStream: true, tunnel: false, ending: null, failed: false,
    ...overrides,
  };
}

test("a stream is live while open, then says how it ended", () => {
  assert.equal(stateText(row()), "live");
  assert.equal(stateText(row({ isStream: false })), "open");
  assert.equal(stateText(row({ status: null })), "waiting for the head");
  assert.equal(stateText(row({ tunnel: true })), "tunnel open");
  assert.equal(stateText(row({ ending: "client hung up after 12 bytes", failed: true })), "client hung up after 12 bytes");
});

test("the filters: path text (any case), status class, open, cut or failed", () => {
  const any = { path: "", status: "" };
  assert.ok(passes(row(), any));
  assert.ok(passes(row(), { path: "chat", status: "" }));
  assert.ok(!passes(row(), { path: "/events", status: "" }));
  assert.ok(passes(row({ status: 404 }), { path: "", status: "4" }));
  assert.ok(!passes(row({ status: 200 }), { path: "", status: "4" }));
  assert.ok(!passes(row({ status: null }), { path: "", status: "2" }), "no status yet is no class");
  assert.ok(passes(row(), { path: "", status: "open" }));
  assert.ok(!passes(row({ ending: "completed" }), { path: "", status: "open" }));
  assert.ok(passes(row({ ending: "upstream closed early, after 5 bytes", failed: true }), { path: "", status: "failed" }));
  assert.ok(!passes(row({ ending: "completed" }), { path: "", status: "failed" }));
});

test("durations read in the unit that fits", () => {
  assert.equal(durationText(12.4), "12 ms");
  assert.equal(durationText(3210), "3.21 s");
  assert.equal(durationText(125000), "2 min 5 s");
});
