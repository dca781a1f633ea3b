//! The "assembled text" of LLM-style streams: one JSON path read from every event's data and
//! joined, e.g. `choices[0].delta.content` for OpenAI-compatible chat completions.

use serde_json::Value;

use crate::error::JsonPathError;

/// The most text kept; later pieces are counted but dropped.
const MAX_ASSEMBLED_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path into JSON: `a.b[0].c`, `$.a`, `a["key with spaces"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    pub fn parse(path: &str) -> Result<Self, JsonPathError> {
        let error = |reason: &str| JsonPathError { path: path.to_owned(), reason: reason.to_owned() };
        let mut rest = path.trim();
        rest = rest.strip_prefix('$').unwrap_or(rest);
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']').ok_or_else(|| error("a `[` is not closed"))?;
                let inside = after[..close].trim();
                if let Some(quoted) = inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    steps.push(Step::Key(quoted.to_owned()));
                } else {
                    let index =
                        inside.parse().map_err(|_| error("inside `[]` goes an index or a \"quoted key\""))?;
                    steps.push(Step::Index(index));
                }
                rest = &after[close + 1..];
            } else {
                let name = rest.strip_prefix('.').unwrap_or(rest);
                if rest.starts_with('.') && steps.is_empty() && path.trim().starts_with('.') {
                    return Err(error("a path starts with a name, `$.` or `[`"));
                }
                let end = name.find(['.', '[']).unwrap_or(name.len());
                if end == 0 {
                    return Err(error("a name is missing"));
                }
                steps.push(Step::Key(name[..end].to_owned()));
                rest = &name[end..];
            }
        }
        if steps.is_empty() {
            return Err(error("the path is empty"));
        }
        Ok(Self { steps })
    }

    /// The value at this path, if there is one.
    pub fn find<'a>(&self, value: &'a Value) -> Option<&'a Value> {
        self.steps.iter().try_fold(value, |value, step| match step {
            Step::Key(key) => value.get(key),
            Step::Index(index) => value.get(index),
        })
    }
}

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
    use serde_json::json;

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
    fn paths_read_keys_indexes_and_quoted_keys() {
        let value = json!({"choices": [{"delta": {"content": "Hi"}}], "a b": {"c": 1}});
        let found = |path: &str| JsonPath::parse(path).unwrap().find(&value).cloned();
        assert_eq!(found("choices[0].delta.content"), Some(json!("Hi")));
        assert_eq!(found("$.choices[0].delta.content"), Some(json!("Hi")));
        assert_eq!(found("[\"a b\"].c"), Some(json!(1)));
        assert_eq!(found("choices[1].delta"), None);
        assert_eq!(found("choices.delta"), None);
    }

    #[test]
    fn bad_paths_say_why() {
        for (path, reason) in
            [("", "empty"), ("a[", "not closed"), ("a[x]", "index"), ("a..b", "missing"), (".a", "starts")]
        {
            let error = JsonPath::parse(path).unwrap_err();
            assert!(error.reason.contains(reason), "{path}: {error}");
        }
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
