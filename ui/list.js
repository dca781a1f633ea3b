// The connection list in the sidebar.
import { removeConnection, selectConnection } from "./connections.js";
import { $, find, setText } from "./dom.js";
import { state } from "./model.js";

export function renderList() {
  const list = $("connection-list");
  const connections = state.connections;
  // Rebuilt only when the list itself changed; otherwise only counts and states move.
  const shape = connections.map((c) => `${c.savedKey}\u0000${c.name}\u0000${c.spec.url}\u0000${c === state.selected}`).join("\u0001");
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
  const items = connections.map((connection) => {
    const item = document.createElement("li");
    item.className = connection === state.selected ? "selected" : "";
    const pick = document.createElement("button");
    pick.type = "button";
    pick.className = "pick";
    pick.title = connection.spec.url;
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.dataset.state = connection.run.ipcFeed.state;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = connection.name;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(connection.run.ipcFeed.count);
    pick.append(dot, name, count);
    pick.addEventListener("click", () => selectConnection(connection));
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.title = "Close this connection";
    close.setAttribute("aria-label", `Close ${connection.name}`);
    close.textContent = "×";
    close.addEventListener("click", () => removeConnection(connection));
    item.append(pick, close);
    return item;
  });
  list.replaceChildren(...items);
}
