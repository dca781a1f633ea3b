// The request form: the selected connection's spec, read and filled, checked as it is typed
// (command preview, the first problem), and the copy-as-command buttons.
import { $, button, copyText, input, select, setText, textarea } from "./dom.js";
import * as ipc from "./ipc.js";
import { chooseLlm, fillLlmChoices } from "./llm.js";
import { state } from "./model.js";
import { scheduleRender } from "./schedule.js";
import { scheduleSave } from "./settings.js";

/** @typedef {import("./gen/ipc").ConnectionSpec} ConnectionSpec */
/** @typedef {import("./gen/ipc").HeaderField} HeaderField */
/** @typedef {import("./gen/ipc").Auth} Auth */

const CHECK_DELAY_MS = 150;

/** `Name: value` lines as header fields. @param {string} text @returns {HeaderField[]} */
export function headerLines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      return colon < 0 ? { name: line, value: "" } : { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

/** The spec the form describes. @returns {ConnectionSpec} */
export function readForm() {
  const authKind = select("f-auth").value;
  /** @type {Auth} */
  let auth = { kind: "none" };
  if (authKind === "bearer") auth = { kind: "bearer", token: input("f-token").value };
  if (authKind === "basic") auth = { kind: "basic", user: input("f-user").value, password: input("f-password").value };
  return {
    name: input("f-name").value,
    url: input("f-url").value.trim(),
    method: select("f-method").value,
    headers: headerLines(textarea("f-headers").value),
    body: textarea("f-body").value,
    auth,
    tls: { insecure: input("f-insecure").checked, caFile: input("f-cafile").value.trim() },
    reconnect: {
      enabled: input("f-reconnect").checked,
      retryHttpErrors: input("f-retry-http").checked,
      connectTimeoutSecs: Number(input("f-connect-timeout").value) || 10,
      idleTimeoutSecs: Number(input("f-idle-timeout").value) || 0,
    },
    assemblePath: input("f-assemble").value.trim(),
    llm: select("f-llm").value,
    mcpHeaders: input("f-mcp-headers").checked,
  };
}

/** Shows `spec` in the form. @param {ConnectionSpec} spec */
export function fillForm(spec) {
  input("f-name").value = spec.name || "";
  input("f-url").value = spec.url || "";
  select("f-method").value = (spec.method || "GET").toUpperCase();
  textarea("f-headers").value = (spec.headers || []).map((h) => `${h.name}: ${h.value}`).join("\n");
  textarea("f-body").value = spec.body || "";
  const auth = spec.auth || { kind: "none" };
  select("f-auth").value = auth.kind;
  input("f-token").value = auth.kind === "bearer" ? auth.token : "";
  input("f-user").value = auth.kind === "basic" ? auth.user : "";
  input("f-password").value = auth.kind === "basic" ? auth.password : "";
  input("f-insecure").checked = Boolean(spec.tls && spec.tls.insecure);
  input("f-cafile").value = (spec.tls && spec.tls.caFile) || "";
  const reconnect = spec.reconnect;
  input("f-reconnect").checked = !reconnect || reconnect.enabled !== false;
  input("f-retry-http").checked = Boolean(reconnect && reconnect.retryHttpErrors);
  input("f-connect-timeout").value = String((reconnect && reconnect.connectTimeoutSecs) || 10);
  input("f-idle-timeout").value = String((reconnect && reconnect.idleTimeoutSecs) || 0);
  input("f-assemble").value = spec.assemblePath || "";
  select("f-llm").value = spec.llm || "";
  input("f-mcp-headers").checked = spec.mcpHeaders !== false;
  const needsOptions = spec.method !== "GET" || (spec.headers || []).length > 0 || auth.kind !== "none" || spec.body;
  showOptions(Boolean(needsOptions));
  showAuthFields();
}

/** Opens or closes the request options. @param {boolean} open */
function showOptions(open) {
  $("request-options").hidden = !open;
  button("options-toggle").setAttribute("aria-expanded", String(open));
}

export function showAuthFields() {
  const kind = select("f-auth").value;
  input("f-token").hidden = kind !== "bearer";
  input("f-user").hidden = kind !== "basic";
  input("f-password").hidden = kind !== "basic";
}

/** Shows a preset's hint beside the field it is about: the bearer token, the headers (where a
 * key header waits, empty) or the request line; none hides it.
 * @param {import("./model.js").PresetHint | null} hint */
export function showFormHint(hint) {
  const element = $("form-hint");
  if (!hint) {
    element.hidden = true;
    return;
  }
  /** @type {Element | null} */
  let anchor = $("f-url").closest(".url-row");
  if (hint.field === "bearerToken") anchor = input("f-token");
  if (hint.field === "headers") anchor = textarea("f-headers").closest("label");
  if (anchor && anchor.nextElementSibling !== element) anchor.after(element);
  setText(element, hint.text);
  element.hidden = false;
}

/** The message under the form (empty for none). @param {string} text */
export function setFormProblem(text) {
  setText($("form-problem"), text);
}

/** @param {string} text */
export function setCommandPreview(text) {
  setText($("command-preview"), text);
}

/** Re-checks the form (debounced): command preview, browser limits, first problem (said
 * once the user has typed, or the connection has a URL). The form is read now, for the
 * connection it shows now: switching connections before the check runs loses nothing. */
export function formChanged() {
  const connection = state.selected;
  if (!connection || !ipc.available()) return;
  const spec = readForm();
  if (!connection.running) connection.spec = spec;
  else if (spec.name !== connection.spec.name) {
    // A name is only how the list shows it: no reconnect needed.
    connection.spec = { ...connection.spec, name: spec.name };
  }
  scheduleRender();
  scheduleSave();
  clearTimeout(state.timers.inspect);
  state.timers.inspect = setTimeout(async () => {
    const info = await ipc.inspectConnection(spec);
    if (!connection.running && connection.spec === spec) connection.info = info;
    if (connection !== state.selected) return;
    setCommandPreview(info.curlShown);
    showAddedHeaders(info.addedHeaders);
    const judged = connection.edited || spec.url !== "";
    setFormProblem(judged ? info.problem || "" : "");
  }, CHECK_DELAY_MS);
}

/** Says which headers the connection adds to the user's. @param {import("./gen/ipc").HeaderField[]} added */
function showAddedHeaders(added) {
  const said = added.length ? `Added to a body naming MCP revision 2026-07-28: ${added.map((h) => `${h.name}: ${h.value}`).join(" · ")}` : "";
  setText($("f-added-headers"), said);
}

/** Copies the form as a command line. @param {"curl" | "sse-sub"} which */
async function copyCommand(which) {
  if (!state.selected) return;
  const info = await ipc.inspectConnection(readForm());
  const copied = await copyText(which === "curl" ? info.curl : info.sseSub);
  setCommandPreview(which === "curl" ? info.curlShown : info.sseSubShown);
  setFormProblem(copied ? "" : "Could not reach the clipboard: select the command above and copy it.");
}

/** The form's own controls; `onSubmit` opens the connection with the form's spec.
 * @param {(spec: ConnectionSpec) => void} onSubmit */
export function wireForm(onSubmit) {
  const form = $("request-form");
  form.addEventListener("input", () => {
    if (state.selected) state.selected.edited = true;
    formChanged();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.selected) state.selected.edited = true;
    onSubmit(readForm());
  });
  select("f-auth").addEventListener("change", showAuthFields);
  fillLlmChoices(select("f-llm"));
  // Applied at once, to a stream under way too: it only changes how the stream is read.
  select("f-llm").addEventListener("change", () => chooseLlm(select("f-llm").value));
  button("options-toggle").addEventListener("click", () => showOptions($("request-options").hidden));
  button("copy-curl").addEventListener("click", () => copyCommand("curl"));
  button("copy-sse-sub").addEventListener("click", () => copyCommand("sse-sub"));
}
