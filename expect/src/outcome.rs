//! What a check says of each expectation, and the reports made of it: text for a terminal,
//! JUnit XML for CI.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

/// Where an expectation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Pending,
    Pass,
    Fail,
    /// Checking ended (a timeout, a stop, a capture without times) before it was decided.
    Undecided,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Undecided => "undecided",
        }
    }
}

/// One expectation's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub name: String,
    pub verdict: Verdict,
    /// Why, naming the event that decided it when one did.
    pub detail: String,
    /// The deciding event's index among the events checked (from 0).
    pub event: Option<u64>,
    /// When it was decided, from the request being sent.
    #[serde(skip)]
    pub at: Option<Duration>,
}

impl Outcome {
    pub(crate) fn pending(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            verdict: Verdict::Pending,
            detail: String::new(),
            event: None,
            at: None,
        }
    }

    pub(crate) fn decide(
        &mut self,
        verdict: Verdict,
        detail: String,
        event: Option<u64>,
        at: Option<Duration>,
    ) {
        *self = Self { name: std::mem::take(&mut self.name), verdict, detail, event, at };
    }
}

/// How many outcomes have each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub undecided: usize,
    pub pending: usize,
}

impl Tally {
    pub fn of(outcomes: &[Outcome]) -> Self {
        outcomes.iter().fold(Self::default(), |mut tally, outcome| {
            match outcome.verdict {
                Verdict::Pass => tally.pass += 1,
                Verdict::Fail => tally.fail += 1,
                Verdict::Undecided => tally.undecided += 1,
                Verdict::Pending => tally.pending += 1,
            }
            tally
        })
    }
}

/// One line per expectation: `pass  name  (detail)`, then a tally line.
pub fn text_report(outcomes: &[Outcome]) -> String {
    let mut report = String::new();
    for outcome in outcomes {
        let _ = write!(report, "{:<9}  {}", outcome.verdict.label(), outcome.name);
        if !outcome.detail.is_empty() {
            let _ = write!(report, "  ({})", outcome.detail);
        }
        report.push('\n');
    }
    let tally = Tally::of(outcomes);
    let _ = writeln!(
        report,
        "{} expectations: {} passed, {} failed, {} undecided",
        outcomes.len(),
        tally.pass,
        tally.fail,
        tally.undecided + tally.pending
    );
    report
}

/// JUnit XML: one test suite named `suite`, a test case per expectation; failures as
/// `<failure>`, undecided ones as `<skipped>`.
pub fn junit_xml(suite: &str, outcomes: &[Outcome], elapsed: Duration) -> String {
    let tally = Tally::of(outcomes);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        outcomes.len(),
        tally.fail,
        tally.undecided + tally.pending,
        elapsed.as_secs_f64()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
        escape(suite),
        outcomes.len(),
        tally.fail,
        tally.undecided + tally.pending,
        elapsed.as_secs_f64()
    );
    for outcome in outcomes {
        let time = outcome.at.unwrap_or(Duration::ZERO).as_secs_f64();
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{time:.3}\"",
            escape(suite),
            escape(&outcome.name)
        );
        match outcome.verdict {
            Verdict::Pass => xml.push_str(" />\n"),
            Verdict::Fail => {
                let _ = writeln!(
                    xml,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    escape(&outcome.detail),
                    escape(&outcome.detail)
                );
            }
            Verdict::Undecided | Verdict::Pending => {
                let _ = writeln!(
                    xml,
                    ">\n      <skipped message=\"{}\" />\n    </testcase>",
                    escape(&outcome.detail)
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text fit for an XML attribute or element: markup escaped, and characters XML 1.0 cannot
/// carry (most control characters) replaced.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_cannot_hold() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}");
    }
}
