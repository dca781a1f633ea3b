//! The "assembled text" of LLM-style streams: one JSON path read from every event's data and
//! joined, e.g. `choices[0].delta.content` for OpenAI-compatible chat completions.

use serde_json::Value;

use sse_expect::{JsonPath, JsonPathError};

/// The most text kept; later pieces are counted but dropped.
const MAX_ASSEMBLED_BYTES: usize = 4 * 1024 * 1024;

/// Joins the text found at a path in each event's data, as it streams in.
#[derive(Debug, Clone)]
pub struct TextAssembler {
    path: JsonPath,
    text: String,
    /// Events whose data had a value at the path.
    pub used: u64,
    /// Events whose data was not JSON (such as OpenAI's final `[DONE]`) or had nothing there.
    pub skipped: u64,
    /// Text was dropped past the size limit.
    pub truncated: bool,
    /// The stream's terminal event came: data `[DONE]`, as OpenAI's and compatible APIs end
    /// a completion. A stream that ends without it was cut short.
    pub done: bool,
}

/// The data of the event that ends an OpenAI-style stream.
pub const DONE_MARKER: &str = "[DONE]";

impl TextAssembler {
    pub fn new(path: &str) -> Result<Self, JsonPathError> {
        Ok(Self {
            path: JsonPath::parse(path)?,
            text: String::new(),
            used: 0,
            skipped: 0,
            truncated: false,
            done: false,
        })
    }

    /// Reads one event's data; the piece it added, if any.
    pub fn push(&mut self, data: &str) -> Option<String> {
        if data.trim() == DONE_MARKER {
            self.done = true;
        }
        let piece =
            serde_json::from_str::<Value>(data).ok().and_then(|json| match self.path.find(&json)? {
                Value::String(text) => Some(text.clone()),
                Value::Null => None,
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                other => Some(other.to_string()),
            });
        let Some(piece) = piece else {
            self.skipped += 1;
            return None;
        };
        self.used += 1;
        if self.text.len() + piece.len() > MAX_ASSEMBLED_BYTES {
            self.truncated = true;
            return None;
        }
        self.text.push_str(&piece);
        Some(piece)
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_done_only_once_its_done_marker_came() {
        let mut assembler = TextAssembler::new("choices[0].delta.content").unwrap();
        assembler.push(r#"{"choices":[{"delta":{"content":"Hi"}}]}"#);
        assert!(!assembler.done, "text alone is not the end");
        assembler.push("[DONE]");
        assert!(assembler.done);
        assert_eq!((assembler.text(), assembler.used, assembler.skipped), ("Hi", 1, 1));
    }

    #[test]
    fn an_openai_stream_assembles_into_its_text() {
        let mut assembler = TextAssembler::new("choices[0].delta.content").unwrap();
        let events = [
            r#"{"choices":[{"delta":{"role":"assistant"}}]}"#,
            r#"{"choices":[{"delta":{"content":"Hello"}}]}"#,
            r#"{"choices":[{"delta":{"content":", world"}}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#,
            "[DONE]",
        ];
        let pieces: Vec<_> = events.iter().filter_map(|data| assembler.push(data)).collect();
        assert_eq!(pieces, ["Hello", ", world"]);
        assert_eq!(assembler.text(), "Hello, world");
        assert_eq!((assembler.used, assembler.skipped), (2, 3));
    }
}
