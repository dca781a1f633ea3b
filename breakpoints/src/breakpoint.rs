//! A breakpoint: which exchanges it watches (as a fault rule selects them: method, path glob,
//! client tag) and which of their events it stops at (type, id, a data regex, a JSON path equal
//! to a value; every event when it names none). A list of them is a JSON array of objects, the
//! window's Breakpoints box and `docs/breakpoints.md`.

use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};
use sse_faults::{take_selectors, Selector};
use sse_wire::JsonPath;

use crate::event::EventView;

/// The largest compiled data regex (the `regex` crate's size limit): a pattern past it is refused.
const MAX_REGEX_BYTES: usize = 1 << 20;
/// The most breakpoints a list holds.
pub const MAX_BREAKPOINTS: usize = 100;
/// Fields a breakpoint may have; any other is refused (a typo would stop nothing, silently).
const FIELDS: [&str; 9] =
    ["method", "path", "client", "event", "id", "dataMatches", "jsonPath", "equals", "enabled"];

/// A JSON path whose value must equal a given JSON value.
#[derive(Debug, Clone)]
pub struct JsonEquals {
    pub path: JsonPath,
    /// The path as written.
    pub text: String,
    pub value: Value,
}

/// One breakpoint.
#[derive(Debug, Clone)]
pub struct Breakpoint {
    pub method: Option<String>,
    pub path: Option<String>,
    pub client: Option<String>,
    /// The event type (`message` for an event that names none).
    pub event: Option<String>,
    /// The id the event's own block sets.
    pub id: Option<String>,
    pub data_matches: Option<Regex>,
    pub json: Option<JsonEquals>,
    /// A breakpoint switched off stays in the list and stops nothing.
    pub enabled: bool,
}

/// A list that does not read: the breakpoint's position (1-based; none for the list as a
/// whole) and what is wrong, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", position.map(|at| format!("breakpoint {at}: ")).unwrap_or_default())]
pub struct BreakpointError {
    pub position: Option<usize>,
    pub message: String,
}

/// The exchange an event belongs to, as breakpoints select it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeKey {
    pub method: String,
    /// Path and query as the client sent them.
    pub target: String,
    /// The client tag (`client=` parameter or `X-SSE-Client` header).
    pub client: Option<String>,
}

impl Breakpoint {
    /// Whether it watches `exchange` (switched off, it watches none).
    pub fn watches(&self, exchange: &ExchangeKey) -> bool {
        let selector = Selector {
            method: self.method.as_deref(),
            path: self.path.as_deref(),
            client: self.client.as_deref(),
        };
        self.enabled && selector.selects(&exchange.method, &exchange.target, exchange.client.as_deref())
    }

    /// Whether it stops at `event` (of an exchange it watches).
    pub fn stops_at(&self, event: &EventView) -> bool {
        self.event.as_deref().is_none_or(|wanted| wanted == event.event)
            && self.id.as_deref().is_none_or(|wanted| event.id.as_deref() == Some(wanted))
            && self.data_matches.as_ref().is_none_or(|regex| regex.is_match(&event.data))
            && self.json.as_ref().is_none_or(|json| {
                serde_json::from_str::<Value>(&event.data)
                    .is_ok_and(|data| json.path.find(&data) == Some(&json.value))
            })
    }

    /// In words: "`error` events with data matching /x/ on GET /events* from ui".
    pub fn describe(&self) -> String {
        let mut what = match &self.event {
            Some(event) => format!("`{event}` events"),
            None => "every event".to_owned(),
        };
        let mut with = Vec::new();
        if let Some(id) = &self.id {
            with.push(format!("id {id}"));
        }
        if let Some(regex) = &self.data_matches {
            with.push(format!("data matching /{}/", regex.as_str()));
        }
        if let Some(json) = &self.json {
            with.push(format!("JSON {} = {}", json.text, json.value));
        }
        if !with.is_empty() {
            what = format!("{} with {}", what.replace("every event", "events"), with.join(" and "));
        }
        if self.method.is_some() || self.path.is_some() {
            let method = self.method.as_deref().unwrap_or("any method");
            what.push_str(&format!(" on {method} {}", self.path.as_deref().unwrap_or("*")));
        }
        if let Some(client) = &self.client {
            what.push_str(&format!(" from {client}"));
        }
        if !self.enabled {
            what.push_str(" (off)");
        }
        what
    }

    /// As a list writes it, on one line.
    pub fn to_json(&self) -> String {
        let mut fields = Map::new();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                fields.insert(name.to_owned(), value);
            }
        };
        put("method", self.method.clone().map(Value::String));
        put("path", self.path.clone().map(Value::String));
        put("client", self.client.clone().map(Value::String));
        put("event", self.event.clone().map(Value::String));
        put("id", self.id.clone().map(Value::String));
        put("dataMatches", self.data_matches.as_ref().map(|regex| Value::String(regex.as_str().to_owned())));
        put("jsonPath", self.json.as_ref().map(|json| Value::String(json.text.clone())));
        put("equals", self.json.as_ref().map(|json| json.value.clone()));
        put("enabled", (!self.enabled).then_some(Value::Bool(false)));
        Value::Object(fields).to_string()
    }

    fn from_value(value: Value) -> Result<Self, String> {
        let Value::Object(mut fields) = value else { return Err("a breakpoint is a JSON object".into()) };
        if let Some(unknown) = fields.keys().find(|name| !FIELDS.contains(&name.as_str())) {
            return Err(format!("`{unknown}` is not a breakpoint field (they are {})", FIELDS.join(", ")));
        }
        let (method, path) = take_selectors(&mut fields)?;
        let mut text = |name: &str| -> Result<Option<String>, String> {
            match fields.remove(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(text)) if !text.is_empty() => Ok(Some(text)),
                Some(_) => Err(format!("`{name}` must be a non-empty string")),
            }
        };
        let client = text("client")?;
        let event = text("event")?;
        let id = text("id")?;
        let data_matches = text("dataMatches")?
            .map(|pattern| {
                RegexBuilder::new(&pattern)
                    .size_limit(MAX_REGEX_BYTES)
                    .build()
                    .map_err(|error| format!("`dataMatches` is not a regex: {error}"))
            })
            .transpose()?;
        let json = match (text("jsonPath")?, fields.remove("equals")) {
            (Some(text), Some(value)) => {
                let path = JsonPath::parse(&text).map_err(|error| format!("`jsonPath`: {error}"))?;
                Some(JsonEquals { path, text, value })
            }
            (None, None) => None,
            (Some(_), None) => return Err("`jsonPath` needs `equals`: the value the path must have".into()),
            (None, Some(_)) => return Err("`equals` needs `jsonPath`: where in the data to look".into()),
        };
        let enabled = match fields.remove("enabled") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(enabled)) => enabled,
            Some(_) => return Err("`enabled` is true or false".into()),
        };
        Ok(Self { method, path, client, event, id, data_matches, json, enabled })
    }
}

/// The breakpoints of a tap, in order.
#[derive(Debug, Clone, Default)]
pub struct BreakpointList(Vec<Breakpoint>);

impl BreakpointList {
    /// Reads a list: a JSON array of breakpoints, every one checked, the first mistake named by
    /// its position and field.
    pub fn parse(json: &str) -> Result<Self, BreakpointError> {
        let whole = |message: String| BreakpointError { position: None, message };
        let value: Value = serde_json::from_str(json).map_err(|error| whole(format!("not JSON: {error}")))?;
        let Value::Array(items) = value else {
            return Err(whole("the breakpoints are a JSON array of objects".into()));
        };
        if items.len() > MAX_BREAKPOINTS {
            return Err(whole(format!("{} breakpoints: at most {MAX_BREAKPOINTS}", items.len())));
        }
        let list = items
            .into_iter()
            .enumerate()
            .map(|(at, item)| {
                Breakpoint::from_value(item)
                    .map_err(|message| BreakpointError { position: Some(at + 1), message })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(list))
    }

    pub fn breakpoints(&self) -> &[Breakpoint] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any breakpoint watches `exchange`.
    pub fn watches(&self, exchange: &ExchangeKey) -> bool {
        self.0.iter().any(|breakpoint| breakpoint.watches(exchange))
    }

    /// The first breakpoint (1-based position) watching `exchange` that stops at `event`.
    pub fn stop_at(&self, exchange: &ExchangeKey, event: &EventView) -> Option<usize> {
        let at = self
            .0
            .iter()
            .position(|breakpoint| breakpoint.watches(exchange) && breakpoint.stops_at(event))?;
        Some(at + 1)
    }

    /// As the box shows it: one breakpoint a line; `[]` for none.
    pub fn to_json(&self) -> String {
        let lines: Vec<String> = self.0.iter().map(Breakpoint::to_json).collect();
        match lines.is_empty() {
            true => "[]".to_owned(),
            false => format!("[\n  {}\n]\n", lines.join(",\n  ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event: &str, id: Option<&str>, data: &str) -> EventView {
        EventView { event: event.into(), id: id.map(str::to_owned), data: data.into(), retry_ms: None }
    }

    fn key(method: &str, target: &str, client: Option<&str>) -> ExchangeKey {
        ExchangeKey { method: method.into(), target: target.into(), client: client.map(str::to_owned) }
    }

    /// Every condition given must hold; none given stops at every event.
    #[test]
    fn conditions_all_hold() {
        let list = BreakpointList::parse(
            r#"[{"event": "error", "dataMatches": "^fail"}, {"jsonPath": "a.b[0]", "equals": 7}, {"id": "9"}]"#,
        )
        .expect("reads");
        let any = key("GET", "/events", None);
        assert_eq!(list.stop_at(&any, &event("error", None, "failed")), Some(1));
        assert_eq!(list.stop_at(&any, &event("error", None, "ok")), None);
        assert_eq!(list.stop_at(&any, &event("message", None, "failed")), None);
        assert_eq!(list.stop_at(&any, &event("message", None, r#"{"a":{"b":[7]}}"#)), Some(2));
        assert_eq!(list.stop_at(&any, &event("message", None, r#"{"a":{"b":["7"]}}"#)), None);
        assert_eq!(list.stop_at(&any, &event("message", Some("9"), "x")), Some(3));
        let every = BreakpointList::parse("[{}]").expect("reads");
        assert_eq!(every.stop_at(&any, &event("message", None, "")), Some(1));
        assert_eq!(every.breakpoints()[0].describe(), "every event");
    }

    /// Exchanges are selected as fault rules select them; a breakpoint switched off stops nothing.
    #[test]
    fn exchanges_are_selected_as_fault_rules_select_them() {
        let list = BreakpointList::parse(
            r#"[{"method": "get", "path": "/events*", "client": "ui"}, {"enabled": false}]"#,
        )
        .expect("reads");
        let any = event("message", None, "x");
        assert_eq!(list.stop_at(&key("GET", "/events?x=1", Some("ui")), &any), Some(1));
        assert_eq!(list.stop_at(&key("GET", "/events?x=1", Some("other")), &any), None);
        assert_eq!(list.stop_at(&key("POST", "/events", Some("ui")), &any), None);
        assert!(!list.watches(&key("GET", "/other", Some("ui"))));
        assert_eq!(list.breakpoints()[0].describe(), "every event on GET /events* from ui");
        assert_eq!(list.breakpoints()[1].describe(), "every event (off)");
    }

    /// A mistake names the breakpoint and its field; the list reads back as written.
    #[test]
    fn mistakes_are_named_and_lists_read_back() {
        for (json, said) in [
            ("{}", "the breakpoints are a JSON array of objects"),
            ("[{\"evnt\": \"x\"}]", "breakpoint 1: `evnt` is not a breakpoint field"),
            ("[{}, {\"dataMatches\": \"(\"}]", "breakpoint 2: `dataMatches` is not a regex"),
            ("[{\"jsonPath\": \"a\"}]", "breakpoint 1: `jsonPath` needs `equals`"),
            ("[{\"equals\": 1}]", "breakpoint 1: `equals` needs `jsonPath`"),
            ("[{\"path\": \"events\"}]", "breakpoint 1: `path` is `events`"),
            ("[{\"enabled\": 1}]", "breakpoint 1: `enabled` is true or false"),
        ] {
            let error = BreakpointList::parse(json).expect_err(json).to_string();
            assert!(error.starts_with(said), "{json}: {error}");
        }
        let written = r#"[{"path":"/e*","event":"error","dataMatches":"a|b","jsonPath":"x","equals":{"y":1},"enabled":false}]"#;
        let list = BreakpointList::parse(written).expect("reads");
        let again = BreakpointList::parse(&list.to_json()).expect("reads back");
        assert_eq!(again.to_json(), list.to_json());
        assert!(list.to_json().contains(r#""equals":{"y":1}"#));
    }
}
