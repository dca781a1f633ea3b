// The virtualized log's arithmetic: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { MAX_SCROLL_PX, scrollHeight, visibleWindow, scrollTopFor } from "../vlist.js";

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

test("scrolled to the very end, the rows end with the scroll area and show the newest row", () => {
  // Follow sets scrollTop to the scroll height; the browser clamps it to the height less the view.
  for (const [total, viewport] of [[100, 264], [13, 264], [5000, 440], [1000000, 440], [400000, 700]]) {
    const height = scrollHeight(total, 22);
    for (const scrollTop of [height - viewport, height, height + 500]) {
      const view = visibleWindow(total, 22, scrollTop, viewport);
      assert.ok(view.top + view.count * 22 <= height, `${total} rows at ${scrollTop}: rows end at ${view.top + view.count * 22} > ${height}`);
      assert.equal(view.first + view.count, total, `${total} rows at ${scrollTop}: the newest row shows`);
    }
  }
});
