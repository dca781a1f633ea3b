//! Captured events as files: the capture format (`sse_capture`: the fields of `sse-sub
//! --json` plus `time`, so `sse-server --replay` and the app's import read it back), or CSV
//! for spreadsheets.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sse_capture::{rfc3339, write_event, CapturedEvent};

use crate::event::KeptEvent;

/// Events written per step, so a long export never holds the capture for long.
pub const EXPORT_CHUNK: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Ndjson,
    Csv,
}

const CSV_HEADER: &str = "time,delta_ms,id,event,size,data\r\n";

fn time_of(event: &KeptEvent) -> SystemTime {
    UNIX_EPOCH + Duration::from_micros(event.received_at_us)
}

impl ExportFormat {
    /// What starts the file.
    pub fn header(self) -> &'static str {
        match self {
            ExportFormat::Ndjson => "",
            ExportFormat::Csv => CSV_HEADER,
        }
    }

    /// Appends one event as a line (CSV records end in CRLF, as RFC 4180 has it).
    pub fn write(self, event: &KeptEvent, out: &mut Vec<u8>) {
        match self {
            ExportFormat::Ndjson => {
                let line = CapturedEvent {
                    event: Cow::Borrowed(&event.event),
                    data: Cow::Borrowed(&event.data),
                    id: Cow::Borrowed(&event.id),
                    retry: event.retry_ms,
                    time: Some(time_of(event)),
                };
                write_event(&line, out);
            }
            ExportFormat::Csv => {
                let delta = event.delta_us.map(|us| format!("{:.3}", us as f64 / 1000.0)).unwrap_or_default();
                let fields = [
                    rfc3339(time_of(event)),
                    delta,
                    event.id.to_string(),
                    event.event.to_string(),
                    event.size.to_string(),
                ];
                for field in &fields {
                    csv_field(field, out);
                    out.push(b',');
                }
                csv_field(&event.data, out);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break (quotes doubled).
fn csv_field(text: &str, out: &mut Vec<u8>) {
    if text.contains([',', '"', '\r', '\n']) {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn kept(data: &str, id: &str) -> KeptEvent {
        KeptEvent {
            seq: 0,
            received_at_us: 1_795_764_600_123_456,
            delta_us: Some(1500),
            event: Arc::from("update"),
            id: id.into(),
            id_set: true,
            data: data.into(),
            size: 12,
            retry_ms: None,
            connection: 1,
            raw_range: None,
        }
    }

    #[test]
    fn ndjson_has_the_sse_sub_fields_and_time() {
        let mut out = Vec::new();
        ExportFormat::Ndjson.write(&kept("a\nb", "7"), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"event\":\"update\",\"data\":\"a\\nb\",\"id\":\"7\",\"time\":\"2026-11-27T07:30:00.123456Z\"}\n"
        );
    }

    #[test]
    fn csv_quotes_fields_that_need_it() {
        let mut out = Vec::new();
        ExportFormat::Csv.write(&kept("say \"hi\",\nbye", "x,y"), &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2026-11-27T07:30:00.123456Z,1.500,\"x,y\",update,12,\"say \"\"hi\"\",\nbye\"\r\n"
        );
    }
}
