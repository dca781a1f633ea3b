// Debian's Chromium, headless through npm `playwright-core`, opens PAGE (any page of the
// tap's, for its origin) and an EventSource on PATH there, and reads until it has COUNT
// events, reconnecting on its own when the stream is cut. Prints one JSON object: the ids and
// data it got and how many errors (reconnects) it saw.
//   node browser-resume.mjs PAGE PATH COUNT
import { chromium } from "playwright-core";

const [pageUrl, path, count] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // As root (CI), Chromium runs only without its sandbox.
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.evaluate((path) => {
    const got = { ids: [], data: [], errors: 0 };
    window.got = got;
    const source = new EventSource(path);
    source.onmessage = (event) => {
      got.ids.push(event.lastEventId);
      got.data.push(event.data);
    };
    source.onerror = () => { got.errors += 1; };
    window.source = source;
  }, path);
  await page.waitForFunction((n) => window.got.data.length >= n, Number(count), { timeout: 20000 });
  const got = await page.evaluate(() => { window.source.close(); return window.got; });
  console.log(JSON.stringify(got));
} finally {
  await browser.close();
}
