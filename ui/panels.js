// The registered panels: the views beside the log. A panel is one module in panels/ that
// makes a `Panel`; to add a view, add its module and a line below.
import { $ } from "./dom.js";
import { timed } from "./probe.js";
import { assembledPanel } from "./panels/assembled.js";
import { browserFeedPanel } from "./panels/browser-feed.js";
import { comparisonPanel } from "./panels/comparison.js";
import { diagnosticsPanel } from "./panels/diagnostics.js";
import { ipcFeedPanel } from "./panels/ipc-feed.js";
import { statsPanel } from "./panels/stats.js";

/** @typedef {import("./model.js").Connection} Connection */

/**
 * @typedef {object} Panel
 * @property {string} id the id of its section
 * @property {string} title its name, for assistive technology (and, later, its tab)
 * @property {"pane" | "card"} frame how it is framed (styles.css)
 * @property {"feeds" | "lower"} slot where it goes in the window
 * @property {boolean} everyFrame drawn every frame; else about 4 times a second
 * @property {(connection: Connection) => boolean} appliesTo whether it shows for a connection
 * @property {(element: HTMLElement) => void} mount builds its content in `element`
 * @property {(connection: Connection, slow: boolean) => void} update draws `connection`; `slow`
 *   about 4 times a second, for what need not move every frame
 * @property {() => void} unmount lets go of its elements
 */

/** @type {Panel[]} */
const PANELS = [ipcFeedPanel(), browserFeedPanel(), comparisonPanel(), statsPanel(), diagnosticsPanel(), assembledPanel()];

/** @type {Map<Panel, HTMLElement>} */
const mounted = new Map();
/** Each panel's update, timed for the frame probe (probe.js). */
const timedUpdates = new Map(PANELS.map((panel) => [panel, timed(`panel:${panel.id}`, panel.update.bind(panel))]));

/** Builds every panel in its slot. */
export function mountPanels() {
  for (const panel of PANELS) {
    const section = document.createElement("section");
    section.id = panel.id;
    section.className = panel.frame;
    section.setAttribute("aria-label", panel.title);
    section.hidden = true; // until it is drawn for a connection it applies to
    $(`slot-${panel.slot}`).append(section);
    panel.mount(section);
    mounted.set(panel, section);
  }
}

/** Draws `connection` in the panels that apply to it: all of them when `slow`, else only
 * those drawn every frame.
 * @param {Connection} connection @param {boolean} slow */
export function updatePanels(connection, slow) {
  for (const [panel, section] of mounted) {
    if (!slow && !panel.everyFrame) continue;
    const applies = panel.appliesTo(connection);
    if (section.hidden === applies) section.hidden = !applies;
    if (applies) timedUpdates.get(panel)?.(connection, slow);
  }
}

export function unmountPanels() {
  for (const [panel, section] of mounted) {
    panel.unmount();
    section.remove();
  }
  mounted.clear();
}
