// IPC vs EventSource: both feeds matched by id, with lag percentiles, missing and repeated
// events.
import { browserFeedFailure } from "../browser-feed.js";
import { mountTemplate, setText } from "../dom.js";
import { lagText } from "../format.js";

/** @returns {import("../panels.js").Panel} */
export function comparisonPanel() {
  /** @type {Record<"summary" | "p50" | "p99" | "missing" | "duplicates" | "ids", HTMLElement> | null} */
  let els = null;
  return {
    id: "comparison-pane",
    title: "App vs browser",
    slot: "summary",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-comparison", {
        summary: "comparison",
        p50: "lag-p50",
        p99: "lag-p99",
        missing: "missing",
        duplicates: "duplicates",
        ids: "comparison-ids",
      });
    },
    update(connection) {
      if (!els) return;
      if (connection.tapped) {
        // One feed only: the tap's record of what your app received.
        for (const el of [els.p50, els.p99, els.missing, els.duplicates]) setText(el, "–");
        setText(els.summary, "does not apply to a tapped stream");
        els.summary.title = "does not apply to a tapped stream";
        setText(els.ids, "The tap sees your app's own connection; the window opens no EventSource of its own to compare it with.");
        return;
      }
      const run = connection.run;
      const a = run.ipcFeed;
      const b = run.browserFeed;
      const r = run.comparison.report(performance.now(), { ipc: a.state === "open", browser: b.state === "open" });
      setText(els.p50, lagText(r.lagP50));
      setText(els.p99, lagText(r.lagP99));
      setText(els.missing, `${r.ipc.missing} / ${r.browser.missing}`);
      setText(els.duplicates, `${r.ipc.duplicates} / ${r.browser.duplicates}`);
      const failure = browserFeedFailure(connection);
      let text;
      if (failure !== null) text = `the browser feed failed, so there is nothing to compare it with (${b.count} events before it failed)`;
      else if (connection.browserFeedPaused) text = `the browser feed is paused, so nothing is compared (${r.matched} matched before)`;
      else if (b.state === "unavailable") text = "only the app can open this connection (the browser's EventSource cannot)";
      else if (a.count === 0 && b.count === 0) text = "waiting for both feeds…";
      else {
        // The feeds' counts are on their cards; this says what matching them found.
        text = `${r.matched} matched by id`;
        if (r.ipc.withId === 0 && r.browser.withId === 0 && a.count + b.count > 0) text += " (no ids: compared by count only)";
        else if (r.lagSamples > 0) text += `; lag = arrival in the app − arrival in the browser, over ${r.lagSamples} events`;
      }
      setText(els.summary, text);
      if (els.summary.title !== text) els.summary.title = text;
      const ids = [];
      if (r.ipc.missingIds.length) ids.push(`missing in the app: ${r.ipc.missingIds.join(", ")}`);
      if (r.browser.missingIds.length) ids.push(`missing in the browser: ${r.browser.missingIds.join(", ")}`);
      if (r.ipc.duplicateIds.length) ids.push(`repeated in the app: ${r.ipc.duplicateIds.join(", ")}`);
      if (r.browser.duplicateIds.length) ids.push(`repeated in the browser: ${r.browser.duplicateIds.join(", ")}`);
      if (r.browser.missing > 0 && run.lateTypes.length > 0) {
        const types = run.lateTypes.slice(-3).join(", ");
        ids.push(`EventSource hears a named type only once it listens for it, so the first events of a new type (${types}) reach only the app`);
      }
      // Always a line (so the summary keeps its height and the log does not jump).
      let idsText = ids.length > 0 ? ids.join(" · ") : a.count + b.count > 0 ? "nothing missing or repeated" : "";
      if (failure !== null) idsText = `Why: ${failure}`;
      els.ids.classList.toggle("error", failure !== null);
      setText(els.ids, idsText);
      if (els.ids.title !== idsText) els.ids.title = idsText;
    },
    unmount() {
      els = null;
    },
  };
}
