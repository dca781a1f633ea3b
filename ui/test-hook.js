// The one door the GUI tests and sse-inspector-bench have into the page, installed only in
// builds with the `test-hooks` feature (server_info says so): `window.__sseMonitorTest`.
// Nothing else of the page's state is reachable from outside.
import { loadExpectations } from "./expectations.js";
import { closeBrowserFeed } from "./browser-feed.js";
import { PathComparison } from "./compare.js";
import { importCapture } from "./files.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";

/**
 * @typedef {object} SelectedSummary
 * @property {number | null} id the backend's id of the selected connection
 * @property {string} name as the list shows it
 * @property {string} url its URL
 * @property {number} ipcCount events the Rust subscriber delivered
 * @property {number} browserCount events the browser's EventSource delivered
 * @property {number} dropped old events the log dropped
 * @property {string} ipcLastId the last event id the Rust subscriber delivered
 * @property {string} browserLastId the last event id the browser's EventSource delivered
 * @property {number} browserShare the share of the page's main thread the browser feed held
 *   over the last second (busy-meter.js)
 * @property {number} browserRate the browser feed's events/s over the last second
 */

/**
 * @typedef {object} TestHook
 * @property {() => SelectedSummary | null} selected
 * @property {() => { id: number | null, listenUrl: string } | null} selectedTap the tap shown, if one is
 * @property {(path: string) => Promise<void>} importCapture replays a capture file (no dialog)
 * @property {(path: string) => Promise<void>} loadExpectations checks the selected connection
 *   against an expectations file (no dialog)
 * @property {(message: string) => Promise<string>} panicInRust calls a command that panics with
 *   `message`; the error the command was answered with
 * @property {() => void} closeBrowserFeed closes the selected connection's EventSource
 * @property {() => void} resetComparison starts the IPC-vs-EventSource comparison afresh
 * @property {() => { p50: number | null, p99: number | null, matched: number } | null} comparison
 * @property {(probe: ((name: string, ms: number, outermost: boolean) => void) | null) => void}
 *   setProbe told how long each of the page's entry points and parts of a frame ran, by name,
 *   and whether the call was outermost (probe.js)
 */

export function installTestHook() {
  /** @type {TestHook} */
  const hook = {
    selected() {
      const c = state.selected;
      if (!c) return null;
      const run = c.run;
      const cost = run.browserBusy.report(performance.now());
      return {
        id: c.id,
        name: c.name,
        url: c.spec.url,
        ipcCount: run.ipcFeed.count,
        browserCount: run.browserFeed.count,
        dropped: run.counts.dropped,
        ipcLastId: run.ipcFeed.lastId,
        browserLastId: run.browserFeed.lastId,
        browserShare: cost.share,
        browserRate: cost.rate,
      };
    },
    selectedTap() {
      const tap = state.selectedTap;
      return tap ? { id: tap.id, listenUrl: tap.listenUrl } : null;
    },
    importCapture: (path) => importCapture(path),
    loadExpectations: (path) => loadExpectations(path),
    panicInRust: (message) => ipc.panicForTest(message).then(() => "no error", (error) => `${ipc.errorKind(error)}: ${ipc.errorMessage(error)}`),
    closeBrowserFeed() {
      if (state.selected) closeBrowserFeed(state.selected);
    },
    resetComparison() {
      if (state.selected) state.selected.run.comparison = new PathComparison();
    },
    comparison() {
      const c = state.selected;
      if (!c) return null;
      const r = c.run.comparison.report(performance.now(), { ipc: true, browser: true });
      return { p50: r.lagP50, p99: r.lagP99, matched: r.matched };
    },
    setProbe(probe) {
      state.probe = probe;
    },
  };
  Object.defineProperty(window, "__sseMonitorTest", { value: Object.freeze(hook) });
}
