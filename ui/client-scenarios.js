// One client across scenarios, side by side: clients tagged `client=name/scenario` (the
// report's `byClient`), a table each, a column per scenario: whether it reconnects, the rules
// it failed, and a button that opens its card. Text only: nothing here is markup.

/** @typedef {import("./gen/ipc").ClientReport} ClientReport */
/** @typedef {import("./gen/ipc").ClientScenarios} ClientScenarios */

/** @param {string} tag @param {string} text @param {string} [className] */
function el(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** What a scenario's card says of reconnecting. @param {boolean | null} reconnects */
export function reconnectWords(reconnects) {
  return reconnects === null ? "not seen yet" : reconnects ? "reconnects" : "does not reconnect";
}

/** One client's scenarios as a table. @param {ClientScenarios} group
 * @param {(card: number) => void} show opens and shows the card at that place in `clients` */
function table(group, show) {
  const scenarios = group.scenarios;
  const several = new Set(scenarios.filter((s) => s.instance > 1).map((s) => s.scenario));
  const names = scenarios.map((s) => (several.has(s.scenario) ? `${s.scenario} #${s.instance}` : s.scenario));
  const element = document.createElement("table");
  element.className = "client-scenarios";
  element.append(el("caption", `${group.client} across ${scenarios.length} scenario${scenarios.length === 1 ? "" : "s"}`));
  const head = document.createElement("tr");
  head.append(el("th", ""));
  for (const name of names) {
    const th = el("th", name);
    th.setAttribute("scope", "col");
    head.append(th);
  }
  /** @param {string} title @param {(s: ClientScenarios["scenarios"][number], at: number) => Node} cell */
  const row = (title, cell) => {
    const tr = document.createElement("tr");
    const th = el("th", title);
    th.setAttribute("scope", "row");
    tr.append(th);
    scenarios.forEach((scenario, at) => {
      const td = document.createElement("td");
      td.append(cell(scenario, at));
      tr.append(td);
    });
    return tr;
  };
  const reconnects = row("Reconnects", (s) => el("span", reconnectWords(s.reconnects), s.reconnects === false ? "card-failed" : ""));
  const failed = row("Failed", (s) => el("span", s.failed.length === 0 ? "none" : s.failed.join("; "), s.failed.length ? "card-failed" : ""));
  const open = row("", (s, at) => {
    const button = el("button", "Show card");
    button.setAttribute("type", "button");
    button.title = `Open the card of ${group.client}/${names[at]}`;
    button.addEventListener("click", () => show(s.card));
    return button;
  });
  element.append(head, reconnects, failed, open);
  return element;
}

/** Every client across scenarios, a table each (none when no tag names a scenario).
 * @param {ClientReport} report @param {(card: number) => void} show */
export function scenarioTables(report, show) {
  return report.byClient.map((group) => table(group, show));
}
