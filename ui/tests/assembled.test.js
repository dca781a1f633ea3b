// What the assembled text says of its stream: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { assembledStatus } from "../panels/assembled.js";

test("a stream that ends without [DONE] says so; one with it is complete", () => {
  const counts = { used: 2, skipped: 0, truncated: false, done: false };
  assert.deepEqual(assembledStatus(counts, false), { text: "2 events with text, 0 without · streaming…", cut: false });
  const cut = assembledStatus(counts, true);
  assert.equal(cut.cut, true);
  assert.match(cut.text, /ended without \[DONE\]/);
  const done = assembledStatus({ ...counts, skipped: 1, done: true }, true);
  assert.deepEqual(done, { text: "2 events with text, 1 without · complete: [DONE] received", cut: false });
  assert.equal(assembledStatus(null, false).text, "waiting for events…");
  assert.match(assembledStatus({ ...counts, truncated: true }, false).text, /truncated at 4 MiB/);
});
