// Compares the two paths an event takes to the window: the Rust subscriber over IPC and the
// browser's EventSource. Events are matched by id: the nth event in a run carrying the same
// lastEventId matches the nth on the other side, so carried ids match too. An id that comes
// back after a different one is a duplicate (a replay).
import { SeenIds } from "./seen-ids.js";

/**
 * One path's bookkeeping.
 * @typedef {object} Side
 * @property {number} count
 * @property {number} withId
 * @property {number} duplicates
 * @property {string[]} duplicateIds
 * @property {number} missing
 * @property {string[]} missingIds
 * @property {string | null} lastId
 * @property {number} run events in a row with `lastId`
 * @property {SeenIds} seen
 * @property {Map<string, number>} pending
 * @property {string[]} queueKeys
 * @property {number[]} queueAts
 * @property {number} queueHead
 */

/** @typedef {"ipc" | "browser"} SideName */

export class PathComparison {
  /** @param {{ graceMs?: number, keptPending?: number, keptRanges?: number, keptOtherIds?: number }} [options]
   * keptPending: events kept waiting for the other side; keptRanges, keptOtherIds: seen-ids.js */
  constructor({ graceMs = 3000, keptPending = 100000, keptRanges, keptOtherIds } = {}) {
    this.graceMs = graceMs;
    this.keptPending = keptPending;
    this.seenOptions = { keptRanges, keptOtherIds };
    this.sides = { ipc: this.newSide(), browser: this.newSide() };
    // Lags (IPC arrival minus browser arrival) in a histogram, so every matched event counts
    // and a report costs the same at a million events as at ten.
    this.lagBins = new Uint32Array(LAG_BINS);
    this.lagSamples = 0;
    this.matched = 0;
    /** @type {number | null} */
    this.comparingSince = null; // first match: events before it came before both paths were up
  }

  /** @returns {Side} */
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
      seen: new SeenIds(this.seenOptions), // ids delivered, for duplicates
      // Events not yet seen on the other side: key -> arrival time, and the same in arrival
      // order (`queueKeys`/`queueAts` from `queueHead`), so settling never walks a map full of
      // deletions. Plain strings and numbers: no object per event for the collector.
      pending: new Map(),
      queueKeys: [],
      queueAts: [],
      queueHead: 0,
    };
  }

  /** One event on `side` ("ipc" or "browser") with its lastEventId, arrived at `at` ms.
   * @param {SideName} sideName @param {string | null | undefined} id @param {number} at */
  observe(sideName, id, at) {
    const side = this.sides[sideName];
    const other = this.sides[sideName === "ipc" ? "browser" : "ipc"];
    side.count += 1;
    if (id === "" || id === null || id === undefined) return;
    side.withId += 1;
    if (id === side.lastId) {
      side.run += 1;
    } else {
      if (side.seen.record(id)) {
        side.duplicates += 1;
        remember(side.duplicateIds, id);
      }
      side.run = 1;
      side.lastId = id;
    }
    // Most ids come once: the id itself is the key, and no string is made per event.
    const key = side.run === 1 ? id : `${id}\u0000${side.run}`;
    const matchAt = other.pending.get(key);
    if (matchAt !== undefined) {
      other.pending.delete(key);
      this.matched += 1;
      if (this.comparingSince === null) this.comparingSince = Math.min(matchAt, at);
      const lag = sideName === "ipc" ? at - matchAt : matchAt - at;
      this.lagBins[lagBin(lag)] += 1;
      this.lagSamples += 1;
      return;
    }
    side.pending.set(key, at);
    side.queueKeys.push(key);
    side.queueAts.push(at);
    // Bounded: beyond `keptPending` unmatched events, the oldest are given up on.
    while (side.queueKeys.length - side.queueHead > this.keptPending) {
      const oldest = side.queueKeys[side.queueHead];
      if (side.pending.get(oldest) === side.queueAts[side.queueHead]) side.pending.delete(oldest);
      side.queueHead += 1;
    }
    compact(side);
  }

  /** Moves events unmatched for longer than the grace time to "missing on the other side",
   * while the other side is open; events from before both paths were up are dropped.
   * @param {number} now @param {Record<SideName, boolean>} [open] */
  settle(now, open = { ipc: true, browser: true }) {
    for (const name of /** @type {SideName[]} */ (["ipc", "browser"])) {
      const side = this.sides[name];
      const otherName = name === "ipc" ? "browser" : "ipc";
      const other = this.sides[otherName];
      while (side.queueHead < side.queueKeys.length) {
        const key = side.queueKeys[side.queueHead];
        const at = side.queueAts[side.queueHead];
        if (now - at < this.graceMs) break; // oldest first: the rest are newer
        side.queueHead += 1;
        if (side.pending.get(key) !== at) continue; // matched meanwhile
        side.pending.delete(key);
        if (this.comparingSince === null || at < this.comparingSince || !open[otherName]) continue;
        other.missing += 1;
        remember(other.missingIds, key.split("\u0000")[0]);
      }
      compact(side);
    }
  }

  /** The figures the comparison panel shows.
   * @param {number} now @param {Record<SideName, boolean>} [open] */
  report(now, open) {
    this.settle(now, open);
    const side = (/** @type {Side} */ s) => ({
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
      lagP50: binnedPercentile(this.lagBins, this.lagSamples, 0.5),
      lagP99: binnedPercentile(this.lagBins, this.lagSamples, 0.99),
      lagSamples: this.lagSamples,
    };
  }
}

// Lag histogram: 0.5 ms bins from -LAG_RANGE_MS to +LAG_RANGE_MS, the ends catching the rest.
const LAG_BIN_MS = 0.5;
const LAG_RANGE_MS = 5000;
const LAG_BINS = (2 * LAG_RANGE_MS) / LAG_BIN_MS + 1;

/** The histogram bin of a lag in ms. @param {number} lag */
export function lagBin(lag) {
  const bin = Math.round((lag + LAG_RANGE_MS) / LAG_BIN_MS);
  return Math.min(LAG_BINS - 1, Math.max(0, bin));
}

/** The nearest-rank percentile from the histogram, to the bin (0.5 ms); null without any.
 * @param {Uint32Array} bins @param {number} total @param {number} p */
export function binnedPercentile(bins, total, p) {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let bin = 0; bin < bins.length; bin += 1) {
    seen += bins[bin];
    if (seen >= rank) return bin * LAG_BIN_MS - LAG_RANGE_MS;
  }
  return LAG_RANGE_MS;
}

/** Drops the consumed front of a side's queue once it is most of the array.
 * @param {Side} side */
function compact(side) {
  if (side.queueHead > 1024 && side.queueHead * 2 > side.queueKeys.length) {
    side.queueKeys = side.queueKeys.slice(side.queueHead);
    side.queueAts = side.queueAts.slice(side.queueHead);
    side.queueHead = 0;
  }
}

/** Keeps the last few ids for display. @param {string[]} list @param {string} id */
function remember(list, id) {
  list.push(id);
  if (list.length > 5) list.shift();
}

