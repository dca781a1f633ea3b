// Assertions: expectations about the stream (a TOML file, or generated from its first
// events), each shown live as pending, pass, fail or undecided, with a button to the event
// that decided it. Names and details hold event data: they are set as text, never as markup.
import { clearExpectations, generateExpectations, goToEvent, loadExpectations, saveExpectations } from "../assertions.js";
import { mountTemplate, setText } from "../dom.js";

/** @typedef {import("../gen/ipc").AssertionsReport} AssertionsReport */
/** @typedef {import("../gen/ipc").AssertionRow} AssertionRow */

/** The summary line of a report. @param {AssertionsReport | null} report */
export function assertionsSummary(report) {
  if (!report) return "No expectations: load a file (docs/expectations.md) or generate one from this stream's first events.";
  const parts = [`${report.rows.length} expectations from ${report.source}`, `${report.pass} passed`, `${report.fail} failed`];
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
  label.className = "assert-name";
  label.textContent = name;
  const detail = document.createElement("span");
  detail.className = "assert-detail";
  const go = document.createElement("button");
  go.type = "button";
  go.className = "assert-go";
  go.textContent = "Go to event";
  go.title = "Select the event that decided it in the log";
  go.addEventListener("click", () => {
    const seq = Number(item.dataset.seq);
    if (Number.isFinite(seq)) goToEvent(seq);
  });
  item.append(verdict, label, detail, go);
  return item;
}

/** Writes `row` into its element. @param {HTMLElement} item @param {AssertionRow} row */
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
export function assertionsPanel() {
  /** @type {{ load: HTMLElement, generate: HTMLElement, events: HTMLElement, save: HTMLElement, clear: HTMLElement, problem: HTMLElement, summary: HTMLElement, note: HTMLElement, list: HTMLElement } | null} */
  let els = null;
  // The report and problem last drawn: reports are replaced, never changed.
  /** @type {AssertionsReport | null | undefined} */
  let drawn = undefined;
  let drawnProblem = "";
  /** @type {HTMLElement[]} the rows shown, one per expectation */
  let items = [];
  return {
    id: "assertions",
    title: "Assertions",
    slot: "tabs",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-assertions", {
        load: "assert-load",
        generate: "assert-generate",
        events: "assert-events",
        save: "assert-save",
        clear: "assert-clear",
        problem: "assert-problem",
        summary: "assert-summary",
        note: "assert-note",
        list: "assert-list",
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
      for (const button of [els.save, els.clear]) /** @type {HTMLButtonElement} */ (button).disabled = !open || !run.assertions;
      if (run.assertions === drawn && run.assertionsProblem === drawnProblem) return;
      drawn = run.assertions;
      drawnProblem = run.assertionsProblem;
      setText(els.problem, run.assertionsProblem);
      setText(els.summary, assertionsSummary(run.assertions));
      els.summary.classList.toggle("failed", Boolean(run.assertions && run.assertions.fail > 0));
      setText(els.note, run.assertions ? run.assertions.note : "");
      const rows = run.assertions ? run.assertions.rows : [];
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
