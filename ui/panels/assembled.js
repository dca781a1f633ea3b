// Assembled text: one JSON path of every event joined (an LLM's answer, say); shown only for
// connections with a path set. It says whether the stream ended with its `[DONE]`: a stream
// cut before its end must not look complete.
import { mountTemplate, setText } from "../dom.js";

/** @typedef {{ used: number, skipped: number, truncated: boolean, done: boolean }} AssembledCounts */

/**
 * The line under the text: counts, and whether the stream is complete.
 * @param {AssembledCounts | null} counts @param {boolean} ended the stream is not open (it
 *   closed, failed or waits to reconnect) @returns {{ text: string, cut: boolean }}
 */
export function assembledStatus(counts, ended) {
  if (!counts) return { text: ended ? "no events" : "waiting for events…", cut: false };
  const parts = [`${counts.used} events with text, ${counts.skipped} without`];
  if (counts.truncated) parts.push("truncated at 4 MiB");
  const cut = ended && !counts.done;
  if (counts.done) parts.push("complete: [DONE] received");
  else if (cut) parts.push("ended without [DONE]: the answer may be cut short");
  else parts.push("streaming…");
  return { text: parts.join(" · "), cut };
}

/** @returns {import("../panels.js").Panel} */
export function assembledPanel() {
  /** @type {{ path: HTMLElement, text: HTMLElement, stats: HTMLElement } | null} */
  let els = null;
  return {
    id: "assembled",
    title: "Assembled text",
    slot: "tabs",
    everyFrame: false,
    appliesTo: (connection) => Boolean(connection.spec.assemblePath),
    mount(element) {
      els = mountTemplate(element, "panel-assembled", { path: "assembled-path", text: "assembled-text", stats: "assembled-stats" });
    },
    update(connection) {
      if (!els) return;
      const run = connection.run;
      setText(els.path, connection.spec.assemblePath);
      setText(els.text, run.assembled);
      const state = run.ipcFeed.state;
      const status = assembledStatus(run.assembledCounts, state !== "open" && state !== "connecting");
      setText(els.stats, status.text);
      els.stats.classList.toggle("cut", status.cut);
    },
    unmount() {
      els = null;
    },
  };
}
