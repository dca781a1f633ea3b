// The virtualized log's arithmetic: node --test ui/tests
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { MAX_SCROLL_PX, scrollHeight, visibleWindow, scrollTopFor } = require("../vlist.js");

test("small logs scroll row by row", () => {
  assert.equal(scrollHeight(100, 20), 2000);
  assert.deepEqual(visibleWindow(100, 20, 0, 200), { first: 0, count: 11, top: 0 });
  assert.deepEqual(visibleWindow(100, 20, 410, 200), { first: 20, count: 11, top: 400 });
  const end = visibleWindow(100, 20, scrollTopFor(99, 100, 20, 200, true), 200);
  assert.equal(end.first + end.count, 100, "scrolled to the bottom, the last row shows");
});

test("a million rows fit the browser's height limit and reach both ends", () => {
  const total = 1000000;
  assert.equal(scrollHeight(total, 22), MAX_SCROLL_PX);
  assert.equal(visibleWindow(total, 22, 0, 440).first, 0);
  const bottom = visibleWindow(total, 22, MAX_SCROLL_PX - 440, 440);
  assert.equal(bottom.first + bottom.count, total);
  const middle = visibleWindow(total, 22, (MAX_SCROLL_PX - 440) / 2, 440);
  assert.ok(Math.abs(middle.first - total / 2) < 20, `${middle.first}`);
  const back = visibleWindow(total, 22, scrollTopFor(123456, total, 22, 440), 440);
  assert.ok(Math.abs(back.first - 123456) <= 1, `${back.first}`);
});

test("fewer rows than fit show them all", () => {
  assert.deepEqual(visibleWindow(3, 20, 0, 200), { first: 0, count: 3, top: 0 });
  assert.deepEqual(visibleWindow(0, 20, 0, 200), { first: 0, count: 0, top: 0 });
});
