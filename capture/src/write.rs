use crate::event::CapturedEvent;
use crate::head::CaptureHead;

#[derive(serde::Serialize)]
struct HeadLine<'a> {
    capture: &'a CaptureHead,
}

/// Appends `event` as one line.
pub fn write_event(event: &CapturedEvent<'_>, out: &mut Vec<u8>) {
    // Strings and numbers into memory: serialising cannot fail.
    if serde_json::to_writer(&mut *out, event).is_ok() {
        out.push(b'\n');
    }
}

/// Appends the head line; it goes first in a file.
pub fn write_head(head: &CaptureHead, out: &mut Vec<u8>) {
    if serde_json::to_writer(&mut *out, &HeadLine { capture: head }).is_ok() {
        out.push(b'\n');
    }
}
