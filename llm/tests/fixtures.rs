//! Every provider's documented stream, assembled: text, reasoning, tool calls with their
//! arguments checked, usage, completeness, in-band errors and cut streams; milestones and
//! timing on a paced replay (the head at 140 ms, the first byte at 150 ms, an event every
//! 20 ms from 200 ms, the end 20 ms after the last).

use sse_llm::NoContent;

use std::time::Duration;

use sse_llm::{Arguments, BlockKind, Completeness, LlmStream, Provider, Summary};
use sse_subscriber::EventParser;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture's events as a client reads them: SSE through the spec's parser, NDJSON a line
/// an event.
fn events(name: &str) -> Vec<(String, String)> {
    let bytes = fixture(name);
    if name.ends_with(".ndjson") {
        let text = String::from_utf8(bytes).unwrap();
        return text.lines().filter(|l| !l.trim().is_empty()).map(|l| ("message".into(), l.into())).collect();
    }
    let mut parser = EventParser::new(1 << 20);
    parser.feed(&bytes);
    let mut events = Vec::new();
    while let Some(event) = parser.next_event().unwrap() {
        events.push((event.event, event.data));
    }
    events
}

/// Replays a fixture's events paced as the module says, and ends the stream.
fn replay(name: &str, provider: Provider) -> Summary {
    replay_events(&events(name), provider)
}

/// The time of the `n`th event of a replay, in ms.
fn event_ms(n: u64) -> f64 {
    (200 + 20 * n) as f64
}

fn replay_events(events: &[(String, String)], provider: Provider) -> Summary {
    let mut stream = LlmStream::new(provider);
    stream.head(Duration::from_millis(140));
    stream.first_byte(Duration::from_millis(150));
    for (n, (event_type, data)) in events.iter().enumerate() {
        stream.push(event_type, data, Duration::from_millis(200 + 20 * n as u64));
    }
    stream.end(Duration::from_millis(200 + 20 * events.len() as u64));
    stream.summary()
}

fn texts(summary: &Summary, kind: BlockKind) -> Vec<&str> {
    summary.blocks.iter().filter(|b| b.kind == kind).map(|b| b.text.as_str()).collect()
}

/// OpenAI chat text: the choice's text, usage from the last chunk, complete at `[DONE]`; and
/// the timing of the paced replay, the block's lane included.
#[test]
fn openai_chat_text_is_complete_with_usage_and_timing() {
    let summary = replay("openai-chat-text.sse", Provider::OpenAiChat);
    assert_eq!(texts(&summary, BlockKind::Text), ["Hello! How can I help?"]);
    assert_eq!((summary.completeness, summary.detail.as_str()), (Completeness::Complete, "complete: [DONE]"));
    assert_eq!(summary.finish, ["stop"]);
    let usage = summary.usage.clone().unwrap();
    assert_eq!((usage.input, usage.output, usage.total), (Some(19), Some(7), Some(26)));
    let t = &summary.timing;
    // The role chunk (event 0) has no text: tokens are events 1, 2 and 3.
    let m = &summary.milestones;
    assert_eq!(
        (m.request_sent, m.head_received, m.first_byte, m.first_event, m.first_content, m.end),
        (Some(0.0), Some(140.0), Some(150.0), Some(200.0), Some(220.0), Some(340.0))
    );
    assert_eq!(t.second_token_ms, Some(240.0));
    assert_eq!(
        (t.tokens, t.tokens_per_second, t.gap_p50_ms, t.gap_max_ms),
        (3, Some(50.0), Some(20.0), Some(20.0))
    );
    assert_eq!(summary.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert!(summary.fits && summary.oddities.not_json == 0 && summary.oddities.unexpected == 0);
    // The block's lane on a timeline: its first and latest piece.
    assert_eq!((summary.blocks[0].first_ms, summary.blocks[0].last_ms), (Some(220.0), Some(260.0)));
}

/// Two tool calls assembled by index, each with its name, id and valid JSON arguments.
#[test]
fn openai_chat_tool_calls_assemble_by_index() {
    let summary = replay("openai-chat-tools.sse", Provider::OpenAiChat);
    let calls: Vec<_> = summary.blocks.iter().filter(|b| b.kind == BlockKind::ToolCall).collect();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        (calls[0].name.as_deref(), calls[0].id.as_deref()),
        (Some("get_weather"), Some("call_DdmO9pD3xa9XTPNJ32zg2hcA"))
    );
    assert_eq!(calls[0].text, r#"{"location":"Paris, France"}"#);
    assert_eq!((calls[1].name.as_deref(), calls[1].text.as_str()), (Some("get_time"), r#"{"zone":"CET"}"#));
    assert!(calls.iter().all(|c| c.closed && c.arguments == Some(Arguments::Valid)));
    assert_eq!(summary.finish, ["tool_calls"]);
    assert_eq!(summary.completeness, Completeness::Complete);
}

/// A stream cut before its end is truncated, never complete, and says which block is partial.
#[test]
fn a_cut_stream_is_truncated() {
    let summary = replay("openai-chat-truncated.sse", Provider::OpenAiChat);
    assert_eq!(summary.completeness, Completeness::Truncated);
    assert_eq!(summary.detail, "truncated: the stream ended without [DONE]; choice 0 is partial");
    assert_eq!(texts(&summary, BlockKind::Text), ["The answer is forty"]);

    let summary = replay("ollama-truncated.ndjson", Provider::Ollama);
    assert_eq!(summary.detail, "truncated: the stream ended without done: true; message is partial");
}

/// An error in band fails the stream: the answer so far is kept and marked partial.
#[test]
fn in_band_errors_fail_the_stream() {
    let summary = replay("openai-chat-error.sse", Provider::OpenAiChat);
    assert_eq!(summary.completeness, Completeness::Failed);
    assert_eq!(
        summary.error.as_deref(),
        Some("server_error: The server had an error while processing your request. Sorry about that!")
    );
    assert_eq!(texts(&summary, BlockKind::Text), ["Partial"]);

    let summary = replay("anthropic-overloaded.sse", Provider::Anthropic);
    assert_eq!(
        (summary.completeness, summary.error.as_deref()),
        (Completeness::Failed, Some("overloaded_error: Overloaded"))
    );
    assert_eq!(texts(&summary, BlockKind::Text), ["Hello"]);
}

/// Responses: text and a function call by output index, usage, complete, no sequence gap.
#[test]
fn openai_responses_assemble_text_and_function_calls() {
    let summary = replay("openai-responses.sse", Provider::OpenAiResponses);
    assert_eq!(texts(&summary, BlockKind::Text), ["Hi there!"]);
    let call = summary.blocks.iter().find(|b| b.kind == BlockKind::ToolCall).unwrap();
    assert_eq!((call.name.as_deref(), call.id.as_deref()), (Some("get_weather"), Some("call_12345xyz")));
    assert_eq!(
        (call.text.as_str(), call.arguments.clone()),
        (r#"{"location":"Paris, France"}"#, Some(Arguments::Valid))
    );
    assert_eq!(
        (summary.completeness, summary.finish.clone()),
        (Completeness::Complete, vec!["completed".to_owned()])
    );
    let usage = summary.usage.clone().unwrap();
    assert_eq!(
        (usage.input, usage.output, usage.reasoning, usage.total),
        (Some(37), Some(11), Some(0), Some(48))
    );
    assert!(summary.oddities.sequence_gaps.is_empty());

    // A missing event shows as a gap in sequence_number.
    let mut stream = LlmStream::new(Provider::OpenAiResponses);
    for (n, (event_type, data)) in events("openai-responses.sse").iter().enumerate().filter(|(n, _)| *n != 5)
    {
        stream.push(event_type, data, Duration::from_millis(n as u64));
    }
    assert_eq!(stream.summary().oddities.sequence_gaps, [(5, 6)]);
}

/// Anthropic: thinking apart from text, a tool_use block's input assembled from
/// input_json_delta, usage in two parts, complete at message_stop.
#[test]
fn anthropic_blocks_keep_thinking_text_and_tool_input_apart() {
    let summary = replay("anthropic-tools.sse", Provider::Anthropic);
    assert_eq!(texts(&summary, BlockKind::Reasoning), ["The user wants the weather in San Francisco."]);
    assert_eq!(texts(&summary, BlockKind::Text), ["Okay, let's check the weather for San Francisco, CA:"]);
    let call = summary.blocks.iter().find(|b| b.kind == BlockKind::ToolCall).unwrap();
    assert_eq!(call.text, r#"{"location": "San Francisco, CA", "unit": "fahrenheit"}"#);
    assert_eq!((call.name.as_deref(), call.arguments.clone()), (Some("get_weather"), Some(Arguments::Valid)));
    assert_eq!(
        (summary.completeness, summary.finish.clone()),
        (Completeness::Complete, vec!["tool_use".to_owned()])
    );
    let usage = summary.usage.clone().unwrap();
    assert_eq!((usage.input, usage.output, usage.total), (Some(472), Some(89), Some(561)));
    assert_eq!(summary.oddities.unknown_types + summary.oddities.unexpected + summary.oddities.not_json, 0);
}

/// Gemini: text chunks joined, a whole functionCall, finishReason ends it, usageMetadata.
#[test]
fn gemini_chunks_join_and_a_finish_reason_ends_them() {
    let summary = replay("gemini.sse", Provider::Gemini);
    assert_eq!(texts(&summary, BlockKind::Text), ["The sky is blue because of Rayleigh scattering."]);
    let call = summary.blocks.iter().find(|b| b.kind == BlockKind::ToolCall).unwrap();
    assert_eq!(
        (call.name.as_deref(), call.text.as_str()),
        (Some("get_weather"), r#"{"location":"Boston, MA"}"#)
    );
    assert_eq!(
        (summary.completeness, summary.detail.as_str()),
        (Completeness::Complete, "complete: finishReason STOP")
    );
    assert_eq!(summary.usage.clone().unwrap().total, Some(23));
}

/// Ollama NDJSON: content joined, complete at done: true with its counts.
#[test]
fn ollama_lines_join_until_done() {
    let summary = replay("ollama-chat.ndjson", Provider::Ollama);
    assert_eq!(texts(&summary, BlockKind::Text), ["The sky is blue."]);
    assert_eq!(
        (summary.completeness, summary.finish.clone()),
        (Completeness::Complete, vec!["stop".to_owned()])
    );
    let usage = summary.usage.clone().unwrap();
    assert_eq!((usage.input, usage.output), (Some(26), Some(282)));
}

/// A wrong guess says so: events that fit nothing leave the plain view in charge, counted and
/// sampled raw.
#[test]
fn a_guess_that_does_not_fit_says_so() {
    let summary = replay("anthropic-tools.sse", Provider::Gemini);
    assert!(!summary.fits);
    assert_eq!(summary.oddities.unexpected, summary.oddities.events);
    assert_eq!(summary.oddities.samples.len(), 5);
    assert!(summary.oddities.samples[0].starts_with("message_start: {\"type\":\"message_start\""));
    assert!(summary.text().contains("these events do not look like Google Gemini"));
}

/// Each provider is told from its URL or, failing that, its first event.
#[test]
fn each_fixture_names_its_provider_by_its_first_event() {
    for (name, provider) in [
        ("openai-chat-text.sse", Provider::OpenAiChat),
        ("openai-responses.sse", Provider::OpenAiResponses),
        ("anthropic-tools.sse", Provider::Anthropic),
        ("gemini.sse", Provider::Gemini),
        ("ollama-chat.ndjson", Provider::Ollama),
    ] {
        let (event_type, data) = events(name).remove(0);
        assert_eq!(Provider::from_event(&event_type, &data), Some(provider), "{name}");
    }
}

/// Bad input never crashes or grows without bound: text that is not JSON, shapes and types
/// the format lacks, huge tool arguments and endless blocks are counted and cut.
#[test]
fn bad_input_is_counted_sampled_and_bounded() {
    let at = Duration::ZERO;
    let mut stream = LlmStream::new(Provider::Anthropic);
    stream.push("message_start", "{not json", at);
    let start = r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"f","input":{}}}"#;
    stream.push("content_block_start", start, at);
    let huge = format!(
        r#"{{"type":"content_block_delta","index":0,"delta":{{"type":"input_json_delta","partial_json":"{}"}}}}"#,
        "a".repeat(1 << 20)
    );
    for _ in 0..6 {
        stream.push("content_block_delta", &huge, at);
    }
    stream.push("mystery", r#"{"type":"mystery"}"#, at);
    stream.push("content_block_delta", r#"{"type":"content_block_delta","index":0}"#, at);
    for index in 1..=300 {
        let block = format!(
            r#"{{"type":"content_block_start","index":{index},"content_block":{{"type":"text","text":"x"}}}}"#
        );
        stream.push("content_block_start", &block, at);
    }
    stream.end(Duration::from_millis(1));
    let summary = stream.summary();
    let odd = &summary.oddities;
    assert_eq!((odd.not_json, odd.unknown_types, odd.unexpected, odd.dropped_blocks), (1, 1, 1, 45));
    assert_eq!(summary.blocks.len(), 256);
    let call = &summary.blocks[0];
    assert!(call.truncated && call.text.len() == 4 << 20, "cut at 4 MiB, not {}", call.text.len());
    assert!(
        matches!(call.arguments, Some(Arguments::Malformed { .. })),
        "a cut stream's arguments: {:?}",
        call.arguments
    );
    assert!(odd.samples.iter().all(|s| s.chars().count() <= 320), "samples are cut short");
    assert_eq!(summary.completeness, Completeness::Truncated);
}

/// The text report names the provider, the completeness, each block and the timing.
#[test]
fn the_text_report_reads_as_a_summary() {
    let text = replay("anthropic-tools.sse", Provider::Anthropic).text();
    for line in [
        "LLM stream: Anthropic Messages (claude-sonnet-4-5): complete: message_stop",
        "  finish: tool_use",
        "  reasoning (block 0, 2 pieces):",
        "    The user wants the weather in San Francisco.",
        "  tool call get_weather [toolu_01T1x1fJ34qAmk2tNTrN7Up6] (block 2, 3 pieces · arguments are valid JSON):",
        "  usage: 472 in, 89 out, 561 total",
        "  time to first content (TTFT): 240.0 ms",
        "  milestones, ms from the request being sent (+ the gap since the one before):",
        "    request sent         0.0",
        "    head received      140.0  +140.0",
        "    first byte         150.0  +10.0",
        "    first event        200.0  +50.0",
        "    first content      240.0  +40.0",
        "    first text         360.0  +120.0",
        "    last content       500.0  +140.0",
        "    end                580.0  +80.0",
        "  tokens: 7, 23.1/s; second token 260.0 ms",
        "  gaps: p50 20.0 ms, p99 100.0 ms, max 100.0 ms; <50ms 4, <100ms 1, <200ms 1",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
}

/// Each provider's rule for "carries content", on its fixtures: the first event with generated
/// content (never a role-only delta, `response.created`, `message_start`, `ping` or a
/// usage-only chunk), the first answer text, the last content, and what came instead of text.
#[test]
fn first_content_is_the_first_event_carrying_generated_content() {
    for (name, provider, first_content, first_text, last_content, reason) in [
        ("openai-chat-text.sse", Provider::OpenAiChat, 1, Some(1), 3, None),
        ("openai-chat-tools.sse", Provider::OpenAiChat, 1, None, 5, Some(NoContent::OnlyToolCalls)),
        ("openai-chat-truncated.sse", Provider::OpenAiChat, 1, Some(1), 2, None),
        ("openai-chat-error.sse", Provider::OpenAiChat, 1, Some(1), 1, None),
        ("openai-responses.sse", Provider::OpenAiResponses, 4, Some(4), 11, None),
        ("anthropic-tools.sse", Provider::Anthropic, 2, Some(8), 15, None),
        ("anthropic-overloaded.sse", Provider::Anthropic, 2, Some(2), 2, None),
        ("gemini.sse", Provider::Gemini, 0, Some(0), 3, None),
        ("ollama-chat.ndjson", Provider::Ollama, 0, Some(0), 2, None),
        ("ollama-truncated.ndjson", Provider::Ollama, 0, Some(0), 1, None),
    ] {
        let m = replay(name, provider).milestones;
        assert_eq!(
            (m.first_content, m.first_text, m.last_content, m.no_content_reason),
            (Some(event_ms(first_content)), first_text.map(event_ms), Some(event_ms(last_content)), reason),
            "{name}"
        );
        assert_eq!(m.first_event, Some(event_ms(0)), "{name}");
    }
}

/// Streams without content say why (cut, an error, none generated), and streams without
/// answer text say what came instead (reasoning, a refusal), for each provider's own shapes.
#[test]
fn streams_without_content_or_text_say_why() {
    let ev = |event_type: &str, data: &str| (event_type.to_owned(), data.to_owned());
    let role =
        ev("message", r#"{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#);
    let finish = ev("message", r#"{"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#);
    let usage =
        ev("message", r#"{"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0}}"#);
    let done = ev("message", "[DONE]");
    let refusal =
        ev("message", r#"{"id":"c1","choices":[{"index":0,"delta":{"refusal":"I can't help with that."}}]}"#);
    let created = ev(
        "response.created",
        r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","model":"m"}}"#,
    );
    let failed = ev(
        "response.failed",
        r#"{"type":"response.failed","sequence_number":1,"response":{"error":{"code":"server_error","message":"boom"}}}"#,
    );
    let start = ev("message_start", r#"{"type":"message_start","message":{"id":"msg_1","model":"m"}}"#);
    let ping = ev("ping", r#"{"type":"ping"}"#);
    let thought = ev(
        "message",
        r#"{"candidates":[{"content":{"parts":[{"text":"Thinking...","thought":true}]},"index":0}]}"#,
    );
    let gemini_stop = ev(
        "message",
        r#"{"candidates":[{"finishReason":"STOP","index":0}],"usageMetadata":{"totalTokenCount":3}}"#,
    );
    for (what, provider, events, reason) in [
        (
            "role, finish, usage, [DONE]",
            Provider::OpenAiChat,
            vec![role.clone(), finish.clone(), usage, done.clone()],
            NoContent::NoneGenerated,
        ),
        ("role only, then cut", Provider::OpenAiChat, vec![role.clone()], NoContent::Cut),
        ("a refusal", Provider::OpenAiChat, vec![role, refusal, finish, done], NoContent::OnlyRefusal),
        ("created, then failed", Provider::OpenAiResponses, vec![created, failed], NoContent::Error),
        ("message_start and ping, then cut", Provider::Anthropic, vec![start, ping], NoContent::Cut),
        ("only a thought", Provider::Gemini, vec![thought, gemini_stop], NoContent::OnlyReasoning),
    ] {
        let summary = replay_events(&events, provider);
        assert_eq!(summary.milestones.no_content_reason, Some(reason), "{what}");
        assert!(summary.text().contains(reason.words()), "{what}: {}", summary.text());
    }
}

/// The response's id, as each provider names it.
#[test]
fn the_response_id_is_read() {
    for (name, provider, id) in [
        ("openai-chat-text.sse", Provider::OpenAiChat, Some("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")),
        ("openai-responses.sse", Provider::OpenAiResponses, Some("resp_67c9fdcecf488190bdd9a0409de3a1ec")),
        ("anthropic-tools.sse", Provider::Anthropic, Some("msg_014p7gG3wDgGV9EUtLvnow3U")),
        ("gemini.sse", Provider::Gemini, Some("T5s0aL6QKqSJ7dcPjtLU2Ag")),
        ("ollama-chat.ndjson", Provider::Ollama, None),
    ] {
        assert_eq!(replay(name, provider).response_id.as_deref(), id, "{name}");
    }
}
