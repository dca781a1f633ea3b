// An MCP server made with the official TypeScript SDK (npm @modelcontextprotocol/sdk), over
// Streamable HTTP (`node server.mjs streamable`: POST, GET and DELETE on /mcp, one session per
// initialize) or the older HTTP+SSE transport (`node server.mjs sse`: GET /sse, POST
// /messages?sessionId=). It listens on 127.0.0.1 on a free port and prints `listening on PORT`.
// Its one tool, `count`, reports progress and logs a message before it answers.
import { randomUUID } from "node:crypto";
import http from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

const kind = process.argv[2] === "sse" ? "sse" : "streamable";

function makeServer() {
  const server = new McpServer({ name: "sse-monitor-test-server", version: "1.0.0" }, { capabilities: { logging: {} } });
  server.registerTool(
    "count",
    { description: "Counts to `to`, reporting progress at each step", inputSchema: { to: z.number().int().min(1).max(10) } },
    async ({ to }, extra) => {
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= to; step += 1) {
        if (token !== undefined) {
          await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: step, total: to } });
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await extra.sendNotification({ method: "notifications/message", params: { level: "info", data: `counted to ${to}` } });
      return { content: [{ type: "text", text: String(to) }] };
    },
  );
  return server;
}

/** @type {Record<string, any>} */
const sessions = {};

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

const httpServer = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (kind === "sse") {
      if (req.method === "GET" && url.pathname === "/sse") {
        const transport = new SSEServerTransport("/messages", res);
        sessions[transport.sessionId] = transport;
        res.on("close", () => delete sessions[transport.sessionId]);
        await makeServer().connect(transport);
        return;
      }
      if (req.method === "POST" && url.pathname === "/messages") {
        const transport = sessions[url.searchParams.get("sessionId") ?? ""];
        if (!transport) {
          res.writeHead(404).end("no such session");
          return;
        }
        await transport.handlePostMessage(req, res);
        return;
      }
    } else if (url.pathname === "/mcp") {
      const sessionId = req.headers["mcp-session-id"];
      const body = req.method === "POST" ? await readJson(req) : undefined;
      let transport = typeof sessionId === "string" ? sessions[sessionId] : undefined;
      if (!transport && req.method === "POST" && isInitializeRequest(body)) {
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions[id] = transport;
          },
        });
        transport.onclose = () => {
          if (transport.sessionId) delete sessions[transport.sessionId];
        };
        await makeServer().connect(transport);
      }
      if (!transport) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "no valid session" }, id: null }));
        return;
      }
      await transport.handleRequest(req, res, body);
      return;
    }
    res.writeHead(404).end();
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500).end(String(error));
  }
});

httpServer.listen(0, "127.0.0.1", () => {
  const address = httpServer.address();
  console.log(`listening on ${typeof address === "object" && address ? address.port : "?"}`);
});
