// Whether the log, following the newest events, shows every event or a sample of them. It
// draws at most a few times a second (schedule.js), each time the rows that fit: when more
// events came since the last draw than fit, the ones between were never on screen (they are
// kept, and scrolling up shows them).

/** Told over windows of this length, so the figure holds still enough to read. */
const WINDOW_MS = 1000;

export class SamplingMeter {
  constructor() {
    /** @type {unknown} what the draws counted belong to (a connection) */
    this.of = null;
    /** @type {number | null} events so far at the last draw */
    this.lastTotal = null;
    this.windowStart = -Infinity;
    this.arrived = 0;
    this.shown = 0;
    this.ratio = 1; // events that came per event shown, over the last whole window
  }

  /** A draw of the log following the newest rows of `of`: `total` events so far (kept or
   * dropped since), `fits` rows fit on screen. @param {unknown} of @param {number} total @param {number} fits @param {number} now */
  drew(of, total, fits, now) {
    if (of !== this.of || this.lastTotal === null || total < this.lastTotal) {
      this.reset(of);
      this.windowStart = now;
    } else {
      const arrived = total - this.lastTotal;
      this.arrived += arrived;
      this.shown += Math.min(arrived, fits);
    }
    this.lastTotal = total;
    if (now - this.windowStart >= WINDOW_MS) {
      this.ratio = this.shown > 0 ? this.arrived / this.shown : 1;
      this.windowStart = now;
      this.arrived = 0;
      this.shown = 0;
    }
  }

  /** The log is not following the newest rows (or shows something else): nothing to tell.
   * @param {unknown} [of] */
  reset(of = null) {
    this.of = of;
    this.lastTotal = null;
    this.windowStart = -Infinity;
    this.arrived = 0;
    this.shown = 0;
    this.ratio = 1;
  }

  /** N when the log shows about 1 event in N (N of 2 or more), else 0. */
  oneIn() {
    return this.ratio >= 1.5 ? Math.round(this.ratio) : 0;
  }
}
