// Debian's Chromium, headless through npm `playwright-core`, graded by the embedded server's
// report card: a page of the server (its stream list, which runs no script) opens one
// EventSource per URL, lets each reconnect on its own until every one has settled (closed for
// good, or back with data after an error) or SECS seconds passed, then prints one JSON line
// per URL, with `log`: when (ms after the sources opened) each opened, got data or failed, and
// its readyState then. Through a tap (tap/tests/graded_clients.rs), PAGE names a page of the
// tap's own origin instead (the upstream sends no CORS headers).
//   [PAGE=URL] node chromium-graded.mjs SECS URL...
import { chromium } from "playwright-core";

const [secs, ...urls] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // As root (CI), Chromium runs only without its sandbox.
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage();
  // The page comes from `localhost`, the streams from 127.0.0.1: Chromium keeps up to six
  // connections per host, and no EventSource (or reconnect) may take the page's kept-alive one,
  // on which the server's fault profiles do not apply (only a connection's first request gets one).
  const pageUrl = new URL("/streams", urls[0]);
  pageUrl.hostname = "localhost";
  await page.goto(process.env.PAGE ?? pageUrl.href);
  await page.evaluate((urls) => {
    const start = performance.now();
    window.sources = urls.map((url) => {
      const got = { url, data: [], errors: 0, log: [] };
      const source = new EventSource(url);
      const note = (/** @type {string} */ what) =>
        got.log.push(`${Math.round(performance.now() - start)} ${what} ${source.readyState}`);
      source.onopen = () => note("open");
      source.onmessage = (event) => {
        got.data.push(event.data);
        note(`data ${event.lastEventId}`);
      };
      source.onerror = () => {
        got.errors += 1;
        note("error");
      };
      return { source, got };
    });
  }, urls);
  // Settled: closed for good, or reconnected and given data again.
  await page
    .waitForFunction(
      () => window.sources.every(({ source, got }) => source.readyState === 2 || (got.errors > 0 && got.data.length >= 2)),
      null,
      { timeout: Number(secs) * 1000, polling: 50 },
    )
    .catch(() => {}); // past SECS: what there is
  const results = await page.evaluate(() =>
    window.sources.map(({ source, got }) => {
      got.readyState = source.readyState;
      source.close();
      return got;
    }));
  for (const got of results) console.log(JSON.stringify(got));
} finally {
  await browser.close();
}
