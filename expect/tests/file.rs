//! The expectations file: what it accepts, and each mistake refused with its line and column.

use sse_expect::{Expectations, FileError};

fn refused(text: &str) -> (usize, usize, String) {
    match Expectations::parse(text) {
        Ok(parsed) => panic!("accepted {text:?}: {parsed:?}"),
        Err(error @ FileError::At { line, column, .. }) => (line, column, error.to_string()),
        Err(other) => panic!("{other}"),
    }
}

/// The documentation's full example parses, and names every expectation it holds.
#[test]
fn the_documented_example_parses() {
    let docs = include_str!("../../docs/expectations.md");
    let start = docs.find("```toml\n").expect("docs/expectations.md has a TOML example") + 8;
    let end = start + docs[start..].find("```").expect("the example ends");
    let expectations = Expectations::parse(&docs[start..end]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = expectations.names().collect();
    assert!(names.len() >= 20, "{names:#?}");
    assert_eq!(expectations.scope(), None);
    assert_eq!(expectations.reconnect_after_events(), Some(5));
}

/// Without any table, a file still expects a 200 event stream.
#[test]
fn an_empty_file_expects_a_200_event_stream() {
    let names: Vec<String> = Expectations::parse("").unwrap().names().map(str::to_owned).collect();
    assert_eq!(names, ["response status is 200", "Content-Type is text/event-stream"]);
}

/// Unknown keys, wrong types and TOML syntax are refused where they are.
#[test]
fn unknown_keys_wrong_types_and_syntax_are_placed() {
    let (line, column, message) = refused("events = 3\n[[event]]\ntype = \"a\"\ndata_match = \"x\"\n");
    assert_eq!((line, column), (4, 1), "{message}");
    assert!(message.contains("unknown field `data_match`") && message.contains("data_matches"), "{message}");

    let (line, _, message) = refused("[time]\nno_gap_over_ms = \"soon\"\n");
    assert_eq!(line, 2, "{message}");
    assert!(message.contains("expected a whole number"), "{message}");

    let (line, _, message) = refused("[response]\nstatus = 200\nstatus = 201\n");
    assert_eq!(line, 3, "{message}");

    let (line, _, message) = refused("[ids]\nreconnect_after_events = -1\n");
    assert_eq!(line, 2, "{message}");
}

/// A bad regex, schema or JSON path names the rule it is in, at its place.
#[test]
fn bad_regexes_schemas_and_paths_name_their_expectation() {
    let (line, column, message) =
        refused("[[event]]\ntype = \"a\"\nat_least = 1\n\n[[event]]\ntype = \"b\"\ndata_matches = \"(\"\n");
    assert_eq!((line, column), (7, 16), "{message}");
    assert!(message.contains("[[event]] number 2") && message.contains("not a valid regex"), "{message}");

    let (line, _, message) = refused("[[event]]\nschema = { type = \"no-such-type\" }\n");
    assert_eq!(line, 2);
    assert!(message.contains("not a valid JSON Schema"), "{message}");

    let (_, _, message) = refused("[[event]]\nschema = '{\"type\": '\n");
    assert!(message.contains("schema is not JSON"), "{message}");

    let (line, _, message) = refused("[[event]]\njson = { \"a[\" = 1 }\n");
    assert_eq!(line, 2);
    assert!(message.contains("JSON path `a[`"), "{message}");
}

/// Values that cannot mean anything are refused with what is allowed.
#[test]
fn contradictions_and_out_of_range_values_are_refused() {
    for (text, says) in [
        ("events = 0", "at least 1"),
        ("[[event]]\ntype = \"a\"", "checks nothing"),
        ("[[event]]\nposition = 0\ndata = \"x\"", "count from 1"),
        ("[[event]]\nposition = 2\nat_least = 1", "not a position"),
        ("[[event]]\nexactly = 2\nat_least = 1", "goes alone"),
        ("[[event]]\nat_least = 3\nat_most = 2", "more than at_most"),
        ("[[sequence]]\ntypes = []", "at least one type"),
        ("[terminal]", "needs a `type`"),
        ("[time]\nno_gap_over_ms = 0", "at least 1"),
        ("[time]\nwhole_within_ms = 86400001", "a day"),
        ("[ids]\nreconnect_after_events = 0", "at least 1"),
    ] {
        let (_, _, message) = refused(text);
        assert!(message.contains(says), "{text:?}: {message}");
    }
}
