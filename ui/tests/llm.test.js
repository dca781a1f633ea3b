// The LLM panel's answer and words: node --test ui/tests
import test from "node:test";
import assert from "node:assert/strict";
import { argumentsCheck, blockTitle, foldLlmReport, headline, milestoneRows, msText, noContentText, odditiesText, otlpStatusText, warningText } from "../llm-text.js";

/** @param {Partial<import("../gen/ipc").Block>} fields @returns {import("../gen/ipc").Block} */
function block(fields) {
  return { place: "block 0", kind: "text", name: null, id: null, text: "", pieces: 1, firstMs: 10, lastMs: 20, truncated: false, closed: true, arguments: null, ...fields };
}

/** @returns {import("../gen/ipc").Summary} */
function summary(blocks, fields = {}) {
  return {
    provider: "anthropic", fits: true, model: "claude", blocks, usage: null, finish: [], completeness: "streaming", detail: "streaming…", error: null,
    responseId: null,
    milestones: { requestSent: 0, headReceived: null, firstByte: null, firstEvent: null, firstContent: null, firstText: null, lastContent: null, end: null, noContentReason: null },
    timing: { secondTokenMs: null, tokens: 0, tokensPerSecond: null, gapP50Ms: null, gapP99Ms: null, gapMaxMs: null, gapHistogram: [], stalls: [] },
    oddities: { events: 0, notJson: 0, unexpected: 0, unknownTypes: 0, droppedBlocks: 0, samples: [], sequenceGaps: [] },
    ...fields,
  };
}

/** @returns {import("../gen/ipc").LlmReport} */
function report(texts, fresh, reading = 1) {
  return { choice: "", found: "guessed from the URL", summary: summary(texts.map((text) => block({ text }))), fresh, reading };
}

test("pieces add to the text; a fresh report replaces it; stale reports are dropped", () => {
  let held = foldLlmReport(null, report(["Hel"], true));
  held = foldLlmReport(held, report(["lo", "{\"a\""], false));
  held = foldLlmReport(held, report(["!", ":1}"], false));
  assert.deepEqual(held?.texts, ["Hello!", "{\"a\":1}"]);
  // A report from before a new reading, or pieces of a reading never seen whole, change nothing.
  const chosen = foldLlmReport(held, report(["Other"], true, 2));
  assert.deepEqual(chosen?.texts, ["Other"]);
  assert.equal(foldLlmReport(chosen, report(["late"], false, 1)), chosen);
  assert.equal(foldLlmReport(chosen, report(["skip"], false, 3)), chosen);
  assert.equal(foldLlmReport(null, report(["x"], false)), null);
});

test("a cut or failed answer gets a warning, a finished one none", () => {
  assert.equal(warningText(summary([], { completeness: "complete", detail: "complete: message_stop" })), "");
  const cut = warningText(summary([], { completeness: "truncated", detail: "truncated: the stream ended without message_stop; block 1 is partial" }));
  assert.match(cut, /^Truncated: the stream ended without message_stop; block 1 is partial\. The answer below may be cut short\.$/);
  const failed = warningText(summary([], { completeness: "failed", error: "overloaded_error: Overloaded" }));
  assert.match(failed, /Failed in band: overloaded_error: Overloaded\. The answer below is partial\./);
  assert.match(warningText(summary([], { fits: false })), /do not look like Anthropic Messages's.*plain view/);
});

test("blocks and tool calls say what they are and how they stand", () => {
  const call = block({ kind: "toolCall", name: "get_weather", id: "toolu_1", pieces: 3, closed: false });
  assert.equal(blockTitle(call, false), "Tool call get_weather (toolu_1) · block 0 · 3 pieces · streaming…");
  assert.equal(blockTitle(call, true), "Tool call get_weather (toolu_1) · block 0 · 3 pieces · partial: its end never came");
  const bad = argumentsCheck(block({ arguments: { state: "malformed", message: "EOF while parsing", line: 1, column: 17 } }));
  assert.deepEqual(bad, { text: "arguments: malformed JSON at line 1, column 17: EOF while parsing", bad: true });
  assert.equal(argumentsCheck(block({ arguments: { state: "valid" } })).text, "arguments: valid JSON");
  assert.equal(headline(report(["x"], true)), "Anthropic Messages (guessed from the URL) · claude · streaming…");
  assert.equal(msText(1234), "1.23 s");
  assert.equal(msText(4.25), "4.3 ms");
  assert.equal(odditiesText({ events: 9, notJson: 2, unexpected: 0, unknownTypes: 1, droppedBlocks: 0, samples: [], sequenceGaps: [[4, 6]] }), "Of 9 events: 2 not JSON · 1 of unknown types · sequence_number gaps: expected 4, got 6");
});

test("milestones come in order with the gap since the last one that came; never is null", () => {
  const rows = milestoneRows({ requestSent: 0, headReceived: 40, firstByte: 45, firstEvent: 50, firstContent: 300, firstText: null, lastContent: 900, end: 950, noContentReason: "onlyToolCalls" });
  assert.deepEqual(rows.map((row) => [row.name, row.at, row.gap]), [
    ["request sent", 0, null],
    ["head received", 40, 40],
    ["first byte", 45, 5],
    ["first event", 50, 5],
    ["first content", 300, 250],
    ["first text", null, null],
    ["last content", 900, 600],
    ["end", 950, 50],
  ]);
  assert.equal(noContentText("onlyToolCalls"), "No answer text: only tool calls.");
  assert.equal(noContentText(null), "");
});

test("the OpenTelemetry line says where calls go, how many were sent, and never a secret", () => {
  assert.equal(otlpStatusText(null), "OpenTelemetry export: off.");
  const on = { on: true, url: "http://127.0.0.1:4318", protocol: "http/json", content: true, headerName: "authorization", exported: 1, failure: null };
  assert.equal(otlpStatusText(on), "Every LLM call is exported to OpenTelemetry at http://127.0.0.1:4318 (http/json, prompts and completions included, header authorization) · 1 call sent");
  assert.equal(otlpStatusText({ ...on, on: false }), "OpenTelemetry export: off.");
});
