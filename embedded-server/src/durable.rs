//! The broker's optional durable event log: each publish is committed to a redb file (and
//! synced to disk) before it is sent, so a server killed outright and started again on the
//! same file resumes every subscriber from its `Last-Event-ID` with no gap and no duplicate,
//! and a publish retried with the same `Idempotency-Key` is still stored once.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{Database, ReadableTable, TableDefinition};

use crate::error::StoreError;
use crate::event::Event;

/// (stream, id) -> the event as JSON.
const EVENTS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("events");
/// stream -> its last id.
const STREAMS: TableDefinition<&str, u64> = TableDefinition::new("streams");
/// (stream, idempotency key) -> the id it published.
const KEYS: TableDefinition<(&str, &str), u64> = TableDefinition::new("idempotency_keys");
/// (stream, id) -> the key that published it, to forget keys oldest first.
const KEYS_BY_ID: TableDefinition<(&str, u64), &str> = TableDefinition::new("idempotency_keys_by_id");

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredRecord {
    event: Option<String>,
    data: String,
    retry: Option<u64>,
    /// Publish time, ms since the Unix epoch: the age limit applies across restarts.
    at_ms: u64,
}

/// A stored event that no longer reads.
#[derive(Debug, thiserror::Error)]
#[error("event {id} of `{stream}` is damaged: {source}")]
struct Damaged {
    stream: String,
    id: u64,
    #[source]
    source: serde_json::Error,
}

/// One stream as the file holds it.
#[derive(Debug)]
pub(crate) struct StoredStream {
    pub(crate) name: String,
    pub(crate) last_id: u64,
    /// The newest events, oldest first, with their publish times.
    pub(crate) events: Vec<(SystemTime, Event)>,
    /// Idempotency keys, oldest first.
    pub(crate) keys: Vec<(String, u64)>,
}

/// An event log file. Opening it takes a lock on the file: one server at a time.
pub struct DurableLog {
    db: Database,
    path: PathBuf,
}

fn ms_since_epoch(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl DurableLog {
    /// Opens (or creates) the log at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let db = Database::create(&path).map_err(|e| StoreError::new(&path, e))?;
        let log = Self { db, path };
        // Create the tables, so reading an empty log needs no special case.
        let txn = log.db.begin_write().map_err(|e| log.error(e))?;
        {
            txn.open_table(EVENTS).map_err(|e| log.error(e))?;
            txn.open_table(STREAMS).map_err(|e| log.error(e))?;
            txn.open_table(KEYS).map_err(|e| log.error(e))?;
            txn.open_table(KEYS_BY_ID).map_err(|e| log.error(e))?;
        }
        txn.commit().map_err(|e| log.error(e))?;
        Ok(log)
    }

    fn error(&self, error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
        StoreError::new(&self.path, error)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every stream with its last id, its newest `keep` events and its newest `keys` keys.
    pub(crate) fn load(&self, keep: usize, keys_kept: usize) -> Result<Vec<StoredStream>, StoreError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let streams = txn.open_table(STREAMS).map_err(|e| self.error(e))?;
        let events = txn.open_table(EVENTS).map_err(|e| self.error(e))?;
        let keys_by_id = txn.open_table(KEYS_BY_ID).map_err(|e| self.error(e))?;
        let mut loaded = Vec::new();
        for entry in streams.iter().map_err(|e| self.error(e))? {
            let (name, last_id) = entry.map_err(|e| self.error(e))?;
            let (name, last_id) = (name.value().to_owned(), last_id.value());
            let mut stream = StoredStream { name, last_id, events: Vec::new(), keys: Vec::new() };
            let newest = events
                .range((stream.name.as_str(), 0)..=(stream.name.as_str(), u64::MAX))
                .map_err(|e| self.error(e))?;
            for entry in newest.rev().take(keep) {
                let (key, value) = entry.map_err(|e| self.error(e))?;
                let id = key.value().1;
                let record: StoredRecord = serde_json::from_slice(value.value())
                    .map_err(|source| self.error(Damaged { stream: stream.name.clone(), id, source }))?;
                let at = UNIX_EPOCH + Duration::from_millis(record.at_ms);
                stream.events.push((at, Event::new(id, record.event, record.data, record.retry)));
            }
            stream.events.reverse();
            let newest_keys = keys_by_id
                .range((stream.name.as_str(), 0)..=(stream.name.as_str(), u64::MAX))
                .map_err(|e| self.error(e))?;
            for entry in newest_keys.rev().take(keys_kept) {
                let (key, value) = entry.map_err(|e| self.error(e))?;
                stream.keys.push((value.value().to_owned(), key.value().1));
            }
            stream.keys.reverse();
            loaded.push(stream);
        }
        Ok(loaded)
    }

    /// The oldest event id the file still holds for `stream`.
    pub(crate) fn oldest_id(&self, stream: &str) -> Result<Option<u64>, StoreError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let events = txn.open_table(EVENTS).map_err(|e| self.error(e))?;
        let mut range = events.range((stream, 0)..=(stream, u64::MAX)).map_err(|e| self.error(e))?;
        match range.next() {
            Some(entry) => Ok(Some(entry.map_err(|e| self.error(e))?.0.value().1)),
            None => Ok(None),
        }
    }

    /// Up to `max` events of `stream` with ids in `from..until`, oldest first.
    pub(crate) fn read_range(
        &self,
        stream: &str,
        from: u64,
        until: u64,
        max: usize,
    ) -> Result<Vec<Event>, StoreError> {
        let txn = self.db.begin_read().map_err(|e| self.error(e))?;
        let events = txn.open_table(EVENTS).map_err(|e| self.error(e))?;
        let mut read = Vec::new();
        for entry in events.range((stream, from)..(stream, until)).map_err(|e| self.error(e))?.take(max) {
            let (key, value) = entry.map_err(|e| self.error(e))?;
            let id = key.value().1;
            let record: StoredRecord = serde_json::from_slice(value.value())
                .map_err(|source| self.error(Damaged { stream: stream.to_owned(), id, source }))?;
            read.push(Event::new(id, record.event, record.data, record.retry));
        }
        Ok(read)
    }

    /// Records that `name` exists.
    pub(crate) fn create_stream(&self, name: &str) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(|e| self.error(e))?;
        {
            let mut streams = txn.open_table(STREAMS).map_err(|e| self.error(e))?;
            if streams.get(name).map_err(|e| self.error(e))?.is_none() {
                streams.insert(name, 0).map_err(|e| self.error(e))?;
            }
        }
        txn.commit().map_err(|e| self.error(e))
    }

    /// Stores one published event (and its idempotency key) for good, and forgets events
    /// below `keep_from` and keys below `keys_from`, in one transaction synced to disk.
    pub(crate) fn append(
        &self,
        stream: &str,
        event: &Event,
        at: SystemTime,
        key: Option<&str>,
        keep_from: u64,
        keys_from: u64,
    ) -> Result<(), StoreError> {
        let record = StoredRecord {
            event: event.event.clone(),
            data: event.data.clone(),
            retry: event.retry_ms,
            at_ms: ms_since_epoch(at),
        };
        let value = serde_json::to_vec(&record).map_err(|e| self.error(e))?;
        let txn = self.db.begin_write().map_err(|e| self.error(e))?;
        {
            let mut events = txn.open_table(EVENTS).map_err(|e| self.error(e))?;
            events.insert((stream, event.id), value.as_slice()).map_err(|e| self.error(e))?;
            // Pruned a little at a time: at most two old events per new one.
            let old: Vec<u64> = events
                .range((stream, 0)..(stream, keep_from))
                .map_err(|e| self.error(e))?
                .take(2)
                .map(|entry| entry.map(|(k, _)| k.value().1))
                .collect::<Result<_, _>>()
                .map_err(|e| self.error(e))?;
            for id in old {
                events.remove((stream, id)).map_err(|e| self.error(e))?;
            }
            let mut streams = txn.open_table(STREAMS).map_err(|e| self.error(e))?;
            streams.insert(stream, event.id).map_err(|e| self.error(e))?;
            let mut keys = txn.open_table(KEYS).map_err(|e| self.error(e))?;
            let mut keys_by_id = txn.open_table(KEYS_BY_ID).map_err(|e| self.error(e))?;
            if let Some(key) = key {
                keys.insert((stream, key), event.id).map_err(|e| self.error(e))?;
                keys_by_id.insert((stream, event.id), key).map_err(|e| self.error(e))?;
            }
            let forgotten: Vec<(u64, String)> = keys_by_id
                .range((stream, 0)..(stream, keys_from))
                .map_err(|e| self.error(e))?
                .take(2)
                .map(|entry| entry.map(|(k, v)| (k.value().1, v.value().to_owned())))
                .collect::<Result<_, _>>()
                .map_err(|e| self.error(e))?;
            for (id, key) in forgotten {
                keys_by_id.remove((stream, id)).map_err(|e| self.error(e))?;
                keys.remove((stream, key.as_str())).map_err(|e| self.error(e))?;
            }
        }
        txn.commit().map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_log(name: &str) -> DurableLog {
        let path = std::env::temp_dir().join(format!("sse-durable-unit-{name}-{}.redb", std::process::id()));
        let _ = std::fs::remove_file(&path);
        DurableLog::open(&path).unwrap()
    }

    fn stored_events(log: &DurableLog, stream: &str) -> usize {
        let txn = log.db.begin_read().unwrap();
        let events = txn.open_table(EVENTS).unwrap();
        events.range((stream, 0)..=(stream, u64::MAX)).unwrap().count()
    }

    /// The file keeps about as many events and keys as asked, however many are published.
    #[test]
    fn old_events_and_keys_are_pruned_as_new_ones_come() {
        let log = temp_log("prune");
        log.create_stream("s").unwrap();
        for id in 1..=500u64 {
            let event = Event::new(id, None, id.to_string(), None);
            let key = format!("k{id}");
            log.append(
                "s",
                &event,
                SystemTime::now(),
                Some(&key),
                id.saturating_sub(49),
                id.saturating_sub(99),
            )
            .unwrap();
        }
        assert!(stored_events(&log, "s") <= 51, "{} events kept", stored_events(&log, "s"));
        let loaded = log.load(1000, 1000).unwrap();
        assert_eq!(loaded[0].last_id, 500);
        assert_eq!(loaded[0].events.first().map(|(_, e)| e.id), Some(451), "ids below keep_from are gone");
        assert!(loaded[0].keys.len() <= 101, "{} keys kept", loaded[0].keys.len());
        assert_eq!(loaded[0].keys.last(), Some(&("k500".to_owned(), 500)));
        let _ = std::fs::remove_file(log.path());
    }
}
