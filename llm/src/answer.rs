//! What a stream's events add up to, whatever the provider: blocks of text, reasoning and tool
//! calls, usage, the finish reason, the terminal event, an in-band error. Bounded: text past
//! the limits is counted, not kept.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use serde::Serialize;

use crate::timing::{ms, TokenClock};

/// The most blocks kept; more are counted as unexpected.
const MAX_BLOCKS: usize = 256;
/// The most text kept per block (tool arguments included).
const MAX_BLOCK_BYTES: usize = 4 << 20;

/// What a block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum BlockKind {
    Text,
    /// Reasoning or thinking, shown apart from the answer.
    Reasoning,
    ToolCall,
    /// A refusal to answer, in the provider's own field (OpenAI's `refusal`).
    Refusal,
}

/// Whether a tool call's arguments parse as JSON, checked when its block ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Arguments {
    Valid,
    /// Where it broke, counted in characters from 1.
    Malformed {
        message: String,
        line: usize,
        column: usize,
    },
}

/// One part of the answer: a choice's or content block's text, its reasoning, or a tool call.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// Where the provider put it: "choice 0", "block 2", "output 1".
    pub place: String,
    pub kind: BlockKind,
    /// A tool call's function name and id.
    pub name: Option<String>,
    pub id: Option<String>,
    /// The text, reasoning or arguments as assembled (up to 4 MiB).
    pub text: String,
    /// Pieces (deltas) that made it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pieces: u64,
    /// When its first and its latest piece came, in ms from the request being sent (its lane
    /// on a timeline).
    pub first_ms: Option<f64>,
    pub last_ms: Option<f64>,
    /// Text past the limit was dropped.
    pub truncated: bool,
    /// Its end came (a stop, a finish reason, a done event).
    pub closed: bool,
    /// For a tool call, once its block ended (or the stream did).
    pub arguments: Option<Arguments>,
    #[serde(skip)]
    group: String,
}

/// Token counts, as the stream reported them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub input: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub output: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub reasoning: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub total: Option<u64>,
}

/// When content came, and of which kinds; fed every piece a reader finds.
#[derive(Debug, Default, Clone)]
pub(crate) struct ContentSeen {
    pub first: Option<Duration>,
    pub first_text: Option<Duration>,
    pub last: Option<Duration>,
    pub reasoning: bool,
    pub tool_calls: bool,
    pub refusal: bool,
}

impl ContentSeen {
    /// A non-empty piece of `kind` came `at`.
    pub fn piece(&mut self, kind: BlockKind, at: Duration) {
        self.first.get_or_insert(at);
        self.last = Some(at);
        match kind {
            BlockKind::Text => {
                self.first_text.get_or_insert(at);
            }
            BlockKind::Reasoning => self.reasoning = true,
            BlockKind::ToolCall => self.tool_calls = true,
            BlockKind::Refusal => self.refusal = true,
        }
    }
}

/// The assembled answer, as the provider modules build it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Answer {
    pub blocks: Vec<Block>,
    by_key: HashMap<String, usize>,
    pub usage: Option<Usage>,
    /// Finish or stop reasons, in the order they came (one per choice).
    pub finish: Vec<String>,
    /// The provider's terminal event, once it came.
    pub terminal: Option<String>,
    pub error: Option<String>,
    pub model: Option<String>,
    /// The response's id, as the provider names it.
    pub response_id: Option<String>,
    pub clock: TokenClock,
    /// When content came, of which kinds.
    pub content: ContentSeen,
    /// Blocks that could not be kept (over the limit), by key (up to a bound).
    dropped: HashSet<String>,
}

impl Answer {
    /// The block under `key`, made with `kind` at `place` (in `group`, closed together) the
    /// first time; `None` past the limit.
    pub fn block(&mut self, key: &str, kind: BlockKind, place: &str, group: &str) -> Option<&mut Block> {
        let index = match self.by_key.get(key) {
            Some(index) => *index,
            None => {
                if self.blocks.len() >= MAX_BLOCKS {
                    if self.dropped.len() < MAX_BLOCKS * 16 {
                        self.dropped.insert(key.to_owned());
                    }
                    return None;
                }
                self.blocks.push(Block {
                    place: place.to_owned(),
                    kind,
                    name: None,
                    id: None,
                    text: String::new(),
                    pieces: 0,
                    first_ms: None,
                    last_ms: None,
                    truncated: false,
                    closed: false,
                    arguments: None,
                    group: group.to_owned(),
                });
                self.by_key.insert(key.to_owned(), self.blocks.len() - 1);
                self.blocks.len() - 1
            }
        };
        self.blocks.get_mut(index)
    }

    /// Blocks past the limit (counted up to a bound).
    pub fn dropped_blocks(&self) -> u64 {
        self.dropped.len() as u64
    }

    /// Appends a piece of text to a block (made if new), and counts it as a token at `at`: the
    /// event that brought it carries content. Empty pieces (role-only deltas, a done line)
    /// carry no token, no content and make no block.
    pub fn piece(&mut self, key: &str, kind: BlockKind, place: &str, group: &str, text: &str, at: Duration) {
        if text.is_empty() {
            return;
        }
        self.clock.token(at);
        self.content.piece(kind, at);
        if let Some(block) = self.block(key, kind, place, group) {
            block.pieces += 1;
            block.first_ms.get_or_insert(ms(at));
            block.last_ms = Some(ms(at));
            if block.text.len() + text.len() > MAX_BLOCK_BYTES {
                block.truncated = true;
            } else {
                block.text.push_str(text);
            }
        }
    }

    /// Closes the block under `key`: a tool call's arguments are checked.
    pub fn close(&mut self, key: &str) {
        if let Some(index) = self.by_key.get(key).copied() {
            close_block(&mut self.blocks[index]);
        }
    }

    /// Closes every block of `group` (a choice, a candidate, an output item).
    pub fn close_group(&mut self, group: &str) {
        self.blocks.iter_mut().filter(|block| block.group == group).for_each(close_block);
    }

    pub fn close_all(&mut self) {
        self.blocks.iter_mut().for_each(close_block);
    }

    /// The response's id, the first the stream names.
    pub fn response_id(&mut self, id: Option<&str>) {
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            self.response_id.get_or_insert_with(|| id.to_owned());
        }
    }

    /// An in-band error: the answer is partial.
    pub fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// Blocks still open when the stream ended: their arguments are checked as they are.
    pub fn check_open_blocks(&mut self) {
        for block in &mut self.blocks {
            if block.kind == BlockKind::ToolCall && block.arguments.is_none() {
                block.arguments = Some(check_arguments(&block.text));
            }
        }
    }
}

fn close_block(block: &mut Block) {
    if block.closed {
        return;
    }
    block.closed = true;
    if block.kind == BlockKind::ToolCall {
        block.arguments = Some(check_arguments(&block.text));
    }
}

/// Tool arguments parse as JSON (none at all counts as none given).
fn check_arguments(text: &str) -> Arguments {
    if text.trim().is_empty() {
        return Arguments::Valid;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => Arguments::Valid,
        Err(error) => {
            Arguments::Malformed { message: error.to_string(), line: error.line(), column: error.column() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked_when_their_block_closes_and_say_where_they_broke() {
        let mut answer = Answer::default();
        let at = Duration::ZERO;
        answer.piece("t", BlockKind::ToolCall, "tool 0", "c0", "{\"city\": ", at);
        assert_eq!(answer.blocks[0].arguments, None, "still streaming");
        answer.piece("t", BlockKind::ToolCall, "tool 0", "c0", "\"Paris\"", at);
        answer.close_group("c0");
        assert_eq!(
            answer.blocks[0].arguments,
            Some(Arguments::Malformed {
                message: "EOF while parsing an object at line 1 column 16".into(),
                line: 1,
                column: 16
            })
        );
        assert_eq!(answer.blocks[0].pieces, 2);
        assert_eq!(answer.clock.timing().tokens, 2);
    }

    #[test]
    fn text_past_the_limit_is_counted_not_kept() {
        let mut answer = Answer::default();
        let big = "x".repeat(MAX_BLOCK_BYTES);
        answer.piece("k", BlockKind::Text, "choice 0", "c0", &big, Duration::ZERO);
        answer.piece("k", BlockKind::Text, "choice 0", "c0", "more", Duration::ZERO);
        assert!(answer.blocks[0].truncated);
        assert_eq!((answer.blocks[0].text.len(), answer.blocks[0].pieces), (MAX_BLOCK_BYTES, 2));
    }
}
