//! How a stream's body arrived: compressed or not, its events one per read or in bursts, and
//! whether its bytes are valid UTF-8 (the spec decodes with replacement, so a bad byte would
//! otherwise only show as U+FFFD in an event).

use serde::Serialize;
use sse_subscriber::Compressed;

/// A compressed body, as it came and as it decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CompressionReport {
    /// `gzip`, `deflate`, `br` or `zstd`.
    pub encoding: String,
    pub wire_bytes: u64,
    pub decoded_bytes: u64,
    pub reads: u64,
    pub events: u64,
    /// The most events one read completed: 1 means the events came as they were flushed.
    pub most_events_in_one_read: u64,
    /// The above in a sentence, for the user.
    pub arrival: String,
}

/// Watches the reads and events of one subscription.
#[derive(Debug, Default)]
pub struct BodyWatch {
    compression: Option<CompressionReport>,
    events_this_read: u64,
    /// Bytes read so far (decoded), over all connections: the raw view's offsets.
    offset: u64,
    /// The start of a UTF-8 sequence the last read cut short.
    pending: Vec<u8>,
    first_invalid: Option<u64>,
}

impl BodyWatch {
    /// A new connection began: a sequence cut short by the old one's end is forgotten.
    pub fn opened(&mut self) {
        self.pending.clear();
    }

    /// One network read (its bytes decoded). Whether something to tell at once appeared: the
    /// first compressed read, or the first byte that is not UTF-8.
    pub fn read(&mut self, bytes: &[u8], compressed: Option<&Compressed>) -> bool {
        let mut news = false;
        if let Some(wire) = compressed {
            let report = self.compression.get_or_insert_with(|| {
                news = true;
                CompressionReport { encoding: wire.encoding.to_owned(), ..CompressionReport::default() }
            });
            report.wire_bytes += wire.wire_bytes as u64;
            report.decoded_bytes += bytes.len() as u64;
            report.reads += 1;
            if news {
                report.arrival = arrival(report.most_events_in_one_read);
            }
        }
        self.events_this_read = 0;
        news |= self.check_utf8(bytes);
        self.offset += bytes.len() as u64;
        news
    }

    /// One event, completed by the last read. Whether the way events arrive changed: a read
    /// brought several events for the first time (a bigger burst later is no news).
    pub fn event(&mut self) -> bool {
        self.events_this_read += 1;
        let Some(report) = &mut self.compression else { return false };
        report.events += 1;
        if self.events_this_read <= report.most_events_in_one_read {
            return false;
        }
        let was_bursts = report.most_events_in_one_read > 1;
        report.most_events_in_one_read = self.events_this_read;
        report.arrival = arrival(self.events_this_read);
        !was_bursts && self.events_this_read > 1
    }

    pub fn compression(&self) -> Option<&CompressionReport> {
        self.compression.as_ref()
    }

    /// The offset of the first byte that is not UTF-8, if one came.
    pub fn first_invalid_utf8(&self) -> Option<u64> {
        self.first_invalid
    }

    /// Whether `bytes` hold the first invalid byte; a sequence split between reads is joined.
    fn check_utf8(&mut self, bytes: &[u8]) -> bool {
        if self.first_invalid.is_some() {
            return false;
        }
        let base = self.offset - self.pending.len() as u64;
        let joined;
        let data = if self.pending.is_empty() {
            bytes
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), bytes].concat();
            &joined[..]
        };
        match std::str::from_utf8(data) {
            Ok(_) => false,
            Err(error) if error.error_len().is_none() => {
                self.pending = data[error.valid_up_to()..].to_vec();
                false
            }
            Err(error) => {
                self.first_invalid = Some(base + error.valid_up_to() as u64);
                true
            }
        }
    }
}

fn arrival(most_in_one_read: u64) -> String {
    match most_in_one_read {
        0 => "no event yet".to_owned(),
        1 => "event by event: no read brought more than one event, so each was flushed as it was sent".to_owned(),
        n => format!(
            "in bursts: one read brought {n} events (the compressor held them back, or they came faster than they were read)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip(wire_bytes: usize) -> Compressed {
        Compressed { encoding: "gzip", wire_bytes }
    }

    /// A compressed body is reported with both sizes, and whether its events came one per read.
    #[test]
    fn compressed_reads_say_whether_events_came_one_by_one() {
        let mut watch = BodyWatch::default();
        assert!(watch.read(b"data: 1\n\n", Some(&gzip(30))), "the first compressed read is news");
        assert!(!watch.event(), "one event a read is no news");
        assert!(!watch.read(b"data: 2\n\n", Some(&gzip(12))));
        assert!(!watch.event());
        let report = watch.compression().cloned().unwrap_or_default();
        assert_eq!((report.wire_bytes, report.decoded_bytes, report.reads, report.events), (42, 18, 2, 2));
        assert!(report.arrival.starts_with("event by event"), "{}", report.arrival);
        watch.read(b"data: 3\n\ndata: 4\n\ndata: 5\n\n", Some(&gzip(20)));
        assert!(!watch.event());
        assert!(watch.event(), "the first burst changes the verdict");
        assert!(!watch.event(), "a bigger burst is no news");
        let report = watch.compression().cloned().unwrap_or_default();
        assert_eq!(report.most_events_in_one_read, 3);
        assert!(report.arrival.starts_with("in bursts: one read brought 3 events"), "{}", report.arrival);
        let mut plain = BodyWatch::default();
        assert!(!plain.read(b"data: x\n\n", None));
        assert!(!plain.event());
        assert!(plain.compression().is_none());
    }

    /// The first byte that is not UTF-8 is found at its offset, also when a valid sequence is
    /// split between reads at every place.
    #[test]
    fn the_first_invalid_byte_is_found_across_reads() {
        let stream = "data: é€😀\n\n".as_bytes();
        for cut in 0..=stream.len() {
            let mut watch = BodyWatch::default();
            assert!(!watch.read(&stream[..cut], None) && !watch.read(&stream[cut..], None), "cut at {cut}");
            assert_eq!(watch.first_invalid_utf8(), None, "cut at {cut}");
        }
        let mut watch = BodyWatch::default();
        watch.read(b"data: ok\n\n", None);
        assert!(!watch.read(b"data: \xe2\x82", None), "a sequence the read cut short may go on");
        assert!(watch.read(b"!\xff\n\n", None), "a sequence cut off by a plain byte is invalid");
        assert_eq!(watch.first_invalid_utf8(), Some(16));
        assert!(!watch.read(b"\xff", None), "only the first is news");
    }
}
