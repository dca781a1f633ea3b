// The connection list in the sidebar: each entry by its name (or what sets it apart) over
// where it connects, the full URL on hover; a double click or F2 renames it in place.
import { removeConnection, renameConnection, selectConnection } from "./connections.js";
import { $, find, setText, span } from "./dom.js";
import { state } from "./model.js";

/** @typedef {import("./model.js").Connection} Connection */

export function renderList() {
  const list = $("connection-list");
  if (list.querySelector(".rename")) return; // not while a name is being typed
  const connections = state.connections;
  // Rebuilt only when the list itself changed; otherwise only counts and states move.
  const shape = connections
    .map((c) => `${c.savedKey}\u0000${c.spec.name}\u0000${c.spec.url}\u0000${c === state.selected}`)
    .join("\u0001");
  if (list.dataset.shape === shape) {
    connections.forEach((connection, i) => {
      const item = list.children[i];
      setText(find(item, ".count", HTMLElement), String(connection.run.ipcFeed.count));
      const dot = find(item, ".dot", HTMLElement);
      if (dot.dataset.state !== connection.run.ipcFeed.state) dot.dataset.state = connection.run.ipcFeed.state;
    });
    return;
  }
  list.dataset.shape = shape;
  list.replaceChildren(...connections.map(listItem));
}

/** @param {Connection} connection */
function listItem(connection) {
  const item = document.createElement("li");
  item.className = connection === state.selected ? "selected" : "";
  const { title, where } = connection.label;
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "pick";
  pick.title = `${connection.spec.url || "no URL yet"}\nDouble-click or F2 to rename`;
  if (connection === state.selected) pick.setAttribute("aria-current", "true");
  const dot = span("dot", "");
  dot.dataset.state = connection.run.ipcFeed.state;
  const label = document.createElement("span");
  label.className = "label";
  const second = document.createElement("span");
  second.className = "second";
  second.append(span("where", where), span("count", String(connection.run.ipcFeed.count)));
  label.append(span("name", title), second);
  pick.append(dot, label);
  pick.addEventListener("click", () => selectConnection(connection));
  pick.addEventListener("dblclick", () => startRename(item, connection));
  pick.addEventListener("keydown", (event) => {
    if (event.key !== "F2") return;
    event.preventDefault();
    startRename(item, connection);
  });
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.title = "Close this connection";
  close.setAttribute("aria-label", `Close ${title}`);
  close.textContent = "×";
  close.addEventListener("click", () => removeConnection(connection));
  item.append(pick, close);
  return item;
}

/** Puts a name field in place of the entry: Enter keeps the name (empty: none), Escape and
 * leaving the field keep the old one. @param {HTMLLIElement} item @param {Connection} connection */
function startRename(item, connection) {
  const field = document.createElement("input");
  field.type = "text";
  field.className = "rename";
  field.value = connection.spec.name || "";
  field.placeholder = connection.label.title;
  field.setAttribute("aria-label", "Name of the connection");
  let done = false;
  /** @param {boolean} keep */
  const finish = (keep) => {
    if (done) return;
    done = true;
    field.remove();
    if (keep) renameConnection(connection, field.value.trim());
    $("connection-list").dataset.shape = ""; // redrawn with the name
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
