// SSE Monitor's window: connections to any SSE server, each shown through the Rust
// subscriber (over IPC) and, where the browser can open it, through the webview's own
// EventSource. This file boots the page and wires its parts; each part is its own module.
// Note: wry defines a non-configurable `window.ipc`; nothing here may be a global.
import { addConnection, openConnection, openTappedStream, reconnectConnection, stopConnection } from "./connections.js";
import { $, button, input, setText } from "./dom.js";
import { wireDocs } from "./docs.js";
import { wireForm } from "./form.js";
import { wireInspector } from "./inspector.js";
import * as ipc from "./ipc.js";
import { drawCounts } from "./counts.js";
import { onKey } from "./keys.js";
import { wireLayout } from "./layout.js";
import { renderList as drawList } from "./list.js";
import { renderInspector as drawInspector } from "./log.js";
import { blankSpec, state } from "./model.js";
import { notify } from "./notices.js";
import { loadOtlp } from "./otlp.js";
import { mountPanels, updatePanels } from "./panels.js";
import { wirePresets } from "./presets.js";
import { timed } from "./probe.js";
import { plural } from "./format.js";
import { setFrame } from "./schedule.js";
import { renderStatus as drawStatus } from "./status.js";
import { installTestHook } from "./test-hook.js";
import { showTapTab, wireTapExchange } from "./tap-exchange.js";
import { wireTapFaults } from "./tap-faults.js";
import { wireTapBreakpoints } from "./tap-breakpoints.js";
import { wireHeld } from "./tap-held.js";
import { wireTapMcp } from "./tap-mcp.js";
import { renderTap as drawTap, wireExchangeTable } from "./tap-view.js";
import { wireWaterfall } from "./waterfall.js";
import { addTap, selectTap, startTap, wireTaps } from "./taps.js";

const SLOW_RENDER_MS = 250; // the list, figures and the comparison: 4 times a second
// A frame drawn for news takes the slow parts along once they are this old, so at a few
// events a second they need no frames of their own.
const SLOW_EARLY_MS = 200;
const PAUSED_RENDER_MS = 1000; // a paused view holds still: it redraws once a second

// The parts of a frame, timed for the frame probe (probe.js).
const renderList = timed("list", drawList);
const renderStatus = timed("status", drawStatus);
const renderInspector = timed("log", drawInspector);
const renderTap = timed("tap", drawTap);

/** One frame: the log and the feeds' figures every frame, the rest at most 4 times a second
 * (at thousands of events a second, redrawing it all every frame would cost frames); a paused
 * view only once a second. Returns when the rest is due, if it was not drawn now. */
const drawFrame = timed(
  "drawFrame",
  /** @param {number} now @returns {number | null} */
  (now) => {
    if (state.selectedTap) {
      // A tap's view: its rows move at most 4 times a second, as its updates come.
      state.render.slowRenderedAt = now;
      renderList();
      renderTap();
      return null;
    }
    const connection = state.selected;
    // Paused while news can come: a stopped connection brings none, so needs no ticks.
    const paused = connection !== null && connection.paused && connection.running;
    const period = paused ? PAUSED_RENDER_MS : SLOW_RENDER_MS;
    const sinceSlow = now - state.render.slowRenderedAt;
    const slow = sinceSlow >= (paused ? PAUSED_RENDER_MS : SLOW_EARLY_MS);
    if (!slow && paused) return period - sinceSlow;
    if (slow) {
      state.render.slowRenderedAt = now;
      renderList();
    }
    if (connection) {
      renderStatus(connection);
      updatePanels(connection, slow);
      drawCounts(connection);
      renderInspector(false);
    }
    // A paused view ticks on by itself (its news asks for no frames); the rest waits for news.
    if (slow) return paused ? PAUSED_RENDER_MS : null;
    return period - sinceSlow;
  },
);

function wireConnectionButtons() {
  wireForm((spec) => {
    if (state.selected) openConnection(state.selected, spec);
  });
  button("disconnect-button").addEventListener("click", () => {
    if (state.selected) stopConnection(state.selected, "disconnected", true);
  });
  button("reconnect-button").addEventListener("click", () => {
    if (state.selected) reconnectConnection(state.selected);
  });
  button("tapped-back").addEventListener("click", () => {
    const tapped = state.selected && state.selected.tapped;
    if (tapped && state.taps.includes(tapped.tap)) selectTap(tapped.tap);
  });
  button("new-connection").addEventListener("click", () => {
    addConnection(blankSpec());
    input("f-url").focus();
  });
}

async function start() {
  mountPanels();
  setFrame(drawFrame);
  if (!ipc.available()) {
    setText($("ipc-detail"), "Tauri IPC is not available: open this page in the SSE Monitor app.");
    return;
  }
  try {
    const info = await ipc.serverInfo();
    if (info.testHooks) installTestHook();
    state.embeddedBaseUrl = info.baseUrl;
    setText($("server-url"), info.baseUrl);
    setText($("counter-stream"), info.counterStream);
    const subscribers = $("subscribers");
    await ipc.watchServer(({ stream, subscribers: count }) => {
      if (stream === info.counterStream) setText(subscribers, plural(count, "subscriber"));
    });
    wireConnectionButtons();
    wireDocs();
    wireTaps();
    wireExchangeTable();
    wireTapFaults((tap) => {
      showTapTab(tap, "faults");
      button("tap-tab-faults").focus();
    });
    wireTapBreakpoints((tap) => {
      showTapTab(tap, "breakpoints");
      // The held event's panel once it is drawn (its keys act on it), else the tab.
      requestAnimationFrame(() => ($("bp-event").hidden ? button("tap-tab-breakpoints") : $("bp-event")).focus());
    });
    wireHeld();
    wireTapMcp();
    wireWaterfall(() => state.selectedTap);
    // A replayed stream opens as a connection to the embedded server (as an import does).
    wireTapExchange(
      (imported) => {
        const connection = addConnection(imported.spec);
        openConnection(connection, imported.spec);
      },
      (tap, row) => openTappedStream(tap, row),
    );
    ipc.watchProblems(notify).catch(() => {});
    wirePresets(await ipc.connectionPresets());
    wireInspector();
    document.addEventListener("keydown", onKey);
    const loaded = await ipc.loadSettings();
    wireLayout(loaded.settings.panes);
    loaded.problems.forEach((problem) => notify(problem));
    loadOtlp(loaded.settings.otlp ? loaded.settings.otlp.settings : null);
    for (const saved of loaded.settings.connections) addConnection(saved.spec, false, saved.key);
    // Saved taps listen again at once, on their ports when free (the app pointed at one finds it).
    for (const saved of loaded.settings.taps) startTap(addTap(saved.spec, false, saved.key), saved.spec);
    const initial = addConnection(await ipc.initialConnection());
    // A new size of the log (a splitter, the window) shows a new number of rows.
    new ResizeObserver(() => drawInspector(true)).observe($("ipc-log"));
    showWindow();
    await openConnection(initial, initial.spec);
  } catch (error) {
    setText($("ipc-detail"), ipc.errorMessage(error));
    showWindow();
  }
}

/** The window starts hidden, on the page's background: it is shown once the page is laid out
 * with the saved sizes, so it never flashes white or jumps. */
function showWindow() {
  ipc.windowReady().catch(() => {});
}

start();
