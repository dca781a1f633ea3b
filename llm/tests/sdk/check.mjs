// Reads one fixture with a provider's official SDK, as an app would: the fixture is served
// by a local HTTP server (this process), the SDK's base URL points at it, and what the SDK
// itself makes of the stream (finalChatCompletion(), finalResponse(), finalMessage(), the
// joined Gemini or Ollama chunks, or the error it throws) is printed as one JSON line:
// {text, reasoning, tools: [{name, id, arguments}], complete, error}.
// Usage: node check.mjs FIXTURE PROVIDER. Run by llm/tests/sdk.rs.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [fixture, provider] = process.argv.slice(2);
const body = readFileSync(fixture);
const contentType = fixture.endsWith(".ndjson") ? "application/x-ndjson" : "text/event-stream";

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": contentType, "cache-control": "no-cache" });
    response.end(body);
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const result = { text: "", reasoning: "", tools: [], complete: false, error: null };
const parsed = (args) => (typeof args === "string" ? (args ? JSON.parse(args) : {}) : args ?? {});

try {
  switch (provider) {
    case "openai": {
      const { default: OpenAI } = await import("openai");
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "sk-test", maxRetries: 0 });
      const stream = client.chat.completions.stream({ model: "m", messages: [{ role: "user", content: "hi" }] });
      const completion = await stream.finalChatCompletion();
      const message = completion.choices[0].message;
      result.text = message.content ?? "";
      result.tools = (message.tool_calls ?? []).map((c) => ({ name: c.function.name, id: c.id, arguments: parsed(c.function.arguments) }));
      result.complete = true;
      break;
    }
    case "responses": {
      const { default: OpenAI } = await import("openai");
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "sk-test", maxRetries: 0 });
      const stream = client.responses.stream({ model: "m", input: "hi" });
      const response = await stream.finalResponse();
      result.text = response.output
        .filter((item) => item.type === "message")
        .flatMap((item) => item.content)
        .filter((part) => part.type === "output_text")
        .map((part) => part.text)
        .join("");
      result.tools = response.output
        .filter((item) => item.type === "function_call")
        .map((item) => ({ name: item.name, id: item.call_id, arguments: parsed(item.arguments) }));
      result.complete = response.status === "completed";
      break;
    }
    case "anthropic": {
      const { default: Anthropic } = await import("@anthropic-ai/sdk");
      const client = new Anthropic({ baseURL: base, apiKey: "sk-ant-test", maxRetries: 0 });
      const stream = client.messages.stream({ model: "m", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
      const message = await stream.finalMessage();
      for (const block of message.content) {
        if (block.type === "text") result.text += block.text;
        if (block.type === "thinking") result.reasoning += block.thinking;
        if (block.type === "tool_use") result.tools.push({ name: block.name, id: block.id, arguments: parsed(block.input) });
      }
      result.complete = true;
      break;
    }
    case "gemini": {
      const { GoogleGenAI } = await import("@google/genai");
      const ai = new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: base } });
      const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
      for await (const chunk of stream) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          if (typeof part.text === "string") {
            if (part.thought) result.reasoning += part.text;
            else result.text += part.text;
          }
          if (part.functionCall) result.tools.push({ name: part.functionCall.name, id: part.functionCall.id ?? null, arguments: parsed(part.functionCall.args) });
        }
        if (chunk.candidates?.[0]?.finishReason) result.complete = true;
      }
      break;
    }
    case "ollama": {
      const { Ollama } = await import("ollama");
      const client = new Ollama({ host: base });
      const stream = await client.chat({ model: "llama3.2", messages: [{ role: "user", content: "hi" }], stream: true });
      for await (const part of stream) {
        result.text += part.message?.content ?? "";
        result.reasoning += part.message?.thinking ?? "";
        for (const call of part.message?.tool_calls ?? []) result.tools.push({ name: call.function.name, id: null, arguments: parsed(call.function.arguments) });
        if (part.done) result.complete = true;
      }
      break;
    }
    default:
      throw new Error(`unknown provider ${provider}`);
  }
} catch (error) {
  result.complete = false;
  result.error = String(error?.message ?? error);
}
console.log(JSON.stringify(result));
server.close();
process.exit(0);
