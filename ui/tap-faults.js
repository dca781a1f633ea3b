// A tap's Faults box (docs/faults.md, "Through a tap"): the whole rule list as JSON in the
// `sse-tap --faults` format, the chosen rule's common faults as controls (kept in step with the
// JSON both ways), Apply (Ctrl+Enter), Clear, Revert, and a rule file loaded or saved. Rules
// live in the tap, never in the settings: a tap that starts with the app breaks nothing.
import { $, button, input, select, setText, textarea } from "./dom.js";
import { ruleControlsOf, ruleList, ruleListText, ruleName, withRuleControls } from "./fault-controls.js";
import * as ipc from "./ipc.js";
import { state } from "./model.js";
import { scheduleRender } from "./schedule.js";

/** @typedef {import("./model.js").Tap} Tap */
/** @typedef {import("./gen/ipc").TapFaults} TapFaults */

/** The controls of the chosen rule, by their field. */
const CONTROLS = {
  method: "tf-method",
  path: "tf-path",
  cutAfterEvents: "tf-cut-events",
  dripBytesPerSecond: "tf-drip",
  lineEnding: "tf-line-ending",
  client: "tf-client",
};

/** What the box was last drawn for: the text is the user's while the same tap is shown. */
let drawnFor = /** @type {Tap | null} */ (null);

/** The rules the tap has, put in its box. @param {Tap} tap @param {TapFaults} faults */
function took(tap, faults) {
  tap.faults.count = faults.count;
  tap.faults.text = faults.rules;
  tap.faults.rule = Math.min(tap.faults.rule, Math.max(faults.count - 1, 0));
  if (state.selectedTap === tap) writeBox(tap);
}

/** Runs `work` for the selected tap, saying what it did or why it failed.
 * @param {(tap: Tap) => Promise<string>} work */
async function act(work) {
  const tap = state.selectedTap;
  if (!tap) return;
  try {
    tap.faults.note = await work(tap);
    tap.faults.problem = "";
  } catch (error) {
    tap.faults.problem = ipc.errorMessage(error);
  }
  tap.version += 1;
  scheduleRender();
}

/** The tap's backend id, or why there is none. @param {Tap} tap */
function backendId(tap) {
  if (tap.id === null) throw new Error("Start the tap first: its rules apply while it listens.");
  return tap.id;
}

const apply = () =>
  act(async (tap) => {
    const faults = await ipc.setTapFaults(backendId(tap), tap.faults.text);
    took(tap, faults);
    return faults.count === 0 ? "" : "Applied: new exchanges take them.";
  });

const clear = () =>
  act(async (tap) => {
    took(tap, await ipc.setTapFaults(backendId(tap), "[]"));
    return "Rules cleared: every exchange passes untouched.";
  });

const revert = () =>
  act(async (tap) => {
    took(tap, await ipc.tapFaults(backendId(tap)));
    return "The rules the tap has now.";
  });

const load = () =>
  act(async (tap) => {
    const text = await ipc.loadFaultRules();
    if (text === null) return tap.faults.note;
    tap.faults.text = text;
    tap.faults.rule = 0;
    writeBox(tap);
    return "Loaded into the box: Apply rules gives them to the tap.";
  });

const save = () =>
  act(async (tap) => {
    const saved = await ipc.saveFaultRules(tap.faults.text);
    return saved ? `Saved to ${saved.path}: sse-tap --faults ${saved.path}` : tap.faults.note;
  });

/** Adds a rule (any exchange, nothing done yet) or removes the chosen one. @param {"add" | "remove"} change */
function editList(change) {
  const tap = state.selectedTap;
  if (!tap) return;
  const rules = ruleList(tap.faults.text);
  if (!rules) {
    tap.faults.problem = "The rules are not a JSON array of objects yet: fix the text first.";
    scheduleRender();
    return;
  }
  if (change === "add") {
    rules.push({ path: "/*" });
    tap.faults.rule = rules.length - 1;
  } else if (rules.length > 0) {
    rules.splice(tap.faults.rule, 1);
    tap.faults.rule = Math.max(0, Math.min(tap.faults.rule, rules.length - 1));
  }
  tap.faults.text = ruleListText(rules);
  tap.faults.problem = "";
  writeBox(tap);
  scheduleRender();
}

/** The box's text, rule chooser and controls from the tap's state. @param {Tap} tap */
function writeBox(tap) {
  textarea("tf-json").value = tap.faults.text;
  writeChooser(tap);
  writeControls(tap);
}

/** @param {Tap} tap */
function writeChooser(tap) {
  const rules = ruleList(tap.faults.text);
  const chooser = select("tf-rule");
  if (!rules) return; // mid-typing: the chooser stays as it was
  const names = rules.map((rule, at) => ruleName(rule, at));
  const shown = [...chooser.options].map((option) => option.text);
  if (shown.join("\n") !== names.join("\n")) {
    chooser.replaceChildren(...names.map((name, at) => new Option(name, String(at))));
  }
  chooser.value = String(tap.faults.rule);
  chooser.disabled = rules.length === 0;
  button("tf-remove").disabled = rules.length === 0;
}

/** @param {Tap} tap */
function writeControls(tap) {
  const read = ruleControlsOf(tap.faults.text, tap.faults.rule);
  for (const [field, id] of Object.entries(CONTROLS)) {
    const control = /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id));
    control.disabled = read === null;
    if (read && document.activeElement !== control) control.value = read[/** @type {keyof typeof CONTROLS} */ (field)];
  }
  input("tf-once").disabled = read === null;
  if (read) input("tf-once").checked = read.once;
}

/** The controls' values. */
function controls() {
  /** @param {string} id */
  const value = (id) => /** @type {HTMLInputElement} */ ($(id)).value;
  return {
    method: value(CONTROLS.method),
    path: value(CONTROLS.path),
    cutAfterEvents: value(CONTROLS.cutAfterEvents),
    dripBytesPerSecond: value(CONTROLS.dripBytesPerSecond),
    lineEnding: value(CONTROLS.lineEnding),
    client: value(CONTROLS.client),
    once: input("tf-once").checked,
  };
}

/** Draws the selected tap's Faults box: its text once per tap (then it is the user's), the
 * state line and the problem. @param {Tap} tap */
export function renderTapFaults(tap) {
  if (drawnFor !== tap) {
    drawnFor = tap;
    writeBox(tap);
  }
  const count = tap.faults.count;
  const has = count === 0 ? "The tap has no fault rules: every exchange passes untouched." : `The tap has ${count === 1 ? "1 fault rule" : `${count} fault rules`}: the first that selects an exchange applies to it.`;
  setText($("tf-state"), tap.faults.note ? `${has} ${tap.faults.note}` : has);
  setText($("tf-problem"), tap.faults.problem);
  for (const id of ["tf-apply", "tf-clear", "tf-revert"]) button(id).disabled = tap.id === null;
}

/** The status line's badge: plain to see while a tap has rules. @param {Tap} tap */
export function renderFaultsBadge(tap) {
  const badge = button("tap-faults-badge");
  const count = tap.faults.count;
  badge.hidden = count === 0;
  setText(badge, count === 1 ? "FAULTS: 1 RULE" : `FAULTS: ${count} RULES`);
}

/** The Faults box's own controls. @param {(tap: Tap) => void} showFaults shows the tab */
export function wireTapFaults(showFaults) {
  const json = textarea("tf-json");
  json.addEventListener("input", () => {
    const tap = state.selectedTap;
    if (!tap) return;
    tap.faults.text = json.value;
    writeChooser(tap);
    writeControls(tap);
  });
  for (const id of [...Object.values(CONTROLS), "tf-once"]) {
    $(id).addEventListener("input", () => {
      const tap = state.selectedTap;
      const written = tap ? withRuleControls(tap.faults.text, tap.faults.rule, controls()) : null;
      if (!tap || written === null) return;
      tap.faults.text = written;
      json.value = written;
      writeChooser(tap);
    });
  }
  select("tf-rule").addEventListener("change", () => {
    const tap = state.selectedTap;
    if (!tap) return;
    tap.faults.rule = Number(select("tf-rule").value);
    writeControls(tap);
  });
  // Ctrl+Enter applies from anywhere in the box.
  $("tap-faults").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      apply();
    }
  });
  button("tf-apply").addEventListener("click", apply);
  button("tf-clear").addEventListener("click", clear);
  button("tf-revert").addEventListener("click", revert);
  button("tf-load").addEventListener("click", load);
  button("tf-save").addEventListener("click", save);
  button("tf-add").addEventListener("click", () => editList("add"));
  button("tf-remove").addEventListener("click", () => editList("remove"));
  button("tap-faults-badge").addEventListener("click", () => {
    if (state.selectedTap) showFaults(state.selectedTap);
  });
}
