// Assembled text: one JSON path of every event joined (an LLM's answer, say); shown only for
// connections with a path set.
import { mountTemplate, setText } from "../dom.js";

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
      els = mountTemplate(element, "panel-assembled", { path: "assembled-path", text: "assembled-text", stats: "assembled-stats" });
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
