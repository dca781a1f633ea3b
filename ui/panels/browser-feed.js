// The browser's EventSource feed: its state (and why it gave up), count, last id and latest
// event; what it costs the window, with a button to pause it when it costs too much. Its last
// few events are a tab of their own (browser-log.js).
import { browserFeedCost, browserFeedFailure, pauseBrowserFeed, resumeBrowserFeed } from "../browser-feed.js";
import { mountTemplate, setBadge, setHidden, setText } from "../dom.js";
import { countText } from "../format.js";
import { state } from "../model.js";
import { scheduleRender } from "../schedule.js";

/** What the card says of the feed's cost, when the feed stalls the window ("" otherwise).
 * @param {{ share: number, rate: number, stalling: boolean, lateMs: number }} cost */
export function stallText(cost) {
  if (!cost.stalling) return "";
  return `This EventSource (${countText(Math.round(cost.rate))} events/s) holds ${Math.round(cost.share * 100)} % of the window's time while the window's frames come up to ${Math.round(cost.lateMs)} ms late, so the window stalls: pause it to keep the window responsive (the app's own connection goes on).`;
}

/** @returns {import("../panels.js").Panel} */
export function browserFeedPanel() {
  /** @type {{ state: HTMLElement, pause: HTMLElement, count: HTMLElement, id: HTMLElement, latest: HTMLElement, detail: HTMLElement } | null} */
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
        pause: "es-pause",
        count: "es-count",
        id: "es-id",
        latest: "es-latest",
        detail: "es-detail",
      });
      els.pause.addEventListener("click", () => {
        const connection = state.selected;
        if (!connection) return;
        if (connection.browserFeedPaused) resumeBrowserFeed(connection);
        else pauseBrowserFeed(connection);
        scheduleRender();
      });
    },
    update(connection) {
      if (!els) return;
      const feed = connection.run.browserFeed;
      setBadge(els.state, feed.state);
      const cost = browserFeedCost(connection, performance.now());
      const stall = stallText(cost);
      // A failure's reason, or the stall, is shown whole (it wraps below the card's head).
      const detail = stall || (browserFeedFailure(connection) ?? feed.detail);
      setText(els.detail, detail);
      if (els.detail.title !== detail) els.detail.title = detail;
      els.detail.classList.toggle("error", feed.isError || stall !== "");
      const paused = connection.browserFeedPaused;
      setText(els.pause, paused ? "Resume" : "Pause");
      els.pause.classList.toggle("danger", stall !== "");
      const label = paused ? "Resume the browser's feed" : "Pause the browser's feed";
      if (els.pause.getAttribute("aria-label") !== label) els.pause.setAttribute("aria-label", label);
      // Nothing to pause where the browser cannot open the stream.
      setHidden(els.pause, !paused && connection.source === null);
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      setText(els.count, String(feed.count));
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
    },
    unmount() {
      els = null;
    },
  };
}
