// The LLM panel's action: how the selected connection's stream is read (guessed, a provider,
// or off). The choice is kept in the connection's spec (saved with it) and applied to a
// stream under way at once: Rust reads what the log keeps again (sse_llm does the reading).
import * as ipc from "./ipc.js";
import { select } from "./dom.js";
import { PROVIDERS, foldLlmReport } from "./llm-text.js";
import { state } from "./model.js";
import { scheduleRender } from "./schedule.js";
import { scheduleSave } from "./settings.js";

/** Fills a select with the choices: guess, each provider, off. @param {HTMLSelectElement} choices */
export function fillLlmChoices(choices) {
  const option = (/** @type {string} */ value, /** @type {string} */ label) => new Option(label, value);
  choices.replaceChildren(option("", "Guess"), ...PROVIDERS.map((p) => option(p.key, p.name)), option("off", "Off"));
}

/** Reads the selected connection's stream as `choice` says: "" to guess, "off", or a
 * provider's key. @param {string} choice */
export async function chooseLlm(choice) {
  const connection = state.selected;
  if (!connection) return;
  connection.spec = { ...connection.spec, llm: choice };
  select("f-llm").value = choice;
  scheduleSave();
  const run = connection.run;
  if (connection.id !== null) {
    try {
      run.llm = foldLlmReport(run.llm, await ipc.chooseLlm(connection.id, choice));
      run.llmProblem = "";
    } catch (error) {
      run.llmProblem = ipc.errorMessage(error);
    }
  }
  scheduleRender();
}
