// SSE Monitor UI: connections to any SSE server, each shown through the Rust subscriber (over
// IPC) and, where the browser can open it, through the webview's own EventSource.
// Event data is only ever written with textContent, never as HTML.
"use strict";
// Note: wry defines a non-configurable `window.ipc`, so no top-level name may be `ipc`.

const LOG_SHOWN = 12; // rows in the browser log, newest first (it is 6rem tall)
const FOLLOW_REFRESH_MS = 33; // a log following a fast stream redraws at most ~30 times a second
const ROW_HEIGHT = 22; // px per inspector row (styles.css .vrow)
const RAW_TAIL_BYTES = 64 * 1024; // the raw view shows the end of what was received
const RAW_REFRESH_MS = 250;
const SLOW_RENDER_MS = 250; // figures, the comparison, the browser log and the list: 4 times a second
const BROWSER_CONNECTIONS_PER_ORIGIN = 6; // HTTP/1.1 connections a browser opens to one server
const SAVE_DELAY_MS = 400; // settings are saved this long after the last change

const $ = (id) => document.getElementById(id);
let core = null; // window.__TAURI__.core
const connections = [];
let selected = null;
let renderQueued = false;
let slowRenderedAt = -Infinity;
let embeddedBaseUrl = ""; // connections to the embedded server are not saved: its port changes
const shownNotices = new Set();

/** A command's error as text: commands reject with `{kind, message}`. */
function errorMessage(error) {
  if (error && typeof error === "object" && "message" in error) return String(error.message);
  return String(error);
}

/** One feed's counters: the IPC subscriber's or the browser's. */
class FeedState {
  constructor() {
    this.count = 0;
    this.latest = null;
    this.lastId = "";
    // The last LOG_SHOWN events, in a ring whose entries are reused: at thousands of events a
    // second, garbage means collector pauses, and pauses mean dropped frames.
    this.log = Array.from({ length: LOG_SHOWN }, () => ({ at: 0, type: "", data: "", id: "" }));
    this.logNext = 0;
    this.logSize = 0;
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

  /** Records one event in the small log. */
  receive(type, data, id) {
    this.count += 1;
    this.latest = data;
    this.lastId = id;
    const entry = this.log[this.logNext];
    entry.at = Date.now();
    entry.type = type;
    entry.data = data;
    entry.id = id;
    this.logNext = (this.logNext + 1) % LOG_SHOWN;
    this.logSize = Math.min(this.logSize + 1, LOG_SHOWN);
  }

  /** The kept events, newest first. */
  recent() {
    const entries = [];
    for (let i = 1; i <= this.logSize; i += 1) entries.push(this.log[(this.logNext - i + LOG_SHOWN) % LOG_SHOWN]);
    return entries;
  }
}

/** A connection as the user set it up, and what both feeds have seen of it. */
class Connection {
  constructor(spec, savedKey = null) {
    // Names the connection in the settings file and its secrets in the keyring.
    this.savedKey = savedKey || newSavedKey();
    this.spec = spec;
    this.id = null; // the backend's id while open, and after Disconnect (its events stay)
    this.running = false; // subscribed now
    this.info = null; // inspect_connection's answer for `spec`
    this.reset();
  }

  reset() {
    this.ipcFeed = new FeedState();
    this.browserFeed = new FeedState();
    this.comparison = new PathComparison();
    this.counts = { kept: 0, matching: 0, dropped: 0, filtered: false };
    this.stats = null;
    this.selectedSeq = null;
    this.detail = null;
    this.filter = { types: [], text: "", regex: false, caseSensitive: false };
    this.filterProblem = "";
    this.typesSeen = [];
    this.tail = []; // the last rows of the log, from the latest batch
    this.diagnostics = null;
    this.assembled = "";
    this.assembledStats = "";
    this.lastError = "";
    this.attempt = 0; // the subscriber's latest connection attempt
    this.eventTypes = new Set(["message"]);
    this.lateTypes = [];
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
    notify(errorMessage(error));
  }
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame((now) => {
    renderQueued = false;
    // The log follows every frame; the rest need not, and at thousands of events per second
    // redrawing it every frame would cost frames.
    const slow = now - slowRenderedAt >= SLOW_RENDER_MS;
    if (slow) {
      slowRenderedAt = now;
      renderList();
    }
    renderSelected(slow);
    if (!slow) scheduleRender();
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
    if (!selected.running) {
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
  $("filter-text").value = connection.filter.text;
  $("filter-regex").checked = connection.filter.regex;
  $("filter-case").checked = connection.filter.caseSensitive;
  $("follow").checked = true;
  renderDetail(connection);
  renderInspector(true);
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
    connection.running = true;
  } catch (error) {
    connection.lastError = errorMessage(error);
    // A request the form can fix is said once, under the form; the feed only says it did not start.
    const inForm = error && typeof error === "object" && error.kind === "spec";
    connection.ipcFeed.setState("failed", inForm ? "not started: see the request above" : connection.lastError, true);
    connection.browserFeed.setState("idle", "");
    if (connection === selected) $("form-problem").textContent = connection.lastError;
    scheduleRender();
    return;
  }
  if (connection === selected) {
    $("form-problem").textContent = "";
    // A fresh connection has a fresh log: the filter on screen applies to it too.
    if ($("filter-text").value || $("filter-type").value) applyFilter();
  }
  startBrowserFeed(connection);
  scheduleRender();
}

/** Stops both feeds of a connection (it stays in the list); with `keep`, its captured events
 * stay readable in the inspector. */
async function stopConnection(connection, reason = "", keep = false) {
  closeBrowserFeed(connection);
  if (connection.id !== null) {
    const id = connection.id;
    if (!keep) connection.id = null;
    connection.running = false;
    await core.invoke("disconnect", { id, keep });
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
    case "batch":
      onBatch(connection, message);
      break;
    case "diagnostics":
      connection.diagnostics = message.report;
      connection.diagnosticsDirty = true;
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
      connection.attempt = update.attempt;
      feed.setState("connecting", update.attempt > 1 ? `${update.url} (attempt ${update.attempt})` : update.url);
      break;
    case "open":
      feed.setState("open", `HTTP ${update.status}, ${update.contentType || "no Content-Type"}`);
      break;
    case "error":
      connection.lastError = update.message;
      feed.setState(update.willRetry ? "retrying" : "failed", update.message, true);
      break;
    case "retrying":
      feed.setState("retrying", `${connection.lastError ? connection.lastError + " · " : ""}reconnecting in ${(update.inMs / 1000).toFixed(1)} s (attempt ${connection.attempt + 1})`, Boolean(connection.lastError));
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
  // Learned from the IPC feed: its first events of this type came before the listener.
  connection.lateTypes.push(type);
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
  connection.browserFeed.receive(event.type, event.data, event.lastEventId);
  connection.comparison.observe("browser", event.lastEventId, performance.now());
  if (connection === selected) logsDirty = true;
  scheduleRender();
}

/** Events the Rust subscriber received since the last batch, and the figures. */
function onBatch(connection, batch) {
  const now = performance.now();
  const feed = connection.ipcFeed;
  // One string, an id per line (see BatchIds): far less for the collector than a list.
  if (batch.ids.count > 0) {
    for (const id of batch.ids.lines.split("\n")) connection.comparison.observe("ipc", id, now);
  }
  feed.count += batch.ids.count;
  if (batch.latest) {
    feed.latest = batch.latest.preview;
    feed.lastId = batch.latest.id;
  }
  for (const type of batch.newTypes) {
    listenForType(connection, type);
    if (!connection.typesSeen.includes(type)) connection.typesSeen.push(type);
  }
  connection.counts = batch.counts;
  connection.stats = batch.stats;
  if (batch.tail.length > 0) connection.tail = batch.tail;
  if (connection === selected) inspectorDirty = true;
}

function closeBrowserFeed(connection) {
  if (connection.source) {
    connection.source.close();
    connection.source = null;
  }
}


// ---- Rendering -------------------------------------------------------------------------------

/** Writes text only when it changed: an unchanged write still costs the page a layout. */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function setBadge(el, state) {
  if (el.dataset.state !== state) el.dataset.state = state;
  setText(el, state);
}

function renderList() {
  const list = $("connection-list");
  // Rebuilt only when the list itself changed; otherwise only counts and states move.
  const shape = connections.map((c) => `${c.savedKey}\u0000${c.name}\u0000${c.spec.url}\u0000${c === selected}`).join("\u0001");
  if (list.dataset.shape === shape) {
    connections.forEach((connection, i) => {
      const item = list.children[i];
      setText(item.querySelector(".count"), String(connection.ipcFeed.count));
      const dot = item.querySelector(".dot");
      if (dot.dataset.state !== connection.ipcFeed.state) dot.dataset.state = connection.ipcFeed.state;
    });
    return;
  }
  list.dataset.shape = shape;
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
  setText($(`${prefix}-latest`), feed.latest === null ? "–" : feed.latest);
  setText($(`${prefix}-count`), String(feed.count));
  setText($(`${prefix}-id`), feed.lastId === "" ? "–" : feed.lastId);
}

function renderSelected(slow = true) {
  const connection = selected;
  if (!connection) return;
  const open = connection.running;
  setText($("connect-button"), open ? "Apply and reconnect" : "Connect");
  $("disconnect-button").disabled = !open;
  $("reconnect-button").disabled = connection.id === null;
  $("insecure-badge").hidden = !(connection.spec.tls && connection.spec.tls.insecure);

  setBadge($("ipc-state"), connection.ipcFeed.state);
  setText($("ipc-detail"), connection.ipcFeed.detail);
  $("ipc-detail").classList.toggle("error", connection.ipcFeed.isError);
  renderFeed("ipc", connection.ipcFeed);

  setBadge($("es-state"), connection.browserFeed.state);
  const gaveUp = connection.browserFeed.gaveUp && connection.browserFeed.state === "closed";
  setText($("es-detail"), gaveUp ? browserFailureReason(connection) : connection.browserFeed.detail);
  $("es-detail").classList.toggle("error", connection.browserFeed.isError);
  renderFeed("es", connection.browserFeed);

  renderInspector(false);
  if (!slow) return;
  renderComparison(connection);
  renderStats(connection);
  if (connection.diagnosticsDirty !== false) {
    connection.diagnosticsDirty = false;
    renderDiagnostics(connection);
  }
  renderAssembled(connection);
  renderLogs(false);
}

function renderComparison(connection) {
  const a = connection.ipcFeed;
  const b = connection.browserFeed;
  const r = connection.comparison.report(performance.now(), { ipc: a.state === "open", browser: b.state === "open" });
  const ms = (v) => (v === null ? "–" : `${v >= 0 ? "+" : ""}${v.toFixed(1)} ms`);
  $("lag-p50").textContent = ms(r.lagP50);
  $("lag-p99").textContent = ms(r.lagP99);
  $("missing").textContent = `${r.ipc.missing} / ${r.browser.missing}`;
  $("duplicates").textContent = `${r.ipc.duplicates} / ${r.browser.duplicates}`;
  let text;
  if (b.state === "unavailable") text = "only the Rust subscriber can open this connection";
  else if (a.count === 0 && b.count === 0) text = "waiting for both feeds…";
  else {
    text = `IPC ${a.count} events, browser ${b.count}; ${r.matched} matched by id`;
    if (r.ipc.withId === 0 && r.browser.withId === 0 && a.count + b.count > 0) text += " (no ids: compared by count only)";
    else if (r.lagSamples > 0) text += `; lag = IPC arrival − browser arrival, over ${r.lagSamples} events`;
  }
  $("comparison").textContent = text;
  const ids = [];
  if (r.ipc.missingIds.length) ids.push(`missing on IPC: ${r.ipc.missingIds.join(", ")}`);
  if (r.browser.missingIds.length) ids.push(`missing on browser: ${r.browser.missingIds.join(", ")}`);
  if (r.ipc.duplicateIds.length) ids.push(`repeated on IPC: ${r.ipc.duplicateIds.join(", ")}`);
  if (r.browser.duplicateIds.length) ids.push(`repeated on browser: ${r.browser.duplicateIds.join(", ")}`);
  if (r.browser.missing > 0 && connection.lateTypes.length > 0) {
    const types = connection.lateTypes.slice(-3).join(", ");
    ids.push(`EventSource hears a named type only once it listens for it, so the first events of a new type (${types}) reach only the IPC feed`);
  }
  setText($("comparison-ids"), ids.join(" · "));
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

let cachedColours = null;
/** The theme's chart colours, read once per theme (reading styles forces a style pass). */
function chartColours() {
  if (!cachedColours) {
    const style = getComputedStyle(document.documentElement);
    cachedColours = {
      bar: style.getPropertyValue("--accent").trim() || "#0f766e",
      text: style.getPropertyValue("--muted").trim() || "#666",
    };
  }
  return cachedColours;
}
window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  cachedColours = null;
  scheduleRender();
});

function renderStats(connection) {
  const stats = connection.stats;
  const canvas = $("stats-chart");
  const context = canvas.getContext("2d");
  const width = canvas.clientWidth || canvas.width;
  if (canvas.width !== width) canvas.width = width;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (!stats) {
    for (const id of ["stat-rate", "stat-events", "stat-reconnects"]) $(id).textContent = "0";
    $("stat-bytes").textContent = "0 B";
    $("stat-first").textContent = "–";
    return;
  }
  const values = stats.perSecond;
  const max = Math.max(1, ...values);
  const colours = chartColours();
  context.fillStyle = colours.bar;
  const bar = canvas.width / values.length;
  values.forEach((value, i) => {
    const height = Math.round((value / max) * (canvas.height - 12));
    context.fillRect(i * bar + 1, canvas.height - height, Math.max(1, bar - 2), height);
  });
  context.fillStyle = colours.text;
  context.font = "10px system-ui, sans-serif";
  context.fillText(`max ${max}/s · last 60 s`, 4, 10);
  $("stat-rate").textContent = String(stats.rate);
  $("stat-events").textContent = String(stats.events);
  $("stat-bytes").textContent = formatBytes(stats.rawBytes || stats.bytes);
  $("stat-first").textContent = stats.timeToFirstEventMs === null ? "–" : `${stats.timeToFirstEventMs.toFixed(0)} ms`;
  $("stat-reconnects").textContent = String(stats.reconnects);
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
  const entries = connection ? connection.browserFeed.recent() : [];
  const list = $("es-log");
  while (list.childElementCount > entries.length) list.lastElementChild.remove();
  while (list.childElementCount < entries.length) list.append(document.createElement("li"));
  entries.forEach((entry, i) => fillLogRow(list.children[i], entry));
}

/** Fills a browser-log row (made once, reused) with `entry`. */
function fillLogRow(row, entry) {
  if (row.childElementCount !== 4) {
    row.replaceChildren(document.createElement("time"), span("id", ""), span("type", ""), span("data", ""));
  }
  const [time, id, type, data] = row.children;
  setText(time, timeText(entry.at * 1000));
  setText(id, entry.id === "" ? "" : `#${entry.id}`);
  setText(type, entry.type === "message" ? "" : entry.type);
  setText(data, entry.data === "" ? "(empty)" : entry.data.replace(/\n/g, "⏎"));
}

// ---- The event inspector ---------------------------------------------------------------------
// The Rust side keeps each connection's events; the log asks for the rows in view only.

let inspectorDirty = false;
let pageInFlight = false;
let pageAgain = false;
let rawMode = false;
let rawFetchedAt = 0;
let lastWindow = { first: 0, count: 0 };
let pageShownAt = -Infinity;

function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

function timeText(us) {
  const d = new Date(Math.floor(us / 1000));
  const utc = $("time-zone").value === "utc";
  const [h, m, sec, ms] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${pad(h)}:${pad(m)}:${pad(sec)}.${pad(ms, 3)}${utc ? "Z" : ""}`;
}

function deltaText(us) {
  if (us === null || us === undefined) return "";
  if (us < 1000) return `+${us} µs`;
  if (us < 1000000) return `+${(us / 1000).toFixed(1)} ms`;
  return `+${(us / 1000000).toFixed(2)} s`;
}

function span(className, text, title) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  if (title) el.title = title;
  return el;
}

const ROW_FIELDS = ["time", "delta", "id", "type", "size", "data"];

/** Fills a log row element (made once, reused as the view moves) with `row`. */
function fillRow(el, row, connection) {
  if (el.childElementCount !== ROW_FIELDS.length) {
    el.replaceChildren(...ROW_FIELDS.map((name) => span(name, "")));
    el.setAttribute("role", "listitem");
  }
  el.className = "vrow" + (row.seq === connection.selectedSeq ? " selected" : "");
  el.dataset.seq = String(row.seq);
  const blank = row.blank; // decided in Rust on the data, not on the preview's symbols
  const [time, delta, id, type, size, data] = el.children;
  setText(time, timeText(row.receivedAtUs));
  setText(delta, deltaText(row.deltaUs));
  setText(id, row.id);
  id.className = row.idSet ? "id" : "id carried";
  id.title = row.idSet ? "" : "carried over from an earlier event";
  setText(type, row.event);
  setText(size, formatBytes(row.size));
  setText(data, row.preview + (row.truncated ? " …" : ""));
  data.className = blank ? "data blank" : "data";
}

/** Shows `rows` at `top` px, reusing the row elements already there. */
function showRows(rows, top, connection) {
  const list = $("vlog-rows");
  list.style.transform = `translateY(${top}px)`;
  while (list.childElementCount > rows.length) list.lastElementChild.remove();
  while (list.childElementCount < rows.length) list.append(document.createElement("div"));
  rows.forEach((row, i) => fillRow(list.children[i], row, connection));
}

function sizeSpacer(total) {
  $("vlog-spacer").style.height = `${scrollHeight(total, ROW_HEIGHT)}px`;
}

function renderLogStatus(connection) {
  const c = connection.counts;
  const parts = [];
  if (c.kept === 0) parts.push(connection.id === null ? "Not connected." : "No events yet.");
  else {
    parts.push(`${c.kept.toLocaleString()} kept`);
    if (c.filtered) parts.push(`${c.matching.toLocaleString()} match the filter`);
  }
  if (c.dropped > 0) parts.push(`${c.dropped.toLocaleString()} older events dropped (the newest are kept)`);
  setText($("log-counts"), parts.join(" · "));
  const note = $("paused-note");
  note.hidden = !connection.paused;
  if (connection.paused) {
    const received = (connection.stats ? connection.stats.events : 0) - connection.pausedAtEvents;
    setText(note, `Paused · ${received.toLocaleString()} received since`);
  }
  const pause = $("pause-button");
  setText(pause, connection.paused ? "Resume" : "Pause");
  pause.classList.toggle("paused", Boolean(connection.paused));
  $("raw-button").setAttribute("aria-pressed", String(rawMode));
  renderTypeOptions(connection);
}

function renderTypeOptions(connection) {
  const select = $("filter-type");
  const wanted = ["", ...connection.typesSeen];
  const have = [...select.options].map((o) => o.value);
  if (wanted.length === have.length && wanted.every((v, i) => v === have[i])) return;
  const current = connection.filter.types[0] || "";
  select.replaceChildren(
    ...wanted.map((type) => {
      const option = document.createElement("option");
      option.value = type;
      option.textContent = type === "" ? "All types" : type;
      return option;
    }),
  );
  select.value = current;
}

function renderInspector(force) {
  const connection = selected;
  if (!connection) return;
  renderLogStatus(connection);
  $("ipc-log").hidden = rawMode;
  document.querySelector(".log-head").hidden = rawMode;
  $("raw-view").hidden = !rawMode;
  if (rawMode) {
    const due = performance.now() - rawFetchedAt > RAW_REFRESH_MS;
    if (force || (inspectorDirty && due && !connection.paused)) {
      inspectorDirty = false;
      fetchRaw(connection);
    }
    return;
  }
  if (!force && (connection.paused || !inspectorDirty)) return;
  const now = performance.now();
  if (!force && now - pageShownAt < FOLLOW_REFRESH_MS) {
    scheduleRender(); // later, with whatever has come by then
    return;
  }
  pageShownAt = now;
  inspectorDirty = false;
  fetchPage(connection);
}

async function fetchPage(connection) {
  if (pageInFlight) {
    pageAgain = true;
    return;
  }
  const log = $("ipc-log");
  if (connection.id === null) {
    sizeSpacer(0);
    showRows([], 0, connection);
    return;
  }
  pageInFlight = true;
  try {
    const total = connection.paused ? connection.pausedMatching : connection.counts.matching;
    sizeSpacer(total);
    if ($("follow").checked && !connection.paused) {
      log.scrollTop = log.scrollHeight;
    }
    const view = visibleWindow(total, ROW_HEIGHT, log.scrollTop, log.clientHeight);
    // Following the newest events, the latest batch brought the rows: no round trip.
    const tailStart = connection.counts.matching - connection.tail.length;
    if (!connection.paused && total === connection.counts.matching && view.first >= tailStart && connection.tail.length > 0) {
      const offset = view.first - tailStart;
      const rows = connection.tail.slice(offset, offset + view.count);
      lastWindow = { first: view.first, count: rows.length };
      showRows(rows, view.top, connection);
      return;
    }
    const page = await core.invoke("events_page", { id: connection.id, start: view.first, count: view.count });
    if (connection !== selected) return;
    if (!connection.paused) connection.counts = page.counts;
    lastWindow = { first: view.first, count: page.rows.length };
    showRows(page.rows, view.top, connection);
  } catch (error) {
    // The connection closed meanwhile: its log is gone with it.
    if (connection.id !== null) $("filter-problem").textContent = errorMessage(error);
  } finally {
    pageInFlight = false;
    if (pageAgain) {
      pageAgain = false;
      inspectorDirty = true;
      scheduleRender();
    }
  }
}

function rawLine(line) {
  const item = document.createElement("li");
  item.className = line.kind;
  if (line.kind === "connectionStart") {
    item.textContent = `── ${line.text} ──`;
    return item;
  }
  item.append(document.createTextNode(line.text));
  const ending = { lf: "LF", cr: "CR", crlf: "CRLF", none: "" }[line.ending];
  if (ending) item.append(span("eol", ending));
  if (line.ending === "none") item.append(span("eol", "(no line ending yet)"));
  return item;
}

async function fetchRaw(connection) {
  rawFetchedAt = performance.now();
  if (connection.id === null) {
    $("raw-view").replaceChildren();
    return;
  }
  try {
    const view = await core.invoke("raw_tail", { id: connection.id, maxBytes: RAW_TAIL_BYTES });
    if (connection !== selected || !rawMode) return;
    const list = $("raw-view");
    const head = document.createElement("li");
    head.className = "comment";
    head.textContent = `${formatBytes(view.totalBytes)} received · showing the last ${formatBytes(Math.min(view.keptBytes, RAW_TAIL_BYTES))} · each line ends with its LF, CR or CRLF`;
    list.replaceChildren(head, ...view.lines.map(rawLine));
    if ($("follow").checked) list.scrollTop = list.scrollHeight;
  } catch (error) {
    $("filter-problem").textContent = errorMessage(error);
  }
}

// ---- The detail pane ----

function jsonNode(key, value) {
  const label = key === null ? [] : [span("key", JSON.stringify(key)), document.createTextNode(": ")];
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    const details = document.createElement("details");
    details.open = true;
    const summary = document.createElement("summary");
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    summary.append(...label, document.createTextNode(`${open} ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${close}`));
    details.append(summary, ...entries.map(([k, v]) => jsonNode(Array.isArray(value) ? null : k, v)));
    return details;
  }
  const line = document.createElement("div");
  line.className = "entry";
  const kind = typeof value === "string" ? "string" : typeof value === "number" ? "number" : "literal";
  line.append(...label, span(kind, JSON.stringify(value)));
  return line;
}

function visibleWhitespace(data) {
  return data.replace(/ /g, "␣").replace(/\t/g, "⇥").replace(/\r/g, "^M").replace(/\n/g, "⏎\n");
}

function renderDetail(connection) {
  const detail = connection.detail;
  $("detail-empty").hidden = Boolean(detail);
  $("detail-body").hidden = !detail;
  if (!detail) return;
  $("detail-title").textContent = `Event ${detail.seq + 1}${detail.event === "message" ? "" : ` · ${detail.event}`}`;
  const meta = [
    ["Received", `${timeText(detail.receivedAtUs)} (${deltaText(detail.deltaUs) || "first"})`],
    ["Id", detail.id === "" ? "(none)" : `${detail.id}${detail.idSet ? "" : " (carried over)"}`],
    ["Type", detail.event],
    ["Size", `${formatBytes(detail.size)} on the wire, ${detail.data.length} characters of data`],
    ["Connection", String(detail.connection)],
  ];
  if (detail.retryMs !== null) meta.push(["Retry", `${detail.retryMs} ms`]);
  $("detail-meta").replaceChildren(
    ...meta.flatMap(([name, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      return [dt, dd];
    }),
  );
  let note = "";
  const data = detail.data;
  if (data === "") note = "Empty data: the block had a data line with nothing after it.";
  else if (data.trim() === "") note = `Only whitespace: ${data.length} character${data.length === 1 ? "" : "s"}, shown as ␣ space, ⇥ tab, ⏎ line break, ^M carriage return.`;
  $("detail-note").textContent = note;
  $("detail-data").textContent = data.trim() === "" ? visibleWhitespace(data) : data;
  let parsed;
  let isJson = false;
  try {
    parsed = JSON.parse(data);
    isJson = parsed !== null && typeof parsed === "object";
  } catch {
    isJson = false;
  }
  $("detail-json").hidden = !isJson;
  $("detail-data").hidden = isJson;
  $("detail-json").replaceChildren(...(isJson ? [jsonNode(null, parsed)] : []));
  const raw = detail.raw;
  $("detail-raw").replaceChildren(
    ...(raw ? raw.map(rawLine) : [span("muted", "Its bytes are no longer kept (the raw view keeps the last 4 MiB).")]),
  );
}

async function selectEvent(connection, seq) {
  connection.selectedSeq = seq;
  for (const row of $("vlog-rows").children) row.classList.toggle("selected", row.dataset.seq === String(seq));
  try {
    connection.detail = connection.id === null ? null : await core.invoke("event_detail", { id: connection.id, seq });
  } catch {
    connection.detail = null;
  }
  if (connection === selected) renderDetail(connection);
}

/** Selects the event `step` rows after (or before) the selected one, scrolling to it. */
async function stepSelection(step) {
  const connection = selected;
  if (!connection || connection.id === null) return;
  const total = connection.paused ? connection.pausedMatching : connection.counts.matching;
  if (total === 0) return;
  let position = null;
  if (connection.selectedSeq !== null) {
    position = await core.invoke("event_position", { id: connection.id, seq: connection.selectedSeq });
  }
  const target = position === null ? (step > 0 ? lastWindow.first : lastWindow.first + lastWindow.count - 1) : position + step;
  if (target < 0 || target >= total) return;
  const page = await core.invoke("events_page", { id: connection.id, start: target, count: 1 });
  if (page.rows.length === 0) return;
  if (step < 0) $("follow").checked = false;
  const log = $("ipc-log");
  if (target < lastWindow.first || target >= lastWindow.first + lastWindow.count - 1) {
    $("follow").checked = false;
    log.scrollTop = scrollTopFor(target, total, ROW_HEIGHT, log.clientHeight, step > 0);
  }
  await selectEvent(connection, page.rows[0].seq);
  renderInspector(true);
}

// ---- Filter, pause, clear, export, import ----

let filterTimer = null;
function filterChanged() {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilter, 200);
}

async function applyFilter() {
  const connection = selected;
  if (!connection) return;
  const type = $("filter-type").value;
  connection.filter = {
    types: type ? [type] : [],
    text: $("filter-text").value,
    regex: $("filter-regex").checked,
    caseSensitive: $("filter-case").checked,
  };
  if (connection.id === null) return;
  connection.tail = []; // rows of the old view
  try {
    connection.counts = await core.invoke("set_filter", { id: connection.id, filter: connection.filter });
    connection.pausedMatching = connection.counts.matching;
    $("filter-problem").textContent = "";
  } catch (error) {
    $("filter-problem").textContent = errorMessage(error);
  }
  renderInspector(true);
}

function togglePause() {
  const connection = selected;
  if (!connection) return;
  connection.paused = !connection.paused;
  connection.pausedAtEvents = connection.stats ? connection.stats.events : 0;
  connection.pausedMatching = connection.counts.matching;
  renderInspector(true);
}

async function clearEvents() {
  const connection = selected;
  if (!connection) return;
  connection.selectedSeq = null;
  connection.detail = null;
  connection.tail = [];
  renderDetail(connection);
  if (connection.id !== null) connection.counts = await core.invoke("clear_events", { id: connection.id });
  connection.pausedMatching = 0;
  connection.browserFeed.logSize = 0;
  logsDirty = true;
  renderInspector(true);
  scheduleRender();
}

async function exportEvents() {
  const connection = selected;
  if (!connection || connection.id === null) {
    notify("Connect first: only an open connection's events can be exported.");
    return;
  }
  const format = $("export-format").value;
  try {
    const done = await core.invoke("export_events", { id: connection.id, format, matchingOnly: connection.counts.filtered, path: null });
    if (done) notify(`Exported ${connection.counts.filtered ? "the filtered" : "the kept"} events to ${done.path} (${formatBytes(done.bytes)}).`);
  } catch (error) {
    notify(`Export failed: ${errorMessage(error)}`);
  }
}

/** Replays a capture; `path` null asks with the open dialog (tests pass one). */
async function importCapture(path = null) {
  const speed = Number($("replay-speed").value);
  try {
    const imported = await core.invoke("import_capture", { path, speed });
    if (!imported) return;
    const connection = addConnection(imported.spec);
    notify(`Replaying ${imported.events} events through the embedded server (${$("replay-speed").selectedOptions[0].textContent}).`);
    await openConnection(connection, connection.spec);
  } catch (error) {
    notify(`Import failed: ${errorMessage(error)}`);
  }
}

function toggleRaw() {
  rawMode = !rawMode;
  renderInspector(true);
}

function isTyping(target) {
  return target instanceof HTMLElement && (target.matches("input, textarea, select") || target.isContentEditable);
}

function onKey(event) {
  const key = event.key;
  if (key === "Escape") {
    if (isTyping(event.target)) event.target.blur();
    else if (selected) {
      selected.selectedSeq = null;
      selected.detail = null;
      renderDetail(selected);
      renderInspector(true);
    }
    return;
  }
  if ((event.ctrlKey || event.metaKey) && (key === "f" || key === "F")) {
    event.preventDefault();
    $("filter-text").focus();
    return;
  }
  if (isTyping(event.target) || event.altKey || event.metaKey) return;
  // Space and Enter on a button press that button, nothing else.
  if (event.target instanceof HTMLButtonElement && (key === " " || key === "Enter")) return;
  if (event.ctrlKey) {
    if (key === "l" || key === "L") {
      event.preventDefault();
      clearEvents();
    }
    return;
  }
  const actions = {
    "/": () => $("filter-text").focus(),
    " ": togglePause,
    p: togglePause,
    j: () => stepSelection(1),
    ArrowDown: () => stepSelection(1),
    k: () => stepSelection(-1),
    ArrowUp: () => stepSelection(-1),
    f: () => {
      $("follow").checked = !$("follow").checked;
      renderInspector(true);
    },
    r: toggleRaw,
  };
  const action = actions[key];
  if (!action) return;
  event.preventDefault();
  action();
}

function wireInspector() {
  for (const id of ["filter-text", "filter-regex", "filter-case", "filter-type"]) {
    $(id).addEventListener(id === "filter-text" ? "input" : "change", filterChanged);
  }
  $("pause-button").addEventListener("click", togglePause);
  $("clear-button").addEventListener("click", clearEvents);
  $("raw-button").addEventListener("click", toggleRaw);
  $("follow").addEventListener("change", () => renderInspector(true));
  $("time-zone").addEventListener("change", () => {
    renderInspector(true);
    if (selected) renderDetail(selected);
  });
  $("export-button").addEventListener("click", exportEvents);
  $("import-button").addEventListener("click", () => importCapture());
  $("copy-data").addEventListener("click", () => selected && selected.detail && copyText(selected.detail.data));
  $("copy-raw").addEventListener("click", () => {
    const raw = selected && selected.detail && selected.detail.raw;
    if (!raw) return;
    const endings = { lf: "\n", cr: "\r", crlf: "\r\n", none: "" };
    copyText(raw.map((line) => line.text + endings[line.ending]).join(""));
  });
  const log = $("ipc-log");
  log.addEventListener("scroll", () => {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - ROW_HEIGHT;
    if (!atBottom && $("follow").checked && !pageInFlight) $("follow").checked = false;
    renderInspector(true);
  });
  $("vlog-rows").addEventListener("click", (event) => {
    const row = event.target instanceof Element ? event.target.closest(".vrow") : null;
    if (row && selected) selectEvent(selected, Number(row.dataset.seq));
  });
  document.addEventListener("keydown", onKey);
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
  $("disconnect-button").addEventListener("click", () => selected && stopConnection(selected, "disconnected", true));
  $("reconnect-button").addEventListener("click", async () => {
    if (!selected || selected.id === null) return;
    closeBrowserFeed(selected);
    selected.ipcFeed.setState("connecting", selected.spec.url);
    selected.running = true;
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
    $("counter-stream").textContent = info.counterStream;
    const status = new core.Channel();
    const subscribersEl = $("subscribers");
    status.onmessage = ({ stream, subscribers }) => {
      if (stream === info.counterStream) subscribersEl.textContent = `${subscribers} subscriber${subscribers === 1 ? "" : "s"}`;
    };
    await core.invoke("watch_server", { onStatus: status });
    wireForm(await core.invoke("connection_presets"));
    wireInspector();
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
