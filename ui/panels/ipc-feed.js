// The Rust subscriber's feed: its last id and latest event (its count is counts.js's, drawn
// every frame with the other places that show it).
import { mountTemplate, setText } from "../dom.js";

/** @returns {import("../panels.js").Panel} */
export function ipcFeedPanel() {
  /** @type {{ id: HTMLElement, latest: HTMLElement } | null} */
  let els = null;
  return {
    id: "ipc",
    title: "In the app",
    slot: "summary",
    everyFrame: true,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-ipc", { id: "ipc-id", latest: "ipc-latest" });
    },
    update(connection) {
      if (!els) return;
      const feed = connection.run.ipcFeed;
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
    },
    unmount() {
      els = null;
    },
  };
}
