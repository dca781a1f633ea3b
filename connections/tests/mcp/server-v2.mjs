// An MCP server made with the official TypeScript SDK v2 (npm @modelcontextprotocol/server),
// speaking revision 2026-07-28 over Streamable HTTP (and 2025-era clients statelessly, as the
// SDK's handler does by default). `node server-v2.mjs` listens on 127.0.0.1 on a free port and
// prints `listening on PORT`. Its tools: `count` (progress and a log message, then the count),
// `slow` (progress every 50 ms until cancelled), `confirm` (asks the client through an
// input_required round, then answers), `greet` (its `greeting` mirrored as Mcp-Param-Greeting),
// `touch` (tells listening clients the tool list changed), `fail` (a result with isError).
import http from "node:http";
import { acceptedContent, createMcpHandler, inputRequired, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

let handler;

function makeServer() {
  const server = new McpServer({ name: "sse-monitor-test-server-v2", version: "2.0.0" }, { capabilities: { logging: {} } });
  server.registerTool(
    "count",
    { description: "Counts to `to`, reporting progress at each step", inputSchema: z.object({ to: z.number().int().min(1).max(10) }) },
    async ({ to }, ctx) => {
      for (let step = 1; step <= to; step += 1) {
        await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: ctx.mcpReq._meta?.progressToken ?? 0, progress: step, total: to } });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await ctx.mcpReq.notify({ method: "notifications/message", params: { level: "info", data: `counted to ${to}` } });
      return { content: [{ type: "text", text: String(to) }] };
    },
  );
  server.registerTool("slow", { description: "Reports progress until cancelled", inputSchema: z.object({}) }, async (_args, ctx) => {
    for (let step = 1; step <= 200 && !ctx.mcpReq.signal?.aborted; step += 1) {
      // Its client may have closed the stream (cancelled it) since the last step.
      await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: ctx.mcpReq._meta?.progressToken ?? 0, progress: step } }).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { content: [{ type: "text", text: "done" }] };
  });
  const confirmation = z.object({ confirm: z.boolean() });
  server.registerTool("confirm", { description: "Asks before it answers", inputSchema: z.object({ what: z.string() }) }, async ({ what }, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", confirmation);
    if (answer?.confirm !== true) {
      return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: `Go ahead with ${what}?`, requestedSchema: confirmation }) } });
    }
    return { content: [{ type: "text", text: `confirmed ${what}` }] };
  });
  server.registerTool(
    "greet",
    { description: "Greets", inputSchema: z.object({ greeting: z.string().meta({ "x-mcp-header": "Greeting" }) }) },
    async ({ greeting }) => ({ content: [{ type: "text", text: greeting }] }),
  );
  server.registerTool("touch", { description: "Says the tool list changed", inputSchema: z.object({}) }, async () => {
    handler.notify.toolsChanged();
    return { content: [{ type: "text", text: "touched" }] };
  });
  server.registerTool("fail", { description: "Fails", inputSchema: z.object({}) }, async () => ({ content: [{ type: "text", text: "it failed" }], isError: true }));
  return server;
}

handler = createMcpHandler(makeServer, { keepAliveMs: 0 });

const httpServer = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const request = new Request(new URL(req.url ?? "/", `http://${req.headers.host}`), {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      signal: abort.signal,
    });
    const response = await handler.fetch(request);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    if (!response.body) return res.end();
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch (error) {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  }
});
httpServer.listen(0, "127.0.0.1", () => console.log(`listening on ${httpServer.address().port}`));
