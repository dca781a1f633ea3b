// Messages above the workspace. A warning stays (shown once) until the user dismisses it; a
// success (a file written, a replay started) floats over the workspace's corner for a few
// seconds and goes: it never moves the layout, and clicks pass through it.
import { $ } from "./dom.js";
import { state } from "./model.js";

/** How long a success stays. */
const SUCCESS_MS = 6000;

/** Shows `text`: a warning (once, until dismissed) or a success (for a few seconds).
 * @param {string} text @param {"warning" | "success"} [kind] */
export function notify(text, kind = "warning") {
  const notice = document.createElement("p");
  notice.className = `notice ${kind}`;
  const message = document.createElement("span");
  message.textContent = text;
  notice.append(message);
  if (kind === "success") {
    $("toasts").append(notice);
    setTimeout(() => notice.remove(), SUCCESS_MS);
    return;
  }
  if (state.shownNotices.has(text)) return;
  state.shownNotices.add(text);
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => notice.remove());
  notice.append(dismiss);
  $("notices").append(notice);
}
