// The page's elements: typed look-ups by id (cached: the page's skeleton never changes),
// text writes that skip unchanged text, and small builders. Event data is only ever written
// with textContent, never as HTML.

/** @type {Map<string, HTMLElement>} */
const found = new Map();

/**
 * The element with `id`, checked to be a `type`.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} type
 * @returns {T}
 */
export function element(id, type) {
  let el = found.get(id);
  if (!el || !el.isConnected) {
    const fresh = document.getElementById(id);
    if (!fresh) throw new Error(`the page has no #${id}`);
    el = fresh;
    found.set(id, el);
  }
  if (!(el instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return el;
}

/** @param {string} id */
export const $ = (id) => element(id, HTMLElement);
/** @param {string} id */
export const input = (id) => element(id, HTMLInputElement);
/** @param {string} id */
export const select = (id) => element(id, HTMLSelectElement);
/** @param {string} id */
export const textarea = (id) => element(id, HTMLTextAreaElement);
/** @param {string} id */
export const button = (id) => element(id, HTMLButtonElement);

/** The element under `root` matching `selector`, checked to be a `type`.
 * @template {Element} T
 * @param {ParentNode} root @param {string} selector @param {{ new (): T }} type
 * @returns {T} */
export function find(root, selector, type) {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`no ${type.name} matches ${selector}`);
  return el;
}

/** Writes text only when it changed: an unchanged write still costs the page a layout.
 * @param {Element} el @param {string} text */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/** Hides or shows `el` only when that changes (the frame's draw sets it every frame).
 * @param {HTMLElement} el @param {boolean} hidden */
export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/** A state badge: its text, and `data-state` for its colour.
 * @param {HTMLElement} el @param {string} state */
export function setBadge(el, state) {
  if (el.dataset.state !== state) el.dataset.state = state;
  setText(el, state);
}

/** @param {string} className @param {string} text @param {string} [title] */
export function span(className, text, title) {
  const el = document.createElement("span");
  el.className = className;
  el.textContent = text;
  if (title) el.title = title;
  return el;
}

/** Header name/value pairs as table rows (text only). @param {[string, string][]} pairs */
export function headerRows(pairs) {
  return pairs.map(([name, value]) => {
    const row = document.createElement("tr");
    const th = document.createElement("th");
    th.textContent = name;
    const td = document.createElement("td");
    td.textContent = value;
    row.append(th, td);
    return row;
  });
}

/** A copy of `<template id=...>`'s content. @param {string} id */
function fromTemplate(id) {
  const template = document.getElementById(id);
  if (!(template instanceof HTMLTemplateElement)) throw new Error(`the page has no template #${id}`);
  return /** @type {DocumentFragment} */ (template.content.cloneNode(true));
}

/**
 * Fills `element` with a copy of `<template id=template>` and returns the elements named in
 * `ids` (key: element id), found in the copy.
 * @template {string} K
 * @param {HTMLElement} element @param {string} template @param {Record<K, string>} ids
 * @returns {Record<K, HTMLElement>}
 */
export function mountTemplate(element, template, ids) {
  element.append(fromTemplate(template));
  const found = /** @type {Record<K, HTMLElement>} */ ({});
  for (const key of /** @type {K[]} */ (Object.keys(ids))) found[key] = find(element, `#${ids[key]}`, HTMLElement);
  return found;
}

/** Puts `text` on the clipboard; false if that failed. @param {string} text */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older webviews: copy through a selected text area.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}
