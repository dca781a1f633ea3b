//! What a resume got, named: the second connection sends `Last-Event-ID` set to an id the
//! watched one saw, and its first events are compared with what the watched one saw after it.

use serde::Serialize;

use crate::thresholds::RESUME_COMPARED;

/// A resume, named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ResumeKind {
    /// The events after the given id, in order.
    Exact,
    /// The given id's event again first (r3labs/sse does this).
    Duplicate,
    /// Live events: what was published between the id and the resume is skipped.
    Lost { skipped: usize },
    /// The stream's first event again.
    FromTheStart,
    /// Events that do not follow the given id in any way the check can name.
    Ignores,
    /// No event came on the resume within the check.
    NoEvent,
}

impl ResumeKind {
    /// Its name, as the card says it.
    pub fn words(&self) -> String {
        match self {
            Self::Exact => "exact".into(),
            Self::Duplicate => "duplicate: replays the given id again".into(),
            Self::Lost { skipped } => format!("lost: restarts from now ({skipped} events skipped)"),
            Self::FromTheStart => "restarts from the start".into(),
            Self::Ignores => "ignores Last-Event-ID".into(),
            Self::NoEvent => "no event on the resume".into(),
        }
    }
}

/// Names a resume that sent `sent` and got `resumed` (the ids of its first events), given the
/// ids the watched connection saw, in order.
pub fn classify_resume(watched: &[String], sent: &str, resumed: &[String]) -> ResumeKind {
    let Some(first) = resumed.first() else { return ResumeKind::NoEvent };
    if first == sent {
        return ResumeKind::Duplicate;
    }
    let at = watched.iter().position(|id| id == sent);
    let after: &[String] = at.map_or(&[], |at| &watched[at + 1..]);
    let compared = resumed.len().min(after.len()).min(RESUME_COMPARED);
    if compared > 0 && resumed[..compared] == after[..compared] {
        return ResumeKind::Exact;
    }
    if watched.first().is_some_and(|start| start == first) && after.first() != Some(first) {
        return ResumeKind::FromTheStart;
    }
    if let (Some(at), Some(found)) = (at, watched.iter().position(|id| id == first)) {
        if found > at + 1 {
            return ResumeKind::Lost { skipped: found - at - 1 };
        }
    }
    ResumeKind::Ignores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
        range.map(|n| n.to_string()).collect()
    }

    /// Each way a server answers a resume from id 5, named.
    #[test]
    fn resumes_are_named() {
        let watched = ids(1..=20);
        assert_eq!(classify_resume(&watched, "5", &ids(6..=10)), ResumeKind::Exact);
        assert_eq!(classify_resume(&watched, "5", &ids(5..=9)), ResumeKind::Duplicate);
        assert_eq!(classify_resume(&watched, "5", &ids(15..=19)), ResumeKind::Lost { skipped: 9 });
        assert_eq!(classify_resume(&watched, "5", &ids(1..=5)), ResumeKind::FromTheStart);
        assert_eq!(classify_resume(&watched, "5", &["a".into()]), ResumeKind::Ignores);
        assert_eq!(classify_resume(&watched, "5", &[]), ResumeKind::NoEvent);
        // The resume may run ahead of what the watched connection has seen yet.
        assert_eq!(classify_resume(&ids(1..=6), "5", &ids(6..=10)), ResumeKind::Exact);
    }
}
