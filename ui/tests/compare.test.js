// The IPC-vs-EventSource comparison: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { PathComparison, binnedPercentile, lagBin } from "../compare.js";

test("events on both paths match by id and give lag percentiles", () => {
  const c = new PathComparison();
  for (let n = 1; n <= 100; n += 1) {
    c.observe("browser", String(n), n * 10);
    c.observe("ipc", String(n), n * 10 + (n === 100 ? 40 : 2));
  }
  const r = c.report(2000);
  assert.equal(r.matched, 100);
  assert.equal(r.lagP50, 2);
  assert.equal(r.lagP99, 2);
  assert.equal(c.report(2000).lagSamples, 100);
  c.observe("browser", "101", 3000);
  c.observe("ipc", "101", 3000 + 40);
  c.observe("browser", "102", 3000);
  c.observe("ipc", "102", 3000 + 40);
  assert.equal(c.report(4000).lagP99, 40, "the slowest 2 of 102 set p99");
  assert.equal(r.ipc.missing + r.browser.missing, 0);
});

test("an id missing on one path is reported after the grace time", () => {
  const c = new PathComparison({ graceMs: 100 });
  c.observe("ipc", "1", 0);
  c.observe("browser", "1", 1);
  c.observe("ipc", "2", 10);
  c.observe("ipc", "3", 20);
  c.observe("browser", "3", 21);
  assert.equal(c.report(50).browser.missing, 0, "still within the grace time");
  const r = c.report(500);
  assert.equal(r.browser.missing, 1);
  assert.deepEqual(r.browser.missingIds, ["2"]);
  assert.equal(r.ipc.missing, 0);
});

test("events before both paths were up are not missing, nor while the other is closed", () => {
  const c = new PathComparison({ graceMs: 100 });
  c.observe("ipc", "1", 0); // the browser had not connected yet
  c.observe("ipc", "2", 10);
  c.observe("browser", "2", 12);
  c.observe("ipc", "3", 20); // the browser feed is closed from here
  const r = c.report(1000, { ipc: true, browser: false });
  assert.equal(r.browser.missing, 0);
});

test("an id that comes back after another is a duplicate; a carried id is not", () => {
  const c = new PathComparison();
  for (const id of ["1", "2", "2", "2", "3", "2"]) c.observe("browser", id, 0);
  const r = c.report(0);
  assert.equal(r.browser.duplicates, 1);
  assert.deepEqual(r.browser.duplicateIds, ["2"]);
  assert.equal(r.browser.count, 6);
});

test("carried ids match run by run, and events without ids are only counted", () => {
  const c = new PathComparison();
  for (const id of ["a", "a", "a"]) c.observe("ipc", id, 0);
  for (const id of ["a", "a"]) c.observe("browser", id, 5);
  c.observe("ipc", "", 6);
  const r = c.report(10);
  assert.equal(r.matched, 2);
  assert.equal(r.ipc.count, 4);
  assert.equal(r.ipc.withId, 3);
  assert.equal(r.lagP50, -5, "IPC first: negative lag");
});

test("the lag histogram keeps half-millisecond precision and clamps outliers", () => {
  const bins = new Uint32Array(20001);
  for (const lag of [-3.2, 1.4, 2.6, 99999]) bins[lagBin(lag)] += 1;
  assert.equal(binnedPercentile(bins, 4, 0.25), -3);
  assert.equal(binnedPercentile(bins, 4, 0.5), 1.5);
  assert.equal(binnedPercentile(bins, 4, 1), 5000);
  assert.equal(binnedPercentile(bins, 0, 0.5), null);
});

test("memory stays bounded: old ids are forgotten and unmatched events given up on", () => {
  const c = new PathComparison({ keptPending: 100, keptOtherIds: 100, graceMs: 10 });
  for (let n = 0; n < 10000; n += 1) c.observe("ipc", `k${n}`, n);
  const side = c.sides.ipc;
  assert.ok(side.seen.others.size <= 100, `${side.seen.others.size} ids kept`);
  assert.ok(side.pending.size <= 100, `${side.pending.size} pending`);
  assert.ok(side.queueKeys.length <= 2200, `${side.queueKeys.length} queued`);
  c.observe("ipc", "k9990", 10001); // recent: a duplicate
  c.observe("ipc", "k5", 10002); // long forgotten: not counted
  assert.equal(c.report(10003).ipc.duplicates, 1);
});

test("a counter's ids are remembered however many: a replay from the start is caught", () => {
  const c = new PathComparison({ keptRanges: 4 });
  for (let n = 1; n <= 200000; n += 1) c.observe("browser", String(n), 0);
  assert.equal(c.sides.browser.seen.numbers.size, 1, "one range");
  for (const id of ["1", "2", "150000"]) c.observe("browser", id, 0);
  const r = c.report(0);
  assert.equal(r.browser.duplicates, 3);
  assert.deepEqual(r.browser.duplicateIds, ["1", "2", "150000"]);
});
