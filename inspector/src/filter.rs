//! Which kept events the log shows.

use std::collections::HashSet;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::error::FilterError;
use crate::event::KeptEvent;

/// Compiled regexes are bounded, so a pasted monster pattern is refused rather than
/// eating memory (matching itself is linear time in the `regex` crate).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What the user asked to see: event types (none = all) and text found in the data or id,
/// taken literally or as a regular expression.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct EventFilter {
    pub types: Vec<String>,
    pub text: String,
    pub regex: bool,
    pub case_sensitive: bool,
}

impl EventFilter {
    /// Whether it lets every event through.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.text.is_empty()
    }

    pub(crate) fn compile(&self) -> Result<Matcher, FilterError> {
        let types = (!self.types.is_empty()).then(|| self.types.iter().cloned().collect());
        let text = match (self.text.as_str(), self.regex, self.case_sensitive) {
            ("", _, _) => Text::Any,
            (text, false, true) => Text::Literal(text.to_owned()),
            (text, regex, case_sensitive) => {
                let pattern = if regex { text.to_owned() } else { regex::escape(text) };
                let compiled = RegexBuilder::new(&pattern)
                    .case_insensitive(!case_sensitive)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .dfa_size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(FilterError::Regex)?;
                Text::Pattern(compiled)
            }
        };
        Ok(Matcher { types, text })
    }
}

enum Text {
    Any,
    Literal(String),
    Pattern(Regex),
}

/// A filter ready to test events.
pub(crate) struct Matcher {
    types: Option<HashSet<String>>,
    text: Text,
}

impl Matcher {
    pub(crate) fn matches(&self, event: &KeptEvent) -> bool {
        if let Some(types) = &self.types {
            if !types.contains(&*event.event) {
                return false;
            }
        }
        match &self.text {
            Text::Any => true,
            Text::Literal(text) => event.data.contains(text.as_str()) || event.id.contains(text.as_str()),
            Text::Pattern(regex) => regex.is_match(&event.data) || regex.is_match(&event.id),
        }
    }
}
