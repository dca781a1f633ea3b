// The quick controls of a fault profile (docs/faults.md) and the JSON beside them, kept in
// step both ways: the controls write their fields into the JSON, and JSON typed by hand moves
// the controls. The Server tab's Faults box (one profile) and a tap's (a rule of its list)
// share them.

/** @typedef {{ cutAfterEvents: string, dripBytesPerSecond: string, lineEnding: string, client: string, once: boolean }} FaultControls */
/** @typedef {FaultControls & { method: string, path: string }} RuleControls */

/** JSON as an object; null when it is not a JSON object (mid-typing, say).
 * @param {string} json @returns {Record<string, unknown> | null} */
export function profileObject(json) {
  try {
    const parsed = JSON.parse(json || "{}");
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** @param {unknown} value */
const text = (value) => (typeof value === "number" || typeof value === "string" ? String(value) : "");
/** @param {string} typed */
const number = (typed) => (typed.trim() === "" || !Number.isFinite(Number(typed)) ? "" : Number(typed));

/** Writes `controls` into `profile` (blank controls remove their field).
 * @param {Record<string, unknown>} profile @param {Partial<RuleControls>} controls */
function put(profile, controls) {
  /** @param {string} key @param {unknown} value */
  const set = (key, value) => {
    if (value === "" || value === false || value === null || value === undefined) delete profile[key];
    else profile[key] = value;
  };
  if (controls.method !== undefined) set("method", controls.method.trim().toUpperCase());
  if (controls.path !== undefined) set("path", controls.path.trim());
  set("cutAfterEvents", number(controls.cutAfterEvents ?? ""));
  set("dripBytesPerSecond", number(controls.dripBytesPerSecond ?? ""));
  set("lineEnding", controls.lineEnding);
  set("client", (controls.client ?? "").trim());
  set("once", controls.once);
}

/** The controls' values in `profile`. @param {Record<string, unknown>} profile @returns {FaultControls} */
function read(profile) {
  return {
    cutAfterEvents: text(profile.cutAfterEvents),
    dripBytesPerSecond: text(profile.dripBytesPerSecond),
    lineEnding: typeof profile.lineEnding === "string" ? profile.lineEnding : "",
    client: text(profile.client),
    once: profile.once === true,
  };
}

/**
 * The profile JSON with the quick controls' values written in; text that is not a JSON object
 * is started afresh.
 * @param {string} json
 * @param {FaultControls} controls
 */
export function withControls(json, controls) {
  const profile = profileObject(json) ?? {};
  put(profile, controls);
  return JSON.stringify(profile);
}

/**
 * The quick controls' values read back from profile JSON typed by hand, so the controls never
 * contradict the JSON beside them; null while the text is not a JSON object (mid-typing).
 * @param {string} json
 * @returns {FaultControls | null}
 */
export function controlsOf(json) {
  const profile = profileObject(json);
  return profile ? read(profile) : null;
}

/** A rule list (a tap's `--faults` file) as an array of objects; null while it is not one.
 * @param {string} json @returns {Record<string, unknown>[] | null} */
export function ruleList(json) {
  try {
    const parsed = JSON.parse(json.trim() || "[]");
    return Array.isArray(parsed) && parsed.every(isObject) ? parsed : null;
  } catch {
    return null;
  }
}

/** A rule list written as the tap writes it: one rule a line. @param {Record<string, unknown>[]} rules */
export function ruleListText(rules) {
  return rules.length === 0 ? "[]" : `[\n  ${rules.map((rule) => JSON.stringify(rule)).join(",\n  ")}\n]\n`;
}

/** What names a rule in the chooser: `1 · POST /v1/* · cutAfterEvents`.
 * @param {Record<string, unknown>} rule @param {number} at */
export function ruleName(rule, at) {
  const selects = `${text(rule.method) || "any"} ${text(rule.path) || "*"}${rule.client ? ` · client ${text(rule.client)}` : ""}`;
  const does = Object.keys(rule).filter((key) => !["method", "path", "client", "once", "seed"].includes(key));
  return `${at + 1} · ${selects} · ${does.length ? does.join(", ") : "nothing yet"}`;
}

/** The list with rule `at`'s controls written in; null while the list is not one.
 * @param {string} json @param {number} at @param {RuleControls} controls */
export function withRuleControls(json, at, controls) {
  const rules = ruleList(json);
  if (!rules || !rules[at]) return null;
  put(rules[at], controls);
  return ruleListText(rules);
}

/** Rule `at`'s controls; null while the list is not one or has no such rule.
 * @param {string} json @param {number} at @returns {RuleControls | null} */
export function ruleControlsOf(json, at) {
  const rules = ruleList(json);
  const rule = rules ? rules[at] : undefined;
  return rule ? { method: text(rule.method), path: text(rule.path), ...read(rule) } : null;
}
