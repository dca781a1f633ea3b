//! Entry points for the fuzz target in `fuzz/` and its corpus replay test. Not part of the API.

use crate::read::{read_capture, Capture};
use crate::write::{write_event, write_head};

fn write(capture: &Capture) -> Vec<u8> {
    let mut written = Vec::new();
    if let Some(head) = &capture.head {
        write_head(head, &mut written);
    }
    for event in &capture.events {
        write_event(event, &mut written);
    }
    written
}

/// Reads `input` as a capture; must never panic. What reads without error, written again,
/// reads back to the same file (times are kept to the microsecond, so the second writing
/// is the fixed point).
pub fn read_then_rewrite(input: &[u8]) {
    let Ok(capture) = read_capture(input) else { return };
    let written = write(&capture);
    let again = read_capture(&written[..]).expect("what was written reads back");
    assert_eq!(again.events.len(), capture.events.len());
    assert_eq!(write(&again), written, "writing what was read back changes nothing");
}
