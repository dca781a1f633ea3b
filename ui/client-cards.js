// A report of clients drawn as cards, for the Server's Clients tab and a tap's alike: every
// reconnection rule of the spec (MUST, SHOULD, MAY, and INFO for what no source requires)
// judged pass / fail / not observed / beyond the spec, with its evidence, and the attempts it
// rests on. Each EventSource of a name (an instance) has its own card. Cards are <details>:
// Enter or Space on a client's line opens it. Event data never reaches the page here; what is
// shown is text.
import { setText } from "./dom.js";
import { scenarioTables } from "./client-scenarios.js";

/** @typedef {import("./gen/ipc").GradedClient} GradedClient */
/** @typedef {import("./gen/ipc").Attempt} Attempt */

const VERDICT_WORDS = { pass: "pass", fail: "fail", notObserved: "not observed", beyondSpec: "beyond the spec" };
const NAMED_BY = { parameter: "client parameter", header: "X-SSE-Client header", addressAndAgent: "address and User-Agent" };
/** Attempts shown per card, newest last. */
const SHOWN_ATTEMPTS = 20;

/** An element with text content. @param {string} tag @param {string} text @param {string} [className] */
function el(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** A header row of column titles. @param {string[]} titles */
function headRow(titles) {
  const row = document.createElement("tr");
  for (const title of titles) {
    const th = el("th", title);
    th.setAttribute("scope", "col");
    row.append(th);
  }
  return row;
}

/** @param {number} ms */
const secs = (ms) => `${(ms / 1000).toFixed(3)} s`;

/** One row of the attempts table. @param {Attempt} attempt */
function attemptRow(attempt) {
  const row = document.createElement("tr");
  const answer = attempt.answer;
  const answered = [String(answer.status), answer.location ? `→ ${answer.location}` : "", answer.fault ? `fault ${answer.fault}` : ""]
    .filter(Boolean)
    .join(" ");
  const given = attempt.delivered;
  const cells = [
    secs(attempt.atMs),
    attempt.lastEventId ?? "–",
    answered,
    `${given.events} events${given.lastId ? `, last id ${given.lastId}` : ""}${given.retryMs !== null ? `, retry ${given.retryMs} ms` : ""}`,
    attempt.end ? `${attempt.end} at ${secs(attempt.endedMs ?? attempt.atMs)}${attempt.end === "clientLeft" && attempt.silentMs !== null ? ` (silent ${secs(attempt.silentMs)})` : ""}` : "open",
  ];
  for (const text of cells) row.append(el("td", text));
  return row;
}

/** A failure that counts: a MUST's or a SHOULD's (a MAY's is a choice, an INFO an observation).
 * @param {import("./gen/ipc").RuleVerdict} rule */
const counts = (rule) => rule.verdict === "fail" && (rule.level === "MUST" || rule.level === "SHOULD");

/** A client's card; `numbered` when its name has several EventSources (each its own card);
 * open as the user left it in `opened`, else while there are few cards.
 * @param {GradedClient} graded @param {number} count @param {boolean} numbered @param {Map<string, boolean>} opened */
function card(graded, count, numbered, opened) {
  const details = document.createElement("details");
  details.className = "client-card";
  const name = numbered ? `${graded.client} #${graded.instance}` : graded.client;
  const key = `${graded.client}#${graded.instance}`;
  details.dataset.client = name;
  details.dataset.reconnects = String(graded.card.reconnects);
  details.open = opened.get(key) ?? count <= 3;
  details.addEventListener("toggle", () => opened.set(key, details.open));
  const tally = new Map();
  for (const rule of graded.card.rules) tally.set(rule.verdict, (tally.get(rule.verdict) ?? 0) + 1);
  const failed = graded.card.rules.some(counts);
  const summary = document.createElement("summary");
  const reconnects = graded.card.reconnects === null ? "" : graded.card.reconnects ? " · reconnects" : " · does not reconnect";
  const lostCount = graded.card.eventsLost.reduce((sum, lost) => sum + (lost.count ?? 0), 0);
  const lostWords = lostCount === 0 ? "" : ` · ${lostCount} event${lostCount === 1 ? "" : "s"} lost`;
  summary.append(
    el("span", name, "client-name"),
    el("span", ` ${NAMED_BY[graded.namedBy]} · ${graded.attempts.length} attempt${graded.attempts.length === 1 ? "" : "s"}${reconnects}${lostWords} · `, "muted"),
    el("span", [...tally].map(([verdict, n]) => `${n} ${VERDICT_WORDS[/** @type {keyof typeof VERDICT_WORDS} */ (verdict)]}`).join(" · "), failed ? "card-failed" : "card-tally"),
  );
  const rules = document.createElement("table");
  rules.className = "card-rules";
  rules.append(headRow(["Level", "Rule", "Verdict", "Evidence"]));
  for (const rule of graded.card.rules) {
    const row = document.createElement("tr");
    row.dataset.verdict = rule.verdict;
    row.dataset.level = rule.level;
    const name = el("td", rule.rule);
    // The spec's words: under the rule when "The spec's words" is ticked, else on hover.
    name.title = rule.spec;
    name.append(el("div", rule.spec, "card-spec"));
    const evidence = document.createElement("td");
    for (const line of rule.evidence) evidence.append(el("div", line));
    // An INFO rule that did not hold is noted, not failed.
    const word = rule.level === "INFO" && rule.verdict === "fail" ? "noted" : VERDICT_WORDS[rule.verdict];
    row.append(el("td", rule.level, "card-level"), name, el("td", word, "verdict"), evidence);
    rules.append(row);
  }
  const losses = graded.card.eventsLost.map(lossLine);
  const attempts = document.createElement("table");
  attempts.className = "card-attempts";
  attempts.append(headRow(["At", "Last-Event-ID sent", "Answered", "Given", "Ended"]), ...graded.attempts.slice(-SHOWN_ATTEMPTS).map(attemptRow));
  const older = graded.attempts.length - SHOWN_ATTEMPTS + graded.dropped;
  const note = older > 0 ? el("p", `${older} older attempts not shown.`, "muted") : "";
  details.append(summary);
  if (graded.note) details.append(el("p", graded.note, "card-note"));
  details.append(rules);
  if (losses.length) details.append(el("h4", "Events lost after each stream the server ended"), ...losses);
  details.append(el("h4", "Attempts"), attempts, note);
  return details;
}

/** What one resume skipped, in a line. @param {import("./gen/ipc").EventsLost} lost */
function lossLine(lost) {
  const asked = lost.askedAfter === null ? "no Last-Event-ID" : `Last-Event-ID ${lost.askedAfter}`;
  const given = lost.given === null ? "no id" : `id ${lost.given}`;
  const said = lost.count === null ? lost.note ?? "" : lost.count === 0 ? "none lost" : `${lost.count} lost (ids ${lost.ids})`;
  const resumed = lost.resumedAt === null ? "" : `, resumed at id ${lost.resumedAt}`;
  return el("div", `${lost.ended} at ${secs(lost.endedMs)} after ${given}; came back with ${asked}${resumed}: ${said}`, lost.count ? "card-failed" : "");
}

/**
 * @typedef {object} ReportElements
 * @property {HTMLElement} summary the line that counts the clients
 * @property {HTMLElement} scenarios where one client's scenarios sit side by side
 * @property {HTMLElement} cards where the cards go
 */

/** Draws `report` (the caller redraws only when it changed, so opened cards and the focus stay).
 * @param {ReportElements} els @param {import("./gen/ipc").ClientReport} report
 * @param {Map<string, boolean>} opened the cards the user opened or closed
 * @param {string} none what the summary says before any client */
export function renderReport(els, report, opened, none) {
  const count = report.clients.length;
  setText(els.summary, count === 0 ? none : `${count} ${count === 1 ? "client" : "clients"}, graded against the spec's reconnection rules.`);
  const numbered = new Set(report.clients.filter((graded) => graded.instance > 1).map((graded) => graded.client));
  const cards = report.clients.map((graded) => card(graded, count, numbered.has(graded.client), opened));
  els.cards.replaceChildren(...cards);
  // A scenario's button opens its card and brings it into view.
  const show = (/** @type {number} */ at) => {
    const shown = cards[at];
    if (!shown) return;
    shown.open = true;
    shown.scrollIntoView({ block: "nearest" });
    shown.querySelector("summary")?.focus();
  };
  els.scenarios.replaceChildren(...scenarioTables(report, show));
}
