// Baseline for the fan-out benchmark: a plain Node.js SSE server (the `http` module only) with
// the same publish loop as `sse-server --load-stream bench --load-rate R`: R events/s on the
// stream `bench`, each event's data its publish time in ns since the Unix epoch.
// Usage: node sse-server.js --rate R
"use strict";
const http = require("http");

const rateIndex = process.argv.indexOf("--rate");
const rate = rateIndex > 0 ? Number(process.argv[rateIndex + 1]) : 10;
const clients = new Set();
let lastId = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname !== "/events" || url.searchParams.get("stream") !== "bench") {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("stream does not exist\n");
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.write(": ok\n\n");
  clients.add(res);
  req.on("close", () => clients.delete(res));
});
server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;

function nowNanos() {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e3)) * 1000n;
}

if (rate > 0) {
  const started = performance.now();
  let published = 0;
  setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) + 1;
    while (published < due) {
      lastId += 1;
      const event = `id: ${lastId}\ndata: ${nowNanos()}\n\n`;
      for (const res of clients) res.write(event);
      published += 1;
    }
  }, Math.max(1, 1000 / rate));
}

server.listen(0, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
