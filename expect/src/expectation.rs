//! Expectations as the checker uses them: each one a single thing that passes or fails, with
//! the name a report shows.

use std::fmt;
use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use sse_wire::JsonPath;

/// A parsed, checked expectations file ([`Expectations::parse`]).
pub struct Expectations {
    pub(crate) items: Vec<Expectation>,
    pub(crate) scope: Option<u64>,
    pub(crate) reconnect_after: Option<u64>,
}

impl Expectations {
    /// Each expectation's name, in the order reports list them.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|item| item.name.as_str())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `events = N`: only the first N events are checked, and the run is decided once they
    /// have arrived, so the file works on an endless stream.
    pub fn scope(&self) -> Option<u64> {
        self.scope
    }

    /// `ids.reconnect_after_events = N`: the client drops the connection after N events and
    /// resumes with `Last-Event-ID`.
    pub fn reconnect_after_events(&self) -> Option<u64> {
        self.reconnect_after
    }
}

impl fmt::Debug for Expectations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectations")
            .field("names", &self.names().collect::<Vec<_>>())
            .field("scope", &self.scope)
            .field("reconnect_after", &self.reconnect_after)
            .finish()
    }
}

pub(crate) struct Expectation {
    pub name: String,
    pub kind: Kind,
}

/// Which events a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selector {
    All,
    Type(String),
    /// The Nth event (from 1).
    Position(u64),
}

impl Selector {
    pub fn matches(&self, event_type: &str, index: u64) -> bool {
        match self {
            Self::All => true,
            Self::Type(wanted) => wanted == event_type,
            Self::Position(position) => index + 1 == *position,
        }
    }

    /// How a name starts: "every event", "`delta` events", "event 3".
    pub fn describe(&self) -> String {
        match self {
            Self::All => "every event".into(),
            Self::Type(event_type) => format!("`{event_type}` events"),
            Self::Position(position) => format!("event {position}"),
        }
    }
}

/// What is checked of an event's data.
pub(crate) enum DataCheck {
    Equals(String),
    Matches(Regex),
    JsonEquals { path: JsonPath, text: String, value: Value },
    Schema(Box<jsonschema::Validator>),
}

impl DataCheck {
    pub fn describe(&self) -> String {
        match self {
            Self::Equals(data) => format!("data is {}", quote(data)),
            Self::Matches(regex) => format!("data matches /{}/", regex.as_str()),
            Self::JsonEquals { text, value, .. } => format!("JSON {text} = {value}"),
            Self::Schema(_) => "data valid against the schema".into(),
        }
    }
}

/// Inclusive bounds on a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CountBound {
    pub at_least: u64,
    pub at_most: Option<u64>,
}

pub(crate) enum Kind {
    Status(u16),
    /// The media type, compared without parameters and case.
    ContentType(String),
    Header {
        name: String,
        value: String,
    },
    Data {
        selector: Selector,
        check: DataCheck,
    },
    TypeAt {
        position: u64,
        event_type: String,
    },
    Count {
        selector: Selector,
        bound: CountBound,
    },
    Sequence {
        types: Vec<String>,
        contiguous: bool,
    },
    Terminal {
        event_type: Option<String>,
        data: Option<String>,
    },
    FirstWithin(Duration),
    NoGapOver(Duration),
    WholeWithin(Duration),
    After {
        event_type: String,
        after: String,
        within: Duration,
    },
    IdsPresent,
    IdsIncreasing,
    IdsNoGap,
    IdsUnique,
    ResumeExact {
        after_events: u64,
    },
}

impl Kind {
    /// Decided by receive times (undecided when a capture has none).
    pub fn is_timed(&self) -> bool {
        matches!(self, Self::FirstWithin(_) | Self::NoGapOver(_) | Self::WholeWithin(_) | Self::After { .. })
    }

    /// Counted from the request being sent (undecided when a capture did not record it).
    pub fn needs_start(&self) -> bool {
        matches!(self, Self::FirstWithin(_) | Self::WholeWithin(_))
    }

    /// Decided by the response head.
    pub fn is_response(&self) -> bool {
        matches!(self, Self::Status(_) | Self::ContentType(_) | Self::Header { .. })
    }
}

/// Text in backticks, cut short when long, for names and details.
pub(crate) fn quote(text: &str) -> String {
    const SHOWN: usize = 60;
    let mut shown: String = text.chars().take(SHOWN).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("`{}`", shown.replace('\n', "⏎"))
}

pub(crate) fn ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 10.0 || ms.fract() == 0.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
