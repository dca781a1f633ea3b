// The sidebar's preset menu: ready-made connections (the embedded counter, LLM APIs...).
import { addConnection, openConnection } from "./connections.js";
import { $, select, setText } from "./dom.js";

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
    setText($("preset-hint"), preset.hint ? `${preset.label}: ${preset.hint}.` : "");
    const connection = addConnection(structuredClone(preset.spec));
    // A preset that needs something filled in (a key, say) waits for the user.
    if (!preset.hint) openConnection(connection, connection.spec);
  });
}
