// Messages above the workspace, each shown once until the user dismisses it.
import { $ } from "./dom.js";
import { state } from "./model.js";

/** @param {string} text */
export function notify(text) {
  if (state.shownNotices.has(text)) return;
  state.shownNotices.add(text);
  const notice = document.createElement("p");
  notice.className = "notice";
  const message = document.createElement("span");
  message.textContent = text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => notice.remove());
  notice.append(message, dismiss);
  $("notices").append(notice);
}
