// The app's OpenTelemetry export (Export to OpenTelemetry… in the LLM tab): one collector for
// every LLM call of a connection or a tap, set and turned off here, its status asked of Rust
// (which sends, counts and keeps the first failure). The header's value goes to Rust and the
// keyring; the window never shows it back.
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { notify } from "./notices.js";
import { scheduleRender } from "./schedule.js";

/** The least time between two asks for the status while the LLM tab shows. */
const STATUS_EVERY_MS = 1000;

/** The export as saved (Rust applied it when the settings loaded).
 * @param {import("./gen/ipc").OtlpSettings | null} settings */
export function loadOtlp(settings) {
  state.otlp.settings = settings;
  refreshOtlp(true);
}

/** Asks Rust where the export stands (at most once a second unless `now`). @param {boolean} [now] */
export async function refreshOtlp(now = false) {
  if (!now && performance.now() - state.otlp.askedAt < STATUS_EVERY_MS) return;
  state.otlp.askedAt = performance.now();
  try {
    state.otlp.status = await ipc.otlpExportStatus();
  } catch (error) {
    state.otlp.problem = ipc.errorMessage(error);
  }
  scheduleRender();
}

/** Opens or closes the form. @param {boolean} open */
export function editOtlp(open) {
  state.otlp.editing = open;
  state.otlp.problem = "";
  scheduleRender();
}

/** Sets the export (null: off); a wrong URL or protocol stays in the form, said.
 * @param {import("./gen/ipc").OtlpSettings | null} settings */
export async function applyOtlp(settings) {
  try {
    const [status, notes] = await ipc.setOtlpExport(settings);
    state.otlp.status = status;
    state.otlp.settings = settings;
    state.otlp.editing = false;
    state.otlp.problem = "";
    notes.forEach((note) => notify(note));
  } catch (error) {
    state.otlp.problem = ipc.errorMessage(error);
  }
  scheduleRender();
}
