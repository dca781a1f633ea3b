// SSE Monitor's window: connections to any SSE server, each shown through the Rust
// subscriber (over IPC) and, where the browser can open it, through the webview's own
// EventSource. This file boots the page and wires its parts; each part is its own module.
// Note: wry defines a non-configurable `window.ipc`; nothing here may be a global.
import { addConnection, openConnection, reconnectConnection, stopConnection } from "./connections.js";
import { $, button, input, setText } from "./dom.js";
import { wireForm } from "./form.js";
import { wireInspector } from "./inspector.js";
import * as ipc from "./ipc.js";
import { onKey } from "./keys.js";
import { renderList } from "./list.js";
import { renderInspector } from "./log.js";
import { blankSpec, state } from "./model.js";
import { notify } from "./notices.js";
import { mountPanels, updatePanels } from "./panels.js";
import { wirePresets } from "./presets.js";
import { timed } from "./probe.js";
import { plural } from "./format.js";
import { setFrame } from "./schedule.js";
import { renderStatus } from "./status.js";
import { installTestHook } from "./test-hook.js";

const SLOW_RENDER_MS = 250; // the list, figures and the comparison: 4 times a second

/** One frame: the log and the feeds' figures every frame, the rest 4 times a second (at
 * thousands of events a second, redrawing it all every frame would cost frames). True when
 * another frame is wanted. */
const drawFrame = timed(
  /** @param {number} now */
  (now) => {
    const slow = now - state.render.slowRenderedAt >= SLOW_RENDER_MS;
    if (slow) {
      state.render.slowRenderedAt = now;
      renderList();
    }
    const connection = state.selected;
    if (connection) {
      renderStatus(connection);
      updatePanels(connection, slow);
      renderInspector(false);
    }
    return !slow;
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
    wirePresets(await ipc.connectionPresets());
    wireInspector();
    document.addEventListener("keydown", onKey);
    const loaded = await ipc.loadSettings();
    loaded.problems.forEach(notify);
    for (const saved of loaded.settings.connections) addConnection(saved.spec, false, saved.key);
    const initial = addConnection(await ipc.initialConnection());
    await openConnection(initial, initial.spec);
  } catch (error) {
    setText($("ipc-detail"), ipc.errorMessage(error));
  }
}

start();
