// npm `eventsource` (the WHATWG EventSource for Node), graded by the embedded server's report
// card: opens one EventSource per URL, lets each reconnect on its own until every one has
// settled (closed for good, or back with data after an error) or SECS seconds passed, then
// closes them and prints one JSON line per URL (its data, errors and final readyState).
//   node eventsource-graded.mjs SECS URL...
import { EventSource } from "eventsource";

const [secs, ...urls] = process.argv.slice(2);
const sources = urls.map((url) => {
  const got = { url, data: [], errors: 0 };
  const source = new EventSource(url);
  source.onmessage = (event) => got.data.push(event.data);
  source.onerror = () => { got.errors += 1; };
  return { source, got };
});
/** Closed for good, or reconnected and given data again. */
const settled = ({ source, got }) => source.readyState === 2 || (got.errors > 0 && got.data.length >= 2);
const deadline = Date.now() + Number(secs) * 1000;
const finish = () => {
  if (!sources.every(settled) && Date.now() < deadline) return;
  clearInterval(watch);
  for (const { source, got } of sources) {
    got.readyState = source.readyState;
    source.close();
    console.log(JSON.stringify(got));
  }
  process.exit(0);
};
const watch = setInterval(finish, 50);
