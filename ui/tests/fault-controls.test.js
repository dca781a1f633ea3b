// The fault controls of the Server tab and of a tap's Faults box: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { controlsOf, ruleControlsOf, ruleList, ruleListText, ruleName, withControls, withRuleControls } from "../fault-controls.js";

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


test("a tap's rule list: the chosen rule's controls read and written, the rest kept", () => {
  const typed = '[{"path": "/events*", "cutAfterEvents": 5}, {"method": "POST", "path": "/v1/*", "retryMs": 9}]';
  assert.deepEqual(ruleControlsOf(typed, 1), { method: "POST", path: "/v1/*", ...blank });
  const written = withRuleControls(typed, 1, { method: "get", path: " /x* ", ...blank, dripBytesPerSecond: "200", once: true });
  assert.ok(written);
  assert.deepEqual(ruleList(written), [
    { path: "/events*", cutAfterEvents: 5 },
    { method: "GET", path: "/x*", retryMs: 9, dripBytesPerSecond: 200, once: true },
  ]);
  assert.equal(written, ruleListText(ruleList(written) ?? []), "one rule a line, as the tap writes it");
  assert.equal(withRuleControls(typed, 5, { method: "", path: "", ...blank }), null, "no such rule");
  assert.equal(ruleControlsOf("[{", 0), null, "mid-typing");
  assert.equal(ruleList('[1]'), null, "a rule is an object");
  assert.equal(ruleName({ path: "/events*", client: "ui", cutAfterEvents: 5 }, 0), "1 · any /events* · client ui · cutAfterEvents");
  assert.equal(ruleListText([]), "[]");
});
