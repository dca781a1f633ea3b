// The LLM panel's words and its answer as the reports build it: a fresh report replaces the
// blocks' text, the others add their pieces (Rust sends only what each block added). No DOM
// here, so node --test reads it.

/** @typedef {import("./gen/ipc").LlmReport} LlmReport */
/** @typedef {import("./gen/ipc").Summary} Summary */
/** @typedef {import("./gen/ipc").Block} Block */
/** @typedef {import("./gen/ipc").Timing} Timing */
/** @typedef {import("./gen/ipc").Usage} Usage */
/** @typedef {import("./gen/ipc").Oddities} Oddities */
/** @typedef {import("./gen/ipc").Milestones} Milestones */
/** @typedef {import("./gen/ipc").NoContent} NoContent */

/**
 * What the panel holds of a connection's reading: the latest report (its blocks' text is only
 * that report's pieces) and each block's whole text so far.
 * @typedef {{ report: LlmReport, texts: string[], version: number }} LlmState
 */

/** The providers a stream can be read as: the spec's key, the summary's name for it, and
 * how a user knows it. @type {{ key: string, provider: import("./gen/ipc").Provider, name: string }[]} */
export const PROVIDERS = [
  { key: "openai", provider: "openAiChat", name: "OpenAI Chat Completions" },
  { key: "responses", provider: "openAiResponses", name: "OpenAI Responses" },
  { key: "anthropic", provider: "anthropic", name: "Anthropic Messages" },
  { key: "gemini", provider: "gemini", name: "Google Gemini" },
  { key: "ollama", provider: "ollama", name: "Ollama" },
];

/** The gap histogram's buckets, as Rust's GAP_BUCKETS_MS cuts them (the last: above 5 s). */
export const GAP_LABELS = ["<1", "1–2", "2–5", "5–10", "10–20", "20–50", "50–100", "100–200", "200–500", "0.5–1 s", "1–5 s", ">5 s"];

/** @param {import("./gen/ipc").Provider} provider */
export function providerName(provider) {
  return PROVIDERS.find((p) => p.provider === provider)?.name ?? provider;
}

/** `report` added to `held` (null: nothing yet). @param {LlmState | null} held
 * @param {LlmReport} report @returns {LlmState | null} */
export function foldLlmReport(held, report) {
  // A report of an earlier reading (one that crossed a choice), or pieces of a reading whose
  // whole text never came, would garble the answer.
  if (held && (report.reading < held.report.reading || (!report.fresh && report.reading !== held.report.reading))) return held;
  if (!held && !report.fresh) return null;
  const texts = report.fresh || !held ? [] : held.texts;
  const blocks = report.summary ? report.summary.blocks : [];
  blocks.forEach((block, i) => {
    texts[i] = i < texts.length ? texts[i] + block.text : block.text;
  });
  texts.length = blocks.length;
  return { report, texts, version: (held ? held.version : 0) + 1 };
}

/** @param {number | null} ms */
export function msText(ms) {
  if (ms === null) return "–";
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** The line above the answer: provider, how it was found, model, where it stands.
 * @param {LlmReport} report */
export function headline(report) {
  const summary = report.summary;
  if (!summary) return report.found || "waiting for the stream…";
  const parts = [`${providerName(summary.provider)} (${report.found})`];
  if (summary.model) parts.push(summary.model);
  parts.push(summary.detail);
  return parts.join(" · ");
}

/** The warning a cut or failed answer gets: never shown as finished. Empty when none.
 * @param {Summary} summary */
export function warningText(summary) {
  if (!summary.fits) {
    return `These events do not look like ${providerName(summary.provider)}'s: read them in the log (the plain view), or choose another provider.`;
  }
  if (summary.completeness === "failed") return `Failed in band: ${summary.error ?? summary.detail}. The answer below is partial.`;
  if (summary.completeness === "truncated") return `${capitalised(summary.detail)}. The answer below may be cut short.`;
  return "";
}

/** @param {string} text */
function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The figures, from the request being sent: TTFT is the first content.
 * @param {Milestones} milestones @param {Timing} timing */
export function timingFigures(milestones, timing) {
  const rate = timing.tokensPerSecond === null ? "–" : `${timing.tokensPerSecond.toFixed(1)}/s`;
  return [
    ["TTFT (first content)", msText(milestones.firstContent)],
    ["First text", msText(milestones.firstText)],
    ["Second token", msText(timing.secondTokenMs)],
    ["Tokens", `${timing.tokens} · ${rate}`],
    ["Gap p50 / p99", `${msText(timing.gapP50Ms)} / ${msText(timing.gapP99Ms)}`],
    ["Gap max", msText(timing.gapMaxMs)],
  ];
}

/** The milestones in order, as the timeline names them. @type {{ key: Exclude<keyof Milestones, "noContentReason">, name: string }[]} */
export const MILESTONES = [
  { key: "requestSent", name: "request sent" },
  { key: "headReceived", name: "head received" },
  { key: "firstByte", name: "first byte" },
  { key: "firstEvent", name: "first event" },
  { key: "firstContent", name: "first content" },
  { key: "firstText", name: "first text" },
  { key: "lastContent", name: "last content" },
  { key: "end", name: "end" },
];

/** @typedef {{ key: string, name: string, at: number | null, gap: number | null }} MilestoneRow */

/** Each milestone with its time and the gap since the one before that came (null: never).
 * @param {Milestones} milestones @returns {MilestoneRow[]} */
export function milestoneRows(milestones) {
  /** @type {number | null} */
  let before = null;
  return MILESTONES.map(({ key, name }) => {
    const at = milestones[key];
    const gap = at !== null && before !== null ? at - before : null;
    if (at !== null) before = at;
    return { key, name, at, gap };
  });
}

/** Why there is no content, or what came instead of answer text; "" when neither applies.
 * @param {NoContent | null} reason */
export function noContentText(reason) {
  switch (reason) {
    case "cut": return "No content: the stream was cut before any.";
    case "error": return "No content: an error came in band before any.";
    case "noneGenerated": return "No content: none was generated.";
    case "onlyReasoning": return "No answer text: only reasoning.";
    case "onlyToolCalls": return "No answer text: only tool calls.";
    case "onlyRefusal": return "No answer text: only a refusal.";
    default: return "";
  }
}

/** The LLM tab's line about the OpenTelemetry export. @param {import("./gen/ipc").OtlpStatus | null} status */
export function otlpStatusText(status) {
  if (!status || !status.on) return "OpenTelemetry export: off.";
  const content = status.content ? ", prompts and completions included" : "";
  const header = status.headerName ? `, header ${status.headerName}` : "";
  const sent = `${status.exported} call${status.exported === 1 ? "" : "s"} sent`;
  return `Every LLM call is exported to OpenTelemetry at ${status.url} (${status.protocol}${content}${header}) · ${sent}`;
}

/** A block's heading: what it is, where, and how it stands.
 * @param {Block} block @param {boolean} ended the stream is over */
export function blockTitle(block, ended) {
  const kind = { toolCall: "Tool call", reasoning: "Reasoning", refusal: "Refusal", text: "Text" }[block.kind];
  const named = block.kind === "toolCall" ? ` ${block.name ?? "(no name)"}${block.id ? ` (${block.id})` : ""}` : "";
  const parts = [`${kind}${named}`, block.place, `${block.pieces} piece${block.pieces === 1 ? "" : "s"}`];
  if (block.truncated) parts.push("cut at 4 MiB");
  if (!block.closed) parts.push(ended ? "partial: its end never came" : "streaming…");
  return parts.join(" · ");
}

/** A tool call's arguments check, or "" for other blocks and calls not yet ended.
 * @param {Block} block @returns {{ text: string, bad: boolean }} */
export function argumentsCheck(block) {
  const args = block.arguments;
  if (!args) return { text: "", bad: false };
  if (args.state === "valid") return { text: "arguments: valid JSON", bad: false };
  return { text: `arguments: malformed JSON at line ${args.line}, column ${args.column}: ${args.message}`, bad: true };
}

/** @param {Usage | null} usage */
export function usageText(usage) {
  if (!usage) return "";
  const parts = [];
  if (usage.input !== null) parts.push(`${usage.input} in`);
  if (usage.output !== null) parts.push(`${usage.output} out`);
  if (usage.reasoning !== null) parts.push(`${usage.reasoning} reasoning`);
  if (usage.total !== null) parts.push(`${usage.total} total`);
  return parts.length ? `Usage: ${parts.join(", ")} tokens` : "";
}

/** What did not fit, or "" when everything did. @param {Oddities} oddities */
export function odditiesText(oddities) {
  const parts = [];
  if (oddities.notJson) parts.push(`${oddities.notJson} not JSON`);
  if (oddities.unexpected) parts.push(`${oddities.unexpected} of an unexpected shape`);
  if (oddities.unknownTypes) parts.push(`${oddities.unknownTypes} of unknown types`);
  if (oddities.droppedBlocks) parts.push(`${oddities.droppedBlocks} blocks past the 256 kept`);
  const gaps = oddities.sequenceGaps.map(([expected, got]) => `expected ${expected}, got ${got}`);
  if (gaps.length) parts.push(`sequence_number gaps: ${gaps.join("; ")}`);
  return parts.length ? `Of ${oddities.events} events: ${parts.join(" · ")}` : "";
}
