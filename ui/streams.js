// The Server tab's state and actions: the embedded server's streams (fetched at most twice a
// second while the tab is shown), the stream chosen, publishing on it, and its fault profile
// (docs/faults.md): quick controls that write the profile's JSON, the JSON itself set, read
// and cleared. The work is the embedded server's library, through commands.
import * as ipc from "./ipc.js";
import { Fetch, state } from "./model.js";
import { fetchThrottled, scheduleRender } from "./schedule.js";

/** @typedef {import("./gen/ipc").StreamInfo} StreamInfo */
/** @typedef {import("./gen/ipc").FaultProfile} FaultProfile */

export const server = {
  /** @type {StreamInfo[]} */
  streams: [],
  /** The stream published on and faulted: the connection's own at first. */
  chosen: "",
  /** @type {FaultProfile | null} the chosen stream's profile, as last read */
  profile: null,
  profileOf: "",
  problem: "",
  note: "",
  fetch: new Fetch(),
};

/** The stream a URL of the embedded server names, or "". @param {string} url */
export function streamOf(url) {
  if (!state.embeddedBaseUrl || !url.startsWith(state.embeddedBaseUrl)) return "";
  try {
    return new URL(url).searchParams.get("stream") || "";
  } catch {
    return "";
  }
}

/** Fetches the streams and the chosen one's profile (at most twice a second). */
export function refreshStreams() {
  fetchThrottled(server.fetch, async () => {
    server.streams = await ipc.serverStreams();
    if (server.chosen) {
      server.profile = await ipc.streamFaults(server.chosen);
      server.profileOf = server.chosen;
    }
  });
}

/** Runs `work`, saying what it did or why it failed. @param {() => Promise<string>} work */
async function act(work) {
  try {
    server.note = await work();
    server.problem = "";
  } catch (error) {
    server.problem = ipc.errorMessage(error);
  }
  server.fetch.at = -Infinity; // what moved shows at once
  scheduleRender();
}

/** @param {string} stream */
export function chooseStream(stream) {
  server.chosen = stream;
  server.profile = null;
  server.fetch.at = -Infinity;
  scheduleRender();
}

/** @param {string} name */
export const createStream = (name) =>
  act(async () => {
    await ipc.createStream(name);
    server.chosen = name.trim();
    return `Stream ${name.trim()} is ready: /events?stream=${name.trim()}`;
  });

/** @param {string} event @param {string} data @param {number | null} retry */
export const publish = (event, data, retry) =>
  act(async () => {
    const id = await ipc.publishEvent(server.chosen, event || null, data, retry);
    return `Published event ${id} on ${server.chosen}.`;
  });

/** @param {string} json */
export const setFaults = (json) =>
  act(async () => {
    server.profile = await ipc.setStreamFaults(server.chosen, json.trim() || "{}");
    server.profileOf = server.chosen;
    return `Fault profile set on ${server.chosen}: new subscriptions get it.`;
  });

export const clearFaults = () =>
  act(async () => {
    const had = await ipc.clearStreamFaults(server.chosen);
    server.profile = null;
    return had ? `Fault profile cleared on ${server.chosen}.` : `${server.chosen} had no fault profile.`;
  });
