// Numbers, sizes and times as the window writes them.

/** @param {number} n */
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

// Made once: toLocaleString() builds a formatter on every call.
const COUNT = new Intl.NumberFormat();

/** A count as the window writes it (grouped as the locale groups digits). @param {number} n */
export function countText(n) {
  return COUNT.format(n);
}

/** @param {number} n @param {number} [width] */
function pad(n, width = 2) {
  return String(n).padStart(width, "0");
}

/** A receive time (µs since the epoch) as `HH:MM:SS.mmm`, local or UTC (with a Z).
 * @param {number} us @param {boolean} utc */
export function timeText(us, utc) {
  const d = new Date(Math.floor(us / 1000));
  const [h, m, sec, ms] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${pad(h)}:${pad(m)}:${pad(sec)}.${pad(ms, 3)}${utc ? "Z" : ""}`;
}

/** The time since the event before, `+12.3 ms`; empty for the first.
 * @param {number | null | undefined} us */
export function deltaText(us) {
  if (us === null || us === undefined) return "";
  if (us < 1000) return `+${us} µs`;
  if (us < 1000000) return `+${(us / 1000).toFixed(1)} ms`;
  return `+${(us / 1000000).toFixed(2)} s`;
}

/** A signed lag in ms, `+1.5 ms`, or a dash.
 * @param {number | null} v */
export function lagText(v) {
  return v === null ? "–" : `${v >= 0 ? "+" : ""}${v.toFixed(1)} ms`;
}

/** `n thing` or `n things`. @param {number} n @param {string} thing */
export function plural(n, thing) {
  return `${n} ${thing}${n === 1 ? "" : "s"}`;
}

/**
 * How a connection is told apart in the list: `title` (its name, else what sets it apart:
 * the path and any `stream` parameter) over `where` (host:port, or the embedded server).
 * @param {string} url @param {string} name the user's name for it, or empty
 * @param {string} embeddedBase the embedded server's base URL, or empty
 * @returns {{ title: string, where: string }}
 */
export function connectionLabel(url, name, embeddedBase) {
  const named = name.trim();
  /** @type {URL | null} */
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    // not a URL yet (the form says why)
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return { title: named || url || "New connection", where: url && named ? url : "" };
  }
  const stream = parsed.searchParams.get("stream");
  const embedded = embeddedBase !== "" && url.startsWith(embeddedBase);
  const streamName = stream || parsed.pathname;
  if (embedded) return named ? { title: named, where: `embedded · ${streamName}` } : { title: `stream ${streamName}`, where: "embedded server" };
  const path = parsed.pathname === "/" ? "" : parsed.pathname;
  const tail = `${path}${stream ? ` · ${stream}` : ""}`;
  if (named) return { title: named, where: `${parsed.host}${path}` };
  return { title: tail || parsed.host, where: tail ? parsed.host : "" };
}
