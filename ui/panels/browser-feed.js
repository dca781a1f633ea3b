// The browser's EventSource feed: its state (and why it gave up), count, last id and latest
// event. Its last few events are a tab of their own (browser-log.js).
import { browserFeedFailure } from "../browser-feed.js";
import { mountTemplate, setBadge, setText } from "../dom.js";

/** @returns {import("../panels.js").Panel} */
export function browserFeedPanel() {
  /** @type {{ state: HTMLElement, count: HTMLElement, id: HTMLElement, latest: HTMLElement, detail: HTMLElement } | null} */
  let els = null;
  return {
    id: "es",
    title: "In the browser",
    slot: "summary",
    everyFrame: true,
    appliesTo: (connection) => !connection.tapped, // your app's stream: no EventSource of ours sees it
    mount(element) {
      els = mountTemplate(element, "panel-es", {
        state: "es-state",
        count: "es-count",
        id: "es-id",
        latest: "es-latest",
        detail: "es-detail",
      });
    },
    update(connection) {
      if (!els) return;
      const feed = connection.run.browserFeed;
      setBadge(els.state, feed.state);
      // A failure's reason is shown whole (it wraps below the card's head).
      const detail = browserFeedFailure(connection) ?? feed.detail;
      setText(els.detail, detail);
      if (els.detail.title !== detail) els.detail.title = detail;
      els.detail.classList.toggle("error", feed.isError);
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      setText(els.count, String(feed.count));
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
    },
    unmount() {
      els = null;
    },
  };
}
