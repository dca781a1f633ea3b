// The sidebar's lists: connections, then taps. Each entry by its name (or what sets it apart)
// over where it connects or listens, the full URL on hover; a double click or F2 renames it
// in place.
import { removeConnection, renameConnection, selectConnection } from "./connections.js";
import { $, find, setText, span } from "./dom.js";
import { state } from "./model.js";
import { removeTap, renameTap, selectTap } from "./taps.js";

/** @typedef {import("./model.js").Connection} Connection */
/** @typedef {import("./model.js").Tap} Tap */

/**
 * What an entry shows and does.
 * @typedef {object} Entry
 * @property {string} key what identifies it across redraws
 * @property {{ title: string, where: string }} label
 * @property {string} name the user's name for it, or empty
 * @property {string} hover the full URL, on hover
 * @property {string} state its dot's colour
 * @property {string} count
 * @property {boolean} selected
 * @property {string} kind "connection" or "tap", in messages
 * @property {() => void} pick
 * @property {(name: string) => void} rename
 * @property {() => void} close
 */

/** @param {Connection} connection @returns {Entry} */
function connectionEntry(connection) {
  const shown = connection === state.selected && state.selectedTap === null;
  return {
    key: `${connection.savedKey}\u0000${connection.spec.name}\u0000${connection.spec.url}`,
    label: connection.label,
    name: connection.spec.name || "",
    hover: connection.spec.url || "no URL yet",
    state: connection.run.ipcFeed.state,
    // The selected connection's count is in its card beside the list, and only there (counts.js).
    count: shown ? "" : String(connection.run.ipcFeed.count),
    selected: shown,
    kind: "connection",
    pick: () => selectConnection(connection),
    rename: (name) => renameConnection(connection, name),
    close: () => removeConnection(connection),
  };
}

/** @param {Tap} tap @returns {Entry} */
function tapEntry(tap) {
  const label = tap.label;
  return {
    key: `${tap.savedKey}\u0000${label.title}\u0000${label.where}`,
    label,
    name: tap.spec.name,
    hover: `${tap.spec.upstream || "no upstream yet"}${tap.listenUrl ? `\nlistening on ${tap.listenUrl}` : ""}`,
    state: tap.badgeState,
    count: String(tap.exchanges.size),
    selected: tap === state.selectedTap,
    kind: "tap",
    pick: () => selectTap(tap),
    rename: (name) => renameTap(tap, name),
    close: () => removeTap(tap),
  };
}

export function renderList() {
  renderEntries($("connection-list"), state.connections.map(connectionEntry));
  renderEntries($("tap-list"), state.taps.map(tapEntry));
}

/** @param {HTMLElement} list @param {Entry[]} entries */
function renderEntries(list, entries) {
  if (list.querySelector(".rename")) return; // not while a name is being typed
  // Rebuilt only when the list itself changed; otherwise only counts and states move.
  const shape = entries.map((e) => `${e.key}\u0000${e.selected}`).join("\u0001");
  if (list.dataset.shape === shape) {
    entries.forEach((entry, i) => {
      const item = list.children[i];
      setText(find(item, ".count", HTMLElement), entry.count);
      const dot = find(item, ".dot", HTMLElement);
      if (dot.dataset.state !== entry.state) dot.dataset.state = entry.state;
    });
    return;
  }
  list.dataset.shape = shape;
  list.replaceChildren(...entries.map((entry) => listItem(list, entry)));
  // The list scrolls on its own: the one selected (a new one is last) is brought into view.
  const selected = list.querySelector("li.selected");
  if (selected) selected.scrollIntoView({ block: "nearest" });
}

/** @param {HTMLElement} list @param {Entry} entry */
function listItem(list, entry) {
  const item = document.createElement("li");
  item.className = entry.selected ? "selected" : "";
  const { title, where } = entry.label;
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "pick";
  pick.title = `${entry.hover}\nDouble-click or F2 to rename`;
  if (entry.selected) pick.setAttribute("aria-current", "true");
  const dot = span("dot", "");
  dot.dataset.state = entry.state;
  const label = document.createElement("span");
  label.className = "label";
  const second = document.createElement("span");
  second.className = "second";
  second.append(span("where", where), span("count", entry.count));
  label.append(span("name", title), second);
  pick.append(dot, label);
  pick.addEventListener("click", entry.pick);
  pick.addEventListener("dblclick", () => startRename(list, item, entry));
  pick.addEventListener("keydown", (event) => {
    if (event.key !== "F2") return;
    event.preventDefault();
    startRename(list, item, entry);
  });
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.title = `Close this ${entry.kind}`;
  close.setAttribute("aria-label", `Close ${title}`);
  close.textContent = "×";
  close.addEventListener("click", entry.close);
  item.append(pick, close);
  return item;
}

/** Puts a name field in place of the entry: Enter keeps the name (empty: none), Escape and
 * leaving the field keep the old one. @param {HTMLElement} list @param {HTMLLIElement} item @param {Entry} entry */
function startRename(list, item, entry) {
  const field = document.createElement("input");
  field.type = "text";
  field.className = "rename";
  field.value = entry.name;
  field.placeholder = entry.label.title;
  field.setAttribute("aria-label", `Name of the ${entry.kind}`);
  let done = false;
  /** @param {boolean} keep */
  const finish = (keep) => {
    if (done) return;
    done = true;
    field.remove();
    if (keep) entry.rename(field.value.trim());
    list.dataset.shape = ""; // redrawn with the name
    renderList();
  };
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter") finish(true);
    else if (event.key === "Escape") finish(false);
    else return;
    event.preventDefault();
    event.stopPropagation();
  });
  field.addEventListener("blur", () => finish(false));
  item.replaceChildren(field);
  field.focus();
  field.select();
}
