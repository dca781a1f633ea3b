// The Breakpoints tab's words and list edits: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { withAdded } from "../tap-breakpoints.js";
import { visibleEndings, whereText } from "../tap-held.js";

test("a breakpoint is added to the list as one line; a list that is not an array is refused", () => {
  assert.equal(withAdded("[]", { event: "error" }), '[\n  {"event":"error"}\n]\n');
  assert.equal(withAdded('[{"id": "3"}]', {}), '[\n  {"id":"3"},\n  {}\n]\n');
  assert.equal(withAdded("", { path: "/e*" }), '[\n  {"path":"/e*"}\n]\n');
  assert.equal(withAdded("{", {}), null);
  assert.equal(withAdded('{"a": 1}', {}), null);
});

test("a held event's line endings are shown, each as it came", () => {
  assert.equal(visibleEndings("id: 3\r\ndata: x\r\n\r\n"), "id: 3\\r\\n\ndata: x\\r\\n\n\\r\\n\n");
  assert.equal(visibleEndings("data: a\rdata: b\n"), "data: a\\r\ndata: b\\n\n");
});

test("the line over a held event says where it is, why, and what waits", () => {
  const held = {
    exchange: 4, method: "GET", target: "/events", client: null, number: 3, breakpoint: 1,
    breakpointText: "`error` events", event: "error", id: "3", data: "x", retryMs: null,
    text: "", ndjson: false, heldMs: 2100, behindEvents: 5, behindBytes: 120, injectedBefore: 1, injectAfter: 0,
  };
  assert.equal(
    whereText(held),
    "Exchange 4: GET /events · event 3 · breakpoint 1 (`error` events) · held 2.1 s · 5 events (120 B) waiting behind it · 1 injected before",
  );
});
