// The LLM panel's milestones on one time axis: a row per milestone (request sent, head, first
// byte, first event, first content, first text, last content, end), its bar spanning the gap
// since the milestone before, labelled with that gap; time to first content (TTFT) in the
// accent colour with a line down the rows. Drawn on a canvas in the theme's colours.
import { AXIS_PX, cssColor, drawAxis, prepare } from "./llm-charts.js";
import { milestoneRows, msText } from "./llm-text.js";

/** @typedef {import("./gen/ipc").Milestones} Milestones */

const ROW_PX = 15;
const LABEL_PX = 176; // the milestone's name and time

/** Draws `milestones` on `canvas` (sized to its box) and says them in its label.
 * @param {HTMLCanvasElement} canvas @param {Milestones} milestones */
export function drawMilestones(canvas, milestones) {
  const rows = milestoneRows(milestones);
  const { g, width } = prepare(canvas, rows.length * ROW_PX + AXIS_PX, 220);
  if (g) drawRows(g, width, rows);
  const said = rows.map((row) => (row.at === null ? `${row.name}: never` : `${row.name} at ${msText(row.at)}${row.gap === null ? "" : `, ${msText(row.gap)} after the one before`}`));
  canvas.setAttribute("aria-label", `Milestones from the request being sent: ${said.join("; ")}`);
}

/** @param {CanvasRenderingContext2D} g @param {number} width
 * @param {import("./llm-text.js").MilestoneRow[]} rows */
function drawRows(g, width, rows) {
  const [text, muted, accent] = ["--text", "--muted", "--accent"].map(cssColor);
  const span = Math.max(1, ...rows.map((row) => row.at ?? 0));
  const right = width - 64; // room for the last gap's label
  const x = (/** @type {number} */ ms) => LABEL_PX + (ms / span) * (right - LABEL_PX);
  const bottom = rows.length * ROW_PX;
  g.font = "11px system-ui, sans-serif";
  g.textBaseline = "middle";
  const ttft = rows.find((row) => row.key === "firstContent")?.at ?? null;
  if (ttft !== null) {
    g.fillStyle = accent;
    g.fillRect(x(ttft), 0, 1, bottom);
  }
  /** @type {number | null} */
  let before = null;
  rows.forEach((row, i) => {
    const middle = i * ROW_PX + ROW_PX / 2;
    const isTtft = row.key === "firstContent";
    g.fillStyle = row.at === null ? muted : isTtft ? accent : text;
    g.textAlign = "left";
    g.fillText(isTtft ? `${row.name} (TTFT)` : row.name, 2, middle);
    g.textAlign = "right";
    g.fillText(row.at === null ? "–" : msText(row.at), LABEL_PX - 8, middle);
    if (row.at === null) return;
    const start = x(before ?? 0);
    const end = Math.max(x(row.at), start + 2);
    g.fillStyle = isTtft ? accent : muted;
    g.fillRect(start, middle - 3, end - start, 6);
    if (row.gap !== null) {
      g.fillStyle = muted;
      g.textAlign = "left";
      g.fillText(`+${msText(row.gap)}`, end + 4, middle);
    }
    before = row.at;
  });
  drawAxis(g, LABEL_PX, right, bottom, span);
}
