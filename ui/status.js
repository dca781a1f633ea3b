// The request bar's buttons and the line under it: the Rust subscriber's state.
import { $, button, setBadge, setText } from "./dom.js";

/** @param {import("./model.js").Connection} connection */
export function renderStatus(connection) {
  const open = connection.running;
  setText(button("connect-button"), open ? "Apply and reconnect" : "Connect");
  button("disconnect-button").disabled = !open;
  button("reconnect-button").disabled = connection.id === null;
  $("insecure-badge").hidden = !(connection.spec.tls && connection.spec.tls.insecure);
  const feed = connection.run.ipcFeed;
  setBadge($("ipc-state"), feed.state);
  const detail = $("ipc-detail");
  setText(detail, feed.detail);
  detail.classList.toggle("error", feed.isError);
}
