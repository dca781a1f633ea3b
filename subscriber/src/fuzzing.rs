//! Entry points for the fuzz targets in `fuzz/`, shared with the corpus replay test so CI runs
//! the same code on every kept input. Not part of the API.

use crate::parser::EventParser;

/// The largest event the fuzzed parser accepts: small, so oversized input is exercised.
const FUZZ_MAX_EVENT: usize = 4096;

/// Parses `input` cut into chunks at points drawn from its first bytes. Must never panic, and
/// must give the same events as parsing the whole input at once.
pub fn parse_in_chunks(input: &[u8]) -> usize {
    let (cuts, stream) = input.split_at(input.len().min(4));
    let whole = parse(stream, &[]);
    let chunked = parse(stream, cuts);
    assert_eq!(whole, chunked, "chunk boundaries changed the events");
    whole.len()
}

fn parse(stream: &[u8], cuts: &[u8]) -> Vec<(String, String, String)> {
    let mut parser = EventParser::new(FUZZ_MAX_EVENT);
    let mut events = Vec::new();
    let mut points: Vec<usize> = cuts.iter().map(|&c| usize::from(c) * stream.len() / 256).collect();
    points.sort_unstable();
    points.push(stream.len());
    let mut start = 0;
    for end in points {
        parser.feed(&stream[start..end]);
        start = end;
        loop {
            match parser.next_event() {
                Ok(Some(event)) => {
                    assert!(event.data.len() <= FUZZ_MAX_EVENT, "an event over the limit got through");
                    events.push((event.event, event.data, event.id));
                }
                Ok(None) => break,
                // Too large: the subscription fails here and reconnects, so what the buffer
                // held after it does not matter. Compare up to this point.
                Err(_) => {
                    events.push(("too large".into(), String::new(), String::new()));
                    return events;
                }
            }
        }
    }
    parser.finish();
    events
}

/// Checks one event as the broker encoded it (`encode` in `embedded_server::fuzzing`): it
/// parses back as exactly one event with the same type, the data with its line breaks as LF,
/// and id 1.
pub fn check_encoded(encoded: Option<(Option<String>, String, bytes::Bytes)>) {
    let Some((event, data, bytes)) = encoded else { return };
    let mut parser = EventParser::default();
    parser.feed(&bytes);
    let parsed = parser.next_event().expect("within the default size limit").expect("one event");
    assert_eq!(parsed.event, event.as_deref().unwrap_or("message"));
    assert_eq!(parsed.data, data.replace("\r\n", "\n").replace('\r', "\n"));
    assert_eq!(parsed.id, "1");
    assert_eq!(parser.next_event().ok().flatten(), None, "one event only");
}
