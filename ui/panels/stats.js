// Live stats: events per second over the last minute, totals, time to first event,
// reconnects.
import { find, mountTemplate, setText } from "../dom.js";
import { formatBytes } from "../format.js";

const CHART_REFRESH_MS = 1000;

/** @returns {import("../panels.js").Panel} */
export function statsPanel() {
  /** @type {{ chart: HTMLCanvasElement, rate: HTMLElement, bytes: HTMLElement, first: HTMLElement, reconnects: HTMLElement, reconnectsFigure: HTMLElement } | null} */
  let els = null;
  /** @type {{ bar: string, text: string } | null} the theme's colours, read once per theme */
  let colours = null;
  // What the chart last showed: a report is replaced, never changed, so the same report in
  // the same theme needs no redraw (a redrawn canvas is repainted).
  /** @type {{ run: unknown, stats: unknown, colours: unknown, at: number }} */
  let drawn = { run: null, stats: undefined, colours: null, at: -Infinity };
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const forgetColours = () => {
    colours = null;
  };

  /** The figures but the events (counts.js draws that one every frame).
   * @param {import("../gen/ipc").StatsReport} stats */
  function setFigures(stats) {
    if (!els) return;
    setText(els.rate, String(stats.rate));
    setText(els.bytes, formatBytes(stats.rawBytes || stats.bytes));
    setText(els.first, stats.timeToFirstEventMs === null ? "–" : `${stats.timeToFirstEventMs.toFixed(0)} ms`);
    setText(els.reconnects, String(stats.reconnects));
  }

  function chartColours() {
    if (!colours) {
      // Reading styles forces a style pass: once per theme, not per frame.
      const style = getComputedStyle(document.documentElement);
      colours = {
        bar: style.getPropertyValue("--accent").trim() || "#0f766e",
        text: style.getPropertyValue("--muted").trim() || "#666",
      };
    }
    return colours;
  }

  return {
    id: "stats",
    title: "Live stats",
    slot: "tabs",
    everyFrame: false,
    appliesTo: () => true,
    mount(element) {
      const figures = mountTemplate(element, "panel-stats", {
        rate: "stat-rate",
        bytes: "stat-bytes",
        first: "stat-first",
        reconnects: "stat-reconnects",
        reconnectsFigure: "stat-reconnects-figure",
      });
      els = { ...figures, chart: find(element, "#stats-chart", HTMLCanvasElement) };
      dark.addEventListener("change", forgetColours);
    },
    update(connection) {
      if (!els) return;
      // A tapped stream is your app's connection: the window never reconnects it.
      const reconnectsHidden = Boolean(connection.tapped);
      if (els.reconnectsFigure.hidden !== reconnectsHidden) els.reconnectsFigure.hidden = reconnectsHidden;
      const stats = connection.run.stats;
      const canvas = els.chart;
      // Bars per second: redrawn once a second (a redrawn canvas is repainted; reading its
      // width costs a layout), or at once for a new theme or connection.
      const now = performance.now();
      const run = connection.run;
      const same = drawn.run === run && drawn.colours === colours && (drawn.stats === null) === (stats === null);
      if (same && (drawn.stats === stats || now - drawn.at < CHART_REFRESH_MS)) {
        if (stats) setFigures(stats);
        return;
      }
      const context = canvas.getContext("2d");
      const width = canvas.clientWidth || canvas.width;
      if (canvas.width !== width) canvas.width = width;
      if (context) context.clearRect(0, 0, canvas.width, canvas.height);
      if (!stats) {
        for (const el of [els.rate, els.reconnects]) setText(el, "0");
        setText(els.bytes, "0 B");
        setText(els.first, "–");
        drawn = { run, stats, colours, at: now };
        return;
      }
      const values = stats.perSecond;
      const max = Math.max(1, ...values);
      if (context) {
        const { bar: barColour, text } = chartColours();
        context.fillStyle = barColour;
        const bar = canvas.width / values.length;
        values.forEach((value, i) => {
          const height = Math.round((value / max) * (canvas.height - 12));
          context.fillRect(i * bar + 1, canvas.height - height, Math.max(1, bar - 2), height);
        });
        context.fillStyle = text;
        context.font = "10px system-ui, sans-serif";
        context.fillText(`max ${max}/s · last 60 s`, 4, 10);
      }
      drawn = { run, stats, colours, at: now };
      setFigures(stats);
    },
    unmount() {
      dark.removeEventListener("change", forgetColours);
      els = null;
      colours = null;
      drawn = { run: null, stats: undefined, colours: null, at: -Infinity };
    },
  };
}
