// The browser's EventSource feed: its state (and why it gave up), count, last id, latest
// event and its last few events.
import { browserFailureReason } from "../browser-feed.js";
import { mountTemplate, setBadge, setText, span } from "../dom.js";
import { timeText } from "../format.js";
import { state } from "../model.js";

/** @typedef {import("../model.js").LogEntry} LogEntry */

/** Fills a log row (made once, reused) with `entry`. @param {Element} row @param {LogEntry} entry */
function fillLogRow(row, entry) {
  if (row.childElementCount !== 4) {
    row.replaceChildren(document.createElement("time"), span("id", ""), span("type", ""), span("data", ""));
  }
  const [time, id, type, data] = row.children;
  setText(time, timeText(entry.at * 1000, state.view.utc));
  setText(id, entry.id === "" ? "" : `#${entry.id}`);
  setText(type, entry.type === "message" ? "" : entry.type);
  setText(data, entry.data === "" ? "(empty)" : entry.data.replace(/\n/g, "⏎"));
}

/** @returns {import("../panels.js").Panel} */
export function browserFeedPanel() {
  /** @type {{ state: HTMLElement, count: HTMLElement, id: HTMLElement, latest: HTMLElement, detail: HTMLElement, log: HTMLElement } | null} */
  let els = null;
  // What the log last showed, so an unchanged log is not redrawn.
  /** @type {{ feed: unknown, count: number, size: number, utc: boolean }} */
  let drawn = { feed: null, count: -1, size: -1, utc: false };
  return {
    id: "es",
    title: "Browser EventSource",
    frame: "pane",
    slot: "feeds",
    everyFrame: true,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-es", {
        state: "es-state",
        count: "es-count",
        id: "es-id",
        latest: "es-latest",
        detail: "es-detail",
        log: "es-log",
      });
    },
    update(connection, slow) {
      if (!els) return;
      const feed = connection.run.browserFeed;
      setBadge(els.state, feed.state);
      const gaveUp = feed.gaveUp && feed.state === "closed";
      setText(els.detail, gaveUp ? browserFailureReason(connection) : feed.detail);
      els.detail.classList.toggle("error", feed.isError);
      setText(els.latest, feed.latest === null ? "–" : feed.latest);
      setText(els.count, String(feed.count));
      setText(els.id, feed.lastId === "" ? "–" : feed.lastId);
      const utc = state.view.utc;
      if (!slow) return;
      if (drawn.feed === feed && drawn.count === feed.count && drawn.size === feed.logSize && drawn.utc === utc) return;
      drawn = { feed, count: feed.count, size: feed.logSize, utc };
      const list = els.log;
      const entries = feed.recent();
      while (list.childElementCount > entries.length) list.lastElementChild?.remove();
      while (list.childElementCount < entries.length) list.append(document.createElement("li"));
      entries.forEach((entry, i) => fillLogRow(list.children[i], entry));
    },
    unmount() {
      els = null;
      drawn = { feed: null, count: -1, size: -1, utc: false };
    },
  };
}
