// LLM: the stream read the way its developers think of it (sse_llm, in Rust): the answer per
// choice or content block (text, reasoning apart, each tool call with its arguments checked),
// its milestones on one time axis (TTFT: the first content), the gap histogram, a timeline of
// the blocks with stalls, and a warning when the stream was cut or failed. The provider is guessed or chosen here. Text from the
// stream is set as text, never as markup.
import { drawHistogram, drawTimeline } from "../llm-charts.js";
import { drawMilestones } from "../llm-milestones.js";
import { argumentsCheck, blockTitle, headline, noContentText, odditiesText, timingFigures, usageText, warningText, msText } from "../llm-text.js";
import { chooseLlm, fillLlmChoices } from "../llm.js";
import { mountTemplate, setText } from "../dom.js";
import { drawOtlp, mountOtlp } from "../otlp-form.js";

/** @typedef {import("../llm-text.js").LlmState} LlmState */
/** @typedef {{ section: HTMLElement, title: HTMLElement, args: HTMLElement, text: HTMLElement }} BlockView */

/** An element for one block of the answer. @returns {BlockView} */
function blockView() {
  const section = document.createElement("section");
  section.className = "llm-block";
  const title = document.createElement("h3");
  const args = document.createElement("p");
  args.className = "llm-args";
  const text = document.createElement("pre");
  text.className = "llm-text";
  section.append(title, args, text);
  return { section, title, args, text };
}

/** @returns {import("../panels.js").Panel} */
export function llmPanel() {
  /** @type {Record<"choice" | "headline" | "problem" | "warning" | "reading" | "figures" | "noContent" | "milestones" | "charts" | "histogram" | "timeline" | "stalls" | "usage" | "blocks" | "oddities" | "odditiesText" | "samples" | "otlpStatus" | "otlpOpen" | "otlpFailure" | "otlpForm" | "otlpProblem", HTMLElement> | null} */
  let els = null;
  /** @type {HTMLElement[]} the figures' values */
  let figures = [];
  /** @type {BlockView[]} */
  let blocks = [];
  /** @type {import("../otlp-form.js").OtlpEls | null} */
  let otlp = null;
  /** What was drawn: the reading's version, whether the stream had ended, the charts' width. */
  let drawn = { state: /** @type {LlmState | null | undefined} */ (undefined), ended: false, width: 0 };
  return {
    id: "llm",
    title: "LLM",
    slot: "tabs",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-llm", {
        choice: "llm-choice",
        headline: "llm-headline",
        problem: "llm-problem",
        warning: "llm-warning",
        reading: "llm-reading",
        figures: "llm-figures",
        noContent: "llm-no-content",
        milestones: "llm-milestones",
        charts: "llm-charts",
        histogram: "llm-histogram",
        timeline: "llm-timeline",
        stalls: "llm-stalls",
        usage: "llm-usage",
        blocks: "llm-blocks",
        oddities: "llm-oddities",
        odditiesText: "llm-oddities-text",
        samples: "llm-samples",
        otlpStatus: "llm-otlp-status",
        otlpOpen: "llm-otlp-open",
        otlpFailure: "llm-otlp-failure",
        otlpForm: "llm-otlp-form",
        otlpProblem: "otlp-problem",
      });
      otlp = { status: els.otlpStatus, open: els.otlpOpen, failure: els.otlpFailure, form: els.otlpForm, problem: els.otlpProblem };
      mountOtlp(otlp);
      const choice = /** @type {HTMLSelectElement} */ (els.choice);
      fillLlmChoices(choice);
      choice.addEventListener("change", () => chooseLlm(choice.value));
      const never = { requestSent: null, headReceived: null, firstByte: null, firstEvent: null, firstContent: null, firstText: null, lastContent: null, end: null, noContentReason: null };
      const none = { secondTokenMs: null, tokens: 0, tokensPerSecond: null, gapP50Ms: null, gapP99Ms: null, gapMaxMs: null, gapHistogram: [], stalls: [] };
      figures = timingFigures(never, none).map(([name]) => {
        const row = document.createElement("div");
        const term = document.createElement("dt");
        term.textContent = name;
        const value = document.createElement("dd");
        row.append(term, value);
        els?.figures.append(row);
        return value;
      });
    },
    update(connection) {
      if (!els) return;
      const run = connection.run;
      const choice = /** @type {HTMLSelectElement} */ (els.choice);
      const chosen = connection.spec.llm || "";
      if (choice.value !== chosen && document.activeElement !== choice) choice.value = chosen;
      setText(els.problem, run.llmProblem);
      if (otlp) drawOtlp(otlp);
      const feed = run.ipcFeed.state;
      const ended = feed !== "open" && feed !== "connecting";
      const width = els.charts.clientWidth;
      if (run.llm === drawn.state && ended === drawn.ended && width === drawn.width) return;
      drawn = { state: run.llm, ended, width };
      const held = run.llm;
      const summary = held?.report.summary ?? null;
      setText(els.headline, held ? headline(held.report) : connection.id === null ? "Not connected." : "waiting for the stream…");
      els.reading.hidden = !summary;
      const warning = summary ? warningText(summary) : "";
      setText(els.warning, warning);
      els.warning.hidden = warning === "";
      if (!held || !summary) return;
      timingFigures(summary.milestones, summary.timing).forEach(([, value], i) => setText(figures[i], value));
      setText(els.noContent, noContentText(summary.milestones.noContentReason));
      drawMilestones(/** @type {HTMLCanvasElement} */ (els.milestones), summary.milestones);
      // A guess that does not fit falls back to the plain view: no answer, the events raw.
      els.charts.hidden = !summary.fits;
      els.blocks.hidden = !summary.fits;
      if (summary.fits) {
        drawHistogram(/** @type {HTMLCanvasElement} */ (els.histogram), summary.timing.gapHistogram);
        drawTimeline(/** @type {HTMLCanvasElement} */ (els.timeline), summary);
      }
      const stalls = summary.timing.stalls;
      setText(els.stalls, stalls.length ? `Stalls (over 5× the median gap and 500 ms): ${stalls.slice(0, 5).map((s) => `${msText(s.gapMs)} after token ${s.afterToken} at ${msText(s.atMs)}`).join(" · ")}${stalls.length > 5 ? ` · ${stalls.length - 5} more` : ""}` : "");
      setText(els.usage, [usageText(summary.usage), summary.finish.length ? `finish: ${summary.finish.join(", ")}` : ""].filter(Boolean).join(" · "));
      if (blocks.length !== summary.blocks.length) {
        blocks = summary.blocks.map(() => blockView());
        els.blocks.replaceChildren(...blocks.map((view) => view.section));
      }
      summary.blocks.forEach((block, i) => {
        const view = blocks[i];
        view.section.dataset.kind = block.kind;
        setText(view.title, blockTitle(block, ended));
        const check = argumentsCheck(block);
        setText(view.args, check.text);
        view.args.classList.toggle("bad", check.bad);
        setText(view.text, held.texts[i] ?? "");
      });
      const odd = odditiesText(summary.oddities);
      els.oddities.hidden = odd === "";
      setText(els.odditiesText, odd);
      setText(els.samples, summary.oddities.samples.join("\n"));
    },
    unmount() {
      els = null;
      otlp = null;
      figures = [];
      blocks = [];
      drawn = { state: undefined, ended: false, width: 0 };
    },
  };
}
