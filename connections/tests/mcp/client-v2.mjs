// An MCP client made with the official TypeScript SDK v2 (npm @modelcontextprotocol/client),
// speaking revision 2026-07-28: `node client-v2.mjs URL` lists the tools, opens a
// `subscriptions/listen` stream for tool-list changes, calls `count` with a progress handler,
// `greet` with a non-ASCII greeting (mirrored as Mcp-Param-Greeting), `confirm` (answering the
// server's elicitation), `touch` (and waits for the list-changed notification), `slow`
// (cancelled after its first progress) and `fail`, closes the stream and prints what it saw as
// one JSON line.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url] = process.argv.slice(2);
const client = new Client(
  { name: "sse-monitor-test-client-v2", version: "2.0.0" },
  { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: "auto" } },
);
const asked = [];
client.setRequestHandler("elicitation/create", async (request) => {
  asked.push(request.params.message);
  return { action: "accept", content: { confirm: true } };
});
let changed;
const listChanged = new Promise((resolve) => (changed = resolve));
client.setNotificationHandler("notifications/tools/list_changed", async () => changed());
const transport = new StreamableHTTPClientTransport(new URL(url));
await client.connect(transport);
const tools = await client.listTools();
const subscription = await client.listen({ toolsListChanged: true });
const progress = [];
const counted = await client.callTool({ name: "count", arguments: { to: 3 } }, { onprogress: (update) => progress.push(update.progress) });
const greeted = await client.callTool({ name: "greet", arguments: { greeting: "Grüße, 世界" } });
const confirmed = await client.callTool({ name: "confirm", arguments: { what: "the deploy" } });
await client.callTool({ name: "touch", arguments: {} });
await listChanged;
const abort = new AbortController();
let cancelled = "no";
await client
  .callTool({ name: "slow", arguments: {} }, { signal: abort.signal, onprogress: () => abort.abort() })
  .catch(() => (cancelled = "yes"));
const failed = await client.callTool({ name: "fail", arguments: {} });
await subscription.close();
await client.close();
const text = (result) => result.content.map((part) => part.text).join("");
console.log(
  JSON.stringify({
    tools: tools.tools.map((tool) => tool.name),
    counted: text(counted),
    progress,
    greeted: text(greeted),
    confirmed: text(confirmed),
    asked,
    cancelled,
    failed: failed.isError === true,
    listChanged: true,
  }),
);
