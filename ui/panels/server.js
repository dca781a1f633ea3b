// Server: the embedded server's streams (subscribers, last id; create one), a Publish box for
// the chosen stream (event type, data, retry; Enter sends) and a Faults box (the common faults
// as controls, the whole profile as JSON: docs/faults.md). Shown for connections to the
// embedded server; the chosen stream is the connection's own at first.
import { mountTemplate, setText } from "../dom.js";
import { controlsOf, withControls } from "../fault-controls.js";
import { chooseStream, clearFaults, createStream, publish, refreshStreams, server, setFaults, streamOf } from "../streams.js";

/** @typedef {import("../model.js").Connection} Connection */

const IDS = {
  rows: "server-stream-rows",
  create: "server-create",
  newStream: "server-new-stream",
  stream: "server-stream",
  publish: "server-publish",
  event: "server-event",
  data: "server-data",
  retry: "server-retry",
  cutEvents: "fault-cut-events",
  drip: "fault-drip",
  lineEnding: "fault-line-ending",
  client: "fault-client",
  once: "fault-once",
  json: "fault-json",
  set: "fault-set",
  clear: "fault-clear",
  current: "fault-current",
  note: "server-note",
  problem: "server-problem",
};

/** @returns {import("../panels.js").Panel} */
export function serverPanel() {
  /** @type {Record<keyof typeof IDS, HTMLElement> | null} */
  let els = null;
  /** What the list and the stream choice were drawn from. */
  let drawn = { streams: /** @type {unknown} */ (null), chosen: "", connection: /** @type {Connection | null} */ (null), own: "" };
  const value = (/** @type {HTMLElement} */ el) => /** @type {HTMLInputElement} */ (el).value;
  return {
    id: "server",
    title: "Server",
    slot: "tabs",
    everyFrame: false,
    appliesTo: (connection) => !connection.tapped && streamOf(connection.spec.url) !== "",
    mount(element) {
      const found = mountTemplate(element, "panel-server", IDS);
      els = found;
      found.create.addEventListener("submit", (event) => {
        event.preventDefault();
        const name = value(found.newStream).trim();
        if (name) createStream(name);
      });
      found.stream.addEventListener("change", () => chooseStream(value(found.stream)));
      found.publish.addEventListener("submit", (event) => {
        event.preventDefault();
        const retry = value(found.retry).trim();
        publish(value(found.event).trim(), value(found.data), retry === "" ? null : Number(retry));
      });
      const controls = () => ({
        cutAfterEvents: value(found.cutEvents),
        dripBytesPerSecond: value(found.drip),
        lineEnding: value(found.lineEnding),
        client: value(found.client),
        once: /** @type {HTMLInputElement} */ (found.once).checked,
      });
      for (const control of [found.cutEvents, found.drip, found.lineEnding, found.client, found.once]) {
        control.addEventListener("input", () => {
          /** @type {HTMLTextAreaElement} */ (found.json).value = withControls(value(found.json), controls());
        });
      }
      // JSON typed by hand moves the controls with it.
      found.json.addEventListener("input", () => {
        const read = controlsOf(value(found.json));
        if (!read) return;
        /** @type {HTMLInputElement} */ (found.cutEvents).value = read.cutAfterEvents;
        /** @type {HTMLInputElement} */ (found.drip).value = read.dripBytesPerSecond;
        /** @type {HTMLSelectElement} */ (found.lineEnding).value = read.lineEnding;
        /** @type {HTMLInputElement} */ (found.client).value = read.client;
        /** @type {HTMLInputElement} */ (found.once).checked = read.once;
      });
      found.set.addEventListener("click", () => setFaults(value(found.json)));
      found.clear.addEventListener("click", () => clearFaults());
    },
    update(connection) {
      if (!els) return;
      // The connection's own stream is chosen when the tab shows a connection, and when its
      // URL names another stream (it may have been typed since).
      const own = streamOf(connection.spec.url);
      if (drawn.connection !== connection || drawn.own !== own) {
        drawn = { ...drawn, connection, own };
        chooseStream(own);
      }
      refreshStreams();
      if (drawn.streams !== server.streams || drawn.chosen !== server.chosen) {
        drawn = { ...drawn, streams: server.streams, chosen: server.chosen };
        els.rows.replaceChildren(
          ...server.streams.map((stream) => {
            const row = document.createElement("tr");
            for (const text of [stream.name, String(stream.subscribers), String(stream.lastEventId)]) {
              const cell = document.createElement("td");
              cell.textContent = text;
              row.append(cell);
            }
            if (stream.name === server.chosen) row.setAttribute("aria-current", "true");
            return row;
          }),
        );
        const choice = /** @type {HTMLSelectElement} */ (els.stream);
        choice.replaceChildren(...server.streams.map((stream) => new Option(stream.name, stream.name, false, stream.name === server.chosen)));
      }
      const profile = server.profileOf === server.chosen ? server.profile : null;
      setText(els.current, profile ? `Set: ${JSON.stringify(profile)}` : `No fault profile on ${server.chosen}.`);
      setText(els.note, server.note);
      setText(els.problem, server.problem);
    },
    unmount() {
      els = null;
      drawn = { streams: null, chosen: "", connection: null, own: "" };
    },
  };
}
