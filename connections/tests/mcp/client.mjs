// An MCP client made with the official TypeScript SDK (npm @modelcontextprotocol/sdk):
// `node client.mjs URL streamable|sse` initializes, lists the tools, calls `count` with a
// progress handler, ends the session (Streamable HTTP: its DELETE) and prints what it saw as
// one JSON line.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, kind] = process.argv.slice(2);
const transport = kind === "sse" ? new SSEClientTransport(new URL(url)) : new StreamableHTTPClientTransport(new URL(url));
const client = new Client({ name: "sse-monitor-test-client", version: "1.0.0" });
await client.connect(transport);
const tools = await client.listTools();
const progress = [];
const result = await client.callTool({ name: "count", arguments: { to: 3 } }, undefined, {
  onprogress: (update) => progress.push(update.progress),
});
const sessionId = kind === "sse" ? null : transport.sessionId;
if (kind !== "sse") await transport.terminateSession();
await client.close();
console.log(
  JSON.stringify({
    tools: tools.tools.map((tool) => tool.name),
    result: result.content.map((part) => part.text).join(""),
    progress,
    sessionId,
    protocolVersion: kind === "sse" ? null : transport.protocolVersion,
  }),
);
