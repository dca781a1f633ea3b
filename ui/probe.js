// The page's entry points (IPC messages, EventSource events, frames, log pages) are wrapped
// here so sse-inspector-bench's frame probe can tell how long the page's own code ran. Nothing
// is timed unless a probe is set (only the test hook sets one).
import { state } from "./model.js";

/**
 * @template {unknown[]} A
 * @template R
 * @param {(...args: A) => R} handler
 * @returns {(...args: A) => R}
 */
export function timed(handler) {
  return (...args) => {
    const probe = state.probe;
    if (probe === null) return handler(...args);
    const started = performance.now();
    try {
      return handler(...args);
    } finally {
      probe(performance.now() - started);
    }
  };
}
