// The connection list's life: adding, selecting, opening, stopping and removing connections,
// and what each one's channel reports.
import { closeBrowserFeed, listenForType, startBrowserFeed } from "./browser-feed.js";
import { renderDetail } from "./detail.js";
import { applyFilter, filterOnScreen, showFilter } from "./filter.js";
import { foldLlmReport } from "./llm-text.js";
import { fillForm, formChanged, setCommandPreview, setFormProblem, showFormHint } from "./form.js";
import { input } from "./dom.js";
import * as ipc from "./ipc.js";
import { renderInspector, setFollow } from "./log.js";
import { Connection, blankSpec, state } from "./model.js";
import { timed } from "./probe.js";
import { scheduleFullRender, scheduleRender, scheduleRenderFor } from "./schedule.js";
import { scheduleSave } from "./settings.js";
import { leaveTap } from "./taps.js";

/** @typedef {import("./gen/ipc").ConnectionSpec} ConnectionSpec */
/** @typedef {import("./gen/ipc").ConnectionUpdate} ConnectionUpdate */
/** @typedef {import("./gen/ipc").FeedUpdate} FeedUpdate */

const TAIL_KEPT = 64; // the log's newest rows kept from batches: a following log needs no round trip

/** @param {ConnectionSpec} spec @param {boolean} [select] @param {string | null} [savedKey] */
export function addConnection(spec, select = true, savedKey = null) {
  const connection = new Connection(spec, savedKey);
  state.connections.push(connection);
  if (select) selectConnection(connection);
  scheduleRender();
  scheduleSave();
  return connection;
}

/** Shows `connection` in the form and the inspector. @param {Connection} connection */
export function selectConnection(connection) {
  if (state.selectedTap) leaveTap();
  state.selected = connection;
  fillForm(connection.spec);
  showFormHint(connection.hint);
  setFormProblem(connection.run.lastError);
  setCommandPreview(connection.info ? connection.info.curlShown : "");
  formChanged();
  showFilter(connection.run.filter);
  setFollow(true);
  renderDetail(connection);
  renderInspector(true);
  scheduleFullRender();
  scheduleSave();
}

/** (Re)opens `connection` with `spec`: both feeds start afresh.
 * @param {Connection} connection @param {ConnectionSpec} spec */
export async function openConnection(connection, spec) {
  await stopConnection(connection);
  connection.spec = spec;
  connection.reset();
  connection.hint = null; // filled in or not, the user has had their say
  if (connection === state.selected) showFormHint(null);
  // A paused view stays paused across a reconnect, frozen on the new (empty) log; what
  // arrives is counted from here.
  connection.pausedAtEvents = 0;
  connection.pausedMatching = 0;
  scheduleSave();
  connection.info = await ipc.inspectConnection(spec);
  const run = connection.run;
  run.ipcFeed.setState("connecting", spec.url);
  try {
    connection.id = await ipc.connect(spec, (update) => onUpdate(connection, update));
    connection.running = true;
  } catch (error) {
    run.lastError = ipc.errorMessage(error);
    // A request the form can fix is said once, under the form; the feed only says it did not start.
    const inForm = ipc.errorKind(error) === "spec";
    run.ipcFeed.setState("failed", inForm ? "not started: see the request above" : run.lastError, true);
    run.browserFeed.setState("idle", "");
    if (connection === state.selected) setFormProblem(run.lastError);
    scheduleFullRender(); // the new spec decides which tabs apply, started or not
    return;
  }
  if (connection === state.selected) {
    setFormProblem("");
    // A fresh connection has a fresh log: the filter on screen applies to it too, and a
    // paused view shows it (frozen, empty) rather than the old connection's rows.
    if (filterOnScreen()) applyFilter();
    else renderInspector(true);
  }
  startBrowserFeed(connection);
  scheduleFullRender();
}

/** Stops both feeds of a connection (it stays in the list); with `keep`, its captured events
 * stay readable in the inspector.
 * @param {Connection} connection @param {string} [reason] @param {boolean} [keep] */
export async function stopConnection(connection, reason = "", keep = false) {
  closeBrowserFeed(connection);
  if (connection.id !== null) {
    const id = connection.id;
    if (!keep) connection.id = null;
    connection.running = false;
    await ipc.disconnect(id, keep);
    if (reason) connection.run.ipcFeed.setState("closed", reason);
    if (reason) connection.run.browserFeed.setState("closed", reason);
  }
  scheduleRender();
}

/** Opens a stream that went through `tap` in the inspector, as a connection of its own (listed
 * with the connections, not saved); an exchange already open there is selected again.
 * @param {import("./model.js").Tap} tap @param {import("./gen/ipc").ExchangeRow} row */
export async function openTappedStream(tap, row) {
  const tapId = tap.id;
  if (tapId === null || !row.isStream) return;
  const existing = state.connections.find((c) => c.tapped && c.tapped.tap === tap && c.tapped.tapId === tapId && c.tapped.exchange === row.id);
  if (existing) {
    selectConnection(existing);
    return;
  }
  const url = tap.detail && tap.detail.row.id === row.id ? tap.detail.url : `${tap.spec.upstream.replace(/\/$/, "")}${row.target}`;
  const connection = new Connection({ ...blankSpec(), url, method: row.method });
  connection.tapped = {
    tap,
    tapId,
    exchange: row.id,
    label: { title: `${row.method} ${row.target}`, where: `tapped · ${tap.label.title} #${row.id}` },
  };
  const run = connection.run;
  run.browserFeed.setState("unavailable", "a tapped stream is your app's: only the tap sees it");
  run.ipcFeed.setState("connecting", "reading the tap's record");
  state.connections.push(connection);
  selectConnection(connection);
  try {
    connection.id = await ipc.inspectExchange(tapId, row.id, (update) => onUpdate(connection, update));
    connection.running = true;
    // Its first batches can come before its id does (an ended stream sends all it has at once,
    // then nothing more): the log asks for its rows now that it can.
    if (connection === state.selected) renderInspector(true);
  } catch (error) {
    run.lastError = ipc.errorMessage(error);
    run.ipcFeed.setState("failed", run.lastError, true);
  }
  scheduleRender();
}

/** Drops the connection and opens it afresh with the same spec. @param {Connection} connection */
export async function reconnectConnection(connection) {
  if (connection.id === null || connection.tapped) return; // a tapped stream follows the tap's record
  closeBrowserFeed(connection);
  connection.run.ipcFeed.setState("connecting", connection.spec.url);
  connection.running = true;
  await ipc.reconnect(connection.id);
  startBrowserFeed(connection);
  scheduleRender();
}

/** @param {Connection} connection */
export async function removeConnection(connection) {
  await stopConnection(connection);
  state.connections.splice(state.connections.indexOf(connection), 1);
  if (state.selected === connection) {
    state.selected = null;
    const last = state.connections[state.connections.length - 1];
    if (last) selectConnection(last);
    else addConnection(blankSpec());
  }
  scheduleRender();
  scheduleSave();
}

/** Names a connection (empty: none, it is listed by its URL); saved, and shown in the form.
 * A running connection keeps running: the name is only how it is listed.
 * @param {Connection} connection @param {string} name */
export function renameConnection(connection, name) {
  connection.spec = { ...connection.spec, name };
  if (connection === state.selected) input("f-name").value = name;
  scheduleRender();
  scheduleSave();
}

const onUpdate = timed(
  "onUpdate",
  /** @param {Connection} connection @param {ConnectionUpdate} message */
  (connection, message) => {
    const run = connection.run;
    switch (message.type) {
      case "feed":
        onFeedUpdate(connection, message.update);
        break;
      case "batch":
        onBatch(connection, message);
        break;
      case "diagnostics":
        run.diagnostics = message.report;
        break;
      case "expectations":
        run.expectations = message.report;
        break;
      case "llm":
        run.llm = foldLlmReport(run.llm, message.report);
        break;
      case "assembled":
        run.assembled += message.piece;
        run.assembledCounts = { used: message.used, skipped: message.skipped, truncated: message.truncated, done: message.done };
        break;
    }
    scheduleRenderFor(connection);
  },
);

/** @param {Connection} connection @param {FeedUpdate} update */
function onFeedUpdate(connection, update) {
  const run = connection.run;
  const feed = run.ipcFeed;
  switch (update.kind) {
    case "connecting":
      run.attempt = update.attempt;
      feed.setState("connecting", update.attempt > 1 ? `${update.url} (attempt ${update.attempt})` : update.url);
      break;
    case "open":
      feed.setState("open", `HTTP ${update.status}, ${update.contentType || "no Content-Type"}`);
      break;
    case "error":
      run.lastError = update.message;
      feed.setState(update.willRetry ? "retrying" : "failed", update.message, true);
      break;
    case "retrying": {
      const lost = run.lastError ? `${run.lastError} · ` : "";
      const wait = `reconnecting in ${(update.inMs / 1000).toFixed(1)} s (attempt ${run.attempt + 1})`;
      feed.setState("retrying", lost + wait, Boolean(run.lastError));
      break;
    }
    case "closed":
      feed.setState("closed", update.reason);
      break;
  }
}

/** Events the Rust subscriber received since the last batch, and the figures.
 * @param {Connection} connection
 * @param {Extract<ConnectionUpdate, { type: "batch" }>} batch */
function onBatch(connection, batch) {
  const now = performance.now();
  const run = connection.run;
  const feed = run.ipcFeed;
  // One string, an id per line (see BatchIds): far less for the collector than a list.
  if (batch.ids.count > 0) {
    for (const id of batch.ids.lines.split("\n")) run.comparison.observe("ipc", id, now);
  }
  feed.count += batch.ids.count;
  if (batch.latest) {
    feed.latest = batch.latest.preview;
    feed.lastId = batch.latest.id;
  }
  for (const type of batch.newTypes) {
    listenForType(connection, type);
    if (!run.typesSeen.includes(type)) run.typesSeen.push(type);
  }
  run.stats = batch.stats;
  // A batch made before the last filter or clear took effect (it crossed their answer on the
  // way) has rows and counts of the old view: only its figures above count.
  if (batch.counts.view < run.counts.view) return;
  run.counts = batch.counts;
  // The newest rows: appended to what earlier batches brought, or starting afresh.
  if (!batch.tailContinues) run.tail = batch.tail;
  else if (batch.tail.length > 0) run.tail = run.tail.concat(batch.tail);
  if (run.tail.length > TAIL_KEPT) run.tail = run.tail.slice(-TAIL_KEPT);
  if (connection === state.selected) state.render.inspectorDirty = true;
}
