// The registered panels: the views around the log. A panel is one module in panels/ that
// makes a `Panel`; to add a view, add its module and a line below. Summary panels sit above
// the log, always shown; tab panels share the tabs below it, and only the tab shown is drawn.
import { $ } from "./dom.js";
import { schedulePanesSave } from "./layout.js";
import { state } from "./model.js";
import { timed } from "./probe.js";
import { assembledPanel } from "./panels/assembled.js";
import { expectationsPanel } from "./panels/expectations.js";
import { browserFeedPanel } from "./panels/browser-feed.js";
import { browserLogPanel } from "./panels/browser-log.js";
import { checkPanel } from "./panels/check.js";
import { clientsPanel } from "./panels/clients.js";
import { comparisonPanel } from "./panels/comparison.js";
import { diagnosticsPanel } from "./panels/diagnostics.js";
import { ipcFeedPanel } from "./panels/ipc-feed.js";
import { llmPanel } from "./panels/llm.js";
import { mcpPanel } from "./panels/mcp.js";
import { serverPanel } from "./panels/server.js";
import { statsPanel } from "./panels/stats.js";

/** @typedef {import("./model.js").Connection} Connection */

/**
 * @typedef {object} Panel
 * @property {string} id the id of its section (and its tab's id, `tab-` + id)
 * @property {string} title its name: its tab's label, and for assistive technology
 * @property {"summary" | "tabs"} slot above the log, or a tab below it
 * @property {boolean} everyFrame drawn every frame; else about 4 times a second
 * @property {(connection: Connection) => boolean} appliesTo whether it shows for a connection
 * @property {(element: HTMLElement) => void} mount builds its content in `element`
 * @property {(connection: Connection, slow: boolean) => void} update draws `connection`; `slow`
 *   about 4 times a second, for what need not move every frame
 * @property {() => void} unmount lets go of its elements
 */

/** @type {Panel[]} */
const PANELS = [
  ipcFeedPanel(),
  browserFeedPanel(),
  comparisonPanel(),
  statsPanel(),
  diagnosticsPanel(),
  assembledPanel(),
  llmPanel(),
  mcpPanel(),
  expectationsPanel(),
  serverPanel(),
  clientsPanel(),
  checkPanel(),
  browserLogPanel(),
];

/** @typedef {{ section: HTMLElement, tab: HTMLButtonElement | null, update: Panel["update"] }} Mounted */

/** @type {Map<Panel, Mounted>} */
const mounted = new Map();

/** The tab panels mounted, in their order (made once, at mount: frames only read it).
 * @type {[Panel, Mounted][]} */
let tabbed = [];

/** The tab to show for `connection`: the one chosen if it applies, else the first that does.
 * @param {Connection} connection */
function shownTab(connection) {
  let first = null;
  for (const [panel] of tabbed) {
    if (!panel.appliesTo(connection)) continue;
    if (panel.id === state.panes.tab) return panel;
    first = first || panel;
  }
  return first;
}

/** Shows `panel`'s tab (only its panel is drawn) and draws it. @param {Panel} panel */
function showTab(panel) {
  for (const [other, { section, tab }] of tabbed) {
    const shown = other === panel;
    section.hidden = !shown;
    if (tab) {
      tab.setAttribute("aria-selected", String(shown));
      tab.tabIndex = shown ? 0 : -1;
    }
  }
  const connection = state.selected;
  const entry = mounted.get(panel);
  if (connection && entry) entry.update(connection, true);
}

/** Chosen by the user: remembered with the window's layout. @param {Panel} panel */
function chooseTab(panel) {
  state.panes.tab = panel.id;
  schedulePanesSave();
  showTab(panel);
}

/** Arrow keys, Home and End move between the tabs shown (and show the one reached).
 * @param {KeyboardEvent} event */
function onTabKey(event) {
  const tabs = tabbed.filter(([, { tab }]) => tab && !tab.hidden);
  const at = tabs.findIndex(([, { tab }]) => tab === event.target);
  if (at < 0) return;
  let to;
  if (event.key === "ArrowRight") to = (at + 1) % tabs.length;
  else if (event.key === "ArrowLeft") to = (at - 1 + tabs.length) % tabs.length;
  else if (event.key === "Home") to = 0;
  else if (event.key === "End") to = tabs.length - 1;
  else return;
  event.preventDefault();
  const [panel, { tab }] = tabs[to];
  chooseTab(panel);
  tab?.focus();
}

/** Builds every panel in its slot, and a tab for each tab panel. */
export function mountPanels() {
  const tablist = $("lower-tabs");
  tablist.addEventListener("keydown", onTabKey);
  for (const panel of PANELS) {
    const section = document.createElement("section");
    section.id = panel.id;
    section.hidden = true; // until it is drawn for a connection it applies to
    /** @type {HTMLButtonElement | null} */
    let tab = null;
    if (panel.slot === "tabs") {
      tab = document.createElement("button");
      tab.type = "button";
      tab.id = `tab-${panel.id}`;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.setAttribute("aria-selected", "false");
      tab.tabIndex = -1;
      tab.textContent = panel.title;
      const chosen = panel;
      tab.addEventListener("click", () => chooseTab(chosen));
      tablist.append(tab);
      section.className = "tab-panel";
      section.setAttribute("role", "tabpanel");
      section.setAttribute("aria-labelledby", tab.id);
      section.tabIndex = 0;
    } else {
      section.className = "card";
      section.setAttribute("aria-label", panel.title);
    }
    $(`slot-${panel.slot}`).append(section);
    panel.mount(section);
    mounted.set(panel, { section, tab, update: timed(`panel:${panel.id}`, panel.update.bind(panel)) });
  }
  tabbed = [...mounted].filter(([panel]) => panel.slot === "tabs");
}

/** Draws `connection` in the panels that apply to it: all of them when `slow`, else only
 * those drawn every frame; of the tabs, only the one shown.
 * @param {Connection} connection @param {boolean} slow */
export function updatePanels(connection, slow) {
  const shown = shownTab(connection);
  for (const [panel, { section, tab, update }] of mounted) {
    if (panel.slot === "tabs") {
      if (slow && tab && tab.hidden === panel.appliesTo(connection)) tab.hidden = !tab.hidden;
      if (panel !== shown) {
        if (!section.hidden) section.hidden = true;
        continue;
      }
      if (section.hidden) {
        showTab(panel); // and draws it
        continue;
      }
    } else {
      const applies = panel.appliesTo(connection);
      if (section.hidden === applies) section.hidden = !applies;
      if (!applies) continue;
    }
    if (slow || panel.everyFrame) update(connection, slow);
  }
}

export function unmountPanels() {
  for (const [panel, { section, tab }] of mounted) {
    panel.unmount();
    section.remove();
    tab?.remove();
  }
  mounted.clear();
  tabbed = [];
}
