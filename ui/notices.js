// Messages over the workspace (never in its flow), each shown once until the user dismisses it.
import { $ } from "./dom.js";
import { state } from "./model.js";

/** Shows `text` over the workspace (once) until dismissed: a warning, or a success (a file
 * written, a replay started). @param {string} text @param {"warning" | "success"} [kind] */
export function notify(text, kind = "warning") {
  if (state.shownNotices.has(text)) return;
  state.shownNotices.add(text);
  const notice = document.createElement("p");
  notice.className = `notice ${kind}`;
  const message = document.createElement("span");
  message.textContent = text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => notice.remove());
  notice.append(message, dismiss);
  $("notices").append(notice);
}
