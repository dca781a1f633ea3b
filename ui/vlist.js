// The arithmetic of the virtualized event log: which rows a scroll position shows. Browsers
// cap an element's height (WebKit at about 33.5 million px), so past MAX_SCROLL_PX the
// scroll range is scaled onto the rows.

export const MAX_SCROLL_PX = 8000000;

/** The scroll height for `total` rows of `rowHeight` px.
 * @param {number} total @param {number} rowHeight */
export function scrollHeight(total, rowHeight) {
  return Math.min(total * rowHeight, MAX_SCROLL_PX);
}

/** Rows shown for a scroll position: the first row's index, how many, and where (px from the
 * top of the scrolled content) the first row is drawn.
 * @param {number} total @param {number} rowHeight @param {number} scrollTop @param {number} viewportHeight */
export function visibleWindow(total, rowHeight, scrollTop, viewportHeight) {
  const fits = Math.max(1, Math.ceil(viewportHeight / rowHeight));
  const count = Math.min(total, fits + 1);
  const full = total * rowHeight;
  let first;
  if (full <= MAX_SCROLL_PX) {
    first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  } else {
    const maxScroll = Math.max(1, MAX_SCROLL_PX - viewportHeight);
    const maxFirst = Math.max(0, total - fits);
    first = Math.round((Math.min(Math.max(0, scrollTop), maxScroll) / maxScroll) * maxFirst);
  }
  first = Math.max(0, Math.min(first, Math.max(0, total - count)));
  const shown = Math.max(0, Math.min(count, total - first));
  // Where the rows go is decided after `first` is clamped, and never past the end of the
  // scroll area: rows drawn below it would grow it, and a log that follows the newest row
  // would scroll after them for ever.
  const top = full <= MAX_SCROLL_PX
    ? first * rowHeight
    : Math.min(Math.max(0, scrollTop), Math.max(0, MAX_SCROLL_PX - shown * rowHeight));
  return { first, count: shown, top };
}

/** The scroll position that shows row `index` (at the top, or at the bottom if `atBottom`).
 * @param {number} index @param {number} total @param {number} rowHeight @param {number} viewportHeight
 * @param {boolean} [atBottom] */
export function scrollTopFor(index, total, rowHeight, viewportHeight, atBottom = false) {
  const fits = Math.max(1, Math.floor(viewportHeight / rowHeight));
  const full = total * rowHeight;
  const target = atBottom ? Math.max(0, index - fits + 1) : index;
  if (full <= MAX_SCROLL_PX) return target * rowHeight;
  const maxScroll = Math.max(1, MAX_SCROLL_PX - viewportHeight);
  const maxFirst = Math.max(1, total - fits);
  return (target / maxFirst) * maxScroll;
}
