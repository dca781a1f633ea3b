// How much of the page's main thread a feed of events holds, from the times its handler began
// and ended. WebKit hands an EventSource's events to the page one after another in the task
// that read them from the network: the short gap between one handler's end and the next one's
// start is WebKit's own work on the feed (parsing, the event object), and counts too. A longer
// gap is the thread doing something else, or nothing.

/** A gap this short between two handlers was WebKit's work on the feed, not other work. */
export const SAME_TASK_GAP_MS = 0.1;
/** Shares are told over windows of this length. */
export const WINDOW_MS = 1000;

export class BusyMeter {
  constructor() {
    this.windowStart = -Infinity;
    this.busyMs = 0;
    this.events = 0;
    this.lastEnd = -Infinity;
    // The last whole window's figures.
    this.share = 0;
    this.rate = 0;
  }

  /** One event's handler ran from `start` to `end` (performance.now() ms).
   * @param {number} start @param {number} end */
  note(start, end) {
    if (start - this.windowStart >= WINDOW_MS) this.roll(start);
    const gap = start - this.lastEnd;
    this.busyMs += end - start + (gap >= 0 && gap < SAME_TASK_GAP_MS ? gap : 0);
    this.events += 1;
    this.lastEnd = end;
  }

  /** Ends the current window at `now` and starts the next. @param {number} now */
  roll(now) {
    const span = now - this.windowStart;
    // A window that ended long ago says nothing of now: the feed went quiet meanwhile.
    if (span >= WINDOW_MS && span < 2 * WINDOW_MS) {
      this.share = Math.min(1, this.busyMs / span);
      this.rate = (this.events * 1000) / span;
    } else {
      this.share = 0;
      this.rate = 0;
    }
    this.windowStart = now;
    this.busyMs = 0;
    this.events = 0;
  }

  /** The share of the thread (0 to 1) and events/s over the last whole window, as of `now`:
   * nothing once the feed has been quiet for a window. @param {number} now */
  report(now) {
    if (now - this.windowStart >= WINDOW_MS) this.roll(now);
    return { share: this.share, rate: this.rate };
  }
}
