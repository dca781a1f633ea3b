// Clients: each client of the embedded server, live, with its report card (client-cards.js
// draws it; a tap's Clients tab draws its own clients the same way).
import { mountTemplate } from "../dom.js";
import { renderReport } from "../client-cards.js";
import { clients, refreshClients } from "../clients.js";
import { state } from "../model.js";

const IDS = { summary: "clients-summary", scenarios: "client-scenarios", cards: "client-cards" };

/** @returns {import("../panels.js").Panel} */
export function clientsPanel() {
  /** @type {Record<keyof typeof IDS, HTMLElement> | null} */
  let els = null;
  return {
    id: "clients",
    title: "Clients",
    slot: "tabs",
    everyFrame: false,
    // A connection to the embedded server: its clients are the ones graded.
    appliesTo: (connection) => !connection.tapped && !!state.embeddedBaseUrl && connection.spec.url.startsWith(state.embeddedBaseUrl),
    mount(element) {
      els = mountTemplate(element, "panel-clients", IDS);
    },
    update() {
      if (!els) return;
      refreshClients();
      const report = clients.report;
      if (!report) return;
      const json = JSON.stringify([report.clients, report.byClient]);
      if (json === clients.json) return;
      clients.json = json;
      renderReport(els, report, clients.opened, "No client has connected to the embedded server's /events yet.");
    },
    unmount() {
      els = null;
      clients.json = "";
    },
  };
}
