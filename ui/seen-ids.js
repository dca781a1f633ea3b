// Which event ids one path has delivered, so that an id coming back (a replay) is told from a
// new one, in memory that stays small at any rate. A Map holding the last 100,000 ids as
// strings was most of the page's live heap at 10,000 events a second, and the collector lets
// the heap grow to twice what is live (docs/benchmarks.md, "The comparison's ids"). So decimal
// ids, the common case, are kept as ranges of numbers: a counter's ids are one range however
// long it runs. Any other id goes in a ring of the last few.

/** A canonical decimal id below 2^53, exact as a number ("007" and "1e3" are not). */
const DECIMAL_ID = /^(?:0|[1-9][0-9]{0,14})$/;

/** Ranges of numbers kept by default: 1.6 MB however the ids fall. */
const KEPT_RANGES = 100000;
/** Other ids (not decimal) kept by default: their strings are what costs. */
const KEPT_OTHER_IDS = 10000;

export class SeenIds {
  /** @param {{ keptRanges?: number, keptOtherIds?: number }} [options] */
  constructor({ keptRanges = KEPT_RANGES, keptOtherIds = KEPT_OTHER_IDS } = {}) {
    this.numbers = new NumberRanges(keptRanges);
    this.others = new RecentStrings(keptOtherIds);
  }

  /** Notes `id` as delivered; whether it had been before. @param {string} id */
  record(id) {
    return DECIMAL_ID.test(id) ? this.numbers.record(Number(id)) : this.others.record(id);
  }
}

/** Sorted, disjoint, non-adjacent ranges of whole numbers. When full, the lower half (for
 * ids that grow, the oldest) is forgotten at once, so a long run of ids with gaps costs one
 * copy per `capacity / 2` ids, not one per id. */
export class NumberRanges {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = Math.max(2, capacity);
    this.lo = new Float64Array(this.capacity);
    this.hi = new Float64Array(this.capacity);
    this.size = 0;
  }

  /** Notes `n`; whether it was already in a range. @param {number} n */
  record(n) {
    const last = this.size - 1;
    // A counter's next id, or any id above every range: no search.
    if (last >= 0 && n > this.hi[last]) {
      if (n === this.hi[last] + 1) this.hi[last] = n;
      else this.insertAt(this.size, n);
      return false;
    }
    const at = this.lastStartingAtOrBelow(n);
    if (at >= 0 && n <= this.hi[at]) return true;
    const joinsBelow = at >= 0 && this.hi[at] + 1 === n;
    const joinsAbove = at + 1 < this.size && this.lo[at + 1] - 1 === n;
    if (joinsBelow && joinsAbove) {
      this.hi[at] = this.hi[at + 1];
      this.removeAt(at + 1);
    } else if (joinsBelow) {
      this.hi[at] = n;
    } else if (joinsAbove) {
      this.lo[at + 1] = n;
    } else {
      this.insertAt(at + 1, n);
    }
    return false;
  }

  /** The index of the last range whose start is at or below `n`, or -1. @param {number} n */
  lastStartingAtOrBelow(n) {
    let low = 0;
    let high = this.size - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.lo[mid] <= n) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** A range of `n` alone at `index`. @param {number} index @param {number} n */
  insertAt(index, n) {
    if (this.size === this.capacity) {
      const forgotten = this.capacity >> 1;
      this.lo.copyWithin(0, forgotten, this.size);
      this.hi.copyWithin(0, forgotten, this.size);
      this.size -= forgotten;
      index -= forgotten;
      if (index < 0) return; // below all that is still remembered: forgotten with them
    }
    this.lo.copyWithin(index + 1, index, this.size);
    this.hi.copyWithin(index + 1, index, this.size);
    this.lo[index] = n;
    this.hi[index] = n;
    this.size += 1;
  }

  /** @param {number} index */
  removeAt(index) {
    this.lo.copyWithin(index, index + 1, this.size);
    this.hi.copyWithin(index, index + 1, this.size);
    this.size -= 1;
  }
}

/** The last `capacity` distinct strings, the oldest forgotten without walking the map. */
class RecentStrings {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = Math.max(1, capacity);
    /** @type {Map<string, number>} id -> its slot in `order` */
    this.slots = new Map();
    /** @type {(string | undefined)[]} */
    this.order = new Array(this.capacity);
    this.next = 0;
  }

  /** Notes `id`; whether it was among the kept. @param {string} id */
  record(id) {
    const seen = this.slots.has(id);
    const slot = this.next;
    const evicted = this.order[slot];
    if (evicted !== undefined && this.slots.get(evicted) === slot) this.slots.delete(evicted);
    this.order[slot] = id;
    this.slots.set(id, slot);
    this.next = (slot + 1) % this.capacity;
    return seen;
  }

  get size() {
    return this.slots.size;
  }
}
