// The page's entry points (IPC messages, EventSource events, frames, log pages) and the parts
// of a frame are wrapped here so sse-inspector-bench's frame probe can tell how long the page's
// own code ran, and where. Nothing is timed unless a probe is set (only the test hook sets
// one). The probe is told whether a call was outermost, so totals count nothing twice.
import { state } from "./model.js";

/**
 * @template {unknown[]} A
 * @template R
 * @param {string} name
 * @param {(...args: A) => R} handler
 * @returns {(...args: A) => R}
 */
export function timed(name, handler) {
  return (...args) => {
    const probe = state.probe;
    if (probe === null) return handler(...args);
    const outermost = state.probeDepth === 0;
    state.probeDepth += 1;
    const started = performance.now();
    try {
      return handler(...args);
    } finally {
      state.probeDepth -= 1;
      probe(name, performance.now() - started, outermost);
    }
  };
}
