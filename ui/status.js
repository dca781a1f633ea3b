// The request bar's buttons and the line under it: the state of the app's own connection.
import { $, button, setBadge, setHidden, setText } from "./dom.js";
import { state } from "./model.js";

/** @param {import("./model.js").Connection} connection */
export function renderStatus(connection) {
  const open = connection.running;
  const tapped = connection.tapped;
  const form = $("request-form");
  if (form.hidden !== Boolean(tapped)) {
    form.hidden = Boolean(tapped);
    $("tapped-head").hidden = !tapped;
    setText(button("disconnect-button"), tapped ? "Stop following" : "Disconnect");
  }
  setHidden(button("reconnect-button"), Boolean(tapped));
  // A tapped stream that ended (as the tap saw it end) has nothing left to follow: no button
  // rather than a dead one.
  const ended = ["closed", "failed"].includes(connection.run.ipcFeed.state);
  setHidden(button("disconnect-button"), Boolean(tapped) && (!open || ended));
  if (tapped) {
    setText($("tapped-title"), tapped.label.title);
    const where = $("tapped-where");
    setText(where, `exchange #${tapped.exchange} of tap ${tapped.tap.label.title} · ${connection.spec.url}`);
    if (where.title !== where.textContent) where.title = where.textContent || "";
    button("tapped-back").disabled = !state.taps.includes(tapped.tap);
  }
  setText(button("connect-button"), open ? "Apply and reconnect" : "Connect");
  button("disconnect-button").disabled = !open;
  button("reconnect-button").disabled = connection.id === null;
  setHidden($("insecure-badge"), !(connection.spec.tls && connection.spec.tls.insecure));
  const feed = connection.run.ipcFeed;
  setBadge($("ipc-state"), feed.state);
  const detail = $("ipc-detail");
  setText(detail, feed.detail);
  detail.classList.toggle("error", feed.isError);
}
