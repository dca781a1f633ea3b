// Compares the two paths an event takes to the window: the Rust subscriber over IPC and the
// browser's EventSource. Events are matched by id: the nth event in a run carrying the same
// lastEventId matches the nth on the other side, so carried ids match too. An id that comes
// back after a different one is a duplicate (a replay). Loaded as a plain script by the page
// and with require() by the Node tests.
"use strict";

class PathComparison {
  constructor({ graceMs = 3000, keptIds = 100000, lagSamples = 2000 } = {}) {
    this.graceMs = graceMs;
    this.keptIds = keptIds;
    this.lagSamples = lagSamples;
    this.sides = { ipc: this.newSide(), browser: this.newSide() };
    this.lags = []; // ipc arrival minus browser arrival, ms
    this.lagNext = 0;
    this.matched = 0;
    this.comparingSince = null; // first match: events before it came before both paths were up
  }

  newSide() {
    return {
      count: 0,
      withId: 0,
      duplicates: 0,
      duplicateIds: [],
      missing: 0,
      missingIds: [],
      lastId: null,
      run: 0,
      seen: new Set(),
      pending: new Map(), // key -> { id, at }
    };
  }

  /** One event on `side` ("ipc" or "browser") with its lastEventId, arrived at `at` ms. */
  observe(sideName, id, at) {
    const side = this.sides[sideName];
    const other = this.sides[sideName === "ipc" ? "browser" : "ipc"];
    side.count += 1;
    if (id === "" || id === null || id === undefined) return;
    side.withId += 1;
    if (id === side.lastId) {
      side.run += 1;
    } else {
      if (side.seen.has(id)) {
        side.duplicates += 1;
        remember(side.duplicateIds, id);
      }
      side.run = 1;
      side.lastId = id;
      side.seen.add(id);
      if (side.seen.size > this.keptIds) side.seen.delete(side.seen.values().next().value);
    }
    const key = `${id}\u0000${side.run}`;
    const match = other.pending.get(key);
    if (match !== undefined) {
      other.pending.delete(key);
      this.matched += 1;
      if (this.comparingSince === null) this.comparingSince = Math.min(match.at, at);
      const lag = sideName === "ipc" ? at - match.at : match.at - at;
      if (this.lags.length < this.lagSamples) this.lags.push(lag);
      else this.lags[this.lagNext] = lag;
      this.lagNext = (this.lagNext + 1) % this.lagSamples;
      return;
    }
    side.pending.set(key, { id, at });
    if (side.pending.size > this.keptIds) side.pending.delete(side.pending.keys().next().value);
  }

  /** Moves events unmatched for longer than the grace time to "missing on the other side",
   * while the other side is open; events from before both paths were up are dropped. */
  settle(now, open = { ipc: true, browser: true }) {
    for (const [name, side] of Object.entries(this.sides)) {
      const otherName = name === "ipc" ? "browser" : "ipc";
      const other = this.sides[otherName];
      for (const [key, entry] of side.pending) {
        if (now - entry.at < this.graceMs) break; // oldest first: the rest are newer
        side.pending.delete(key);
        if (this.comparingSince === null || entry.at < this.comparingSince || !open[otherName]) continue;
        other.missing += 1;
        remember(other.missingIds, entry.id);
      }
    }
  }

  /** The figures the comparison panel shows. */
  report(now, open) {
    this.settle(now, open);
    const sorted = [...this.lags].sort((a, b) => a - b);
    const side = (s) => ({
      count: s.count,
      withId: s.withId,
      duplicates: s.duplicates,
      duplicateIds: [...s.duplicateIds],
      missing: s.missing,
      missingIds: [...s.missingIds],
    });
    return {
      ipc: side(this.sides.ipc),
      browser: side(this.sides.browser),
      matched: this.matched,
      lagP50: percentile(sorted, 0.5),
      lagP99: percentile(sorted, 0.99),
      lagSamples: sorted.length,
    };
  }
}

/** Keeps the last few ids for display. */
function remember(list, id) {
  list.push(id);
  if (list.length > 5) list.shift();
}

/** The nearest-rank percentile of sorted values; null without any. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

if (typeof module !== "undefined") module.exports = { PathComparison, percentile };
