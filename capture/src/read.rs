use std::io::{BufRead, Read};

use serde::Deserialize;

use crate::error::{CaptureError, LineError};
use crate::event::CapturedEvent;
use crate::head::{CaptureHead, CAPTURE_VERSION};

/// The longest line read: a bigger one is an error, not an allocation.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// One line of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureLine {
    Head(CaptureHead),
    Event(CapturedEvent<'static>),
}

/// A whole capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capture {
    pub head: Option<CaptureHead>,
    pub events: Vec<CapturedEvent<'static>>,
}

#[derive(Deserialize)]
struct HeadLine {
    capture: CaptureHead,
}

/// Reads a capture line by line: blank lines skipped, each line bounded, the head line only
/// first. Stops after the first error.
pub struct CaptureReader<R> {
    reader: R,
    limit: usize,
    number: usize,
    read_any: bool,
    failed: bool,
    buffer: Vec<u8>,
}

impl<R: BufRead> CaptureReader<R> {
    pub fn new(reader: R) -> Self {
        Self::with_line_limit(reader, MAX_LINE_BYTES)
    }

    /// Lines longer than `limit` bytes are refused.
    pub fn with_line_limit(reader: R, limit: usize) -> Self {
        Self { reader, limit, number: 0, read_any: false, failed: false, buffer: Vec::new() }
    }

    fn line_error(&self, source: LineError) -> CaptureError {
        CaptureError::Line { number: self.number, source }
    }

    /// Reads the next line into the buffer; where its bytes lie there, without its ending, or
    /// `None` at the end.
    fn next_line(&mut self) -> Result<Option<std::ops::Range<usize>>, CaptureError> {
        self.buffer.clear();
        let limit = u64::try_from(self.limit).unwrap_or(u64::MAX).saturating_add(1);
        let read =
            (&mut self.reader).take(limit).read_until(b'\n', &mut self.buffer).map_err(CaptureError::Read)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut end = self.buffer.len();
        if self.buffer.ends_with(b"\n") {
            end -= 1;
        }
        if end > self.limit {
            return Err(self.line_error(LineError::TooLong { limit: self.limit }));
        }
        if self.buffer[..end].ends_with(b"\r") {
            end -= 1;
        }
        Ok(Some(0..end))
    }

    fn parse(&self, line: &[u8]) -> Result<CaptureLine, LineError> {
        let event_error = match serde_json::from_slice::<CapturedEvent<'static>>(line) {
            Ok(event) => return Ok(CaptureLine::Event(event)),
            Err(error) => error,
        };
        // Not an event: a head line, if anything.
        let Ok(HeadLine { capture }) = serde_json::from_slice::<HeadLine>(line) else {
            return Err(LineError::Json(event_error));
        };
        if self.read_any {
            return Err(LineError::MisplacedHead);
        }
        if capture.version > CAPTURE_VERSION {
            return Err(LineError::NewerVersion { found: capture.version });
        }
        Ok(CaptureLine::Head(capture))
    }
}

impl<R: BufRead> Iterator for CaptureReader<R> {
    type Item = Result<CaptureLine, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let line = match self.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(error) => {
                    self.failed = true;
                    return Some(Err(error));
                }
            };
            let line = &self.buffer[line];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let parsed = self.parse(line).map_err(|source| self.line_error(source));
            self.read_any = true;
            self.failed = parsed.is_err();
            return Some(parsed);
        }
    }
}

/// Reads a whole capture.
pub fn read_capture(reader: impl BufRead) -> Result<Capture, CaptureError> {
    let mut capture = Capture::default();
    for line in CaptureReader::new(reader) {
        match line? {
            CaptureLine::Head(head) => capture.head = Some(head),
            CaptureLine::Event(event) => capture.events.push(event),
        }
    }
    Ok(capture)
}
