//! The expectations file: TOML with unknown keys refused (`docs/expectations.md`). Every
//! mistake is reported with its line and column before anything connects.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use crate::error::FileError;
use crate::expectation::{ms, quote, CountBound, DataCheck, Expectation, Expectations, Kind, Selector};
use sse_wire::JsonPath;

/// The longest time bound accepted: a day.
const MAX_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileModel {
    events: Option<Spanned<u64>>,
    #[serde(default)]
    response: ResponseModel,
    #[serde(default, rename = "event")]
    event_rules: Vec<Spanned<EventModel>>,
    #[serde(default)]
    sequence: Vec<Spanned<SequenceModel>>,
    terminal: Option<Spanned<TerminalModel>>,
    #[serde(default)]
    time: TimeModel,
    #[serde(default)]
    ids: IdsModel,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResponseModel {
    status: Option<u16>,
    content_type: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventModel {
    #[serde(rename = "type")]
    event_type: Option<String>,
    position: Option<u64>,
    data: Option<String>,
    data_matches: Option<Spanned<String>>,
    json: Option<Spanned<BTreeMap<String, Value>>>,
    schema: Option<Spanned<Value>>,
    at_least: Option<u64>,
    at_most: Option<u64>,
    exactly: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SequenceModel {
    types: Vec<String>,
    #[serde(default)]
    contiguous: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TerminalModel {
    #[serde(rename = "type")]
    event_type: Option<String>,
    data: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TimeModel {
    first_event_within_ms: Option<Spanned<u64>>,
    no_gap_over_ms: Option<Spanned<u64>>,
    whole_within_ms: Option<Spanned<u64>>,
    #[serde(default)]
    after: Vec<Spanned<AfterModel>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterModel {
    event: String,
    after: String,
    within_ms: Spanned<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct IdsModel {
    #[serde(default)]
    present: bool,
    #[serde(default)]
    increasing: bool,
    #[serde(default)]
    no_gap: bool,
    #[serde(default)]
    unique: bool,
    reconnect_after_events: Option<Spanned<u64>>,
}

impl Expectations {
    /// Reads an expectations file.
    pub fn parse(text: &str) -> Result<Self, FileError> {
        let model: FileModel = toml::from_str(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            // serde names Rust types; say what to write instead.
            let message = error
                .message()
                .trim_end()
                .replace("expected u64", "expected a whole number (0 or more)")
                .replace("expected u16", "expected a status code");
            FileError::at(text, offset, message, Some(Box::new(error)))
        })?;
        Compiler { text, items: Vec::new() }.compile(model)
    }

    /// Reads an expectations file from disk.
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| FileError::Read { path: path.to_owned(), source })?;
        Self::parse(&text)
    }
}

struct Compiler<'t> {
    text: &'t str,
    items: Vec<Expectation>,
}

impl Compiler<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> FileError {
        FileError::at(self.text, span.start, message, None)
    }

    fn push(&mut self, name: String, kind: Kind) {
        self.items.push(Expectation { name, kind });
    }

    fn duration(&self, value: &Spanned<u64>, key: &str) -> Result<Duration, FileError> {
        match *value.get_ref() {
            0 => Err(self.error(value.span(), format!("{key} must be at least 1"))),
            n if n > MAX_MS => Err(self.error(value.span(), format!("{key} is at most {MAX_MS} (a day)"))),
            n => Ok(Duration::from_millis(n)),
        }
    }

    fn compile(mut self, model: FileModel) -> Result<Expectations, FileError> {
        let scope = match &model.events {
            Some(events) if *events.get_ref() == 0 => {
                return Err(self.error(events.span(), "events must be at least 1"))
            }
            events => events.as_ref().map(|events| *events.get_ref()),
        };
        self.response(model.response);
        for (number, rule) in model.event_rules.iter().enumerate() {
            self.event_rule(number + 1, rule)?;
        }
        for rule in &model.sequence {
            let SequenceModel { types, contiguous } = rule.get_ref();
            if types.is_empty() {
                return Err(self.error(rule.span(), "a [[sequence]] needs at least one type in `types`"));
            }
            let list = types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            let name = if *contiguous { format!("in a row: {list}") } else { format!("in order: {list}") };
            self.push(name, Kind::Sequence { types: types.clone(), contiguous: *contiguous });
        }
        if let Some(terminal) = &model.terminal {
            let TerminalModel { event_type, data } = terminal.get_ref();
            let what = match (event_type, data) {
                (None, None) => {
                    return Err(self.error(terminal.span(), "[terminal] needs a `type`, a `data` or both"))
                }
                (Some(t), None) => format!("`{t}`"),
                (None, Some(d)) => format!("data {}", quote(d)),
                (Some(t), Some(d)) => format!("`{t}` with data {}", quote(d)),
            };
            self.push(
                format!("ends with {what}, nothing after it"),
                Kind::Terminal { event_type: event_type.clone(), data: data.clone() },
            );
        }
        self.time(&model.time, scope)?;
        self.ids(&model.ids)?;
        let reconnect_after = match &model.ids.reconnect_after_events {
            Some(n) if *n.get_ref() == 0 => {
                return Err(self.error(n.span(), "reconnect_after_events must be at least 1"))
            }
            n => n.as_ref().map(|n| *n.get_ref()),
        };
        if let Some(after_events) = reconnect_after {
            self.push(
                format!("resumes exactly after a reconnect at event {after_events}"),
                Kind::ResumeExact { after_events },
            );
        }
        Ok(Expectations { items: self.items, scope, reconnect_after })
    }

    fn response(&mut self, response: ResponseModel) {
        let status = response.status.unwrap_or(200);
        self.push(format!("response status is {status}"), Kind::Status(status));
        let content_type = response.content_type.unwrap_or_else(|| "text/event-stream".into());
        self.push(format!("Content-Type is {content_type}"), Kind::ContentType(content_type));
        for (name, value) in response.headers {
            self.push(format!("header {name}: {value}"), Kind::Header { name, value });
        }
    }

    fn event_rule(&mut self, number: usize, rule: &Spanned<EventModel>) -> Result<(), FileError> {
        let span = rule.span();
        let EventModel { event_type, position, data, data_matches, json, schema, at_least, at_most, exactly } =
            rule.get_ref();
        let place = |what: &str| format!("[[event]] number {number}: {what}");
        let selector = match (position, event_type) {
            (Some(0), _) => return Err(self.error(span, place("positions count from 1"))),
            (Some(position), _) => Selector::Position(*position),
            (None, Some(event_type)) => Selector::Type(event_type.clone()),
            (None, None) => Selector::All,
        };
        let prefix = selector.describe();
        let counted = at_least.is_some() || at_most.is_some() || exactly.is_some();
        if let (Some(position), Some(event_type)) = (position, event_type) {
            self.push(
                format!("event {position} is a `{event_type}`"),
                Kind::TypeAt { position: *position, event_type: event_type.clone() },
            );
        }
        let mut checks = Vec::new();
        if let Some(data) = data {
            checks.push(DataCheck::Equals(data.clone()));
        }
        if let Some(pattern) = data_matches {
            let regex = Regex::new(pattern.get_ref()).map_err(|error| {
                FileError::at(
                    self.text,
                    pattern.span().start,
                    place(&format!("data_matches is not a valid regex: {error}")),
                    Some(Box::new(error)),
                )
            })?;
            checks.push(DataCheck::Matches(regex));
        }
        if let Some(paths) = json {
            for (text, value) in paths.get_ref() {
                let path = JsonPath::parse(text).map_err(|error| {
                    FileError::at(
                        self.text,
                        paths.span().start,
                        place(&error.to_string()),
                        Some(Box::new(error)),
                    )
                })?;
                checks.push(DataCheck::JsonEquals { path, text: text.clone(), value: value.clone() });
            }
        }
        if let Some(schema) = schema {
            checks.push(DataCheck::Schema(Box::new(self.schema(schema, &place)?)));
        }
        if checks.is_empty() && !counted && event_type.as_ref().zip(*position).is_none() {
            return Err(
                self.error(span, place("checks nothing: give data, data_matches, json, schema or a count"))
            );
        }
        for check in checks {
            self.push(
                format!("{prefix}: {}", check.describe()),
                Kind::Data { selector: selector.clone(), check },
            );
        }
        if counted {
            if position.is_some() {
                return Err(
                    self.error(span, place("counts go with a type or with every event, not a position"))
                );
            }
            let bound = match (exactly, at_least, at_most) {
                (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                    return Err(self.error(span, place("`exactly` goes alone, without at_least or at_most")))
                }
                (Some(n), None, None) => CountBound { at_least: *n, at_most: Some(*n) },
                (None, least, most) => {
                    if let (Some(least), Some(most)) = (least, most) {
                        if least > most {
                            return Err(self.error(span, place("at_least is more than at_most")));
                        }
                    }
                    CountBound { at_least: least.unwrap_or(0), at_most: *most }
                }
            };
            let what = match (exactly, at_least, at_most) {
                (Some(n), _, _) => format!("exactly {n}"),
                (None, Some(least), Some(most)) => format!("{least} to {most}"),
                (None, Some(least), None) => format!("at least {least}"),
                (None, None, Some(most)) => format!("at most {most}"),
                (None, None, None) => unreachable!("counted"),
            };
            self.push(format!("{prefix}: {what}"), Kind::Count { selector, bound });
        }
        Ok(())
    }

    fn schema(
        &self,
        schema: &Spanned<Value>,
        place: &dyn Fn(&str) -> String,
    ) -> Result<jsonschema::Validator, FileError> {
        let at = |message: String, source: Option<Box<dyn std::error::Error + Send + Sync>>| {
            FileError::at(self.text, schema.span().start, place(&message), source)
        };
        // A schema is a TOML table, or JSON in a string (as generated files write it).
        let parsed;
        let value = match schema.get_ref() {
            Value::String(json) => {
                parsed = serde_json::from_str::<Value>(json)
                    .map_err(|error| at(format!("schema is not JSON: {error}"), Some(Box::new(error))))?;
                &parsed
            }
            value => value,
        };
        jsonschema::validator_for(value)
            .map_err(|error| at(format!("schema is not a valid JSON Schema: {error}"), None))
    }

    fn time(&mut self, time: &TimeModel, scope: Option<u64>) -> Result<(), FileError> {
        if let Some(bound) = &time.first_event_within_ms {
            let within = self.duration(bound, "first_event_within_ms")?;
            self.push(format!("first event within {}", ms(within)), Kind::FirstWithin(within));
        }
        if let Some(bound) = &time.no_gap_over_ms {
            let within = self.duration(bound, "no_gap_over_ms")?;
            self.push(format!("no gap over {} between events", ms(within)), Kind::NoGapOver(within));
        }
        if let Some(bound) = &time.whole_within_ms {
            let within = self.duration(bound, "whole_within_ms")?;
            let whole = match scope {
                Some(n) => format!("the first {n} events"),
                None => "the whole stream".into(),
            };
            self.push(format!("{whole} within {}", ms(within)), Kind::WholeWithin(within));
        }
        for rule in &time.after {
            let AfterModel { event, after, within_ms } = rule.get_ref();
            let within = self.duration(within_ms, "within_ms")?;
            self.push(
                format!("`{event}` within {} after `{after}`", ms(within)),
                Kind::After { event_type: event.clone(), after: after.clone(), within },
            );
        }
        Ok(())
    }

    fn ids(&mut self, ids: &IdsModel) -> Result<(), FileError> {
        if ids.present {
            self.push("every event has an id".into(), Kind::IdsPresent);
        }
        if ids.increasing {
            self.push("ids increase".into(), Kind::IdsIncreasing);
        }
        if ids.no_gap {
            self.push("ids go up by 1, no gap".into(), Kind::IdsNoGap);
        }
        if ids.unique {
            self.push("no id twice".into(), Kind::IdsUnique);
        }
        Ok(())
    }
}
