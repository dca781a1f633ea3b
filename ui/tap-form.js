// The tap form: the selected tap's spec, read and filled; its options shown or hidden.
import { $, button, input, setText, textarea } from "./dom.js";
import { headerLines } from "./form.js";

/** @typedef {import("./gen/ipc").TapSpec} TapSpec */

/** The spec the form describes (the port is the tap's own, not the form's).
 * @param {number | null} port @returns {TapSpec} */
export function readTapForm(port) {
  return {
    name: input("t-name").value,
    upstream: input("t-upstream").value.trim(),
    headers: headerLines(textarea("t-headers").value),
    tls: { insecure: input("t-insecure").checked, caFile: input("t-cafile").value.trim() },
    port,
  };
}

/** Shows `spec` in the form. @param {TapSpec} spec */
export function fillTapForm(spec) {
  input("t-name").value = spec.name || "";
  input("t-upstream").value = spec.upstream || "";
  textarea("t-headers").value = (spec.headers || []).map((h) => `${h.name}: ${h.value}`).join("\n");
  input("t-insecure").checked = Boolean(spec.tls && spec.tls.insecure);
  input("t-cafile").value = (spec.tls && spec.tls.caFile) || "";
  const needsOptions = (spec.headers || []).length > 0 || Boolean(spec.tls && (spec.tls.insecure || spec.tls.caFile));
  showTapOptions(needsOptions);
}

/** @param {boolean} open */
export function showTapOptions(open) {
  $("tap-options").hidden = !open;
  button("tap-options-toggle").setAttribute("aria-expanded", String(open));
}

/** The message under the form (empty for none). @param {string} text */
export function setTapProblem(text) {
  setText($("tap-problem"), text);
}
