//! Rendered records, kept: `DIR/public/oai-cache.redb`, (prefix, item
//! datestamp, item key) → the record's metadata element as written (keyed
//! in the order lists page through, so that a page's records are
//! neighbours on disk) (LZ4-compressed: XML takes
//! a quarter of the room, and reads fewer pages), under a fingerprint of
//! all it was written from (the item's hash, datestamp and embargo, the
//! catalog's hash, the renderer's version).
//!
//! A record is a pure function of that state (see
//! [`crate::extract::PlanGraph::dataset`]), so a kept record whose
//! fingerprint matches is the record; any change to the item moves its
//! datestamp and so its fingerprint. The server renders what is missing in
//! the background ([`crate::Provider::warm`]) and a request renders on the
//! spot what is not kept yet: a stale or missing entry costs time, never
//! correctness. The file is a cache: deleting it loses nothing.

use crate::ProviderError;
use redb::{Database, ReadableDatabase, TableDefinition};
use std::path::{Path, PathBuf};

const RECORDS: TableDefinition<(&str, i64, &str), &[u8]> =
    TableDefinition::new("records_by_datestamp");
/// item key → the datestamp its kept records are under (to drop them when
/// it moves).
const AT: TableDefinition<&str, i64> = TableDefinition::new("at");
/// `kept:{RENDER_VERSION}:{catalog hash}` → the datestamp (seconds) up to
/// which every item's records are kept: where a restarted server resumes.
const META: TableDefinition<&str, i64> = TableDefinition::new("meta");

/// Bumped whenever any format's writer changes what it writes.
pub(crate) const RENDER_VERSION: u32 = 2;

/// The kept records.
pub(crate) struct RecordCache {
    db: Database,
    path: PathBuf,
}

fn err(path: &Path, e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Cache {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

impl RecordCache {
    /// Opens (creating) the cache at `path`.
    pub(crate) fn open(path: &Path) -> Result<RecordCache, ProviderError> {
        let db = Database::builder()
            .set_cache_size(64 << 20)
            .create(path)
            .map_err(|e| err(path, e))?;
        let tx = db.begin_write().map_err(|e| err(path, e))?;
        tx.open_table(RECORDS).map_err(|e| err(path, e))?;
        tx.open_table(META).map_err(|e| err(path, e))?;
        tx.open_table(AT).map_err(|e| err(path, e))?;
        tx.commit().map_err(|e| err(path, e))?;
        Ok(RecordCache {
            db,
            path: path.to_path_buf(),
        })
    }

    /// A consistent read of the cache.
    pub(crate) fn reader(&self) -> Option<CacheRead> {
        let tx = self.db.begin_read().ok()?;
        let table = tx.open_table(RECORDS).ok()?;
        Some(CacheRead { table })
    }

    /// Keeps records: (item key, its datestamp, prefix, fingerprint,
    /// metadata); an item's records under an earlier datestamp are dropped.
    pub(crate) fn put(
        &self,
        rows: &[(String, i64, &'static str, String, Vec<u8>)],
        prefixes: &[&str],
    ) -> Result<(), ProviderError> {
        if rows.is_empty() {
            return Ok(());
        }
        // Durable (one sync per page of items rendered): a server stopped
        // at any moment keeps what it rendered.
        let tx = self.db.begin_write().map_err(|e| err(&self.path, e))?;
        {
            let mut table = tx.open_table(RECORDS).map_err(|e| err(&self.path, e))?;
            let mut at = tx.open_table(AT).map_err(|e| err(&self.path, e))?;
            let mut value = Vec::new();
            for (key, ds, prefix, fingerprint, xml) in rows {
                let before = at
                    .insert(key.as_str(), *ds)
                    .map_err(|e| err(&self.path, e))?
                    .map(|v| v.value());
                if let Some(old) = before.filter(|old| old != ds) {
                    for p in prefixes {
                        table
                            .remove((*p, old, key.as_str()))
                            .map_err(|e| err(&self.path, e))?;
                    }
                }
                value.clear();
                value.extend_from_slice(fingerprint.as_bytes());
                value.push(0);
                value.extend_from_slice(&lz4_flex::compress_prepend_size(xml));
                table
                    .insert((*prefix, *ds, key.as_str()), value.as_slice())
                    .map_err(|e| err(&self.path, e))?;
            }
        }
        tx.commit().map_err(|e| err(&self.path, e))
    }
}

impl RecordCache {
    /// Drops the kept records of items now deleted (their headers need none).
    pub(crate) fn forget(&self, keys: &[String], prefixes: &[&str]) -> Result<(), ProviderError> {
        if keys.is_empty() {
            return Ok(());
        }
        let tx = self.db.begin_write().map_err(|e| err(&self.path, e))?;
        {
            let mut table = tx.open_table(RECORDS).map_err(|e| err(&self.path, e))?;
            let mut at = tx.open_table(AT).map_err(|e| err(&self.path, e))?;
            for key in keys {
                let Some(ds) = at
                    .remove(key.as_str())
                    .map_err(|e| err(&self.path, e))?
                    .map(|v| v.value())
                else {
                    continue;
                };
                for p in prefixes {
                    table
                        .remove((*p, ds, key.as_str()))
                        .map_err(|e| err(&self.path, e))?;
                }
            }
        }
        tx.commit().map_err(|e| err(&self.path, e))
    }

    /// Up to which datestamp every item was kept, under `tag`.
    pub(crate) fn kept_until(&self, tag: &str) -> Option<i64> {
        let tx = self.db.begin_read().ok()?;
        let meta = tx.open_table(META).ok()?;
        let v = meta.get(format!("kept:{tag}").as_str()).ok()??;
        Some(v.value())
    }

    /// Notes that every item up to `seconds` is kept, under `tag`.
    pub(crate) fn set_kept_until(&self, tag: &str, seconds: i64) -> Result<(), ProviderError> {
        let tx = self.db.begin_write().map_err(|e| err(&self.path, e))?;
        {
            let mut meta = tx.open_table(META).map_err(|e| err(&self.path, e))?;
            meta.insert(format!("kept:{tag}").as_str(), seconds)
                .map_err(|e| err(&self.path, e))?;
        }
        tx.commit().map_err(|e| err(&self.path, e))
    }
}

/// One read of the cache.
pub(crate) struct CacheRead {
    table: redb::ReadOnlyTable<(&'static str, i64, &'static str), &'static [u8]>,
}

impl CacheRead {
    /// Whether the record of `key` in `prefix` is kept as written from
    /// what `fingerprint` names (without copying it).
    pub(crate) fn has(&self, key: &str, ds: i64, prefix: &str, fingerprint: &str) -> bool {
        let Ok(Some(value)) = self.table.get((prefix, ds, key)) else {
            return false;
        };
        let bytes = value.value();
        bytes.len() > fingerprint.len()
            && bytes[fingerprint.len()] == 0
            && &bytes[..fingerprint.len()] == fingerprint.as_bytes()
    }

    /// The kept record of `key` in `prefix`, if it was written from what
    /// `fingerprint` names.
    pub(crate) fn get(
        &self,
        key: &str,
        ds: i64,
        prefix: &str,
        fingerprint: &str,
    ) -> Option<Vec<u8>> {
        let value = self.table.get((prefix, ds, key)).ok()??;
        let bytes = value.value();
        let split = bytes.iter().position(|b| *b == 0)?;
        if &bytes[..split] != fingerprint.as_bytes() {
            return None;
        }
        // A value that does not decompress is not a record: rendered again.
        lz4_flex::decompress_size_prepended(&bytes[split + 1..]).ok()
    }
}
