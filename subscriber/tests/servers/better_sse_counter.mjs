// npm better-sse (pinned in package.json) serving a counter the way its README shows: one
// session per request, every session pushed the next number with its id every EVERY ms. It
// keeps no history, so a resume gets live events. Prints {"listening": PORT} once it listens.
//   node better_sse_counter.mjs [EVERY]
import http from "node:http";
import { createSession } from "better-sse";

const every = Number(process.argv[2] ?? 50);
const sessions = new Set();
let n = 0;
setInterval(() => {
  n += 1;
  for (const session of sessions) session.push(`event ${n}`, "message", String(n));
}, every);

const server = http.createServer(async (req, res) => {
  const session = await createSession(req, res);
  sessions.add(session);
  session.on("disconnected", () => sessions.delete(session));
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
