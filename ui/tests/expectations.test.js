// The Expectations panel's summary line: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { expectationsSummary } from "../panels/expectations.js";

/** @param {Partial<import("../gen/ipc").ExpectationsReport>} fields @returns {import("../gen/ipc").ExpectationsReport} */
function report(fields) {
  return { source: "stream.toml", rows: [], pass: 0, fail: 0, open: 0, finished: false, note: "", ...fields };
}

const row = { name: "n", verdict: "pass", detail: "", seq: null };

test("a file is named, a generated set says how it was made, counts agree in number", () => {
  assert.equal(
    expectationsSummary(report({ rows: [row], pass: 1, finished: true })),
    "1 expectation from stream.toml · 1 passed · 0 failed · checking is over",
  );
  assert.equal(
    expectationsSummary(report({ rows: [row, row], source: "generated from the first 20 events", pass: 1, open: 1 })),
    "2 expectations, generated from the first 20 events · 1 passed · 0 failed · 1 open · checking as events arrive",
  );
  assert.match(expectationsSummary(null), /^No expectations: load a file/);
});
