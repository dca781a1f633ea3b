// Assembled text: one JSON path of every event joined (an LLM's answer, say); shown only for
// connections with a path set.
import { find, fromTemplate, setText } from "../dom.js";

/** @returns {import("../panels.js").Panel} */
export function assembledPanel() {
  /** @type {{ path: HTMLElement, text: HTMLElement, stats: HTMLElement } | null} */
  let els = null;
  return {
    id: "assembled",
    title: "Assembled text",
    frame: "card",
    slot: "lower",
    everyFrame: false,
    appliesTo: (connection) => Boolean(connection.spec.assemblePath),
    mount(element) {
      element.append(fromTemplate("panel-assembled"));
      const at = (/** @type {string} */ id) => find(element, `#${id}`, HTMLElement);
      els = { path: at("assembled-path"), text: at("assembled-text"), stats: at("assembled-stats") };
    },
    update(connection) {
      if (!els) return;
      setText(els.path, connection.spec.assemblePath);
      setText(els.text, connection.run.assembled);
      setText(els.stats, connection.run.assembledStats || "waiting for events…");
    },
    unmount() {
      els = null;
    },
  };
}
