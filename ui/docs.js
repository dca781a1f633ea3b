// The reference pages (fault profiles, stream expectations, the server check, breakpoints) shown
// in a dialog over the window, read from where they are installed with the app. Any button with
// `data-doc` opens its page; Escape or Close puts the focus back on it.
import { $, button, setText } from "./dom.js";
import * as ipc from "./ipc.js";
import { notify } from "./notices.js";

/** @type {Record<import("./gen/ipc").Doc, string>} */
const TITLES = {
  faults: "Fault profiles",
  expectations: "Stream expectations",
  serverCheck: "The server check",
  breakpoints: "Event breakpoints",
};

/** @type {HTMLElement | null} the link that opened the dialog, focused again when it closes */
let opener = null;

/** Opens the page `doc` in the dialog. @param {import("./gen/ipc").Doc} doc */
async function showDoc(doc) {
  const dialog = /** @type {HTMLDialogElement} */ ($("doc-dialog"));
  try {
    const page = await ipc.readDoc(doc);
    setText($("doc-title"), TITLES[doc]);
    setText($("doc-path"), page.path);
    const text = $("doc-text");
    setText(text, page.text);
    text.scrollTop = 0;
    if (!dialog.open) dialog.showModal();
    text.focus();
  } catch (error) {
    notify(`${TITLES[doc]}: ${ipc.errorMessage(error)}`);
  }
}

export function wireDocs() {
  const dialog = /** @type {HTMLDialogElement} */ ($("doc-dialog"));
  // Panels mount their content later: one listener on the page serves every link.
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("[data-doc]") : null;
    if (!(target instanceof HTMLElement)) return;
    const doc = target.dataset.doc;
    if (doc !== "faults" && doc !== "expectations" && doc !== "serverCheck") return;
    opener = target;
    showDoc(doc);
  });
  button("doc-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });
}
