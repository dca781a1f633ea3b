// Streams from BASE with a provider's official SDK RUNS times, one after another, and prints a
// JSON line per run: when the SDK's own iterator yielded the first generated content (text,
// reasoning or a tool call's arguments), in ms since the Unix epoch (performance.timeOrigin +
// performance.now(), to the microsecond), and the text it assembled.
// Usage: node llm-first-content.mjs PROVIDER BASE RUNS (PROVIDER: openai, responses, anthropic,
// gemini). Run by sse-llm-ttft-bench and benches/tests/llm_first_content.rs.
const [provider, base, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 1);
const now = () => performance.timeOrigin + performance.now();

/** The SDK's stream as (content, text) pairs: the content an item carries ("" for none) and
 * the answer text in it. */
async function* items() {
  switch (provider) {
    case "openai": {
      const { default: OpenAI } = await import("openai");
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "sk-test", maxRetries: 0 });
      const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true });
      for await (const chunk of stream) {
        const delta = chunk.choices?.[0]?.delta ?? {};
        const args = (delta.tool_calls ?? []).map((call) => call.function?.arguments ?? "").join("");
        yield [`${delta.content ?? ""}${delta.reasoning_content ?? ""}${delta.refusal ?? ""}${args}`, delta.content ?? ""];
      }
      return;
    }
    case "responses": {
      const { default: OpenAI } = await import("openai");
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "sk-test", maxRetries: 0 });
      const stream = await client.responses.create({ model: "m", input: "hi", stream: true });
      for await (const event of stream) {
        const delta = event.type.endsWith(".delta") && typeof event.delta === "string" ? event.delta : "";
        yield [delta, event.type === "response.output_text.delta" ? delta : ""];
      }
      return;
    }
    case "anthropic": {
      const { default: Anthropic } = await import("@anthropic-ai/sdk");
      const client = new Anthropic({ baseURL: base, apiKey: "sk-ant-test", maxRetries: 0 });
      const stream = await client.messages.create({ model: "m", max_tokens: 64, messages: [{ role: "user", content: "hi" }], stream: true });
      for await (const event of stream) {
        if (event.type !== "content_block_delta") {
          yield ["", ""];
          continue;
        }
        const delta = event.delta;
        const text = delta.type === "text_delta" ? delta.text : "";
        yield [text || (delta.type === "thinking_delta" ? delta.thinking : "") || (delta.type === "input_json_delta" ? delta.partial_json : ""), text];
      }
      return;
    }
    case "gemini": {
      const { GoogleGenAI } = await import("@google/genai");
      const ai = new GoogleGenAI({ apiKey: "test", httpOptions: { baseUrl: base } });
      const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
      for await (const chunk of stream) {
        const parts = chunk.candidates?.[0]?.content?.parts ?? [];
        const content = parts.map((part) => part.text ?? (part.functionCall ? JSON.stringify(part.functionCall.args ?? {}) : "")).join("");
        yield [content, parts.filter((part) => !part.thought).map((part) => part.text ?? "").join("")];
      }
      return;
    }
    default:
      throw new Error(`unknown provider ${provider}`);
  }
}

for (let run = 0; run < runs; run++) {
  let firstContentMs = null;
  let text = "";
  for await (const [content, answer] of items()) {
    if (firstContentMs === null && content !== "") firstContentMs = now();
    text += answer;
  }
  console.log(JSON.stringify({ run, firstContentMs, text }));
}
