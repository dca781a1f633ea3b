// The Rust subscriber's feed: its count, last id and latest event.
import { mountTemplate, setText } from "../dom.js";

/** @returns {import("../panels.js").Panel} */
export function ipcFeedPanel() {
  /** @type {{ count: HTMLElement, id: HTMLElement, latest: HTMLElement } | null} */
  let els = null;
  return {
    id: "ipc",
    title: "Rust subscriber over IPC",
    slot: "summary",
    everyFrame: true,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-ipc", { count: "ipc-count", id: "ipc-id", latest: "ipc-latest" });
    },
    update(connection) {
      if (!els) return;
      const feed = connection.run.ipcFeed;
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      // The count is the one count (counts.js), drawn every frame with the others.
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
    },
    unmount() {
      els = null;
    },
  };
}
