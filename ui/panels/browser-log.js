// The browser's last few events, as its EventSource received them: a tab beside the log.
import { mountTemplate, setText, span } from "../dom.js";
import { timeText } from "../format.js";
import { state } from "../model.js";

/** @typedef {import("../feed-state.js").LogEntry} LogEntry */

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
export function browserLogPanel() {
  /** @type {HTMLElement | null} */
  let log = null;
  // What the log last showed, so an unchanged log is not redrawn.
  /** @type {{ feed: unknown, count: number, size: number, utc: boolean }} */
  let drawn = { feed: null, count: -1, size: -1, utc: false };
  return {
    id: "es-events",
    title: "Browser log",
    slot: "tabs",
    everyFrame: false,
    appliesTo: (connection) => connection.run.browserFeed.state !== "unavailable",
    mount(element) {
      log = mountTemplate(element, "panel-es-log", { log: "es-log" }).log;
    },
    update(connection) {
      const list = log;
      if (!list) return;
      const feed = connection.run.browserFeed;
      const utc = state.view.utc;
      if (drawn.feed === feed && drawn.count === feed.count && drawn.size === feed.logSize && drawn.utc === utc) return;
      drawn = { feed, count: feed.count, size: feed.logSize, utc };
      const entries = feed.recent();
      while (list.childElementCount > entries.length) list.lastElementChild?.remove();
      while (list.childElementCount < entries.length) list.append(document.createElement("li"));
      entries.forEach((entry, i) => fillLogRow(list.children[i], entry));
    },
    unmount() {
      log = null;
      drawn = { feed: null, count: -1, size: -1, utc: false };
    },
  };
}
