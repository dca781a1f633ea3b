// The LLM tab's OpenTelemetry part: the line saying where every LLM call is exported (or
// that it is off), the first failure, and the form that sets it: Enter exports, Escape
// closes it, Turn off stops it. The header's value is written, never read back.
import { otlpStatusText } from "./llm-text.js";
import { applyOtlp, editOtlp, refreshOtlp } from "./otlp.js";
import { select, setText } from "./dom.js";
import { state } from "./model.js";

/** @typedef {Record<"status" | "open" | "failure" | "form" | "problem", HTMLElement>} OtlpEls */

/** @param {string} id */
const field = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** The form filled from what is saved (the header's value left empty: it stays if not retyped). */
function fill() {
  const saved = state.otlp.settings;
  field("otlp-url").value = saved ? saved.url : "";
  select("otlp-protocol").value = saved ? saved.protocol : "http/protobuf";
  field("otlp-header-name").value = saved ? saved.headerName : "";
  field("otlp-header-value").value = "";
  field("otlp-content").checked = saved ? saved.content : false;
}

/** The settings the form says; a header's value left empty keeps the one saved. */
function read() {
  const headerName = field("otlp-header-name").value.trim();
  const typed = field("otlp-header-value").value;
  const saved = state.otlp.settings;
  const kept = saved && saved.headerName === headerName ? saved.headerValue : "";
  return {
    url: field("otlp-url").value.trim(),
    protocol: select("otlp-protocol").value,
    content: field("otlp-content").checked,
    headerName,
    headerValue: typed || kept,
  };
}

/** Wires the part's controls. @param {OtlpEls} els */
export function mountOtlp(els) {
  els.open.addEventListener("click", () => {
    fill();
    editOtlp(true);
    // Shown now (the next frame's draw agrees), so the focus can go in at once.
    els.form.hidden = false;
    field("otlp-url").focus();
  });
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    applyOtlp(read());
  });
  els.form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      editOtlp(false);
      els.open.focus();
    }
  });
  document.getElementById("otlp-off")?.addEventListener("click", () => applyOtlp(null));
  document.getElementById("otlp-cancel")?.addEventListener("click", () => {
    editOtlp(false);
    els.open.focus();
  });
}

/** Draws the line, the failure and the form as the state says. @param {OtlpEls} els */
export function drawOtlp(els) {
  const otlp = state.otlp;
  if (otlp.status && otlp.status.on) refreshOtlp();
  setText(els.status, otlpStatusText(otlp.status));
  setText(els.open, otlp.status && otlp.status.on ? "Change…" : "Export to OpenTelemetry…");
  setText(els.failure, otlp.status && otlp.status.failure ? otlp.status.failure : "");
  els.form.hidden = !otlp.editing;
  setText(els.problem, otlp.problem);
}
