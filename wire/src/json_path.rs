//! JSON paths into an event's data: `a.b[0].c`, `$.a`, `a["key with spaces"]`, as the window's
//! assembled text, the expectations' `json` checks and the breakpoints' conditions write them.

use serde_json::Value;

/// A JSON path that cannot be parsed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("JSON path `{path}`: {reason}")]
pub struct JsonPathError {
    pub path: String,
    pub reason: String,
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
