// SSE Monitor UI: connections to any SSE server, each shown through the Rust subscriber (over
// IPC) and, where the browser can open it, through the webview's own EventSource.
// Event data is only ever written with textContent, never as HTML.
"use strict";
// Note: wry defines a non-configurable `window.ipc`, so no top-level name may be `ipc`.

const LOG_KEPT = 200; // events kept per feed for the log (the full history is the inspector's job)
const LOG_SHOWN = 60; // rows in the DOM, newest first
const ARRIVALS_KEPT = 500; // per feed, for matching values between feeds
const DELTAS_KEPT = 100; // arrival-time differences averaged in the comparison line
const BROWSER_CONNECTIONS_PER_ORIGIN = 6; // HTTP/1.1 connections a browser opens to one server
const SAVE_DELAY_MS = 400; // settings are saved this long after the last change

const $ = (id) => document.getElementById(id);
let core = null; // window.__TAURI__.core
const connections = [];
let selected = null;
let renderQueued = false;
let embeddedBaseUrl = ""; // connections to the embedded server are not saved: its port changes
const shownNotices = new Set();

/** One feed's counters: the IPC subscriber's or the browser's. */
class FeedState {
  constructor() {
    this.count = 0;
    this.latest = null;
    this.lastId = "";
    this.log = [];
    this.arrivals = new Map(); // data -> performance.now() at arrival
    this.state = "idle";
    this.detail = "";
    this.isError = false;
    this.gaveUp = false; // EventSource closed for good; the reason is told when shown
  }

  setState(state, detail = "", isError = false) {
    this.gaveUp = false;
    this.state = state;
    this.detail = detail;
    this.isError = isError;
  }

  /** Records one event; returns its arrival time. */
  receive(type, data, id) {
    const now = performance.now();
    this.count += 1;
    this.latest = data;
    this.lastId = id;
    this.arrivals.set(data, now);
    if (this.arrivals.size > ARRIVALS_KEPT) this.arrivals.delete(this.arrivals.keys().next().value);
    this.log.push({ at: new Date(), type, data, id });
    if (this.log.length > LOG_KEPT) this.log.splice(0, this.log.length - LOG_KEPT);
    return now;
  }
}

/** A connection as the user set it up, and what both feeds have seen of it. */
class Connection {
  constructor(spec, savedKey = null) {
    // Names the connection in the settings file and its secrets in the keyring.
    this.savedKey = savedKey || newSavedKey();
    this.spec = spec;
    this.id = null; // the backend's id while open
    this.info = null; // inspect_connection's answer for `spec`
    this.reset();
  }

  reset() {
    this.ipcFeed = new FeedState();
    this.browserFeed = new FeedState();
    this.deltas = [];
    this.diagnostics = null;
    this.assembled = "";
    this.assembledStats = "";
    this.lastError = "";
    this.eventTypes = new Set(["message"]);
  }

  get name() {
    if (this.spec.name && this.spec.name.trim()) return this.spec.name.trim();
    try {
      const url = new URL(this.spec.url);
      return url.host + url.pathname;
    } catch {
      return this.spec.url || "New connection";
    }
  }
}

function newSavedKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Shows a message above the workspace once, until the user dismisses it. */
function notify(text) {
  if (shownNotices.has(text)) return;
  shownNotices.add(text);
  const notice = document.createElement("p");
  notice.className = "notice";
  const message = document.createElement("span");
  message.textContent = text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => notice.remove());
  notice.append(message, dismiss);
  $("notices").append(notice);
}

let saveTimer = null;
function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveConnections, SAVE_DELAY_MS);
}

async function saveConnections() {
  if (!core) return;
  const kept = connections.filter((c) => !(embeddedBaseUrl && c.spec.url.startsWith(embeddedBaseUrl)) && c.spec.url);
  const saved = kept.map((c) => ({ key: c.savedKey, spec: c.spec, secrets: "none" }));
  try {
    const notes = await core.invoke("save_connections", { connections: saved, selected: selected ? selected.savedKey : null });
    notes.forEach(notify);
  } catch (error) {
    notify(String(error));
  }
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderList();
    renderSelected();
  });
}

// ---- The request form ----------------------------------------------------------------------

function headerLines(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      return colon < 0 ? { name: line, value: "" } : { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

function readForm() {
  const authKind = $("f-auth").value;
  let auth = { kind: "none" };
  if (authKind === "bearer") auth = { kind: "bearer", token: $("f-token").value };
  if (authKind === "basic") auth = { kind: "basic", user: $("f-user").value, password: $("f-password").value };
  return {
    name: $("f-name").value,
    url: $("f-url").value.trim(),
    method: $("f-method").value,
    headers: headerLines($("f-headers").value),
    body: $("f-body").value,
    auth,
    tls: { insecure: $("f-insecure").checked, caFile: $("f-cafile").value.trim() },
    reconnect: {
      enabled: $("f-reconnect").checked,
      retryHttpErrors: $("f-retry-http").checked,
      connectTimeoutSecs: Number($("f-connect-timeout").value) || 10,
      idleTimeoutSecs: Number($("f-idle-timeout").value) || 0,
    },
    assemblePath: $("f-assemble").value.trim(),
  };
}

function fillForm(spec) {
  $("f-name").value = spec.name || "";
  $("f-url").value = spec.url || "";
  $("f-method").value = (spec.method || "GET").toUpperCase();
  $("f-headers").value = (spec.headers || []).map((h) => `${h.name}: ${h.value}`).join("\n");
  $("f-body").value = spec.body || "";
  const auth = spec.auth || { kind: "none" };
  $("f-auth").value = auth.kind;
  $("f-token").value = auth.kind === "bearer" ? auth.token : "";
  $("f-user").value = auth.kind === "basic" ? auth.user : "";
  $("f-password").value = auth.kind === "basic" ? auth.password : "";
  $("f-insecure").checked = Boolean(spec.tls && spec.tls.insecure);
  $("f-cafile").value = (spec.tls && spec.tls.caFile) || "";
  const reconnect = spec.reconnect || {};
  $("f-reconnect").checked = reconnect.enabled !== false;
  $("f-retry-http").checked = Boolean(reconnect.retryHttpErrors);
  $("f-connect-timeout").value = String(reconnect.connectTimeoutSecs || 10);
  $("f-idle-timeout").value = String(reconnect.idleTimeoutSecs || 0);
  $("f-assemble").value = spec.assemblePath || "";
  const needsOptions = spec.method !== "GET" || (spec.headers || []).length > 0 || auth.kind !== "none" || spec.body;
  $("request-options").open = Boolean(needsOptions);
  showAuthFields();
}

function showAuthFields() {
  const kind = $("f-auth").value;
  $("f-token").hidden = kind !== "bearer";
  $("f-user").hidden = kind !== "basic";
  $("f-password").hidden = kind !== "basic";
}

let inspectTimer = null;
/** Re-checks the form (debounced): command preview, browser limits, first problem. */
function formChanged() {
  clearTimeout(inspectTimer);
  inspectTimer = setTimeout(async () => {
    if (!selected || !core) return;
    const spec = readForm();
    const info = await core.invoke("inspect_connection", { spec });
    $("command-preview").textContent = info.curlShown;
    $("form-problem").textContent = info.problem || "";
    if (selected.id === null) {
      selected.spec = spec;
      selected.info = info;
      scheduleRender();
      scheduleSave();
    }
  }, 150);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older webviews: copy through a selected text area.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

async function copyCommand(which) {
  if (!selected) return;
  const info = await core.invoke("inspect_connection", { spec: readForm() });
  const copied = await copyText(which === "curl" ? info.curl : info.sseSub);
  $("command-preview").textContent = which === "curl" ? info.curlShown : info.sseSubShown;
  $("form-problem").textContent = copied ? "" : "Could not reach the clipboard: select the command above and copy it.";
}

// ---- Connections -----------------------------------------------------------------------------

function addConnection(spec, select = true, savedKey = null) {
  const connection = new Connection(spec, savedKey);
  connections.push(connection);
  if (select) selectConnection(connection);
  scheduleRender();
  scheduleSave();
  return connection;
}

function selectConnection(connection) {
  selected = connection;
  fillForm(connection.spec);
  $("form-problem").textContent = connection.lastError;
  $("command-preview").textContent = connection.info ? connection.info.curlShown : "";
  formChanged();
  renderLogs(true);
  scheduleRender();
  scheduleSave();
}

async function openConnection(connection, spec) {
  await stopConnection(connection);
  connection.spec = spec;
  connection.reset();
  scheduleSave();
  connection.info = await core.invoke("inspect_connection", { spec });
  const channel = new core.Channel();
  channel.onmessage = (update) => onUpdate(connection, update);
  connection.ipcFeed.setState("connecting", spec.url);
  try {
    connection.id = await core.invoke("connect", { spec, onUpdate: channel });
  } catch (error) {
    connection.lastError = String(error);
    connection.ipcFeed.setState("failed", String(error), true);
    connection.browserFeed.setState("idle", "");
    if (connection === selected) $("form-problem").textContent = connection.lastError;
    scheduleRender();
    return;
  }
  if (connection === selected) $("form-problem").textContent = "";
  startBrowserFeed(connection);
  scheduleRender();
}

/** Stops both feeds of a connection (it stays in the list). */
async function stopConnection(connection, reason = "") {
  closeBrowserFeed(connection);
  if (connection.id !== null) {
    const id = connection.id;
    connection.id = null;
    await core.invoke("disconnect", { id });
    if (reason) connection.ipcFeed.setState("closed", reason);
    if (reason) connection.browserFeed.setState("closed", reason);
  }
  scheduleRender();
}

async function removeConnection(connection) {
  await stopConnection(connection);
  connections.splice(connections.indexOf(connection), 1);
  if (selected === connection) {
    selected = null;
    if (connections.length > 0) selectConnection(connections[connections.length - 1]);
    else addConnection(blankSpec());
  }
  scheduleRender();
  scheduleSave();
}

function blankSpec() {
  return { name: "", url: "", method: "GET", headers: [], body: "", auth: { kind: "none" } };
}

function onUpdate(connection, message) {
  switch (message.type) {
    case "feed":
      onFeedUpdate(connection, message.update);
      break;
    case "diagnostics":
      connection.diagnostics = message.report;
      break;
    case "assembled":
      connection.assembled += message.piece;
      connection.assembledStats =
        `${message.used} events with text, ${message.skipped} without` + (message.truncated ? " · truncated at 4 MiB" : "");
      break;
  }
  scheduleRender();
}

function onFeedUpdate(connection, update) {
  const feed = connection.ipcFeed;
  switch (update.kind) {
    case "connecting":
      feed.setState("connecting", update.attempt > 1 ? `${update.url} (attempt ${update.attempt})` : update.url);
      break;
    case "open":
      feed.setState("open", `HTTP ${update.status}, ${update.contentType || "no Content-Type"}`);
      break;
    case "event": {
      const now = feed.receive(update.event, update.data, update.id);
      const other = connection.browserFeed.arrivals.get(update.data);
      if (other !== undefined) recordDelta(connection, now, other);
      listenForType(connection, update.event);
      if (connection === selected) logsDirty = true;
      break;
    }
    case "error":
      connection.lastError = update.message;
      feed.setState(update.willRetry ? "retrying" : "failed", update.message, true);
      break;
    case "retrying":
      feed.setState("retrying", `${connection.lastError ? connection.lastError + " · " : ""}reconnecting in ${(update.inMs / 1000).toFixed(1)} s`, Boolean(connection.lastError));
      break;
    case "closed":
      feed.setState("closed", update.reason);
      break;
  }
}

// ---- The browser's EventSource ---------------------------------------------------------------

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function startBrowserFeed(connection) {
  const feed = connection.browserFeed;
  const limits = connection.info ? connection.info.browserLimits : [];
  if (limits.length > 0) {
    feed.setState("unavailable", `Not possible here: ${limits.join("; ")}.`);
    return;
  }
  if (typeof EventSource === "undefined") {
    feed.setState("unsupported", "This webview does not support Server-Sent Events (EventSource).", true);
    return;
  }
  const origin = originOf(connection.spec.url);
  const sharing = connections.filter((c) => c !== connection && c.source && c.sourceOrigin === origin).length;
  let source;
  try {
    source = new EventSource(connection.spec.url);
  } catch (error) {
    feed.setState("unavailable", `The browser refused the URL: ${error.message}`, true);
    return;
  }
  connection.source = source;
  connection.sourceOrigin = origin;
  const waiting = sharing >= BROWSER_CONNECTIONS_PER_ORIGIN;
  feed.setState(
    "connecting",
    waiting
      ? `The browser opens at most ${BROWSER_CONNECTIONS_PER_ORIGIN} HTTP/1.1 connections to one server, and ${sharing} direct feeds already use ${origin}: this one waits for a free connection.`
      : connection.spec.url,
  );
  source.onopen = () => {
    feed.setState("open", "EventSource readyState OPEN");
    scheduleRender();
  };
  source.onmessage = (event) => onBrowserEvent(connection, event);
  for (const type of connection.eventTypes) {
    if (type !== "message") source.addEventListener(type, (event) => onBrowserEvent(connection, event));
  }
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The reason is worked out when shown: the IPC side may report its error later.
      feed.setState("closed", "", true);
      feed.gaveUp = true;
    } else {
      feed.setState("connecting", "connection lost; the browser is reconnecting");
    }
    scheduleRender();
  };
}

/** Named event types reach EventSource listeners only if registered: follow the IPC feed. */
function listenForType(connection, type) {
  if (connection.eventTypes.has(type)) return;
  connection.eventTypes.add(type);
  if (connection.source) connection.source.addEventListener(type, (event) => onBrowserEvent(connection, event));
}

/** Why EventSource gave up, told from what the Rust subscriber saw of the same server. */
function browserFailureReason(connection) {
  const report = connection.diagnostics;
  if (report && report.status === 200) {
    const allowed = report.headers.some(([name]) => name.toLowerCase() === "access-control-allow-origin");
    if (!allowed) {
      return "The server sends no Access-Control-Allow-Origin header, so the browser refuses a stream from another origin (CORS). The Rust subscriber is not bound by CORS.";
    }
  }
  if (connection.ipcFeed.state === "failed" || connection.ipcFeed.state === "retrying") {
    return `EventSource closed the connection; the Rust subscriber says: ${connection.lastError}`;
  }
  return "EventSource closed the connection (a non-200 status, a wrong Content-Type, a TLS or network failure, or CORS).";
}

function onBrowserEvent(connection, event) {
  const now = connection.browserFeed.receive(event.type, event.data, event.lastEventId);
  const other = connection.ipcFeed.arrivals.get(event.data);
  if (other !== undefined) recordDelta(connection, other, now);
  if (connection === selected) logsDirty = true;
  scheduleRender();
}

function closeBrowserFeed(connection) {
  if (connection.source) {
    connection.source.close();
    connection.source = null;
  }
}

function recordDelta(connection, ipcTime, browserTime) {
  connection.deltas.push(ipcTime - browserTime);
  if (connection.deltas.length > DELTAS_KEPT) connection.deltas.shift();
}

// ---- Rendering -------------------------------------------------------------------------------

function setBadge(el, state) {
  el.dataset.state = state;
  el.textContent = state;
}

function renderList() {
  const list = $("connection-list");
  const items = connections.map((connection) => {
    const item = document.createElement("li");
    item.className = connection === selected ? "selected" : "";
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "pick";
    pick.title = connection.spec.url;
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.dataset.state = connection.ipcFeed.state;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = connection.name;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(connection.ipcFeed.count);
    pick.append(dot, name, count);
    pick.addEventListener("click", () => selectConnection(connection));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.title = "Close this connection";
    close.setAttribute("aria-label", `Close ${connection.name}`);
    close.textContent = "×";
    close.addEventListener("click", () => removeConnection(connection));
    item.append(pick, close);
    return item;
  });
  list.replaceChildren(...items);
}

function renderFeed(prefix, feed) {
  $(`${prefix}-latest`).textContent = feed.latest === null ? "–" : feed.latest;
  $(`${prefix}-count`).textContent = String(feed.count);
  $(`${prefix}-id`).textContent = feed.lastId === "" ? "–" : feed.lastId;
}

function renderSelected() {
  const connection = selected;
  if (!connection) return;
  const open = connection.id !== null;
  $("connect-button").textContent = open ? "Apply and reconnect" : "Connect";
  $("disconnect-button").disabled = !open;
  $("reconnect-button").disabled = !open;
  $("insecure-badge").hidden = !(connection.spec.tls && connection.spec.tls.insecure);

  setBadge($("ipc-state"), connection.ipcFeed.state);
  $("ipc-detail").textContent = connection.ipcFeed.detail;
  $("ipc-detail").classList.toggle("error", connection.ipcFeed.isError);
  renderFeed("ipc", connection.ipcFeed);

  setBadge($("es-state"), connection.browserFeed.state);
  const gaveUp = connection.browserFeed.gaveUp && connection.browserFeed.state === "closed";
  $("es-detail").textContent = gaveUp ? browserFailureReason(connection) : connection.browserFeed.detail;
  $("es-detail").classList.toggle("error", connection.browserFeed.isError);
  renderFeed("es", connection.browserFeed);

  $("comparison").textContent = comparisonText(connection);
  renderDiagnostics(connection);
  renderAssembled(connection);
  renderLogs(false);
}

function comparisonText(connection) {
  const a = connection.ipcFeed;
  const b = connection.browserFeed;
  if (a.latest === null || b.latest === null) {
    return b.state === "unavailable" ? "only the Rust subscriber can open this connection" : "waiting for both feeds…";
  }
  const parts = [`IPC ${a.count} events, browser ${b.count}`];
  const x = Number(a.latest);
  const y = Number(b.latest);
  if (Number.isFinite(x) && Number.isFinite(y)) {
    const ahead = x - y;
    parts.push(ahead === 0 ? "same value on both" : `IPC ${ahead > 0 ? "+" : ""}${ahead} values vs browser`);
  } else {
    parts.push(a.latest === b.latest ? "same latest event" : "latest events differ");
  }
  if (connection.deltas.length > 0) {
    const mean = connection.deltas.reduce((sum, d) => sum + d, 0) / connection.deltas.length;
    const who = mean > 0 ? "browser first" : "IPC first";
    parts.push(`same value arrives ${Math.abs(mean).toFixed(1)} ms apart on average (${who}, last ${connection.deltas.length})`);
  }
  return parts.join(" · ");
}

function renderDiagnostics(connection) {
  const report = connection.diagnostics;
  const warnings = (report ? report.warnings : []).map((warning) => {
    const item = document.createElement("li");
    item.dataset.kind = warning.kind;
    item.textContent = warning.message;
    return item;
  });
  $("warnings").replaceChildren(...warnings);
  if (!report) {
    $("diagnostics-summary").textContent = "No response yet.";
    $("response-headers").replaceChildren();
    return;
  }
  const resumes = report.resumes.map((r) => {
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
  });
  const summary = [`HTTP ${report.status}`, `${report.reconnects} reconnect${report.reconnects === 1 ? "" : "s"}`];
  if (resumes.length > 0) summary.push(`resumes: ${resumes.slice(-3).join(", ")}`);
  if (report.warnings.length === 0) summary.push("no warnings");
  $("diagnostics-summary").textContent = summary.join(" · ");
  const rows = report.headers.map(([name, value]) => {
    const row = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = name;
    const td = document.createElement("td");
    td.textContent = value;
    row.append(th, td);
    return row;
  });
  $("response-headers").replaceChildren(...rows);
}

function renderAssembled(connection) {
  const path = connection.spec.assemblePath;
  $("assembled").hidden = !path;
  if (!path) return;
  $("assembled-path").textContent = path;
  $("assembled-text").textContent = connection.assembled;
  $("assembled-stats").textContent = connection.assembledStats || "waiting for events…";
}

let logsDirty = false;
function renderLogs(force) {
  if (!force && !logsDirty) return;
  logsDirty = false;
  const connection = selected;
  for (const [prefix, feed] of [["ipc", connection ? connection.ipcFeed : null], ["es", connection ? connection.browserFeed : null]]) {
    const rows = feed ? feed.log.slice(-LOG_SHOWN).reverse().map(logRow) : [];
    $(`${prefix}-log`).replaceChildren(...rows);
  }
}

function logRow(entry) {
  const row = document.createElement("li");
  const time = document.createElement("time");
  time.textContent = entry.at.toLocaleTimeString([], { hour12: false }) + "." + String(entry.at.getMilliseconds()).padStart(3, "0");
  const id = document.createElement("span");
  id.className = "id";
  id.textContent = entry.id === "" ? "" : `#${entry.id}`;
  const type = document.createElement("span");
  type.className = "type";
  type.textContent = entry.type === "message" ? "" : entry.type;
  const data = document.createElement("span");
  data.className = "data";
  data.textContent = entry.data === "" ? "(empty)" : entry.data.replace(/\n/g, "⏎");
  row.append(time, id, type, data);
  return row;
}

// ---- Start -----------------------------------------------------------------------------------

function wireForm(presets) {
  const form = $("request-form");
  form.addEventListener("input", formChanged);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (selected) openConnection(selected, readForm());
  });
  $("f-auth").addEventListener("change", showAuthFields);
  $("disconnect-button").addEventListener("click", () => selected && stopConnection(selected, "disconnected"));
  $("reconnect-button").addEventListener("click", async () => {
    if (!selected || selected.id === null) return;
    closeBrowserFeed(selected);
    selected.ipcFeed.setState("connecting", selected.spec.url);
    await core.invoke("reconnect", { id: selected.id });
    startBrowserFeed(selected);
    scheduleRender();
  });
  $("copy-curl").addEventListener("click", () => copyCommand("curl"));
  $("copy-sse-sub").addEventListener("click", () => copyCommand("sse-sub"));
  $("new-connection").addEventListener("click", () => {
    addConnection(blankSpec());
    $("f-url").focus();
  });
  const select = $("preset-select");
  for (const preset of presets) {
    const option = document.createElement("option");
    option.value = preset.id;
    option.textContent = preset.label;
    select.append(option);
  }
  select.addEventListener("change", () => {
    const preset = presets.find((p) => p.id === select.value);
    select.value = "";
    if (!preset) return;
    $("preset-hint").textContent = preset.hint ? `${preset.label}: ${preset.hint}.` : "";
    const connection = addConnection(structuredClone(preset.spec));
    if (!preset.hint) openConnection(connection, connection.spec);
  });
}

async function start() {
  const tauri = window.__TAURI__;
  if (!tauri) {
    $("ipc-detail").textContent = "Tauri IPC is not available: open this page in the SSE Monitor app.";
    return;
  }
  core = tauri.core;
  try {
    const info = await core.invoke("server_info");
    embeddedBaseUrl = info.baseUrl;
    $("server-url").textContent = info.baseUrl;
    const status = new core.Channel();
    const subscribersEl = $("subscribers");
    status.onmessage = ({ stream, subscribers }) => {
      if (stream === "messages") subscribersEl.textContent = `${subscribers} subscriber${subscribers === 1 ? "" : "s"}`;
    };
    await core.invoke("watch_server", { onStatus: status });
    wireForm(await core.invoke("connection_presets"));
    const loaded = await core.invoke("load_settings");
    loaded.problems.forEach(notify);
    for (const saved of loaded.settings.connections) addConnection(saved.spec, false, saved.key);
    const initial = addConnection(await core.invoke("initial_connection"));
    await openConnection(initial, initial.spec);
  } catch (error) {
    $("ipc-detail").textContent = String(error);
  }
}

start();
