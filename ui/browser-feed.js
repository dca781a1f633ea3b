// The browser's own EventSource on a connection's URL, the second path events take to the
// window (compared with the Rust subscriber's by the comparison panel).
import { PathComparison } from "./compare.js";
import { state } from "./model.js";
import { timed } from "./probe.js";
import { scheduleRender, scheduleRenderFor } from "./schedule.js";

/** @typedef {import("./model.js").Connection} Connection */

const BROWSER_CONNECTIONS_PER_ORIGIN = 6; // HTTP/1.1 connections a browser opens to one server

/** @param {string} url */
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The browser feed stalls the window when the window's frames come late while the feed holds
 * at least this share of the page's thread (its handlers and WebKit's work between them; the
 * rest of WebKit's work on it is not seen). At 100,000 events/s asked it held 22-39 % and
 * frames came up to 313 ms late, where the app's own feed alone kept every frame under 100 ms;
 * at 10,000 events/s it held 2-6 % (docs/benchmarks.md). */
const STALLING_SHARE = 0.1;
/** A stall this recent counts. */
const STALL_RECENT_MS = 3000;

/** Opens the browser's feed on `connection`, unless the browser cannot open it or the user
 * paused it. @param {Connection} connection */
export function startBrowserFeed(connection) {
  const feed = connection.run.browserFeed;
  if (connection.browserFeedPaused) {
    feed.setState("paused", "Paused by you: the app's own connection goes on; nothing is compared.");
    return;
  }
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
  const sharing = state.connections.filter((c) => c !== connection && c.source && c.sourceOrigin === origin).length;
  /** @type {EventSource} */
  let source;
  try {
    source = new EventSource(connection.spec.url);
  } catch (error) {
    feed.setState("unavailable", `The browser refused the URL: ${error instanceof Error ? error.message : String(error)}`, true);
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
  for (const type of connection.run.eventTypes) {
    if (type !== "message") source.addEventListener(type, (event) => onBrowserEvent(connection, /** @type {MessageEvent} */ (event)));
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

/** Named event types reach EventSource listeners only if registered: follow the IPC feed.
 * @param {Connection} connection @param {string} type */
export function listenForType(connection, type) {
  const run = connection.run;
  if (run.eventTypes.has(type)) return;
  run.eventTypes.add(type);
  // Learned from the IPC feed: its first events of this type came before the listener.
  run.lateTypes.push(type);
  if (connection.source) {
    connection.source.addEventListener(type, (event) => onBrowserEvent(connection, /** @type {MessageEvent} */ (event)));
  }
}

/** Why the browser's feed failed, if it did (EventSource gave up for good).
 * @param {Connection} connection @returns {string | null} */
export function browserFeedFailure(connection) {
  const feed = connection.run.browserFeed;
  return feed.gaveUp && feed.state === "closed" ? browserFailureReason(connection) : null;
}

/** Why EventSource gave up, told from what the Rust subscriber saw of the same server.
 * @param {Connection} connection */
export function browserFailureReason(connection) {
  const run = connection.run;
  const report = run.diagnostics;
  if (report && report.status === 200) {
    const allowed = report.headers.some(([name]) => name.toLowerCase() === "access-control-allow-origin");
    if (!allowed) {
      return "The server sends no Access-Control-Allow-Origin header, so the browser refuses a stream from another origin (CORS). The app's own connection is not bound by CORS.";
    }
  }
  if (run.ipcFeed.state === "failed" || run.ipcFeed.state === "retrying") {
    return `EventSource closed the connection; the app's own connection says: ${run.lastError}`;
  }
  return "EventSource closed the connection (a non-200 status, a wrong Content-Type, a TLS or network failure, or CORS).";
}

const onBrowserEvent = timed(
  "onBrowserEvent",
  /** @param {Connection} connection @param {MessageEvent} event */
  (connection, event) => {
    const run = connection.run;
    const arrived = performance.now();
    const data = typeof event.data === "string" ? event.data : String(event.data);
    run.browserFeed.receive(event.type, data, event.lastEventId);
    run.comparison.observe("browser", event.lastEventId, arrived);
    scheduleRenderFor(connection);
    run.browserBusy.note(arrived, performance.now());
  },
);

/** Whether the browser feed is what stalls the window (frames came late while it held a
 * large share of the page's thread), what it holds, and how late the last late frame was.
 * @param {Connection} connection @param {number} now */
export function browserFeedCost(connection, now) {
  const { share, rate } = connection.run.browserBusy.report(now);
  const render = state.render;
  const stalled = now - render.stalledAt < STALL_RECENT_MS;
  const stalling = connection.source !== null && stalled && share >= STALLING_SHARE;
  return { share, rate, stalling, lateMs: stalled ? render.stallMs : 0 };
}

/** Closes the browser's feed until the user resumes it; the app's own connection goes on.
 * @param {Connection} connection */
export function pauseBrowserFeed(connection) {
  connection.browserFeedPaused = true;
  closeBrowserFeed(connection);
  startBrowserFeed(connection); // says it is paused
}

/** Opens the browser's feed again; the comparison starts afresh from here (what came while it
 * was paused was never the browser's to miss). @param {Connection} connection */
export function resumeBrowserFeed(connection) {
  connection.browserFeedPaused = false;
  connection.run.comparison = new PathComparison();
  if (connection.running) startBrowserFeed(connection);
  else connection.run.browserFeed.setState("idle");
}

/** @param {Connection} connection */
export function closeBrowserFeed(connection) {
  if (connection.source) {
    connection.source.close();
    connection.source = null;
  }
}
