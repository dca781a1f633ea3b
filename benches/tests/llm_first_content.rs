//! The tap's time to first content checked against the clients themselves: the official SDKs
//! (npm `openai` for Chat Completions and Responses, `@anthropic-ai/sdk`, `@google/genai`)
//! stream each provider's fixture through a tap; the tap's first content is never after the
//! moment the SDK's iterator yielded it, and within 50 ms of it.

use sse_bench::llm_ttft::{measure, CASES};

/// Three streams per SDK: the tap first, the SDK at most 50 ms later, the same text.
#[tokio::test]
async fn the_tap_sees_first_content_no_later_than_each_sdk() {
    for case in CASES {
        let runs = measure(case, 3).await.unwrap_or_else(|error| panic!("{error:#}"));
        for run in &runs {
            let gap = run.gap_ms();
            assert!(gap >= 0.0, "{}: the tap's first content {gap:.3} ms after the SDK's: {run:?}", case.sdk);
            assert!(
                gap <= 50.0,
                "{}: the SDK yielded the first content {gap:.3} ms after the tap: {run:?}",
                case.sdk
            );
            assert!(!run.text.is_empty(), "{}: the SDK assembled no answer text: {run:?}", case.sdk);
        }
    }
}
