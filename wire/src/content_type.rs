//! A Content-Type's essence: `text/event-stream; charset=utf-8` is a `text/event-stream`, and
//! so is `Text/Event-Stream` (media types are case-blind; their parameters are set aside).

/// The essence of a `Content-Type` value, lowercased: `text/event-stream` for
/// `Text/Event-Stream ; charset=utf-8`; empty for an empty value.
pub fn essence(content_type: &str) -> String {
    essence_of(content_type).to_ascii_lowercase()
}

/// Whether a `Content-Type` value's essence is `expected` (given lowercased), without
/// allocating.
pub fn has_essence(content_type: &str, expected: &str) -> bool {
    essence_of(content_type).eq_ignore_ascii_case(expected)
}

fn essence_of(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parameters, spaces and case are set aside; another type is not mistaken for it.
    #[test]
    fn the_essence_sets_parameters_and_case_aside() {
        for value in [
            "text/event-stream",
            "text/event-stream; charset=utf-8",
            "Text/Event-Stream ;x=y",
            " text/event-stream",
        ] {
            assert!(has_essence(value, "text/event-stream"), "{value}");
            assert_eq!(essence(value), "text/event-stream", "{value}");
        }
        for value in ["text/plain", "text/event-streams", "application/json", ""] {
            assert!(!has_essence(value, "text/event-stream"), "{value}");
        }
        assert_eq!(essence(""), "");
        assert_eq!(essence("Application/JSON; charset=UTF-8"), "application/json");
    }
}
