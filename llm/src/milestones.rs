//! The moments of one LLM stream on one clock, in ms from its request being sent: the head,
//! the first body byte, the first event, the first event that carries generated content, the
//! first answer text, the last content, the end. Time to first token (TTFT) is "request sent
//! to first content": a role-only delta, `response.created`, `message_start`, a ping or a
//! usage-only chunk carry none. What counts as content is each provider's reader's to say (the
//! pieces it finds: text, reasoning, a tool call's arguments, a refusal); this keeps when they
//! came. Defined with their sources in `docs/llm-timing.md`.

use std::time::Duration;

use serde::Serialize;

use crate::answer::ContentSeen;
use crate::completeness::Completeness;
use crate::timing::ms;

/// When each moment came, in ms from the request being sent; `None` when it never did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Milestones {
    /// 0 when the stream had a request (every time counts from it).
    pub request_sent: Option<f64>,
    pub head_received: Option<f64>,
    pub first_byte: Option<f64>,
    pub first_event: Option<f64>,
    /// The first event carrying generated content: TTFT.
    pub first_content: Option<f64>,
    /// The first piece of answer text (not reasoning, a tool call or a refusal).
    pub first_text: Option<f64>,
    pub last_content: Option<f64>,
    pub end: Option<f64>,
    /// Once the stream is over: why no content came, or what came instead of answer text.
    pub no_content_reason: Option<NoContent>,
}

impl Milestones {
    /// Each moment in order, as a person names it.
    pub fn named(&self) -> [(&'static str, Option<f64>); 8] {
        [
            ("request sent", self.request_sent),
            ("head received", self.head_received),
            ("first byte", self.first_byte),
            ("first event", self.first_event),
            ("first content", self.first_content),
            ("first text", self.first_text),
            ("last content", self.last_content),
            ("end", self.end),
        ]
    }
}

/// Why an ended stream has no content, or no answer text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum NoContent {
    /// The stream ended, without its terminal event, before any content.
    Cut,
    /// An error came in band before any content.
    Error,
    /// The stream ended as it should, with nothing generated.
    NoneGenerated,
    /// Content came, but only reasoning.
    OnlyReasoning,
    /// Content came, but only tool calls (perhaps after reasoning).
    OnlyToolCalls,
    /// Content came, but only a refusal.
    OnlyRefusal,
}

impl NoContent {
    /// As a sentence's end: "no content: ...", "no answer text: ...".
    pub fn words(self) -> &'static str {
        match self {
            Self::Cut => "no content: the stream was cut before any",
            Self::Error => "no content: an error came in band before any",
            Self::NoneGenerated => "no content: none was generated",
            Self::OnlyReasoning => "no answer text: only reasoning",
            Self::OnlyToolCalls => "no answer text: only tool calls",
            Self::OnlyRefusal => "no answer text: only a refusal",
        }
    }
}

/// The moments a stream was told of, apart from its content.
#[derive(Debug, Default, Clone)]
pub(crate) struct Moments {
    pub head: Option<Duration>,
    pub first_byte: Option<Duration>,
    pub first_event: Option<Duration>,
    pub end: Option<Duration>,
}

/// Why there is no content or no answer text, once the stream is over.
fn missing(seen: &ContentSeen, completeness: Completeness) -> Option<NoContent> {
    if completeness == Completeness::Streaming {
        return None;
    }
    if seen.first.is_none() {
        return Some(match completeness {
            Completeness::Failed => NoContent::Error,
            Completeness::Truncated => NoContent::Cut,
            _ => NoContent::NoneGenerated,
        });
    }
    if seen.first_text.is_some() {
        None
    } else if seen.refusal {
        Some(NoContent::OnlyRefusal)
    } else if seen.tool_calls {
        Some(NoContent::OnlyToolCalls)
    } else {
        Some(NoContent::OnlyReasoning)
    }
}

pub(crate) fn milestones(moments: &Moments, content: &ContentSeen, completeness: Completeness) -> Milestones {
    Milestones {
        request_sent: Some(0.0),
        head_received: moments.head.map(ms),
        first_byte: moments.first_byte.map(ms),
        first_event: moments.first_event.map(ms),
        first_content: content.first.map(ms),
        first_text: content.first_text.map(ms),
        last_content: content.last.map(ms),
        end: moments.end.map(ms),
        no_content_reason: missing(content, completeness),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::BlockKind;

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    /// Reasoning before text: first content is the reasoning, first text comes later.
    #[test]
    fn first_content_and_first_text_are_told_apart() {
        let mut seen = ContentSeen::default();
        seen.piece(BlockKind::Reasoning, at(100));
        seen.piece(BlockKind::Text, at(300));
        seen.piece(BlockKind::Text, at(320));
        let got = milestones(&Moments::default(), &seen, Completeness::Complete);
        assert_eq!(
            (got.first_content, got.first_text, got.last_content),
            (Some(100.0), Some(300.0), Some(320.0))
        );
        assert_eq!(got.no_content_reason, None);
    }

    /// With no content, why; with no text, what came instead; nothing said while streaming.
    #[test]
    fn missing_content_is_explained_once_the_stream_is_over() {
        let none = ContentSeen::default();
        assert_eq!(missing(&none, Completeness::Streaming), None);
        assert_eq!(missing(&none, Completeness::Truncated), Some(NoContent::Cut));
        assert_eq!(missing(&none, Completeness::Failed), Some(NoContent::Error));
        assert_eq!(missing(&none, Completeness::Complete), Some(NoContent::NoneGenerated));
        let mut tools = ContentSeen::default();
        tools.piece(BlockKind::Reasoning, at(1));
        tools.piece(BlockKind::ToolCall, at(2));
        assert_eq!(missing(&tools, Completeness::Complete), Some(NoContent::OnlyToolCalls));
        let mut refused = ContentSeen::default();
        refused.piece(BlockKind::Refusal, at(1));
        assert_eq!(missing(&refused, Completeness::Failed), Some(NoContent::OnlyRefusal));
        let mut thought = ContentSeen::default();
        thought.piece(BlockKind::Reasoning, at(1));
        assert_eq!(missing(&thought, Completeness::Truncated), Some(NoContent::OnlyReasoning));
    }
}
