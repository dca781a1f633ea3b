// The Rust subscriber's feed: its count, last id and latest event.
import { find, fromTemplate, setText } from "../dom.js";

/** @returns {import("../panels.js").Panel} */
export function ipcFeedPanel() {
  /** @type {{ count: HTMLElement, id: HTMLElement, latest: HTMLElement } | null} */
  let els = null;
  return {
    id: "ipc",
    title: "Rust subscriber over IPC",
    frame: "pane",
    slot: "feeds",
    everyFrame: true,
    appliesTo: () => true,
    mount(element) {
      element.append(fromTemplate("panel-ipc"));
      els = {
        count: find(element, "#ipc-count", HTMLElement),
        id: find(element, "#ipc-id", HTMLElement),
        latest: find(element, "#ipc-latest", HTMLElement),
      };
    },
    update(connection) {
      if (!els) return;
      const feed = connection.run.ipcFeed;
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      setText(els.count, String(feed.count));
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
    },
    unmount() {
      els = null;
    },
  };
}
