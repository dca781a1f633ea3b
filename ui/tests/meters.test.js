// The window's two meters of a fast stream: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { BusyMeter, SAME_TASK_GAP_MS, WINDOW_MS } from "../busy-meter.js";
import { SamplingMeter } from "../sampling.js";

test("events handled back to back count their handlers and WebKit's gaps between them; idle gaps do not", () => {
  const meter = new BusyMeter();
  // A second of reads: 100 reads, 10 ms apart, each 50 events of 0.01 ms with 0.02 ms between.
  for (let read = 0; read < 100; read += 1) {
    let t = read * 10;
    for (let i = 0; i < 50; i += 1) {
      meter.note(t, t + 0.01);
      t += 0.01 + 0.02;
    }
  }
  const { share, rate } = meter.report(WINDOW_MS);
  // Per read: 50 handlers (0.5 ms) and 49 gaps inside it (0.98 ms) of 10 ms: 14.8 %.
  assert.ok(Math.abs(share - 0.148) < 0.002, `share ${share}`);
  assert.ok(Math.abs(rate - 5000) < 1, `rate ${rate}`);
  assert.ok(SAME_TASK_GAP_MS > 0.02);
});

test("a feed holding the thread tells a share near 1, and a quiet feed tells nothing after a window", () => {
  const meter = new BusyMeter();
  for (let t = 0; t < 1000; t += 0.005) meter.note(t, t + 0.004);
  assert.ok(meter.report(1000).share > 0.95);
  assert.equal(meter.report(2500).share, 0, "quiet for over a window");
  assert.equal(meter.report(2500).rate, 0);
});

test("the log shows every event while no more came between draws than fit on screen", () => {
  const meter = new SamplingMeter();
  const log = {};
  for (let draw = 0; draw <= 8; draw += 1) meter.drew(log, draw * 3, 20, draw * 250);
  assert.equal(meter.oneIn(), 0);
});

test("2,500 events a draw with 25 rows on screen is 1 event in 100, and it resets for another log", () => {
  const meter = new SamplingMeter();
  const log = {};
  for (let draw = 0; draw <= 8; draw += 1) meter.drew(log, draw * 2500, 25, draw * 250);
  assert.equal(meter.oneIn(), 100);
  meter.drew({}, 5, 25, 2100);
  assert.equal(meter.oneIn(), 0, "another connection's log starts afresh");
  meter.drew(log, 99, 25, 2200);
  meter.reset();
  assert.equal(meter.oneIn(), 0);
});

test("the browser card names the stall with the feed's rate, share and lateness, and says nothing otherwise", async () => {
  const { stallText } = await import("../panels/browser-feed.js");
  assert.equal(stallText({ share: 0.31, rate: 96000, stalling: false, lateMs: 0 }), "");
  const text = stallText({ share: 0.314, rate: 96029.4, stalling: true, lateMs: 312.6 });
  assert.match(text, /^This EventSource \(96,029 events\/s\) holds 31 % of the window's time/);
  assert.match(text, /frames come up to 313 ms late, so the window stalls: pause it/);
});
