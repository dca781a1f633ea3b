// SSE Monitor UI: two feeds of the same stream side by side.
// Event data is only ever written with textContent, never as HTML.
"use strict";
// Note: wry defines a non-configurable `window.ipc`, so no top-level name may be `ipc`.

const ARRIVALS_KEPT = 500; // per feed, for matching values between feeds
const DELTAS_KEPT = 100; // arrival-time differences averaged in the comparison line

/** One pane's counters and its DOM. */
class Feed {
  constructor(prefix) {
    this.count = 0;
    this.latest = null;
    this.arrivals = new Map(); // data -> performance.now() at arrival
    this.el = {
      state: document.getElementById(`${prefix}-state`),
      latest: document.getElementById(`${prefix}-latest`),
      count: document.getElementById(`${prefix}-count`),
      id: document.getElementById(`${prefix}-id`),
      detail: document.getElementById(`${prefix}-detail`),
    };
  }

  setState(state, detail = "", isError = false) {
    this.el.state.dataset.state = state;
    this.el.state.textContent = state;
    this.el.detail.textContent = detail;
    this.el.detail.classList.toggle("error", isError);
  }

  /** Records one event; returns its arrival time. */
  receive(data, id) {
    const now = performance.now();
    this.count += 1;
    this.latest = data;
    this.arrivals.set(data, now);
    if (this.arrivals.size > ARRIVALS_KEPT) {
      this.arrivals.delete(this.arrivals.keys().next().value);
    }
    this.el.latest.textContent = data;
    this.el.count.textContent = String(this.count);
    this.el.id.textContent = id === "" ? "–" : id;
    return now;
  }
}

const ipcFeed = new Feed("ipc");
const browserFeed = new Feed("es");
const deltas = []; // IPC arrival minus browser arrival, ms, for the same value
const comparisonEl = document.getElementById("comparison");

function recordDelta(ipcTime, browserTime) {
  deltas.push(ipcTime - browserTime);
  if (deltas.length > DELTAS_KEPT) deltas.shift();
}

function updateComparison() {
  if (ipcFeed.latest === null || browserFeed.latest === null) return;
  const a = Number(ipcFeed.latest);
  const b = Number(browserFeed.latest);
  const parts = [];
  if (Number.isFinite(a) && Number.isFinite(b)) {
    const ahead = a - b;
    parts.push(ahead === 0 ? "same value on both" : `IPC ${ahead > 0 ? "+" : ""}${ahead} values vs browser`);
  } else {
    parts.push(ipcFeed.latest === browserFeed.latest ? "same latest event" : "latest events differ");
  }
  if (deltas.length > 0) {
    const mean = deltas.reduce((sum, d) => sum + d, 0) / deltas.length;
    const who = mean > 0 ? "browser first" : "IPC first";
    parts.push(`same value arrives ${Math.abs(mean).toFixed(1)} ms apart on average (${who}, last ${deltas.length})`);
  }
  comparisonEl.textContent = parts.join(" · ");
}

function onIpcUpdate(update) {
  switch (update.kind) {
    case "connecting":
      ipcFeed.setState("connecting", update.attempt > 1 ? `${update.url} (attempt ${update.attempt})` : update.url);
      break;
    case "open":
      ipcFeed.setState("open", `HTTP ${update.status}, ${update.contentType}`);
      break;
    case "event": {
      const now = ipcFeed.receive(update.data, update.id);
      const other = browserFeed.arrivals.get(update.data);
      if (other !== undefined) recordDelta(now, other);
      updateComparison();
      break;
    }
    case "error":
      ipcFeed.setState(update.willRetry ? "retrying" : "error", update.message, true);
      break;
    case "retrying":
      ipcFeed.setState("retrying", `${ipcFeed.el.detail.textContent} · reconnecting in ${(update.inMs / 1000).toFixed(1)} s`, true);
      break;
    case "closed":
      ipcFeed.setState("closed", update.reason);
      break;
  }
}

function startBrowserFeed(url) {
  if (typeof EventSource === "undefined") {
    browserFeed.setState("unsupported", "This webview does not support Server-Sent Events (EventSource).", true);
    return;
  }
  browserFeed.setState("connecting", url);
  const source = new EventSource(url);
  source.onopen = () => browserFeed.setState("open", "EventSource readyState OPEN");
  source.onmessage = (event) => {
    const now = browserFeed.receive(event.data, event.lastEventId);
    const other = ipcFeed.arrivals.get(event.data);
    if (other !== undefined) recordDelta(other, now);
    updateComparison();
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      browserFeed.setState("closed", "EventSource closed the connection", true);
    } else {
      browserFeed.setState("connecting", "connection lost; the browser is reconnecting");
    }
  };
}

async function start() {
  const tauri = window.__TAURI__;
  if (!tauri) {
    ipcFeed.setState("error", "Tauri IPC is not available: open this page in the SSE Monitor app.", true);
    return;
  }
  const { invoke, Channel } = tauri.core;
  try {
    const info = await invoke("server_info");
    document.getElementById("server-url").textContent = info.baseUrl;
    const status = new Channel();
    const subscribersEl = document.getElementById("subscribers");
    status.onmessage = ({ stream, subscribers }) => {
      if (stream === "messages") {
        subscribersEl.textContent = `${subscribers} subscriber${subscribers === 1 ? "" : "s"}`;
      }
    };
    await invoke("watch_server", { onStatus: status });
    const channel = new Channel();
    channel.onmessage = onIpcUpdate;
    await invoke("watch_counter", { onEvent: channel });
    startBrowserFeed(info.counterUrl);
  } catch (error) {
    ipcFeed.setState("error", String(error), true);
  }
}

start();
