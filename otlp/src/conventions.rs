//! The OpenTelemetry GenAI semantic conventions this crate follows, in one place
//! (`open-telemetry/semantic-conventions-genai`, `docs/gen-ai/gen-ai-spans.md`, "Inference",
//! and `docs/gen-ai/gen-ai-metrics.md`, "Generative AI client metrics"). Status: Development.

use sse_llm::Provider;

/// "`gen_ai.client.operation.duration` | Histogram | `s` | GenAI operation duration."
pub const OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
/// "`gen_ai.client.token.usage` | Histogram | `{token}` | Number of input and output tokens
/// used."
pub const TOKEN_USAGE: &str = "gen_ai.client.token.usage";
/// "`gen_ai.client.operation.time_to_first_chunk` | Histogram | `s` | Time to receive the
/// first chunk, measured from when the client issues the generation request to when the
/// first chunk is received in the response stream."
pub const TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";
/// "`gen_ai.client.operation.time_per_output_chunk` | Histogram | `s` | Time per output chunk,
/// recorded for each chunk received after the first one, measured as the time elapsed from
/// the end of the previous chunk to the end of the current chunk."
pub const TIME_PER_OUTPUT_CHUNK: &str = "gen_ai.client.operation.time_per_output_chunk";

pub const UNIT_SECONDS: &str = "s";
pub const UNIT_TOKENS: &str = "{token}";

/// "This metric SHOULD be specified with ExplicitBucketBoundaries of [0.01, 0.02, ...,
/// 81.92]" (the duration, time to first chunk and time per output chunk).
pub const SECONDS_BUCKETS: [f64; 14] =
    [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/// "This metric SHOULD be specified with ExplicitBucketBoundaries of [1, 4, 16, ...,
/// 67108864]" (token usage).
pub const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

pub const OPERATION_NAME: &str = "gen_ai.operation.name";
pub const PROVIDER_NAME: &str = "gen_ai.provider.name";
pub const REQUEST_MODEL: &str = "gen_ai.request.model";
pub const REQUEST_STREAM: &str = "gen_ai.request.stream";
pub const RESPONSE_MODEL: &str = "gen_ai.response.model";
pub const RESPONSE_ID: &str = "gen_ai.response.id";
pub const RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// "Time to first chunk in a streaming response, measured from request issuance, in
/// seconds."
pub const RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";
pub const USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
pub const USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
pub const USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";
pub const TOKEN_TYPE: &str = "gen_ai.token.type";
pub const INPUT_MESSAGES: &str = "gen_ai.input.messages";
pub const OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
pub const SERVER_ADDRESS: &str = "server.address";
pub const SERVER_PORT: &str = "server.port";
pub const ERROR_TYPE: &str = "error.type";
/// Ours, beside the conventions' first chunk: request sent to the first event that carries
/// content (TTFT as SSE Monitor shows it), in seconds.
pub const TIME_TO_FIRST_CONTENT: &str = "sse_monitor.time_to_first_content";

/// "`gen_ai.provider.name` has the following list of well-known values ... `openai`,
/// `anthropic`, `gcp.gemini` (Used when accessing the 'generativelanguage.googleapis.com'
/// endpoint)"; Ollama has none, so its own name (a custom value MAY be used).
pub fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::OpenAiChat | Provider::OpenAiResponses => "openai",
        Provider::Anthropic => "anthropic",
        Provider::Gemini => "gcp.gemini",
        Provider::Ollama => "ollama",
    }
}

/// "`gen_ai.operation.name` ... `chat` (Chat completion operation such as OpenAI Chat API),
/// `generate_content` (such as Gemini Generate Content), `text_completion`": Ollama's
/// `/api/generate` is a text completion, Gemini's `streamGenerateContent` generates content,
/// every other stream is a chat.
pub fn operation_name(provider: Provider, url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    match provider {
        Provider::Gemini => "generate_content",
        Provider::Ollama if path.ends_with("/api/generate") => "text_completion",
        _ => "chat",
    }
}
