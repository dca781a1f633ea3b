//! Each fixture read by the provider's official client library (npm `openai`,
//! `@anthropic-ai/sdk`, `@google/genai`, `ollama`, pinned in package-lock.json, run by
//! `tests/sdk/check.mjs` against a local server that sends the fixture): the SDK parses every
//! fixture, and what it makes of it (text, reasoning, tool calls, complete or not, the error
//! it throws) is what `sse_llm` reports.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use sse_llm::{BlockKind, Completeness, LlmStream, Provider, Summary};
use sse_subscriber::EventParser;

const CASES: [(&str, Provider); 10] = [
    ("openai-chat-text.sse", Provider::OpenAiChat),
    ("openai-chat-tools.sse", Provider::OpenAiChat),
    ("openai-chat-truncated.sse", Provider::OpenAiChat),
    ("openai-chat-error.sse", Provider::OpenAiChat),
    ("openai-responses.sse", Provider::OpenAiResponses),
    ("anthropic-tools.sse", Provider::Anthropic),
    ("anthropic-overloaded.sse", Provider::Anthropic),
    ("gemini.sse", Provider::Gemini),
    ("ollama-chat.ndjson", Provider::Ollama),
    ("ollama-truncated.ndjson", Provider::Ollama),
];

fn fixture_path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn ours(name: &str, provider: Provider) -> Summary {
    let bytes = std::fs::read(fixture_path(name)).unwrap();
    let mut stream = LlmStream::new(provider);
    if name.ends_with(".ndjson") {
        for line in String::from_utf8(bytes).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            stream.push("message", line, Duration::ZERO);
        }
    } else {
        let mut parser = EventParser::new(1 << 20);
        parser.feed(&bytes);
        while let Some(event) = parser.next_event().unwrap() {
            stream.push(&event.event, &event.data, Duration::ZERO);
        }
    }
    stream.end(Duration::ZERO);
    stream.summary()
}

fn theirs(name: &str, provider: Provider) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert!(
        root.join("node_modules/@anthropic-ai/sdk").exists(),
        "the SDKs are not installed: run `npm ci` (scripts/setup.sh does)"
    );
    let output = Command::new("node")
        .current_dir(&root)
        .arg("llm/tests/sdk/check.mjs")
        .arg(fixture_path(name))
        .arg(provider.key())
        .output()
        .expect("node runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{name}: {out}{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or_else(|e| panic!("{name}: {e}: {out}"))
}

fn joined(summary: &Summary, kind: BlockKind) -> String {
    summary.blocks.iter().filter(|b| b.kind == kind).map(|b| b.text.as_str()).collect()
}

/// Every fixture: the SDK's own reading and ours agree.
#[test]
fn the_official_sdks_read_every_fixture_as_sse_llm_does() {
    for (name, provider) in CASES {
        let sdk = theirs(name, provider);
        let summary = ours(name, provider);
        let complete = summary.completeness == Completeness::Complete;
        assert_eq!(
            sdk["complete"].as_bool(),
            Some(complete),
            "{name}: complete? SDK {sdk}, ours {}",
            summary.detail
        );
        match summary.completeness {
            Completeness::Failed => {
                let error = summary.error.clone().unwrap();
                let message = error.split_once(": ").map_or(error.as_str(), |(_, message)| message);
                let sdk_error =
                    sdk["error"].as_str().unwrap_or_else(|| panic!("{name}: the SDK threw nothing: {sdk}"));
                assert!(sdk_error.contains(message), "{name}: SDK error {sdk_error:?}, ours {error:?}");
            }
            Completeness::Truncated => assert!(!complete, "{name}"),
            _ => {
                assert!(sdk["error"].is_null(), "{name}: {sdk}");
                assert_eq!(sdk["text"].as_str(), Some(joined(&summary, BlockKind::Text).as_str()), "{name}");
                assert_eq!(
                    sdk["reasoning"].as_str(),
                    Some(joined(&summary, BlockKind::Reasoning).as_str()),
                    "{name}"
                );
                let tools: Vec<&sse_llm::Block> =
                    summary.blocks.iter().filter(|b| b.kind == BlockKind::ToolCall).collect();
                let sdk_tools = sdk["tools"].as_array().unwrap();
                assert_eq!(sdk_tools.len(), tools.len(), "{name}: {sdk}");
                for (theirs, ours) in sdk_tools.iter().zip(tools) {
                    assert_eq!(theirs["name"].as_str(), ours.name.as_deref(), "{name}");
                    if let Some(id) = theirs["id"].as_str() {
                        assert_eq!(Some(id), ours.id.as_deref(), "{name}");
                    }
                    let arguments: Value = serde_json::from_str(&ours.text).unwrap();
                    assert_eq!(theirs["arguments"], arguments, "{name}");
                }
            }
        }
    }
}
