// The Server tab's fault controls: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { controlsOf, withControls } from "../streams.js";

const blank = { cutAfterEvents: "", dripBytesPerSecond: "", lineEnding: "", client: "", once: false };

test("the quick controls write their fields into the profile and keep the rest", () => {
  const json = withControls('{"retryMs": 500, "cutAfterEvents": 9}', { ...blank, cutAfterEvents: "3", lineEnding: "crlf", once: true });
  assert.deepEqual(JSON.parse(json), { retryMs: 500, cutAfterEvents: 3, lineEnding: "crlf", once: true });
  assert.deepEqual(JSON.parse(withControls(json, blank)), { retryMs: 500 }, "blank controls remove their fields");
  assert.deepEqual(JSON.parse(withControls("not json", { ...blank, client: " app " })), { client: "app" });
  assert.deepEqual(JSON.parse(withControls("[1]", { ...blank, dripBytesPerSecond: "x" })), {}, "not a number: left out");
});

test("JSON typed by hand is read back into the controls, and round-trips", () => {
  const typed = '{"cutAfterEvents": 50, "lineEnding": "crlf", "onReconnect": {"status": 503}, "once": true}';
  const read = controlsOf(typed);
  assert.deepEqual(read, { cutAfterEvents: "50", dripBytesPerSecond: "", lineEnding: "crlf", client: "", once: true });
  assert.deepEqual(JSON.parse(withControls(typed, read)), JSON.parse(typed), "the controls write back what was typed");
  assert.equal(controlsOf('{"cutAfterEv'), null, "mid-typing: the controls stay as they are");
  assert.equal(controlsOf("[1, 2]"), null);
});

