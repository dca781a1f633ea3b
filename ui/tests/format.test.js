// How the window writes sizes and times: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { connectionLabel, deltaText, formatBytes, lagText, plural, timeText } from "../format.js";

test("sizes switch unit at each 1024", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1024), "1.0 KiB");
  assert.equal(formatBytes(5 * 1024 * 1024), "5.0 MiB");
  assert.equal(formatBytes(3 * 1024 ** 3), "3.00 GiB");
});

test("receive times keep milliseconds, and UTC says so", () => {
  const us = Date.UTC(2026, 11, 1, 9, 5, 7, 42) * 1000 + 999;
  assert.equal(timeText(us, true), "09:05:07.042Z");
  assert.match(timeText(us, false), /^\d\d:05:07\.042$/);
});

test("gaps between events read in the unit that fits", () => {
  assert.equal(deltaText(null), "");
  assert.equal(deltaText(undefined), "");
  assert.equal(deltaText(999), "+999 µs");
  assert.equal(deltaText(1500), "+1.5 ms");
  assert.equal(deltaText(2500000), "+2.50 s");
  assert.equal(lagText(null), "–");
  assert.equal(lagText(1.25), "+1.3 ms");
  assert.equal(lagText(-2), "-2.0 ms");
  assert.equal(plural(1, "reconnect"), "1 reconnect");
  assert.equal(plural(0, "reconnect"), "0 reconnects");
});

test("connections to one server are told apart by path and stream, the embedded one by its stream", () => {
  const base = "http://127.0.0.1:40000";
  assert.deepEqual(connectionLabel(`${base}/events?stream=messages`, "", base), { title: "stream messages", where: "embedded server" });
  assert.deepEqual(connectionLabel(`${base}/events?stream=replay-1`, "Counter", base), { title: "Counter", where: "embedded · replay-1" });
  assert.deepEqual(connectionLabel("http://127.0.0.1:18080/events?stream=a", "", base), { title: "/events · a", where: "127.0.0.1:18080" });
  assert.deepEqual(connectionLabel("http://127.0.0.1:18080/events?stream=b", "", base), { title: "/events · b", where: "127.0.0.1:18080" });
  assert.deepEqual(connectionLabel("https://api.example.com/", "", base), { title: "api.example.com", where: "" });
  assert.deepEqual(connectionLabel("https://api.example.com/v1/chat", " Chat ", base), { title: "Chat", where: "api.example.com/v1/chat" });
  assert.deepEqual(connectionLabel("", "", base), { title: "New connection", where: "" });
  assert.deepEqual(connectionLabel("localhost:8080", "", base), { title: "localhost:8080", where: "" });
});
