//! A summary as text for a terminal (`sse-sub --llm`).

use std::fmt::Write as _;

use crate::answer::{Arguments, BlockKind};
use crate::stream::Summary;
use crate::timing::GAP_BUCKETS_MS;

impl Summary {
    /// Lines a user reads at the end of a stream.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let model = self.model.as_deref().map(|m| format!(" ({m})")).unwrap_or_default();
        let _ = writeln!(out, "LLM stream: {}{model}: {}", self.provider.name(), self.detail);
        if !self.fits {
            let _ = writeln!(
                out,
                "  these events do not look like {}: read them as plain events",
                self.provider.name()
            );
        }
        if !self.finish.is_empty() {
            let _ = writeln!(out, "  finish: {}", self.finish.join(", "));
        }
        for block in &self.blocks {
            let what = match block.kind {
                BlockKind::Text => "text".to_owned(),
                BlockKind::Reasoning => "reasoning".to_owned(),
                BlockKind::Refusal => "refusal".to_owned(),
                BlockKind::ToolCall => {
                    let name = block.name.as_deref().unwrap_or("?");
                    let id = block.id.as_deref().map(|id| format!(" [{id}]")).unwrap_or_default();
                    format!("tool call {name}{id}")
                }
            };
            let state = match &block.arguments {
                Some(Arguments::Valid) => " · arguments are valid JSON".to_owned(),
                Some(Arguments::Malformed { message, .. }) => {
                    format!(" · arguments are NOT valid JSON: {message}")
                }
                None => String::new(),
            };
            let open = if block.closed { "" } else { " · not closed" };
            let cut = if block.truncated { " · cut at 4 MiB" } else { "" };
            let _ = writeln!(out, "  {what} ({}, {} pieces{open}{cut}{state}):", block.place, block.pieces);
            for line in block.text.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        if let Some(usage) = &self.usage {
            let part = |label: &str, value: Option<u64>| value.map(|v| format!("{v} {label}"));
            let parts: Vec<String> = [
                part("in", usage.input),
                part("out", usage.output),
                part("reasoning", usage.reasoning),
                part("total", usage.total),
            ]
            .into_iter()
            .flatten()
            .collect();
            let _ = writeln!(out, "  usage: {}", parts.join(", "));
        }
        let ms = |value: Option<f64>| value.map_or("–".to_owned(), |v| format!("{v:.1} ms"));
        self.milestones_text(&mut out);
        let t = &self.timing;
        let rate = t.tokens_per_second.map_or("–".to_owned(), |r| format!("{r:.1}"));
        let _ = writeln!(out, "  tokens: {}, {rate}/s; second token {}", t.tokens, ms(t.second_token_ms));
        if t.gap_p50_ms.is_some() {
            let buckets: Vec<String> = t
                .gap_histogram
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(index, count)| {
                    let label = match GAP_BUCKETS_MS.get(index) {
                        Some(bound) => format!("<{bound}ms"),
                        None => format!(">={}ms", GAP_BUCKETS_MS[GAP_BUCKETS_MS.len() - 1]),
                    };
                    format!("{label} {count}")
                })
                .collect();
            let _ = writeln!(
                out,
                "  gaps: p50 {}, p99 {}, max {}; {}",
                ms(t.gap_p50_ms),
                ms(t.gap_p99_ms),
                ms(t.gap_max_ms),
                buckets.join(", ")
            );
        }
        for stall in &t.stalls {
            let _ = writeln!(
                out,
                "  stall: {:.0} ms after token {} (at {:.0} ms)",
                stall.gap_ms, stall.after_token, stall.at_ms
            );
        }
        let o = &self.oddities;
        if o.not_json + o.unexpected + o.unknown_types + o.dropped_blocks > 0 || !o.sequence_gaps.is_empty() {
            let _ = writeln!(
                out,
                "  of {} events: {} not JSON, {} of an unexpected shape, {} of an unknown type{}",
                o.events,
                o.not_json,
                o.unexpected,
                o.unknown_types,
                if o.dropped_blocks > 0 {
                    format!(", {} blocks past the 256 kept", o.dropped_blocks)
                } else {
                    String::new()
                }
            );
            for sample in &o.samples {
                let _ = writeln!(out, "    {sample}");
            }
            for (expected, got) in &o.sequence_gaps {
                let _ = writeln!(out, "  sequence_number {got} came where {expected} was due");
            }
        }
        out
    }

    /// The milestones, one a line with the gap since the one before; TTFT named.
    fn milestones_text(&self, out: &mut String) {
        let m = &self.milestones;
        let ttft = m.first_content.map_or("–".to_owned(), |v| format!("{v:.1} ms"));
        let _ = writeln!(out, "  time to first content (TTFT): {ttft}");
        let _ =
            writeln!(out, "  milestones, ms from the request being sent (+ the gap since the one before):");
        let mut before: Option<f64> = None;
        for (name, at) in m.named() {
            let Some(at) = at else {
                let _ = writeln!(out, "    {name:<14} {:>9}", "–");
                continue;
            };
            let gap = before.map(|b| format!("  +{:.1}", at - b)).unwrap_or_default();
            let _ = writeln!(out, "    {name:<14} {at:>9.1}{gap}");
            before = Some(at);
        }
        if let Some(reason) = m.no_content_reason {
            let _ = writeln!(out, "  {}", reason.words());
        }
    }
}
