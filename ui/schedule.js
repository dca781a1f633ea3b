// Redraws on demand: one animation frame however many updates asked for it, and no frames at
// all when nothing changed. What a frame draws is set once by main.js (so the modules that
// ask for frames need not know what draws).
import { state } from "./model.js";

// News (a feed's events, a connection's reports) is drawn at most 4 times a second, as the
// slow parts always were; what the user does is drawn in the next frame. Each frame costs
// WebKit a rendering update of the window, dear in software rendering: with a frame for each
// event, the counter's 10 events/s cost 5.3 times what a plain WebKit page showing the same
// stream costs, at 4 frames a second 2.8 times (docs/benchmarks.md, issue #46).
const NEWS_FRAME_MS = 250;

/** @type {(now: number) => number | null} */
let drawFrame = () => null;

/** Sets what a frame draws; it returns in how many ms it wants another frame, or null.
 * @param {(now: number) => number | null} draw */
export function setFrame(draw) {
  drawFrame = draw;
}

/** A frame that comes this late (ms after it was asked for, or after its timer was due) means
 * the window stalled: something held the page's thread. */
const STALL_MS = 100;

/** Notes a frame `late` ms late at `now`, if that is a stall. @param {number} late @param {number} now */
function noteLateness(late, now) {
  if (late < STALL_MS) return;
  const render = state.render;
  render.stalledAt = now;
  render.stallMs = late;
}

export function scheduleRender() {
  const render = state.render;
  if (render.queued) return;
  render.queued = true;
  const askedAt = performance.now();
  requestAnimationFrame((now) => {
    render.queued = false;
    noteLateness(now - askedAt, now);
    render.frameAt = now;
    const later = drawFrame(now);
    if (later !== null) scheduleRenderIn(later);
  });
}

/** The next frame, drawing the slow parts too (which tabs apply, the list): for what the user
 * did that changes them, a connection chosen or (re)opened, so a tab it brings is there at
 * once rather than at the next slow frame. */
export function scheduleFullRender() {
  state.render.slowRenderedAt = -Infinity;
  scheduleRender();
}

/** A frame for news of `connection`: none for the paused view on screen, whose frames come
 * once a second (main.js), so a paused window holds still.
 * @param {import("./model.js").Connection} connection */
export function scheduleRenderFor(connection) {
  if (connection.paused && connection === state.selected) return;
  scheduleNewsFrame();
}

/** A frame for news: the next one, unless the last was under NEWS_FRAME_MS ago (then when it
 * is due; what comes meanwhile is drawn by the same frame). */
function scheduleNewsFrame() {
  const render = state.render;
  if (render.queued) return;
  const wait = render.frameAt + NEWS_FRAME_MS - performance.now();
  if (wait <= 0) scheduleRender();
  else scheduleRenderIn(wait);
}

/** A frame in `ms` (a timer, not a chain of idle frames), or sooner if one is due sooner.
 * @param {number} ms */
function scheduleRenderIn(ms) {
  const render = state.render;
  const at = performance.now() + ms;
  if (render.laterTimer !== 0) {
    if (render.laterAt <= at) return;
    clearTimeout(render.laterTimer);
  }
  render.laterAt = at;
  render.laterTimer = setTimeout(() => {
    render.laterTimer = 0;
    const now = performance.now();
    noteLateness(now - render.laterAt, now);
    scheduleRender();
  }, ms);
}

const REFETCH_MS = 500; // a fetch that follows what moves goes at most twice a second

/** Runs `fetch` now, unless one is under way or the last began under 500 ms ago (then a frame
 * comes when it is due, to ask again); a frame follows when it settles, to draw what came.
 * @param {import("./model.js").Fetch} slot @param {() => Promise<void>} fetch */
export function fetchThrottled(slot, fetch) {
  if (slot.inFlight) return;
  const now = performance.now();
  const wait = slot.at + REFETCH_MS - now;
  if (wait > 0) {
    setTimeout(scheduleRender, wait);
    return;
  }
  slot.inFlight = true;
  slot.at = now;
  fetch()
    .catch(() => {})
    .finally(() => {
      slot.inFlight = false;
      scheduleRender();
    });
}
