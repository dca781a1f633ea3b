// One redraw per animation frame, however many updates asked for it. What a frame draws is
// set once by main.js (so the modules that ask for frames need not know what draws).
import { state } from "./model.js";

/** @type {(now: number) => boolean} */
let drawFrame = () => false;

/** Sets what a frame draws; it returns true when it wants another frame.
 * @param {(now: number) => boolean} draw */
export function setFrame(draw) {
  drawFrame = draw;
}

export function scheduleRender() {
  if (state.render.queued) return;
  state.render.queued = true;
  requestAnimationFrame((now) => {
    state.render.queued = false;
    if (drawFrame(now)) scheduleRender();
  });
}
