// Expectations about the stream (a TOML file, or generated from its first
// events), each shown live as pending, pass, fail or undecided, with a button to the event
// that decided it. Names and details hold event data: they are set as text, never as markup.
import { clearExpectations, generateExpectations, goToEvent, loadExpectations, saveExpectations } from "../expectations.js";
import { mountTemplate, setText } from "../dom.js";

/** @typedef {import("../gen/ipc").ExpectationsReport} ExpectationsReport */
/** @typedef {import("../gen/ipc").ExpectationRow} ExpectationRow */

/** The summary line of a report. @param {ExpectationsReport | null} report */
export function expectationsSummary(report) {
  if (!report) return "No expectations: load a file (its format: Reference) or generate one from this stream's first events.";
  const count = `${report.rows.length} expectation${report.rows.length === 1 ? "" : "s"}`;
  // A file is named; a generated set says how it was made ("generated from the first N events").
  const origin = report.source.startsWith("generated ") ? `, ${report.source}` : ` from ${report.source}`;
  const parts = [count + origin, `${report.pass} passed`, `${report.fail} failed`];
  if (report.open > 0) parts.push(`${report.open} ${report.finished ? "undecided" : "open"}`);
  parts.push(report.finished ? "checking is over" : "checking as events arrive");
  return parts.join(" · ");
}

/** A row for an expectation: its verdict, name, detail, and a button to the event that decided
 * it (hidden until one did). Rows are kept and refilled as reports come, so a button does not
 * change under the pointer. @param {string} name */
function rowElement(name) {
  const item = document.createElement("li");
  item.dataset.name = name;
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  const label = document.createElement("span");
  label.className = "expect-name";
  label.textContent = name;
  const detail = document.createElement("span");
  detail.className = "expect-detail";
  const go = document.createElement("button");
  go.type = "button";
  go.className = "expect-go";
  go.textContent = "Go to event";
  go.title = "Select the event that decided it in the log";
  go.addEventListener("click", () => {
    const seq = Number(item.dataset.seq);
    if (Number.isFinite(seq)) goToEvent(seq);
  });
  item.append(verdict, label, detail, go);
  return item;
}

/** Writes `row` into its element. @param {HTMLElement} item @param {ExpectationRow} row */
function fillRow(item, row) {
  if (item.dataset.verdict !== row.verdict) item.dataset.verdict = row.verdict;
  const [verdict, , detail, go] = /** @type {HTMLElement[]} */ ([...item.children]);
  setText(verdict, row.verdict);
  setText(detail, row.detail);
  const seq = row.seq === null ? "" : String(row.seq);
  if (item.dataset.seq !== seq) item.dataset.seq = seq;
  go.hidden = row.seq === null;
}

/** @returns {import("../panels.js").Panel} */
export function expectationsPanel() {
  /** @type {{ load: HTMLElement, generate: HTMLElement, events: HTMLElement, save: HTMLElement, clear: HTMLElement, problem: HTMLElement, summary: HTMLElement, note: HTMLElement, list: HTMLElement } | null} */
  let els = null;
  // The report and problem last drawn: reports are replaced, never changed.
  /** @type {ExpectationsReport | null | undefined} */
  let drawn = undefined;
  let drawnProblem = "";
  /** @type {HTMLElement[]} the rows shown, one per expectation */
  let items = [];
  return {
    id: "expectations",
    title: "Expectations",
    slot: "tabs",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-expectations", {
        load: "expect-load",
        generate: "expect-generate",
        events: "expect-events",
        save: "expect-save",
        clear: "expect-clear",
        problem: "expect-problem",
        summary: "expect-summary",
        note: "expect-note",
        list: "expect-list",
      });
      const events = /** @type {HTMLInputElement} */ (els.events);
      els.load.addEventListener("click", () => loadExpectations());
      els.generate.addEventListener("click", () => generateExpectations(Math.max(1, Math.min(10000, Number(events.value) || 20))));
      els.save.addEventListener("click", () => saveExpectations());
      els.clear.addEventListener("click", () => clearExpectations());
    },
    update(connection) {
      if (!els) return;
      const run = connection.run;
      const open = connection.id !== null;
      for (const button of [els.load, els.generate]) /** @type {HTMLButtonElement} */ (button).disabled = !open;
      for (const button of [els.save, els.clear]) /** @type {HTMLButtonElement} */ (button).disabled = !open || !run.expectations;
      if (run.expectations === drawn && run.expectationsProblem === drawnProblem) return;
      drawn = run.expectations;
      drawnProblem = run.expectationsProblem;
      setText(els.problem, run.expectationsProblem);
      setText(els.summary, expectationsSummary(run.expectations));
      els.summary.classList.toggle("failed", Boolean(run.expectations && run.expectations.fail > 0));
      setText(els.note, run.expectations ? run.expectations.note : "");
      const rows = run.expectations ? run.expectations.rows : [];
      const same = items.length === rows.length && rows.every((row, i) => items[i].dataset.name === row.name);
      if (!same) {
        items = rows.map((row) => rowElement(row.name));
        els.list.replaceChildren(...items);
      }
      rows.forEach((row, i) => fillRow(items[i], row));
    },
    unmount() {
      els = null;
      drawn = undefined;
      drawnProblem = "";
      items = [];
    },
  };
}
