//! A server's card: every rule judged, as text (a line per rule, its evidence indented), JSON
//! (`sse-sub --check --json`) and JUnit XML (a test case per rule).

use std::fmt::Write as _;

use serde::Serialize;
use sse_report_card::{CardVerdict, Level};

use crate::observed::Observations;
use crate::rule::{level_word, words, ServerRule, ViaVerdict};
use crate::{answer, delivery, hop, ids, reach};

/// A server's card.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ServerCard {
    pub url: String,
    /// The second URL the battery ran on (`--via`), if any: each rule then has its verdict
    /// there too, and the hop's rules follow.
    pub via: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub ran_for_ms: u64,
    pub rules: Vec<ServerRule>,
}

/// Every rule, judged from what the check saw.
pub fn grade(seen: &Observations) -> ServerCard {
    let mut rules = answer::rules(seen);
    rules.extend(delivery::rules(seen));
    rules.extend(ids::rules(seen));
    rules.extend(reach::rules(seen));
    ServerCard { url: seen.url.clone(), via: None, ran_for_ms: seen.ran_for_ms, rules }
}

/// Every rule on both URLs (`--via`), then what the hop changes.
pub fn compare(direct: &Observations, via: &Observations) -> ServerCard {
    let mut card = grade(direct);
    for (rule, theirs) in card.rules.iter_mut().zip(grade(via).rules) {
        rule.via = Some(ViaVerdict { verdict: theirs.verdict, evidence: theirs.evidence });
    }
    card.rules.extend(hop::rules(direct, via));
    card.via = Some(via.url.clone());
    card.ran_for_ms = card.ran_for_ms.max(via.ran_for_ms);
    card
}

impl ServerCard {
    /// Whether a MUST failed.
    pub fn fails_a_must(&self) -> bool {
        self.rules.iter().any(ServerRule::fails_a_must)
    }

    /// One line per rule (level, verdict, rule), its evidence indented under it, then a tally.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if let Some(via) = &self.via {
            let _ = writeln!(text, "directly: {}\nvia:      {via}\n", self.url);
        }
        for rule in &self.rules {
            let level = level_word(rule.level);
            match &rule.via {
                Some(theirs) => {
                    let both = format!("{} | {}", rule.verdict_words(), words(rule.level, theirs.verdict));
                    let _ = writeln!(text, "{level:<6} {both:<25} {}", rule.rule);
                    for line in &rule.evidence {
                        let _ = writeln!(text, "         {line}");
                    }
                    for line in &theirs.evidence {
                        let _ = writeln!(text, "         via: {line}");
                    }
                }
                None => {
                    let _ = writeln!(text, "{level:<6} {:<12} {}", rule.verdict_words(), rule.rule);
                    for line in &rule.evidence {
                        let _ = writeln!(text, "         {line}");
                    }
                }
            }
        }
        let count = |verdict: &str| self.rules.iter().filter(|rule| rule.verdict_words() == verdict).count();
        let _ = writeln!(
            text,
            "{} rules: {} passed, {} failed, {} noted, {} not observed ({:.1} s)",
            self.rules.len(),
            count("pass"),
            count("FAIL"),
            count("noted"),
            count("not observed"),
            self.ran_for_ms as f64 / 1000.0
        );
        text
    }

    /// JUnit XML: a test case per rule; a failed MUST or SHOULD is a `<failure>`, a rule not
    /// observed `<skipped>`; an INFO or a MAY never fails.
    pub fn junit(&self) -> String {
        let failed = |rule: &ServerRule| {
            let via = rule.via.as_ref().is_some_and(|via| via.verdict == CardVerdict::Fail);
            (rule.verdict == CardVerdict::Fail || via) && matches!(rule.level, Level::Must | Level::Should)
        };
        let failures = self.rules.iter().filter(|rule| failed(rule)).count();
        let skipped = self.rules.iter().filter(|rule| rule.verdict == CardVerdict::NotObserved).count();
        let secs = self.ran_for_ms as f64 / 1000.0;
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{secs:.3}\">",
            self.rules.len()
        );
        let suite = escape(&format!("sse-sub --check {}", self.url));
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{secs:.3}\">",
            self.rules.len()
        );
        for rule in &self.rules {
            let name = escape(&format!("{} {}", level_word(rule.level), rule.rule));
            let mut detail = rule.evidence.join("; ");
            if let Some(via) = &rule.via {
                let _ = write!(detail, "; via: {}", via.evidence.join("; "));
            }
            let detail = escape(&detail);
            let _ = write!(xml, "    <testcase classname=\"{suite}\" name=\"{name}\"");
            if failed(rule) {
                let _ = writeln!(
                    xml,
                    ">\n      <failure message=\"{detail}\">{detail}</failure>\n    </testcase>"
                );
            } else if rule.verdict == CardVerdict::NotObserved {
                let _ = writeln!(xml, ">\n      <skipped message=\"{detail}\" />\n    </testcase>");
            } else {
                let _ = writeln!(xml, ">\n      <system-out>{detail}</system-out>\n    </testcase>");
            }
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::Head;

    fn verdict(card: &ServerCard, rule: &str) -> CardVerdict {
        card.rules.iter().find(|r| r.rule.starts_with(rule)).map(|r| r.verdict).expect("the rule")
    }

    /// A 404 page fails the MUSTs; no response at all fails them too, saying why; a
    /// compressed stream whose events come grouped fails the SHOULD; the JUnit file has a case
    /// per rule and fails only MUSTs and SHOULDs.
    #[test]
    fn a_card_fails_what_breaks_an_eventsource() {
        let mut seen =
            Observations { check_for_ms: 5_000, connect_timeout_ms: 10_000, ..Observations::default() };
        seen.watched.head(Head {
            status: 404,
            headers: vec![("content-type".into(), "text/html".into())],
            version: "HTTP/1.1".into(),
            at_ms: 20,
        });
        let card = grade(&seen);
        assert!(card.fails_a_must());
        assert_eq!(verdict(&card, "answers 200"), CardVerdict::Fail);
        assert_eq!(verdict(&card, "answers with Content-Type"), CardVerdict::Fail);

        let mut gone = Observations::default();
        gone.watched.ended(3, Some("cannot connect: refused".into()));
        let card = grade(&gone);
        let rule = card.rules.iter().find(|r| r.rule.starts_with("answers 200")).expect("the rule");
        assert_eq!(
            (rule.verdict, rule.evidence[0].as_str()),
            (CardVerdict::Fail, "no response: cannot connect: refused")
        );

        let mut gzip =
            Observations { check_for_ms: 5_000, connect_timeout_ms: 10_000, ..Observations::default() };
        gzip.watched.head(Head {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/event-stream".into()),
                ("content-encoding".into(), "gzip".into()),
                ("cache-control".into(), "no-cache".into()),
            ],
            version: "HTTP/1.1".into(),
            at_ms: 10,
        });
        gzip.watched.read(2_000, 100, Some(40));
        for n in 1..=10 {
            gzip.watched.event(2_000, &n.to_string(), true, None);
        }
        gzip.watched.finish(5_000);
        let card = grade(&gzip);
        assert_eq!(verdict(&card, "a compressed stream"), CardVerdict::Fail);
        assert!(!card.fails_a_must());
        let xml = card.junit();
        assert_eq!(xml.matches("<testcase ").count(), card.rules.len());
        assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    }
}
