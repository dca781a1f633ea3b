// Debian's Chromium, headless through npm `playwright-core`, opens the page the tap serves
// (the embedded server's demo) and an EventSource through the tap; midway the stream is kicked
// (through the tap too), and the browser reconnects on its own. Prints one JSON object: the
// ids and data it got, how many errors (reconnects) it saw, and what the demo page shows.
//   node browser-eventsource.mjs TAP_URL [BEFORE] [AFTER]
import { chromium } from "playwright-core";

const [tap, before = "5", after = "5"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // As root (CI), Chromium runs only without its sandbox.
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${tap}/`);
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById("value")?.textContent ?? ""));
  await page.evaluate(() => {
    const got = { ids: [], data: [], errors: 0 };
    window.got = got;
    const source = new EventSource("/events?stream=messages");
    source.onmessage = (event) => {
      got.ids.push(event.lastEventId);
      got.data.push(event.data);
    };
    source.onerror = () => { got.errors += 1; };
  });
  const count = (n) => page.waitForFunction((n) => window.got.data.length >= n, n, { timeout: 15000 });
  await count(Number(before));
  const kicked = await fetch(`${tap}/streams/messages/kick`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  }).then((r) => r.json());
  const atKick = await page.evaluate(() => window.got.data.length);
  await page.waitForFunction(() => window.got.errors >= 1, null, { timeout: 15000 });
  await count(atKick + Number(after));
  const got = await page.evaluate(() => window.got);
  const demo = await page.evaluate(() => document.getElementById("value").textContent);
  console.log(JSON.stringify({ ...got, kicked, atKick, demo }));
} finally {
  await browser.close();
}
