//! A tap's fault rules (`sse-tap --faults FILE`): a list tried in order, each selecting exchanges
//! by method, path and client and applying a fault profile to the first exchange it matches;
//! `once` removes a rule once it has applied. The file is a JSON array of objects: the selector
//! fields `method` and `path` beside any profile field of `docs/faults.md`.

use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::profile::{FaultProfile, ReconnectAnswer};

/// One rule: what it selects and the profile it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// Only requests with this method (any, when none).
    pub method: Option<String>,
    /// Only requests whose path and query, as the client sent them, match this glob: `*` is any
    /// run of characters, `/` and `?` included (any path, when none).
    pub path: Option<String>,
    /// What it does to the exchange; its `client` selects by tag, its `once` removes the rule.
    pub profile: FaultProfile,
}

/// A rule list that does not parse: the rule's position (1-based; none for the file as a
/// whole) and what is wrong, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", position.map(|at| format!("rule {at}: ")).unwrap_or_default())]
pub struct RulesError {
    pub position: Option<usize>,
    pub message: String,
}

/// The selector fields of a rule; every other field is the profile's.
const SELECTORS: [&str; 2] = ["method", "path"];

impl FaultRule {
    /// Whether the rule selects a request by `method` to `target` (path and query as sent) from
    /// `client` (its `client` parameter or `X-SSE-Client` header).
    pub fn selects(&self, method: &str, target: &str, client: Option<&str>) -> bool {
        let client_wanted = self.profile.client.as_deref();
        Selector { method: self.method.as_deref(), path: self.path.as_deref(), client: client_wanted }
            .selects(method, target, client)
    }

    /// As a rule file writes it, on one line: the selectors, then the profile's fields in the
    /// order `docs/faults.md` lists them.
    pub fn to_json(&self) -> String {
        let selectors: Vec<String> = [("method", &self.method), ("path", &self.path)]
            .into_iter()
            .filter_map(|(name, value)| Some(format!("\"{name}\":{}", Value::String(value.clone()?))))
            .collect();
        let profile = serde_json::to_string(&self.profile).unwrap_or_else(|_| "{}".into());
        let fields = profile.strip_prefix('{').and_then(|p| p.strip_suffix('}')).unwrap_or_default();
        let all: Vec<&str> =
            selectors.iter().map(String::as_str).chain((!fields.is_empty()).then_some(fields)).collect();
        format!("{{{}}}", all.join(","))
    }

    fn from_value(value: Value) -> Result<Self, String> {
        let Value::Object(mut fields) = value else {
            return Err("a rule is a JSON object".into());
        };
        let (method, path) = take_selectors(&mut fields)?;
        let profile: FaultProfile =
            serde_json::from_value(Value::Object(fields)).map_err(|error| error.to_string())?;
        profile.check().map_err(|error| error.0)?;
        Ok(Self { method, path, profile })
    }
}

/// What a fault rule or a breakpoint selects exchanges by; `None` selects any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selector<'a> {
    pub method: Option<&'a str>,
    /// A glob over the path and query as the client sent them (`*`: any run, `/` and `?` too).
    pub path: Option<&'a str>,
    /// The client tag (`client=` parameter or `X-SSE-Client` header).
    pub client: Option<&'a str>,
}

impl Selector<'_> {
    /// Whether it selects a request by `method` to `target` from `client`.
    pub fn selects(&self, method: &str, target: &str, client: Option<&str>) -> bool {
        self.method.is_none_or(|wanted| wanted.eq_ignore_ascii_case(method))
            && self.path.is_none_or(|pattern| glob_matches(pattern, target))
            && self.client.is_none_or(|wanted| Some(wanted) == client)
    }
}

/// Takes the selector fields `method` and `path` out of a rule's (or a breakpoint's) JSON
/// object, checked: a method is letters (upper-cased), a path starts with `/` or `*`.
pub fn take_selectors(
    fields: &mut serde_json::Map<String, Value>,
) -> Result<(Option<String>, Option<String>), String> {
    let mut selector = |name: &str| -> Result<Option<String>, String> {
        match fields.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if !text.is_empty() => Ok(Some(text)),
            Some(_) => Err(format!("`{name}` must be a non-empty string")),
        }
    };
    let method = selector(SELECTORS[0])?;
    let path = selector(SELECTORS[1])?;
    if let Some(method) = &method {
        if !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!("`method` is `{method}`: a method is letters, like GET or POST"));
        }
    }
    if let Some(path) = &path {
        if !path.starts_with('/') && !path.starts_with('*') {
            return Err(format!("`path` is `{path}`: it starts with `/` (or `*`), as a request's path does"));
        }
    }
    Ok((method.map(|m| m.to_ascii_uppercase()), path))
}

/// A rule taken for one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// The rule's position in the list when it was taken (1-based).
    pub position: usize,
    pub profile: FaultProfile,
    /// For a reconnect: the answer the rule gives instead of going upstream (the next
    /// reconnect's is used up, as on the broker).
    pub answer: Option<ReconnectAnswer>,
}

/// The rules, shared by the tap's connections: each exchange takes the first that selects it.
#[derive(Debug, Clone, Default)]
pub struct FaultRules(Arc<Mutex<Vec<FaultRule>>>);

impl FaultRules {
    pub fn new(rules: Vec<FaultRule>) -> Self {
        Self(Arc::new(Mutex::new(rules)))
    }

    /// Parses a rule file: a JSON array of rules, every one checked, the first mistake named by
    /// its rule's position and field.
    pub fn parse(json: &[u8]) -> Result<Self, RulesError> {
        let whole = |message: String| RulesError { position: None, message };
        let value: Value =
            serde_json::from_slice(json).map_err(|error| whole(format!("not JSON: {error}")))?;
        let Value::Array(items) = value else {
            return Err(whole("the rules are a JSON array of objects".into()));
        };
        let rules = items
            .into_iter()
            .enumerate()
            .map(|(at, item)| {
                FaultRule::from_value(item).map_err(|message| RulesError { position: Some(at + 1), message })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(rules))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The first rule that selects this request, if any. A `reconnect` (decided by
    /// [`crate::is_reconnect`], for the broker and the tap alike) takes the rule's answer; a `once` rule is removed when it does
    /// something to the exchange (answers it, or has faults for its body).
    pub fn select(
        &self,
        method: &str,
        target: &str,
        client: Option<&str>,
        reconnect: bool,
    ) -> Option<Selected> {
        let mut rules = self.lock();
        let at = rules.iter().position(|rule| rule.selects(method, target, client))?;
        let profile = &mut rules[at].profile;
        let answer = match &profile.on_reconnect {
            Some(answer) if reconnect && !answer.every => profile.on_reconnect.take(),
            Some(answer) if reconnect => Some(answer.clone()),
            _ => None,
        };
        let selected = Selected { position: at + 1, profile: rules[at].profile.clone(), answer };
        if selected.profile.once && (selected.answer.is_some() || selected.profile.touches_body()) {
            rules.remove(at);
        }
        Some(selected)
    }

    /// Puts `rules` in place of the list (the window's Faults box).
    pub fn replace(&self, rules: Vec<FaultRule>) {
        *self.lock() = rules;
    }

    /// Whether a rule selects by the client tag `value` (a `client=` query parameter with that
    /// value is the tap's to remove before the request goes upstream; any other is the upstream's).
    pub fn names_client(&self, value: &str) -> bool {
        self.lock().iter().any(|rule| rule.profile.client.as_deref() == Some(value))
    }

    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// How many rules are left.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// The rules left, in order.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// The rules left as a rule file (`--faults`) holds them, one rule a line.
    pub fn to_json(&self) -> String {
        let lines: Vec<String> = self.lock().iter().map(FaultRule::to_json).collect();
        match lines.is_empty() {
            true => "[]".to_owned(),
            false => format!("[\n  {}\n]\n", lines.join(",\n  ")),
        }
    }
}

/// Whether `text` matches `pattern`, where `*` is any run of characters (`/` and `?` included)
/// and every other character is itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `*` matches any run, `/` and `?` included; everything else matches itself.
    #[test]
    fn a_glob_star_matches_any_run() {
        for (pattern, text) in [
            ("/events*", "/events"),
            ("/events*", "/events?stream=a&client=b"),
            ("*", "/anything/at?all"),
            ("/v1/*/completions", "/v1/chat/completions"),
            ("/v1/*/completions", "/v1/a/b/completions"),
            ("*stream=a*", "/events?x=1&stream=a&y=2"),
            ("/exact", "/exact"),
            ("/a*b*c", "/abbc"),
        ] {
            assert!(glob_matches(pattern, text), "{pattern} should match {text}");
        }
        for (pattern, text) in [
            ("/events*", "/event"),
            ("/exact", "/exact/more"),
            ("/v1/*/completions", "/v1/chat/completion"),
            ("/a*bc", "/abc/d"),
            ("/ab*ba", "/aba"),
        ] {
            assert!(!glob_matches(pattern, text), "{pattern} should not match {text}");
        }
    }

    /// The issue's example parses: the first rule cuts any `/events` stream, the second drips a
    /// POST to the completions endpoint for one tagged client.
    #[test]
    fn the_first_rule_that_selects_an_exchange_applies_alone() {
        let rules = FaultRules::parse(
            br#"[{"path": "/events*", "cutAfterEvents": 5},
                 {"method": "POST", "path": "/v1/chat/completions", "client": "ui-under-test", "dripBytesPerSecond": 200},
                 {"path": "*", "retryMs": 100}]"#,
        )
        .expect("the example parses");
        let taken = rules.select("GET", "/events?stream=a", None, false).expect("rule 1");
        assert_eq!((taken.position, taken.profile.cut_after_events), (1, Some(5)));
        let taken =
            rules.select("post", "/v1/chat/completions", Some("ui-under-test"), false).expect("rule 2");
        assert_eq!((taken.position, taken.profile.drip_bytes_per_second), (2, Some(200)));
        let taken =
            rules.select("POST", "/v1/chat/completions", Some("someone-else"), false).expect("rule 3");
        assert_eq!(taken.position, 3, "another client falls through to the catch-all");
        assert!(rules.names_client("ui-under-test") && !rules.names_client("upstreams-own"));
    }

    /// A `once` rule applies to one exchange and is gone; the next exchange takes the next rule.
    #[test]
    fn a_once_rule_is_removed_when_it_applies() {
        let rules = FaultRules::parse(
            br#"[{"path": "/events*", "once": true, "cutAfterEvents": 1}, {"retryMs": 50}]"#,
        )
        .expect("parses");
        assert_eq!(rules.select("GET", "/events", None, false).map(|s| s.position), Some(1));
        assert_eq!(
            rules.select("GET", "/events", None, false).map(|s| s.position),
            Some(1),
            "the second rule is first now"
        );
        assert_eq!(rules.rules().len(), 1);
    }

    /// A reconnect takes the rule's answer (the next one only, unless `every`); a first request
    /// does not, and does not spend a `once` rule that only answers reconnects.
    #[test]
    fn a_reconnect_takes_the_answer_and_once_is_spent_only_when_used() {
        let rules =
            FaultRules::parse(br#"[{"once": true, "onReconnect": {"status": 204}}]"#).expect("parses");
        let first = rules.select("GET", "/events", None, false).expect("selected");
        assert_eq!(first.answer, None);
        assert_eq!(rules.rules().len(), 1, "nothing done: the once rule stays");
        let again = rules.select("GET", "/events", None, true).expect("selected");
        assert_eq!(again.answer.map(|a| a.status), Some(Some(204)));
        assert!(rules.is_empty(), "used: gone");
        let rules =
            FaultRules::parse(br#"[{"onReconnect": {"status": 503}, "retryMs": 5}]"#).expect("parses");
        assert!(rules.select("GET", "/e", None, true).expect("1").answer.is_some());
        let next = rules.select("GET", "/e", None, true).expect("2");
        assert_eq!((next.answer, next.profile.retry_ms), (None, Some(5)), "the answer was the next one only");
    }

    /// A list written out reads back the same.
    #[test]
    fn rules_written_out_read_back_the_same() {
        let text = br#"[{"method": "post", "path": "/v1/*", "client": "a", "dripBytesPerSecond": 200},
                        {"onReconnect": {"status": 204, "every": true}, "once": true}]"#;
        let rules = FaultRules::parse(text).expect("parses");
        let written = rules.to_json();
        assert!(written.starts_with("[\n  {\"method\":\"POST\",\"path\":\"/v1/*\""), "{written}");
        assert_eq!(FaultRules::parse(written.as_bytes()).expect("reads back").rules(), rules.rules());
        assert_eq!(FaultRules::default().to_json(), "[]");
    }

    /// Every mistake stops the list, naming the rule's position and the field.
    #[test]
    fn a_bad_rule_is_named_by_position_and_field() {
        let said = |json: &str| FaultRules::parse(json.as_bytes()).map(|_| ()).unwrap_err().to_string();
        assert!(said("not json").starts_with("not JSON:"), "{}", said("not json"));
        assert_eq!(said(r#"{"path": "/"}"#), "the rules are a JSON array of objects");
        assert_eq!(said(r#"[{"path": "/"}, 3]"#), "rule 2: a rule is a JSON object");
        let unknown = said(r#"[{"path": "/"}, {"path": "/x", "cutAfterEvent": 5}]"#);
        assert!(unknown.starts_with("rule 2: unknown field `cutAfterEvent`"), "{unknown}");
        let bound = said(r#"[{"cutAfterBytes": 0}]"#);
        assert!(bound.starts_with("rule 1: `cutAfterBytes` is 0 bytes"), "{bound}");
        assert!(said(r#"[{"method": "G E T"}]"#).starts_with("rule 1: `method` is `G E T`"));
        assert!(said(r#"[{"path": "events"}]"#).starts_with("rule 1: `path` is `events`"));
        assert!(said(r#"[{"path": 5}]"#).starts_with("rule 1: `path` must be a non-empty string"));
    }
}
