// The LLM panel's two small charts, drawn on canvases in the theme's colours: the
// inter-token gap histogram, and the timeline whose lanes are the answer's blocks (from
// their first piece to their latest), with the first content (TTFT) and stalls marked.
import { GAP_LABELS, msText } from "./llm-text.js";

/** @typedef {import("./gen/ipc").Summary} Summary */

const LANE_PX = 16;
const LABEL_PX = 92; // the lane's name
export const AXIS_PX = 14; // a time axis and its labels

/** A colour of the theme. @param {string} name */
export function cssColor(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/** Sizes `canvas` to its box (at least `least` px wide) at the screen's pixel ratio; its 2D
 * context, scaled, and width.
 * @param {HTMLCanvasElement} canvas @param {number} height @param {number} [least] */
export function prepare(canvas, height, least = 160) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(canvas.parentElement ? canvas.parentElement.clientWidth - 4 : 300, least);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext("2d");
  if (g) g.scale(ratio, ratio);
  return { g, width };
}

/** A time axis along `y` from `left` to `right`: a line, `0` at its start and `span` (ms) at
 * its end, in the theme's colours.
 * @param {CanvasRenderingContext2D} g @param {number} left @param {number} right @param {number} y
 * @param {number} span */
export function drawAxis(g, left, right, y, span) {
  g.fillStyle = cssColor("--border");
  g.fillRect(left, y, right - left, 1);
  g.fillStyle = cssColor("--muted");
  g.textAlign = "left";
  g.fillText("0", left, y + AXIS_PX / 2 + 1);
  g.textAlign = "right";
  g.fillText(msText(span), right, y + AXIS_PX / 2 + 1);
}

/** The gaps between tokens per bucket, a bar each, every bar labelled right under it (on up
 * to three staggered rows when the labels are wider than the bars).
 * @param {HTMLCanvasElement} canvas @param {number[]} histogram */
export function drawHistogram(canvas, histogram) {
  const font = "10px system-ui, sans-serif";
  const measure = document.createElement("canvas").getContext("2d");
  if (measure) measure.font = font;
  const widest = Math.max(...GAP_LABELS.map((label) => (measure ? measure.measureText(label).width : 40)));
  const available = Math.max(canvas.parentElement ? canvas.parentElement.clientWidth - 4 : 300, 160);
  const slot = available / GAP_LABELS.length;
  const rows = Math.min(3, Math.max(1, Math.ceil((widest + 6) / slot)));
  const labels = AXIS_PX + (rows - 1) * 11;
  const height = 60 + labels;
  const { g, width } = prepare(canvas, height);
  if (!g) return;
  const [text, muted, accent] = ["--text", "--muted", "--accent"].map(cssColor);
  const most = Math.max(1, ...histogram);
  const step = width / GAP_LABELS.length;
  g.font = font;
  g.textAlign = "center";
  GAP_LABELS.forEach((label, i) => {
    const count = histogram[i] ?? 0;
    const bar = Math.round(((height - labels - AXIS_PX) * count) / most);
    const x = i * step;
    g.fillStyle = accent;
    g.fillRect(x + 2, height - labels - bar, step - 4, bar);
    g.fillStyle = count ? text : muted;
    if (count) g.fillText(String(count), x + step / 2, height - labels - bar - 3);
    g.fillStyle = muted;
    g.fillText(label, x + step / 2, height - labels + 11 + (i % rows) * 11);
  });
  canvas.setAttribute(
    "aria-label",
    `Gaps between tokens, in ms: ${GAP_LABELS.map((label, i) => `${label}: ${histogram[i] ?? 0}`).join(", ")}`,
  );
}

/** A lane per block from its first to its latest piece; a line at the first content, stalls
 * in the warning colour across the lanes.
 * @param {HTMLCanvasElement} canvas @param {Summary} summary */
export function drawTimeline(canvas, summary) {
  const lanes = summary.blocks.filter((block) => block.firstMs !== null);
  const stalls = summary.timing.stalls;
  const height = Math.max(1, lanes.length) * LANE_PX + AXIS_PX;
  const { g, width } = prepare(canvas, height);
  if (!g) return;
  const [text, muted, accent, warn, bad] = ["--text", "--muted", "--accent", "--warn", "--bad"].map(cssColor);
  const ends = lanes.map((block) => block.lastMs ?? 0).concat(stalls.map((stall) => stall.atMs + stall.gapMs));
  const span = Math.max(1, ...ends);
  const x = (/** @type {number} */ ms) => LABEL_PX + (ms / span) * (width - LABEL_PX - 6);
  g.font = "11px system-ui, sans-serif";
  g.textBaseline = "middle";
  const lanesBottom = Math.max(1, lanes.length) * LANE_PX;
  for (const stall of stalls) {
    g.fillStyle = warn;
    g.globalAlpha = 0.3;
    g.fillRect(x(stall.atMs), 0, Math.max(2, x(stall.atMs + stall.gapMs) - x(stall.atMs)), lanesBottom);
    g.globalAlpha = 1;
  }
  lanes.forEach((block, i) => {
    const middle = i * LANE_PX + LANE_PX / 2;
    g.fillStyle = muted;
    const kind = block.kind === "toolCall" ? `tool ${block.name ?? ""}` : block.kind;
    g.fillText(kind.length > 14 ? `${kind.slice(0, 13)}…` : kind, 2, middle);
    const start = x(block.firstMs ?? 0);
    const end = Math.max(x(block.lastMs ?? 0), start + 2);
    const malformed = block.arguments?.state === "malformed";
    g.fillStyle = malformed ? bad : block.kind === "reasoning" ? muted : accent;
    g.fillRect(start, middle - 4, end - start, 8);
  });
  const first = summary.milestones.firstContent;
  if (first !== null) {
    g.fillStyle = text;
    g.fillRect(x(first), 0, 1, lanesBottom);
  }
  drawAxis(g, LABEL_PX, width - 4, lanesBottom, span);
  const stallWords = stalls.length ? `; ${stalls.length} stall${stalls.length === 1 ? "" : "s"}, the longest ${msText(Math.max(...stalls.map((s) => s.gapMs)))}` : "";
  canvas.setAttribute("aria-label", `Timeline of ${lanes.length} blocks over ${msText(span)}${stallWords}`);
}
