// The tap's MCP tab: the MCP conversation through the tap (sse_mcp pairs it in Rust), fetched
// when the tap's exchanges moved (at most twice a second), read as the era the user chose (or
// as each request says), and drawn by mcp-view.js; each exchange's button shows that exchange
// whole, in the Exchange tab.
import { $, select, setText } from "./dom.js";
import * as ipc from "./ipc.js";
import { renderConversation } from "./mcp-view.js";
import { state } from "./model.js";
import { fetchThrottled, scheduleRender } from "./schedule.js";
import { selectExchange, showTapTab } from "./tap-exchange.js";

/** @typedef {import("./model.js").Tap} Tap */

/** What was drawn last: the tap and its conversation as JSON (redrawn only when it changed, so
 * an open call and the focus stay). */
/** @type {{ tap: Tap | null, json: string }} */
const drawn = { tap: null, json: "" };

/** Fetches the conversation when the exchanges moved (and while some are open). @param {Tap} tap */
function refresh(tap) {
  const id = tap.id;
  if (id === null || (tap.mcpVersion === tap.version && tap.open === 0)) return;
  const version = tap.version;
  fetchThrottled(tap.fetches.mcp, async () => {
    tap.mcp = await ipc.tapMcp(id, tap.mcpEra);
    tap.mcpVersion = version;
  });
}

/** @param {Tap} tap @param {number} exchange */
function showExchange(tap, exchange) {
  if (tap.selectedExchange === exchange) showTapTab(tap, "exchange");
  else selectExchange(tap, exchange);
}

/** The era choice reads the conversation again. */
export function wireTapMcp() {
  const choice = select("mcp-era");
  choice.addEventListener("change", () => {
    const tap = state.selectedTap;
    if (!tap) return;
    tap.mcpEra = choice.value === "legacy" || choice.value === "modern" ? choice.value : null;
    tap.mcpVersion = -1;
    tap.fetches.mcp.at = -Infinity; // at once
    scheduleRender();
  });
}

/** Draws the MCP tab of `tap`. @param {Tap} tap */
export function renderTapMcp(tap) {
  const choice = select("mcp-era");
  if (choice.value !== (tap.mcpEra ?? "")) choice.value = tap.mcpEra ?? "";
  refresh(tap);
  const conversation = tap.mcp;
  if (!conversation) {
    setText($("mcp-session"), tap.id === null ? "Start the tap: its MCP traffic shows here." : "Reading the tap's record…");
    return;
  }
  const json = JSON.stringify(conversation);
  if (drawn.tap === tap && drawn.json === json) return;
  drawn.tap = tap;
  drawn.json = json;
  const els = { session: $("mcp-session"), violations: $("mcp-violations"), calls: $("mcp-calls") };
  renderConversation(els, conversation, tap.mcpOpened, (exchange) => showExchange(tap, exchange));
}
