// Saving the connection list (secrets go to the keyring on the Rust side).
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { notify } from "./notices.js";

const SAVE_DELAY_MS = 400; // settings are saved this long after the last change

export function scheduleSave() {
  clearTimeout(state.timers.save);
  state.timers.save = setTimeout(saveConnections, SAVE_DELAY_MS);
}

async function saveConnections() {
  if (!ipc.available()) return;
  const base = state.embeddedBaseUrl;
  const kept = state.connections.filter((c) => !c.tapped && c.spec.url && !(base && c.spec.url.startsWith(base)));
  /** @type {import("./gen/ipc").SavedConnection[]} */
  const saved = kept.map((c) => ({ key: c.savedKey, spec: c.spec, secrets: "none" }));
  try {
    const notes = await ipc.saveConnections(saved, state.selected ? state.selected.savedKey : null);
    notes.forEach((note) => notify(note));
  } catch (error) {
    notify(ipc.errorMessage(error));
  }
}
