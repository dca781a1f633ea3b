// One feed's counters and its last few events: the Rust subscriber's (over IPC) or the
// browser's EventSource's.

export const LOG_SHOWN = 12; // rows in the browser log, newest first

/** @typedef {{ at: number, type: string, data: string, id: string }} LogEntry */

/** How much of an event's data a feed keeps to show. */
const FEED_DATA_CHARS = 1000;

/** One feed's counters: the IPC subscriber's or the browser's. */
export class FeedState {
  constructor() {
    this.count = 0;
    /** @type {string | null} */
    this.latest = null;
    this.lastId = "";
    // The last LOG_SHOWN events, in a ring whose entries are reused: at thousands of events a
    // second, garbage means collector pauses, and pauses mean dropped frames.
    /** @type {LogEntry[]} */
    this.log = Array.from({ length: LOG_SHOWN }, () => ({ at: 0, type: "", data: "", id: "" }));
    this.logNext = 0;
    this.logSize = 0;
    this.state = "idle";
    this.detail = "";
    this.isError = false;
    this.gaveUp = false; // EventSource closed for good; the reason is told when shown
  }

  /** @param {string} state @param {string} [detail] @param {boolean} [isError] */
  setState(state, detail = "", isError = false) {
    this.gaveUp = false;
    this.state = state;
    this.detail = detail;
    this.isError = isError;
  }

  /** Records one event in the small log. @param {string} type @param {string} data @param {string} id */
  receive(type, data, id) {
    // A huge event is kept (and drawn) as its start: the page never lays out megabytes.
    if (data.length > FEED_DATA_CHARS) data = `${data.slice(0, FEED_DATA_CHARS)}…`;
    this.count += 1;
    this.latest = data;
    this.lastId = id;
    const entry = this.log[this.logNext];
    entry.at = Date.now();
    entry.type = type;
    entry.data = data;
    entry.id = id;
    this.logNext = (this.logNext + 1) % LOG_SHOWN;
    this.logSize = Math.min(this.logSize + 1, LOG_SHOWN);
  }

  /** The kept events, newest first. */
  recent() {
    const entries = [];
    for (let i = 1; i <= this.logSize; i += 1) entries.push(this.log[(this.logNext - i + LOG_SHOWN) % LOG_SHOWN]);
    return entries;
  }
}
