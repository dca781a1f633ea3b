// Diagnostics: what the Rust subscriber noticed about the response (warnings, resumes) and
// its headers.
import { headerRows, mountTemplate, setText } from "../dom.js";
import { formatBytes, plural } from "../format.js";

/** @typedef {import("../gen/ipc").DiagnosticsReport} DiagnosticsReport */
/** @typedef {import("../gen/ipc").Resume} Resume */

/** @param {Resume} r */
function resumeText(r) {
  switch (r.outcome) {
    case "clean":
      return `${r.lastBefore} → ${r.firstAfter} clean`;
    case "gap":
      return `${r.lastBefore} → ${r.firstAfter}: ${r.missing} missed`;
    case "duplicates":
      return `${r.lastBefore} → ${r.firstAfter}: ${r.replayed} again`;
    default:
      return `${r.lastBefore} → ${r.firstAfter}`;
  }
}

/** @returns {import("../panels.js").Panel} */
export function diagnosticsPanel() {
  /** @type {{ warnings: HTMLElement, summary: HTMLElement, headers: HTMLElement, refused: HTMLElement, body: HTMLElement } | null} */
  let els = null;
  // The report last drawn: reports are replaced, never changed, so the same one needs no redraw.
  /** @type {DiagnosticsReport | null | undefined} */
  let drawn = undefined;
  return {
    id: "diagnostics",
    title: "Diagnostics",
    slot: "tabs",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      els = mountTemplate(element, "panel-diagnostics", {
        warnings: "warnings",
        summary: "diagnostics-summary",
        headers: "response-headers",
        refused: "refused",
        body: "refused-body",
      });
    },
    update(connection) {
      const report = connection.run.diagnostics;
      if (!els || report === drawn) return;
      drawn = report;
      const warnings = (report ? report.warnings : []).map((warning) => {
        const item = document.createElement("li");
        item.dataset.kind = warning.kind;
        item.textContent = warning.message;
        return item;
      });
      els.warnings.replaceChildren(...warnings);
      // A refused response's body is shown as text (an HTML error page stays its source).
      const refused = report ? report.refusedBody : null;
      els.refused.hidden = refused === null;
      setText(els.body, refused === null ? "" : refused || "(empty body)");
      if (!report || report.status === null) {
        setText(els.summary, "No response yet.");
        els.headers.replaceChildren();
        return;
      }
      const resumes = report.resumes.map(resumeText);
      const summary = [`HTTP ${report.status}`];
      if (refused !== null) summary.push("refused: not an event stream (its body is below)");
      summary.push(plural(report.reconnects, "reconnect"));
      if (resumes.length > 0) summary.push(`resumes: ${resumes.slice(-3).join(", ")}`);
      const c = report.compression;
      if (c) {
        summary.push(
          `body ${c.encoding}-compressed, decoded here: ${formatBytes(c.wireBytes)} on the wire, ${formatBytes(c.decodedBytes)} decoded, ${plural(c.reads, "read")}; ${c.arrival}`,
        );
      }
      if (report.warnings.length === 0 && refused === null) summary.push("no warnings");
      setText(els.summary, summary.join(" · "));
      els.headers.replaceChildren(...headerRows(report.headers));
    },
    unmount() {
      els = null;
      drawn = undefined;
    },
  };
}
