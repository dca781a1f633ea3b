// The ids a path delivered, kept small (seen-ids.js): node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { NumberRanges, SeenIds } from "../seen-ids.js";

/** The ranges as [lo, hi] pairs. @param {NumberRanges} r */
const pairs = (r) => Array.from({ length: r.size }, (_, i) => [r.lo[i], r.hi[i]]);

test("numbers join into ranges from either side, and a gap filled merges two", () => {
  const r = new NumberRanges(16);
  for (const n of [5, 6, 7, 10, 9, 1]) assert.equal(r.record(n), false, `${n} is new`);
  assert.deepEqual(pairs(r), [[1, 1], [5, 7], [9, 10]]);
  assert.equal(r.record(8), false);
  assert.deepEqual(pairs(r), [[1, 1], [5, 10]]);
  for (const n of [1, 5, 8, 10]) assert.equal(r.record(n), true, `${n} was seen`);
  for (const n of [0, 2, 4, 11]) assert.equal(r.record(n), false, `${n} is new`);
  assert.deepEqual(pairs(r), [[0, 2], [4, 11]]);
});

test("full, the lower half of the ranges is forgotten; below them, an id is not kept", () => {
  const r = new NumberRanges(4);
  for (const n of [0, 2, 4, 6]) r.record(n);
  r.record(8); // full: 0 and 2 are forgotten
  assert.deepEqual(pairs(r), [[4, 4], [6, 6], [8, 8]]);
  assert.equal(r.record(0), false, "forgotten, so new");
  assert.equal(r.record(4), true);
  for (let n = 10; n < 10000; n += 2) r.record(n);
  assert.ok(r.size <= 4, `${r.size} ranges`);
  assert.equal(r.record(9998), true, "the newest are kept");
});

test("ids split by shape: decimal ids as numbers, the rest as strings", () => {
  const seen = new SeenIds({ keptOtherIds: 2 });
  for (const id of ["1", "2", "007", "1e3", "abc"]) assert.equal(seen.record(id), false, id);
  assert.equal(seen.numbers.size, 1);
  assert.equal(seen.record("7"), false, "007 is not the number 7");
  assert.equal(seen.record("1"), true);
  assert.equal(seen.record("abc"), true);
  assert.equal(seen.record("007"), false, "pushed out of a ring of 2 by 1e3 and abc");
  // 16 digits is past what a double holds exactly: kept as a string.
  assert.equal(seen.record("9007199254740993"), false);
  assert.equal(seen.record("9007199254740992"), false, "not mistaken for its neighbour");
});
