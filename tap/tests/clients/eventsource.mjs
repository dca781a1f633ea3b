// npm `eventsource` (the WHATWG EventSource for Node) reads URL until it has COUNT events,
// printing each as a JSON line. Run by tap/tests/node_clients.rs.
import { EventSource } from "eventsource";

const [url, count] = process.argv.slice(2);
const source = new EventSource(url);
let seen = 0;
source.onmessage = (event) => {
  console.log(JSON.stringify({ id: event.lastEventId, data: event.data }));
  seen += 1;
  if (seen >= Number(count)) {
    source.close();
    process.exit(0);
  }
};
source.onerror = (error) => console.error(`eventsource error: ${error.message ?? error.type}`);
setTimeout(() => {
  console.error(`only ${seen} of ${count} events in 10 s`);
  process.exit(1);
}, 10_000);
