// Check server: the server check (`sse-sub --check`) on this connection's request, a battery of
// up to 11 connections for the chosen seconds, its rules grouped by level (MUST, SHOULD, INFO,
// then what a hop changes), each a line whose evidence Enter opens; "Compare through" runs it
// on a second URL side by side. Evidence holds what servers sent: it is set as text only.
import { mountTemplate, setText } from "../dom.js";
import { state } from "../model.js";
import { copyCheckCommand, runCheck } from "../server-check.js";

/** @typedef {import("../gen/ipc").ServerCard} ServerCard */
/** @typedef {import("../gen/ipc").ServerRule} ServerRule */

const IDS = {
  run: "check-run",
  checkFor: "check-for",
  via: "check-via",
  copy: "check-copy",
  command: "check-command",
  progress: "check-progress",
  problem: "check-problem",
  rules: "check-rules",
};

const WORDS = { pass: "pass", fail: "fail", notObserved: "not observed", beyondSpec: "beyond the spec" };

/** How a verdict reads: an INFO rule that did not hold is noted, never failed.
 * @param {ServerRule["level"]} level @param {ServerRule["verdict"]} verdict */
const said = (level, verdict) => (level === "INFO" && verdict === "fail" ? "noted" : WORDS[verdict]);

/** @param {string} tag @param {string} text @param {string} [className] */
function el(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** One rule: its line (level, verdict, through-verdict, rule) and its evidence under it.
 * @param {ServerRule} rule @param {boolean} compared @param {Set<string>} opened */
function ruleElement(rule, compared, opened) {
  const details = document.createElement("details");
  details.className = "check-rule";
  details.dataset.verdict = rule.level === "INFO" && rule.verdict === "fail" ? "noted" : rule.verdict;
  details.dataset.rule = rule.rule;
  details.open = opened.has(rule.rule);
  details.addEventListener("toggle", () => (details.open ? opened.add(rule.rule) : opened.delete(rule.rule)));
  const summary = document.createElement("summary");
  summary.append(el("span", said(rule.level, rule.verdict), "verdict"));
  if (compared) {
    const via = rule.via ? said(rule.level, rule.via.verdict) : "";
    const through = el("span", via, "verdict via-verdict");
    if (rule.via) through.dataset.verdict = rule.level === "INFO" && rule.via.verdict === "fail" ? "noted" : rule.via.verdict;
    summary.append(through);
  }
  summary.append(el("span", rule.rule, "check-name"));
  const evidence = document.createElement("div");
  evidence.className = compared && rule.via ? "check-evidence two" : "check-evidence";
  const column = (/** @type {string} */ title, /** @type {string[]} */ lines) => {
    const box = document.createElement("div");
    if (compared && rule.via) box.append(el("h4", title));
    for (const line of lines) box.append(el("div", line));
    return box;
  };
  evidence.append(column("Directly", rule.evidence));
  if (compared && rule.via) evidence.append(column("Through", rule.via.evidence));
  details.append(summary, evidence, el("p", rule.source, "check-source"));
  return details;
}

/** The rules grouped: MUST, SHOULD, INFO, then the hop's. @param {ServerCard} card @param {Set<string>} opened */
function groups(card, opened) {
  const compared = card.via !== null;
  const hop = (/** @type {ServerRule} */ rule) => rule.rule.startsWith("the hop ");
  const sections = [
    ["MUST: what makes EventSource fail", card.rules.filter((r) => r.level === "MUST" && !hop(r))],
    ["SHOULD: what loses events or lets proxies cut the stream", card.rules.filter((r) => r.level === "SHOULD" && !hop(r))],
    ["INFO: observations, never failures", card.rules.filter((r) => (r.level === "INFO" || r.level === "MAY") && !hop(r))],
    ["What the hop changes", card.rules.filter(hop)],
  ];
  const shown = sections
    .filter(([, rules]) => rules.length > 0)
    .map(([title, rules]) => {
      const section = document.createElement("section");
      section.append(el("h3", /** @type {string} */ (title)));
      for (const rule of /** @type {ServerRule[]} */ (rules)) section.append(ruleElement(rule, compared, opened));
      return section;
    });
  if (!compared) return shown;
  // Which column is which, once, above the rules.
  const columns = document.createElement("div");
  columns.className = "check-columns";
  columns.append(el("span", "Directly", "verdict"), el("span", "Through", "verdict"), el("span", "Rule"));
  return [columns, ...shown];
}

/** The card's tally, and the URLs it ran on. @param {ServerCard} card */
function tally(card) {
  const count = (/** @type {string} */ verdict) => card.rules.filter((r) => said(r.level, r.verdict) === verdict).length;
  const failed = card.rules.filter((r) => r.level === "MUST" && (r.verdict === "fail" || r.via?.verdict === "fail")).length;
  const where = card.via ? ` · directly ${card.url}, through ${card.via}` : "";
  const musts = failed === 0 ? "no MUST failed" : `${failed} MUST failed`;
  return `${card.rules.length} rules in ${(card.ranForMs / 1000).toFixed(1)} s: ${musts}; ${count("pass")} passed, ${count("fail")} failed, ${count("noted")} noted, ${count("not observed")} not observed${where}`;
}

/** ↑/↓ move between the rules' lines; Home and End go to the first and last. @param {KeyboardEvent} event */
function moveBetweenRules(event) {
  const from = event.target;
  if (!(from instanceof HTMLElement) || from.tagName !== "SUMMARY") return;
  const lines = [...(from.closest("#check-rules")?.querySelectorAll("summary") ?? [])];
  const at = lines.indexOf(/** @type {HTMLElement} */ (from));
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: lines.length - 1 }[event.key];
  if (to === undefined || !lines[to]) return;
  event.preventDefault();
  /** @type {HTMLElement} */ (lines[to]).focus();
}

/** @returns {import("../panels.js").Panel} */
export function checkPanel() {
  /** @type {Record<keyof typeof IDS, HTMLElement> | null} */
  let els = null;
  /** @type {ServerCard | null | undefined} the card drawn */
  let drawn;
  return {
    id: "check",
    title: "Check server",
    slot: "tabs",
    everyFrame: false,
    // Any connection with a request of its own (a stream read from a tap's record has none).
    appliesTo: (connection) => !connection.tapped,
    mount(element) {
      els = mountTemplate(element, "panel-check", IDS);
      const { run, checkFor, via, copy, rules } = els;
      const selected = () => state.selected;
      run.addEventListener("click", () => {
        const connection = selected();
        if (connection) runCheck(connection);
      });
      copy.addEventListener("click", () => {
        const connection = selected();
        if (connection) copyCheckCommand(connection);
      });
      checkFor.addEventListener("input", () => {
        const connection = selected();
        if (connection) connection.check.checkFor = Number(/** @type {HTMLInputElement} */ (checkFor).value);
      });
      via.addEventListener("input", () => {
        const connection = selected();
        if (connection) connection.check.via = /** @type {HTMLInputElement} */ (via).value;
      });
      // Ctrl+Enter anywhere in the tab runs the check.
      element.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          const connection = selected();
          if (connection) runCheck(connection);
        }
      });
      rules.addEventListener("keydown", moveBetweenRules);
      drawn = undefined;
    },
    update(connection) {
      if (!els) return;
      const check = connection.check;
      const checkFor = /** @type {HTMLInputElement} */ (els.checkFor);
      const via = /** @type {HTMLInputElement} */ (els.via);
      if (document.activeElement !== checkFor && checkFor.value !== String(check.checkFor)) checkFor.value = String(check.checkFor);
      if (document.activeElement !== via && via.value !== check.via) via.value = check.via;
      /** @type {HTMLButtonElement} */ (els.run).disabled = check.running;
      setText(els.command, check.commandShown);
      setText(els.problem, check.problem);
      if (check.running) {
        const elapsed = Math.min(check.checkFor, (performance.now() - check.startedAt) / 1000);
        const each = check.via.trim() ? " to each URL" : "";
        setText(els.progress, `Checking… ${elapsed.toFixed(0)} s of ${check.checkFor} s, up to 11 connections${each}.`);
      } else if (check.card) {
        setText(els.progress, tally(check.card));
      } else {
        setText(els.progress, "Run (Ctrl+Enter) opens up to 11 connections with this request for the seconds chosen, and grades the server.");
      }
      if (drawn !== check.card) {
        drawn = check.card;
        els.rules.replaceChildren(...(check.card ? groups(check.card, check.opened) : []));
      }
    },
    unmount() {
      els = null;
    },
  };
}
