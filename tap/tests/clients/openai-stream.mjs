// The official `openai` SDK, its base URL set to BASE_URL (the tap), streams a chat
// completion and prints each chunk's text as a JSON line, then `{"done": true}`.
// Run by tap/tests/node_clients.rs.
import OpenAI from "openai";

const [baseURL] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "sk-test", maxRetries: 0, timeout: 10_000 });
const stream = await client.chat.completions.create({
  model: "fixture-model",
  messages: [{ role: "user", content: "Say hello" }],
  stream: true,
});
for await (const chunk of stream) {
  console.log(JSON.stringify({ content: chunk.choices[0]?.delta?.content ?? "" }));
}
console.log(JSON.stringify({ done: true }));
