// The sidebar's preset menu: ready-made connections (the embedded counter, LLM APIs...).
import { addConnection, openConnection, removeConnection } from "./connections.js";
import { select } from "./dom.js";
import { showFormHint } from "./form.js";
import { state } from "./model.js";

/** @param {import("./gen/ipc").Preset[]} presets */
export function wirePresets(presets) {
  const menu = select("preset-select");
  for (const preset of presets) {
    const option = document.createElement("option");
    option.value = preset.id;
    option.textContent = preset.label;
    menu.append(option);
  }
  menu.addEventListener("change", () => {
    const preset = presets.find((p) => p.id === menu.value);
    menu.value = "";
    if (!preset) return;
    // A blank connection the user has not touched is taken over, not left behind empty.
    const blank = state.selected;
    const replaces = blank && !blank.tapped && blank.id === null && !blank.edited && blank.spec.url === "";
    const connection = addConnection(structuredClone(preset.spec));
    if (replaces) removeConnection(blank);
    // A preset that needs something filled in (a key, say) waits for the user, its hint
    // beside the field.
    if (preset.hint) {
      connection.hint = { text: `${preset.label}: ${preset.hint}.`, field: preset.hintField };
      showFormHint(connection.hint);
    } else openConnection(connection, connection.spec);
  });
}
