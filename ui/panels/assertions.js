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

/** One row: its verdict, name, detail and, if an event decided it, a button to that event.
 * @param {AssertionRow} row */
function rowElement(row) {
  const item = document.createElement("li");
  item.dataset.verdict = row.verdict;
  const verdict = document.createElement("span");
  verdict.className = "verdict";
  verdict.textContent = row.verdict;
  const name = document.createElement("span");
  name.className = "assert-name";
  name.textContent = row.name;
  const detail = document.createElement("span");
  detail.className = "assert-detail";
  detail.textContent = row.detail;
  item.append(verdict, name, detail);
  const seq = row.seq;
  if (seq !== null) {
    const go = document.createElement("button");
    go.type = "button";
    go.className = "assert-go";
    go.textContent = "Go to event";
    go.title = "Select the event that decided it in the log";
    go.addEventListener("click", () => goToEvent(seq));
    item.append(go);
  }
  return item;
}

/** @returns {import("../panels.js").Panel} */
export function assertionsPanel() {
  /** @type {{ load: HTMLElement, generate: HTMLElement, events: HTMLElement, save: HTMLElement, clear: HTMLElement, problem: HTMLElement, summary: HTMLElement, note: HTMLElement, list: HTMLElement } | null} */
  let els = null;
  // The report and problem last drawn: reports are replaced, never changed.
  /** @type {AssertionsReport | null | undefined} */
  let drawn = undefined;
  let drawnProblem = "";
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
      els.list.replaceChildren(...(run.assertions ? run.assertions.rows.map(rowElement) : []));
    },
    unmount() {
      els = null;
      drawn = undefined;
      drawnProblem = "";
    },
  };
}
