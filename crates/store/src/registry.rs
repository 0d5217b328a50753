//! The record registry and change log, in redb beside the public store.
//!
//! Tables (schema version [`SCHEMA_VERSION`]):
//!
//! ```text
//! meta        name → u64                      schema version, last sequence number, last datestamp
//! entries     key → RecordEntry (JSON)        every record's current state, tombstones included
//! changes     seq → Change (JSON)             the change log: one entry per real change
//! order       (datestamp, key) → seq          every record once, at its current datestamp
//! set_order   (set, datestamp, key) → seq     the same, per set
//! item_order  (set, datestamp, item) → record every item once, per item set ("" for all)
//! item_all    (datestamp, item) → item        every item once, the item itself
//! embargo     (day, item) → record            items under embargo until that day
//! set_names   set → name                      names of the item sets data named
//! ```
//!
//! Items (see [`crate::items`]) are what OAI-PMH serves: a plan and each
//! of its datasets, each with its own datestamp and tombstone, kept in its
//! record's entry; `item_order` pages through them as `order` does records.
//!
//! `order` and `set_order` are what OAI-PMH pages through: a page is a range
//! read that starts at the cursor, so its cost does not grow with its
//! position in the list. Only public facts are kept here: the server reads
//! the registry.

use crate::items::Item;
use crate::key::{RecordKey, RecordKind, SourceFormat};
use crate::StoreError;
use chrono::{DateTime, TimeZone, Utc};
use redb::{
    Database, Durability, ReadTransaction, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition, TableHandle, WriteTransaction,
};
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use std::path::{Path, PathBuf};

/// The registry's schema version. 1: one untyped entry per record, no
/// change log (dmpgraph before the live store); 2: the change log; 3: this
/// layout (items).
pub const SCHEMA_VERSION: u64 = 3;

const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const ENTRIES: TableDefinition<&str, &[u8]> = TableDefinition::new("entries");
const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
const ORDER: TableDefinition<(i64, &str), u64> = TableDefinition::new("order");
const SET_ORDER: TableDefinition<(&str, i64, &str), u64> = TableDefinition::new("set_order");
const ITEM_ORDER: TableDefinition<(&str, i64, &str), &str> = TableDefinition::new("item_order");
/// (datestamp, item) → the item (JSON): every item once, so that a list of
/// all items reads no record entry.
const ITEM_ALL: TableDefinition<(i64, &str), &[u8]> = TableDefinition::new("item_all");
const EMBARGO: TableDefinition<(&str, &str), &str> = TableDefinition::new("embargo");
const SET_NAMES: TableDefinition<&str, &str> = TableDefinition::new("set_names");
// Schema 1.
const V1_RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("records");
const V1_BY_DATESTAMP: TableDefinition<(i64, &str), ()> = TableDefinition::new("by_datestamp");

const META_SCHEMA: &str = "schema_version";
/// The registry's page cache, in bytes.
const REGISTRY_CACHE: usize = 64 << 20;
const META_LAST_SEQ: &str = "last_seq";
const META_LAST_DATESTAMP: &str = "last_datestamp";
/// Set while the items of stored records are still to be read from their
/// graphs (a registry of schema 2 or older, before [`crate::Stores::open`]
/// indexes them).
pub(crate) const META_ITEMS_PENDING: &str = "items_pending";
/// `items:{set}`: how many items (tombstones included) a set holds.
fn count_key(set: &str) -> String {
    format!("items:{set}")
}

/// A registry entry: a record's current state. Only public facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// The record's identity (kind and id).
    pub key: RecordKey,
    /// Its graph name (in both stores).
    pub graph: String,
    /// What it was read from.
    pub format: SourceFormat,
    /// The base IRI its IRIs were minted under.
    pub base_iri: Option<String>,
    /// The sets it belongs to (OAI-PMH `setSpec`s, ancestors included).
    pub sets: Vec<String>,
    /// The source's version (a DMP's 作成年月日, a maDMP document's `modified`).
    pub version: Option<String>,
    /// The sequence number of its last change.
    pub seq: u64,
    /// When it last changed (UTC, whole seconds): its OAI-PMH datestamp.
    pub datestamp: DateTime<Utc>,
    /// When it was first stored.
    pub created: DateTime<Utc>,
    /// When it was deleted: the record is then a tombstone, kept forever.
    pub deleted: Option<DateTime<Utc>>,
    /// Hash of the canonical public graph.
    pub public_hash: String,
    /// Hash of the canonical private graph.
    pub private_hash: String,
    /// Number of public quads.
    pub public_quads: u64,
    /// The file it was read from, for operators (never served).
    pub source: Option<String>,
    /// Its title, for listings.
    pub title: Option<String>,
    /// How many datasets a plan describes.
    pub datasets: Option<u32>,
    /// The version of the DMP Common Standard a maDMP document was read as.
    pub madmp_version: Option<String>,
    /// The items it is served as (a plan and its datasets), tombstones included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

impl RecordEntry {
    /// The record's id within its kind.
    pub fn id(&self) -> &str {
        &self.key.id
    }

    /// What the record is.
    pub fn kind(&self) -> RecordKind {
        self.key.kind
    }

    /// Whether the record is a tombstone.
    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// A record new to the store.
    Created,
    /// A record's content changed.
    Updated,
    /// A deleted record stored again.
    Revived,
    /// A record deleted: its graphs are gone, its tombstone stays.
    Deleted,
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Strictly increasing over the whole log.
    pub seq: u64,
    /// The record changed.
    pub key: RecordKey,
    /// What happened.
    pub op: ChangeOp,
    /// The record's datestamp after the change.
    pub datestamp: DateTime<Utc>,
    /// The record's sets after the change.
    pub sets: Vec<String>,
    /// Whether what the public sees changed (false: only private values did).
    pub public_changed: bool,
}

/// Where a page of a listing starts: after the entry with this datestamp and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    /// The datestamp of the last entry of the previous page.
    pub datestamp: DateTime<Utc>,
    /// Its key.
    pub key: String,
}

/// Which records a listing takes: OAI-PMH's `from`, `until` and `set`, and
/// where the page starts.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Only records in this set.
    pub set: Option<String>,
    /// Datestamps from (OAI-PMH: inclusive).
    pub from: Option<Bound<DateTime<Utc>>>,
    /// Datestamps until (OAI-PMH: inclusive).
    pub until: Option<Bound<DateTime<Utc>>>,
    /// Start after this entry.
    pub after: Option<Cursor>,
    /// At most this many entries.
    pub limit: usize,
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page {
    /// The entries, in (datestamp, key) order.
    pub entries: Vec<RecordEntry>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
    /// Index entries read to make this page (the cost of a page, at most
    /// `limit + 1`, whatever its position in the list).
    pub visited: usize,
}

/// One page of an item listing.
#[derive(Debug, Clone)]
pub struct ItemPage {
    /// The items, each with its record's key, in (datestamp, item key) order.
    pub items: Vec<(RecordKey, Item)>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

pub(crate) fn seconds(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_seconds(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0).single().unwrap_or_default()
}

/// The registry database.
pub(crate) struct Registry {
    db: Database,
    path: PathBuf,
}

fn lower(b: &Bound<DateTime<Utc>>) -> i64 {
    match b {
        Bound::Included(t) => seconds(*t),
        Bound::Excluded(t) => seconds(*t) + 1,
        Bound::Unbounded => i64::MIN,
    }
}

/// The first second past the range.
fn upper(b: &Bound<DateTime<Utc>>) -> i64 {
    match b {
        Bound::Included(t) => seconds(*t).saturating_add(1),
        Bound::Excluded(t) => seconds(*t),
        Bound::Unbounded => i64::MAX,
    }
}

impl Registry {
    /// Opens (creating, or migrating from schema 1) the registry at `path`.
    pub(crate) fn open(path: &Path) -> Result<Registry, StoreError> {
        // A bounded page cache (redb's default is 1 GiB): a server's memory
        // must not grow with the length of the lists it pages through.
        let db = Database::builder()
            .set_cache_size(REGISTRY_CACHE)
            .create(path)
            .map_err(|e| crate::locked_or(path, e.into()))?;
        let reg = Registry {
            db,
            path: path.to_path_buf(),
        };
        let tx = reg.db.begin_write().map_err(|e| reg.err(e))?;
        let schema = {
            let meta = tx.open_table(META).map_err(|e| reg.err(e))?;
            let v = meta.get(META_SCHEMA).map_err(|e| reg.err(e))?;
            v.map(|v| v.value())
        };
        match schema {
            Some(SCHEMA_VERSION) => {}
            Some(2) => reg.upgrade_to_items(&tx)?,
            Some(newer) if newer > SCHEMA_VERSION => {
                return Err(StoreError::Schema {
                    path: path.to_path_buf(),
                    found: newer,
                    supported: SCHEMA_VERSION,
                })
            }
            _ => reg.migrate(&tx)?,
        }
        tx.commit().map_err(|e| reg.err(e))?;
        Ok(reg)
    }

    fn err(&self, e: impl Into<redb::Error>) -> StoreError {
        StoreError::Registry {
            path: self.path.clone(),
            source: Box::new(e.into()),
        }
    }

    fn json_err(&self, e: serde_json::Error) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            source: e,
        }
    }

    /// Creates the tables of this schema, moving schema-1 entries into them:
    /// each becomes one change, in its datestamp order, its key namespaced
    /// by its kind.
    fn migrate(&self, tx: &WriteTransaction) -> Result<(), StoreError> {
        let mut old: Vec<V1Entry> = Vec::new();
        let had_v1 = tx
            .list_tables()
            .map_err(|e| self.err(e))?
            .any(|t| t.name() == V1_RECORDS.name());
        if had_v1 {
            let table = tx.open_table(V1_RECORDS).map_err(|e| self.err(e))?;
            for item in table.iter().map_err(|e| self.err(e))? {
                let (_, v) = item.map_err(|e| self.err(e))?;
                old.push(serde_json::from_slice(v.value()).map_err(|e| self.json_err(e))?);
            }
        }
        {
            let mut meta = tx.open_table(META).map_err(|e| self.err(e))?;
            meta.insert(META_SCHEMA, SCHEMA_VERSION)
                .map_err(|e| self.err(e))?;
            for t in [META_LAST_SEQ, META_LAST_DATESTAMP] {
                if meta.get(t).map_err(|e| self.err(e))?.is_none() {
                    meta.insert(t, 0).map_err(|e| self.err(e))?;
                }
            }
        }
        tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        tx.open_table(CHANGES).map_err(|e| self.err(e))?;
        tx.open_table(ORDER).map_err(|e| self.err(e))?;
        tx.open_table(SET_ORDER).map_err(|e| self.err(e))?;
        self.upgrade_to_items(tx)?;
        if !had_v1 {
            return Ok(());
        }
        old.sort_by(|a, b| (a.datestamp, &a.id).cmp(&(b.datestamp, &b.id)));
        {
            let mut writer = RegistryWriter::new(tx, self)?;
            for v1 in old {
                let entry = v1.migrated();
                let op = if entry.deleted.is_some() {
                    ChangeOp::Deleted
                } else {
                    ChangeOp::Created
                };
                writer.record(entry, op, true)?;
            }
            writer.finish()?;
        }
        tx.delete_table(V1_RECORDS).map_err(|e| self.err(e))?;
        tx.delete_table(V1_BY_DATESTAMP).map_err(|e| self.err(e))?;
        tracing::info!(path = %self.path.display(), "registry migrated from schema 1 to {SCHEMA_VERSION}");
        Ok(())
    }

    /// Schema 2 to 3: the item tables; the items themselves are read from
    /// the stored graphs when the stores open.
    fn upgrade_to_items(&self, tx: &WriteTransaction) -> Result<(), StoreError> {
        tx.open_table(ITEM_ORDER).map_err(|e| self.err(e))?;
        tx.open_table(ITEM_ALL).map_err(|e| self.err(e))?;
        tx.open_table(EMBARGO).map_err(|e| self.err(e))?;
        tx.open_table(SET_NAMES).map_err(|e| self.err(e))?;
        let mut meta = tx.open_table(META).map_err(|e| self.err(e))?;
        meta.insert(META_SCHEMA, SCHEMA_VERSION)
            .map_err(|e| self.err(e))?;
        meta.insert(META_ITEMS_PENDING, 1)
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Whether the items of stored records are still to be indexed.
    pub(crate) fn items_pending(&self) -> Result<bool, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let meta = tx.open_table(META).map_err(|e| self.err(e))?;
        let v = meta.get(META_ITEMS_PENDING).map_err(|e| self.err(e))?;
        Ok(v.is_some_and(|v| v.value() == 1))
    }

    pub(crate) fn begin_read(&self) -> Result<RegistryReader, StoreError> {
        Ok(RegistryReader {
            tx: self.db.begin_read().map_err(|e| self.err(e))?,
            path: self.path.clone(),
        })
    }

    /// Writes changes in one transaction: durably, or (`durable` false) so
    /// that readers see them at once but the disk has them only after the
    /// next durable commit (a checkpoint).
    pub(crate) fn write<T>(
        &self,
        durable: bool,
        f: impl FnOnce(&mut RegistryWriter<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut tx = self.db.begin_write().map_err(|e| self.err(e))?;
        if !durable {
            tx.set_durability(Durability::None)
                .map_err(|e| self.err(e))?;
        }
        let out = {
            let mut w = RegistryWriter::new(&tx, self)?;
            let out = f(&mut w)?;
            w.finish()?;
            out
        };
        tx.commit().map_err(|e| self.err(e))?;
        Ok(out)
    }

    /// Makes every earlier commit durable.
    pub(crate) fn sync(&self) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }
}

/// A consistent read of the registry (one redb snapshot).
pub struct RegistryReader {
    tx: ReadTransaction,
    path: PathBuf,
}

impl RegistryReader {
    fn err(&self, e: impl Into<redb::Error>) -> StoreError {
        StoreError::Registry {
            path: self.path.clone(),
            source: Box::new(e.into()),
        }
    }

    fn entry_of(&self, bytes: &[u8]) -> Result<RecordEntry, StoreError> {
        serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })
    }

    /// A record's entry (tombstones too).
    pub fn get(&self, key: &RecordKey) -> Result<Option<RecordEntry>, StoreError> {
        let table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        let k = key.to_string();
        match table.get(k.as_str()).map_err(|e| self.err(e))? {
            Some(v) => Ok(Some(self.entry_of(v.value())?)),
            None => Ok(None),
        }
    }

    /// Every entry, in key order.
    pub fn all(&self) -> Result<Vec<RecordEntry>, StoreError> {
        let table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for item in table.iter().map_err(|e| self.err(e))? {
            let (_, v) = item.map_err(|e| self.err(e))?;
            out.push(self.entry_of(v.value())?);
        }
        Ok(out)
    }

    /// Every entry of one kind (tombstones too), in key order, read as a
    /// range of the key table: the other kinds' entries are not read.
    pub fn of_kind(&self, kind: RecordKind) -> Result<Vec<RecordEntry>, StoreError> {
        let table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        // Keys are `kind:id`; `;` follows `:`.
        let (from, to) = (format!("{}:", kind.as_str()), format!("{};", kind.as_str()));
        let mut out = Vec::new();
        for item in table
            .range(from.as_str()..to.as_str())
            .map_err(|e| self.err(e))?
        {
            let (_, v) = item.map_err(|e| self.err(e))?;
            out.push(self.entry_of(v.value())?);
        }
        Ok(out)
    }

    /// The entries whose id (of any kind) is `id`.
    pub fn find_id(&self, id: &str) -> Result<Vec<RecordEntry>, StoreError> {
        let mut out = Vec::new();
        for kind in RecordKind::ALL {
            if let Some(e) = self.get(&RecordKey::new(kind, id))? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// How many records (tombstones included) the registry holds.
    pub fn len(&self) -> Result<u64, StoreError> {
        let table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        table.len().map_err(|e| self.err(e))
    }

    /// Whether the registry holds no record.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// The last sequence number given (0: none yet).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        let meta = self.tx.open_table(META).map_err(|e| self.err(e))?;
        Ok(meta
            .get(META_LAST_SEQ)
            .map_err(|e| self.err(e))?
            .map_or(0, |v| v.value()))
    }

    /// The earliest datestamp of any record, deleted ones included
    /// (OAI-PMH's `earliestDatestamp`).
    pub fn earliest_datestamp(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let order = self.tx.open_table(ORDER).map_err(|e| self.err(e))?;
        let first = order
            .first()
            .map_err(|e| self.err(e))?
            .map(|(k, _)| from_seconds(k.value().0));
        Ok(first)
    }

    /// The latest datestamp of any record.
    pub fn latest_datestamp(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let order = self.tx.open_table(ORDER).map_err(|e| self.err(e))?;
        let last = order
            .last()
            .map_err(|e| self.err(e))?
            .map(|(k, _)| from_seconds(k.value().0));
        Ok(last)
    }

    /// The changes after sequence number `after`, oldest first, at most `limit`.
    pub fn changes_after(&self, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let table = self.tx.open_table(CHANGES).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for item in table
            .range(after.saturating_add(1)..)
            .map_err(|e| self.err(e))?
            .take(limit)
        {
            let (_, v) = item.map_err(|e| self.err(e))?;
            out.push(
                serde_json::from_slice(v.value()).map_err(|source| StoreError::Corrupt {
                    path: self.path.clone(),
                    source,
                })?,
            );
        }
        Ok(out)
    }

    /// The sets any record belongs to (tombstones included), in order.
    pub fn sets(&self) -> Result<Vec<String>, StoreError> {
        let table = self.tx.open_table(SET_ORDER).map_err(|e| self.err(e))?;
        let mut out: Vec<String> = Vec::new();
        // One seek per set, not one step per record: after a set, seek to
        // the least key past all of its entries.
        loop {
            let item = match out.last() {
                None => table.iter().map_err(|e| self.err(e))?.next(),
                Some(last) => {
                    let mut following = last.clone();
                    following.push('\u{0}');
                    table
                        .range((following.as_str(), i64::MIN, "")..)
                        .map_err(|e| self.err(e))?
                        .next()
                }
            };
            let Some(item) = item else { break };
            let (k, _) = item.map_err(|e| self.err(e))?;
            out.push(k.value().0.to_string());
        }
        Ok(out)
    }

    /// One page of the records in (datestamp, key) order: OAI-PMH's list
    /// requests. The page is one range read from its start, so it costs the
    /// same wherever it is in the list.
    pub fn list(&self, q: &Listing) -> Result<Page, StoreError> {
        let lo_s = q.from.as_ref().map_or(i64::MIN, lower);
        let hi_s = q.until.as_ref().map_or(i64::MAX, upper);
        let limit = q.limit.max(1);
        let after = q
            .after
            .as_ref()
            .map(|c| (seconds(c.datestamp), c.key.as_str()));
        let start_after = |ds: i64, key: &str| match after {
            Some((cs, ck)) => (ds, key) > (cs, ck),
            None => true,
        };
        let mut keys: Vec<(i64, String)> = Vec::new();
        let mut visited = 0;
        let mut more = false;
        match &q.set {
            None => {
                let table = self.tx.open_table(ORDER).map_err(|e| self.err(e))?;
                let from: Bound<(i64, &str)> = match after {
                    Some((cs, ck)) if cs >= lo_s => Bound::Excluded((cs, ck)),
                    _ => Bound::Included((lo_s, "")),
                };
                for item in table
                    .range::<(i64, &str)>((from, Bound::Unbounded))
                    .map_err(|e| self.err(e))?
                {
                    let (k, _) = item.map_err(|e| self.err(e))?;
                    let (ds, key) = k.value();
                    visited += 1;
                    if ds >= hi_s {
                        break;
                    }
                    if !start_after(ds, key) {
                        continue;
                    }
                    if keys.len() == limit {
                        more = true;
                        break;
                    }
                    keys.push((ds, key.to_string()));
                }
            }
            Some(set) => {
                let table = self.tx.open_table(SET_ORDER).map_err(|e| self.err(e))?;
                let from: Bound<(&str, i64, &str)> = match after {
                    Some((cs, ck)) if cs >= lo_s => Bound::Excluded((set.as_str(), cs, ck)),
                    _ => Bound::Included((set.as_str(), lo_s, "")),
                };
                for item in table
                    .range::<(&str, i64, &str)>((from, Bound::Unbounded))
                    .map_err(|e| self.err(e))?
                {
                    let (k, _) = item.map_err(|e| self.err(e))?;
                    let (s, ds, key) = k.value();
                    visited += 1;
                    if s != set.as_str() || ds >= hi_s {
                        break;
                    }
                    if !start_after(ds, key) {
                        continue;
                    }
                    if keys.len() == limit {
                        more = true;
                        break;
                    }
                    keys.push((ds, key.to_string()));
                }
            }
        }
        let entries_table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
        let mut entries = Vec::with_capacity(keys.len());
        for (_, key) in &keys {
            if let Some(v) = entries_table.get(key.as_str()).map_err(|e| self.err(e))? {
                entries.push(self.entry_of(v.value())?);
            }
        }
        let next = if more {
            keys.last().map(|(ds, key)| Cursor {
                datestamp: from_seconds(*ds),
                key: key.clone(),
            })
        } else {
            None
        };
        Ok(Page {
            entries,
            next,
            visited,
        })
    }
}

impl RegistryReader {
    /// One page of the items of `q.set` (`None`: every item) in
    /// (datestamp, item key) order, as [`list`](Self::list) pages records:
    /// one range read from the cursor, whatever its position.
    pub fn list_items(&self, q: &Listing) -> Result<ItemPage, StoreError> {
        let lo_s = q.from.as_ref().map_or(i64::MIN, lower);
        let hi_s = q.until.as_ref().map_or(i64::MAX, upper);
        let limit = q.limit.max(1);
        let after = q
            .after
            .as_ref()
            .filter(|c| seconds(c.datestamp) >= lo_s)
            .map(|c| (seconds(c.datestamp), c.key.as_str()));
        let mut items: Vec<(RecordKey, Item)> = Vec::new();
        let mut more = false;
        let mut last: Option<(i64, String)> = None;
        let mut keep = |ds: i64, item_key: &str, record: RecordKey, item: Item| {
            last = Some((ds, item_key.to_string()));
            items.push((record, item));
        };
        match q.set.as_deref() {
            // Every item: the items themselves, in order.
            None | Some("") => {
                let table = self.tx.open_table(ITEM_ALL).map_err(|e| self.err(e))?;
                let from: Bound<(i64, &str)> = match after {
                    Some(c) => Bound::Excluded(c),
                    None => Bound::Included((lo_s, "")),
                };
                for (n, row) in table
                    .range::<(i64, &str)>((from, Bound::Unbounded))
                    .map_err(|e| self.err(e))?
                    .enumerate()
                {
                    let (k, v) = row.map_err(|e| self.err(e))?;
                    let (ds, item_key) = k.value();
                    if ds >= hi_s {
                        break;
                    }
                    if n == limit {
                        more = true;
                        break;
                    }
                    let Some((record, _)) = crate::items::parse_item_key(item_key) else {
                        continue;
                    };
                    let item: Item = serde_json::from_slice(v.value()).map_err(|source| {
                        StoreError::Corrupt {
                            path: self.path.clone(),
                            source,
                        }
                    })?;
                    keep(ds, item_key, record, item);
                }
            }
            Some(set) => {
                let table = self.tx.open_table(ITEM_ORDER).map_err(|e| self.err(e))?;
                let entries_table = self.tx.open_table(ENTRIES).map_err(|e| self.err(e))?;
                let from: Bound<(&str, i64, &str)> = match after {
                    Some((ds, key)) => Bound::Excluded((set, ds, key)),
                    None => Bound::Included((set, lo_s, "")),
                };
                let mut current: Option<RecordEntry> = None;
                for (n, row) in table
                    .range::<(&str, i64, &str)>((from, Bound::Unbounded))
                    .map_err(|e| self.err(e))?
                    .enumerate()
                {
                    let (k, v) = row.map_err(|e| self.err(e))?;
                    let (s, ds, item_key) = k.value();
                    if s != set || ds >= hi_s {
                        break;
                    }
                    if n == limit {
                        more = true;
                        break;
                    }
                    let Some((_, number)) = crate::items::parse_item_key(item_key) else {
                        continue;
                    };
                    // A plan's items are neighbours in the order: its entry
                    // is read once for them all.
                    let record = v.value();
                    if current.as_ref().is_none_or(|e| e.key.to_string() != record) {
                        current = match entries_table.get(record).map_err(|e| self.err(e))? {
                            Some(bytes) => Some(self.entry_of(bytes.value())?),
                            None => None,
                        };
                    }
                    if let Some(entry) = &current {
                        if let Some(item) = entry.items.iter().find(|i| i.n == number) {
                            keep(ds, item_key, entry.key.clone(), item.clone());
                        }
                    }
                }
            }
        }
        let next = match (more, last) {
            (true, Some((ds, key))) => Some(Cursor {
                datestamp: from_seconds(ds),
                key,
            }),
            _ => None,
        };
        Ok(ItemPage { items, next })
    }

    /// An item by its key (tombstones too), with its record's entry.
    pub fn item(&self, item_key: &str) -> Result<Option<(RecordEntry, Item)>, StoreError> {
        let Some((record, n)) = crate::items::parse_item_key(item_key) else {
            return Ok(None);
        };
        Ok(self.get(&record)?.and_then(|entry| {
            let item = entry.items.iter().find(|i| i.n == n).cloned()?;
            Some((entry, item))
        }))
    }

    /// How many items (tombstones included) `set` holds (`None`: all) with
    /// datestamps in the bounds: a counter when unbounded, else one range read.
    pub fn item_count(
        &self,
        set: Option<&str>,
        from: Option<&Bound<DateTime<Utc>>>,
        until: Option<&Bound<DateTime<Utc>>>,
    ) -> Result<u64, StoreError> {
        let set = set.unwrap_or("");
        if from.is_none() && until.is_none() {
            let meta = self.tx.open_table(META).map_err(|e| self.err(e))?;
            let v = meta.get(count_key(set).as_str()).map_err(|e| self.err(e))?;
            return Ok(v.map_or(0, |v| v.value()));
        }
        let lo_s = from.map_or(i64::MIN, lower);
        let hi_s = until.map_or(i64::MAX, upper);
        if lo_s >= hi_s {
            return Ok(0);
        }
        let table = self.tx.open_table(ITEM_ORDER).map_err(|e| self.err(e))?;
        let mut n = 0;
        for row in table
            .range((set, lo_s, "")..(set, hi_s, ""))
            .map_err(|e| self.err(e))?
        {
            row.map_err(|e| self.err(e))?;
            n += 1;
        }
        Ok(n)
    }

    /// The item sets (those any item is in, tombstones included), each with
    /// the name its data gave it, if any.
    pub fn item_sets(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let table = self.tx.open_table(ITEM_ORDER).map_err(|e| self.err(e))?;
        let names = self.tx.open_table(SET_NAMES).map_err(|e| self.err(e))?;
        let mut out: Vec<(String, Option<String>)> = Vec::new();
        let mut following = String::from("\u{0}");
        loop {
            let Some(row) = table
                .range((following.as_str(), i64::MIN, "")..)
                .map_err(|e| self.err(e))?
                .next()
            else {
                break;
            };
            let (k, _) = row.map_err(|e| self.err(e))?;
            let set = k.value().0.to_string();
            let name = names
                .get(set.as_str())
                .map_err(|e| self.err(e))?
                .map(|v| v.value().to_string());
            following = format!("{set}\u{0}");
            out.push((set, name));
        }
        Ok(out)
    }

    /// The earliest datestamp of any item, tombstones included (OAI-PMH's
    /// `earliestDatestamp`).
    pub fn earliest_item_datestamp(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let table = self.tx.open_table(ITEM_ALL).map_err(|e| self.err(e))?;
        let first = table
            .first()
            .map_err(|e| self.err(e))?
            .map(|(k, _)| from_seconds(k.value().0));
        Ok(first)
    }
}

fn err_at(path: &Path, e: impl Into<redb::Error>) -> StoreError {
    StoreError::Registry {
        path: path.to_path_buf(),
        source: Box::new(e.into()),
    }
}

/// Writes inside one registry transaction: keeps the entries, the change
/// log and both orders in step.
pub(crate) struct RegistryWriter<'t> {
    entries: redb::Table<'t, &'static str, &'static [u8]>,
    item_order: redb::Table<'t, (&'static str, i64, &'static str), &'static str>,
    item_all: redb::Table<'t, (i64, &'static str), &'static [u8]>,
    embargo: redb::Table<'t, (&'static str, &'static str), &'static str>,
    set_names: redb::Table<'t, &'static str, &'static str>,
    /// Item counts per set, changed by this transaction.
    counts: std::collections::HashMap<String, i64>,
    changes: redb::Table<'t, u64, &'static [u8]>,
    order: redb::Table<'t, (i64, &'static str), u64>,
    set_order: redb::Table<'t, (&'static str, i64, &'static str), u64>,
    meta: redb::Table<'t, &'static str, u64>,
    path: PathBuf,
    last_seq: u64,
    last_datestamp: i64,
}

impl<'t> RegistryWriter<'t> {
    fn new(tx: &'t WriteTransaction, reg: &Registry) -> Result<RegistryWriter<'t>, StoreError> {
        let meta = tx.open_table(META).map_err(|e| reg.err(e))?;
        let last_seq = meta
            .get(META_LAST_SEQ)
            .map_err(|e| reg.err(e))?
            .map_or(0, |v| v.value());
        let last_datestamp = meta
            .get(META_LAST_DATESTAMP)
            .map_err(|e| reg.err(e))?
            .map_or(0, |v| v.value() as i64);
        Ok(RegistryWriter {
            entries: tx.open_table(ENTRIES).map_err(|e| reg.err(e))?,
            item_order: tx.open_table(ITEM_ORDER).map_err(|e| reg.err(e))?,
            item_all: tx.open_table(ITEM_ALL).map_err(|e| reg.err(e))?,
            embargo: tx.open_table(EMBARGO).map_err(|e| reg.err(e))?,
            set_names: tx.open_table(SET_NAMES).map_err(|e| reg.err(e))?,
            counts: std::collections::HashMap::new(),
            changes: tx.open_table(CHANGES).map_err(|e| reg.err(e))?,
            order: tx.open_table(ORDER).map_err(|e| reg.err(e))?,
            set_order: tx.open_table(SET_ORDER).map_err(|e| reg.err(e))?,
            meta,
            path: reg.path.clone(),
            last_seq,
            last_datestamp,
        })
    }

    pub(crate) fn get(&self, key: &RecordKey) -> Result<Option<RecordEntry>, StoreError> {
        let k = key.to_string();
        match self
            .entries
            .get(k.as_str())
            .map_err(|e| err_at(&self.path, e))?
        {
            Some(v) => Ok(Some(serde_json::from_slice(v.value()).map_err(
                |source| StoreError::Corrupt {
                    path: self.path.clone(),
                    source,
                },
            )?)),
            None => Ok(None),
        }
    }

    /// Records a change: the entry's new state (whose `seq` and `datestamp`
    /// the caller set), the log entry, both orders. A change already in the
    /// log (a journal replayed after a crash) is not recorded twice.
    pub(crate) fn record(
        &mut self,
        entry: RecordEntry,
        op: ChangeOp,
        public_changed: bool,
    ) -> Result<(), StoreError> {
        let mut entry = entry;
        if entry.seq == 0 {
            entry.seq = self.last_seq + 1;
        }
        if entry.seq <= self.last_seq
            && self
                .changes
                .get(entry.seq)
                .map_err(|e| err_at(&self.path, e))?
                .is_some()
        {
            return Ok(());
        }
        let key = entry.key.to_string();
        let old = self.get(&entry.key)?;
        self.index_items(
            &entry.key,
            old.as_ref().map_or(&[][..], |o| &o.items),
            &entry.items,
        )?;
        if let Some(old) = old {
            let ds = seconds(old.datestamp);
            self.order
                .remove((ds, key.as_str()))
                .map_err(|e| err_at(&self.path, e))?;
            for set in &old.sets {
                self.set_order
                    .remove((set.as_str(), ds, key.as_str()))
                    .map_err(|e| err_at(&self.path, e))?;
            }
        }
        let ds = seconds(entry.datestamp);
        let change = Change {
            seq: entry.seq,
            key: entry.key.clone(),
            op,
            datestamp: entry.datestamp,
            sets: entry.sets.clone(),
            public_changed,
        };
        let change_bytes = serde_json::to_vec(&change).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })?;
        let entry_bytes = serde_json::to_vec(&entry).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })?;
        self.changes
            .insert(entry.seq, change_bytes.as_slice())
            .map_err(|e| err_at(&self.path, e))?;
        self.entries
            .insert(key.as_str(), entry_bytes.as_slice())
            .map_err(|e| err_at(&self.path, e))?;
        self.order
            .insert((ds, key.as_str()), entry.seq)
            .map_err(|e| err_at(&self.path, e))?;
        for set in &entry.sets {
            self.set_order
                .insert((set.as_str(), ds, key.as_str()), entry.seq)
                .map_err(|e| err_at(&self.path, e))?;
        }
        self.last_seq = self.last_seq.max(entry.seq);
        self.last_datestamp = self.last_datestamp.max(ds);
        Ok(())
    }

    /// Moves a record's items in the item tables from `old` to `new`.
    fn index_items(
        &mut self,
        key: &RecordKey,
        old: &[Item],
        new: &[Item],
    ) -> Result<(), StoreError> {
        let record = key.to_string();
        let record = record.as_str();
        for item in old {
            if new.contains(item) {
                continue;
            }
            let ik = item.key(key);
            let ds = seconds(item.datestamp);
            self.item_all
                .remove((ds, ik.as_str()))
                .map_err(|e| err_at(&self.path, e))?;
            for set in std::iter::once("").chain(item.sets.iter().map(String::as_str)) {
                if self
                    .item_order
                    .remove((set, ds, ik.as_str()))
                    .map_err(|e| err_at(&self.path, e))?
                    .is_some()
                {
                    *self.counts.entry(set.to_string()).or_default() -= 1;
                }
            }
            if let Some(day) = item.embargoed_until {
                let day = day.to_string();
                self.embargo
                    .remove((day.as_str(), ik.as_str()))
                    .map_err(|e| err_at(&self.path, e))?;
            }
        }
        for item in new {
            if old.contains(item) {
                continue;
            }
            let ik = item.key(key);
            let ds = seconds(item.datestamp);
            let json = serde_json::to_vec(item).map_err(|source| StoreError::Corrupt {
                path: self.path.clone(),
                source,
            })?;
            self.item_all
                .insert((ds, ik.as_str()), json.as_slice())
                .map_err(|e| err_at(&self.path, e))?;
            for set in std::iter::once("").chain(item.sets.iter().map(String::as_str)) {
                if self
                    .item_order
                    .insert((set, ds, ik.as_str()), record)
                    .map_err(|e| err_at(&self.path, e))?
                    .is_none()
                {
                    *self.counts.entry(set.to_string()).or_default() += 1;
                }
            }
            if let Some(day) = item.embargoed_until {
                let day = day.to_string();
                self.embargo
                    .insert((day.as_str(), ik.as_str()), record)
                    .map_err(|e| err_at(&self.path, e))?;
            }
        }
        Ok(())
    }

    /// Names item sets (a programme's set by the programme's name).
    pub(crate) fn name_sets(&mut self, names: &[(String, String)]) -> Result<(), StoreError> {
        for (set, name) in names {
            let known = self
                .set_names
                .get(set.as_str())
                .map_err(|e| err_at(&self.path, e))?
                .is_some();
            if !known {
                self.set_names
                    .insert(set.as_str(), name.as_str())
                    .map_err(|e| err_at(&self.path, e))?;
            }
        }
        Ok(())
    }

    /// Replaces a record's items, with no change to the record (its entry
    /// otherwise as it was, no change-log entry): an index built after the
    /// fact, or an embargo lifted.
    pub(crate) fn put_items(
        &mut self,
        key: &RecordKey,
        items: Vec<Item>,
    ) -> Result<(), StoreError> {
        let Some(mut entry) = self.get(key)? else {
            return Ok(());
        };
        let k = key.to_string();
        self.index_items(key, &entry.items, &items)?;
        entry.items = items;
        let bytes = serde_json::to_vec(&entry).map_err(|source| StoreError::Corrupt {
            path: self.path.clone(),
            source,
        })?;
        self.entries
            .insert(k.as_str(), bytes.as_slice())
            .map_err(|e| err_at(&self.path, e))?;
        Ok(())
    }

    /// Sets what other records say of a plan's items (see
    /// [`crate::items::annotate`]); a live plan only. Returns how many items
    /// changed.
    pub(crate) fn annotate(
        &mut self,
        key: &RecordKey,
        annex: &[(u32, String)],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let Some(entry) = self.get(key)? else {
            return Ok(0);
        };
        if entry.is_deleted() {
            return Ok(0);
        }
        let (items, changed) = crate::items::annotate(&entry.items, annex, at);
        if changed > 0 {
            self.put_items(key, items)?;
        }
        Ok(changed)
    }

    /// Lifts the embargoes that end on or before `today`: each such item
    /// opens, and its datestamp becomes `at`, so that harvesters fetch it
    /// again. Returns how many items opened.
    pub(crate) fn release(
        &mut self,
        today: chrono::NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let end = today.to_string();
        let mut due: Vec<String> = Vec::new();
        for row in self
            .embargo
            .range::<(&str, &str)>((
                Bound::Unbounded,
                Bound::Included((end.as_str(), "\u{10FFFF}")),
            ))
            .map_err(|e| err_at(&self.path, e))?
        {
            let (_, v) = row.map_err(|e| err_at(&self.path, e))?;
            due.push(v.value().to_string());
        }
        due.sort();
        due.dedup();
        let mut opened = 0;
        for record in due {
            let Ok(key) = record.parse::<RecordKey>() else {
                continue;
            };
            let Some(entry) = self.get(&key)? else {
                continue;
            };
            let mut items = entry.items.clone();
            for item in &mut items {
                if item.embargoed_until.is_some_and(|d| d <= today) && !item.is_deleted() {
                    item.embargoed_until = None;
                    item.datestamp = from_seconds(seconds(at));
                    opened += 1;
                }
            }
            self.put_items(&key, items)?;
        }
        Ok(opened)
    }

    pub(crate) fn clear_items_pending(&mut self) -> Result<(), StoreError> {
        self.meta
            .remove(META_ITEMS_PENDING)
            .map_err(|e| err_at(&self.path, e))?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), StoreError> {
        for (set, delta) in std::mem::take(&mut self.counts) {
            let k = count_key(&set);
            let now = self
                .meta
                .get(k.as_str())
                .map_err(|e| err_at(&self.path, e))?
                .map_or(0, |v| v.value() as i64);
            self.meta
                .insert(k.as_str(), (now + delta).max(0) as u64)
                .map_err(|e| err_at(&self.path, e))?;
        }
        let (seq, ds) = (self.last_seq, self.last_datestamp.max(0) as u64);
        self.meta
            .insert(META_LAST_SEQ, seq)
            .map_err(|e| err_at(&self.path, e))?;
        self.meta
            .insert(META_LAST_DATESTAMP, ds)
            .map_err(|e| err_at(&self.path, e))?;
        Ok(())
    }
}

/// A schema-1 entry (before the live store).
#[derive(Deserialize)]
struct V1Entry {
    id: String,
    kind: String,
    graph: String,
    version: Option<String>,
    datestamp: DateTime<Utc>,
    created: DateTime<Utc>,
    public_hash: String,
    private_hash: String,
    deleted: bool,
    source: Option<String>,
    #[serde(default)]
    summary: serde_json::Value,
    #[serde(default)]
    public_quads: u64,
}

impl V1Entry {
    fn migrated(self) -> RecordEntry {
        let kind = match self.kind.as_str() {
            "catalog" => RecordKind::Catalog,
            "vocabulary" => RecordKind::Vocabulary,
            "link" => RecordKind::Link,
            "harvested-dataset" => RecordKind::Deposit,
            _ => RecordKind::Dmp,
        };
        let text = |k: &str| {
            self.summary
                .get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let format = match text("format").as_deref() {
            Some("madmp") => SourceFormat::Madmp,
            Some("config") => SourceFormat::Config,
            Some("turtle") => SourceFormat::Ontology,
            _ if kind == RecordKind::Catalog => SourceFormat::Config,
            _ if kind == RecordKind::Vocabulary => SourceFormat::Ontology,
            _ => SourceFormat::AmedExcel,
        };
        // maDMP plans are known by their dmp_id in normal form (one DOI, one record).
        let id = match (kind, format) {
            (_, SourceFormat::Madmp) => {
                dmpgraph_model::identity::Identifier::parse(&self.id).to_string()
            }
            // dmpgraph's own vocabulary (others may come).
            (RecordKind::Vocabulary, _) => "dmpgraph".to_string(),
            _ => self.id,
        };
        let datestamp = from_seconds(seconds(self.datestamp));
        RecordEntry {
            key: RecordKey::new(kind, id),
            base_iri: crate::base_of_graph(&self.graph),
            sets: crate::default_sets(kind, format),
            graph: self.graph,
            format,
            version: self.version,
            seq: 0,
            datestamp,
            created: self.created,
            deleted: self.deleted.then_some(datestamp),
            public_hash: self.public_hash,
            private_hash: self.private_hash,
            public_quads: self.public_quads,
            source: self.source,
            title: text("title"),
            datasets: self
                .summary
                .get("datasets")
                .and_then(serde_json::Value::as_u64)
                .map(|n| n as u32),
            madmp_version: text("madmp_version"),
            items: Vec::new(),
        }
    }
}

/// Test and benchmark support: appending entries straight to a registry file
/// (no store, no writer), to measure the listing at sizes no test ingests.
#[doc(hidden)]
pub mod testing {
    use super::*;

    /// A registry file opened on its own.
    pub struct RawRegistry(Registry);

    impl RawRegistry {
        /// Opens (creating) the registry file at `path`.
        pub fn open(path: &Path) -> Result<RawRegistry, StoreError> {
            Registry::open(path).map(RawRegistry)
        }

        /// Appends records as changes, in one transaction, datestamps as given.
        pub fn append(&self, entries: Vec<RecordEntry>) -> Result<(), StoreError> {
            self.0.write(true, |w| {
                for e in entries {
                    let op = if e.deleted.is_some() {
                        ChangeOp::Deleted
                    } else {
                        ChangeOp::Created
                    };
                    w.record(e, op, true)?;
                }
                Ok(())
            })
        }

        /// A consistent read.
        pub fn read(&self) -> Result<RegistryReader, StoreError> {
            self.0.begin_read()
        }
    }

    /// A plan's entry with these sets, changed at `datestamp` (no hashes:
    /// for listings only).
    pub fn entry(id: &str, datestamp: DateTime<Utc>, sets: &[&str]) -> RecordEntry {
        RecordEntry {
            key: RecordKey::new(RecordKind::Dmp, id),
            graph: format!("http://x/record/{id}"),
            format: SourceFormat::AmedExcel,
            base_iri: Some("http://x/".into()),
            sets: sets.iter().map(|s| s.to_string()).collect(),
            version: None,
            seq: 0,
            datestamp,
            created: datestamp,
            deleted: None,
            public_hash: String::new(),
            private_hash: String::new(),
            public_quads: 0,
            source: None,
            title: None,
            datasets: None,
            madmp_version: None,
            items: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::RawRegistry;
    use super::*;

    fn entry(id: &str, ds: i64, sets: &[&str]) -> RecordEntry {
        super::testing::entry(id, from_seconds(ds), sets)
    }

    #[test]
    fn entries_of_one_kind_are_read_as_a_range() {
        let dir = tempfile::tempdir().unwrap();
        let reg = RawRegistry::open(&dir.path().join("r.redb")).unwrap();
        let mut all = Vec::new();
        for (kind, id) in [
            (RecordKind::Deposit, "doi:10.1/a"),
            (RecordKind::Dmp, "b"),
            (RecordKind::Dmp, "a:colon"),
            (RecordKind::Link, "x"),
            (RecordKind::Catalog, "catalog"),
        ] {
            let mut e = entry(id, 1_000, &["s"]);
            e.key = RecordKey::new(kind, id);
            all.push(e);
        }
        reg.append(all).unwrap();
        let read = reg.read().unwrap();
        let ids = |k| -> Vec<String> {
            read.of_kind(k)
                .unwrap()
                .into_iter()
                .map(|e| e.key.id)
                .collect()
        };
        assert_eq!(ids(RecordKind::Dmp), ["a:colon", "b"]);
        assert_eq!(ids(RecordKind::Deposit), ["doi:10.1/a"]);
        assert!(ids(RecordKind::Vocabulary).is_empty());
    }

    #[test]
    fn listing_pages_by_datestamp_and_key_per_set_with_inclusive_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let reg = RawRegistry::open(&dir.path().join("r.redb")).unwrap();
        let mut all = Vec::new();
        for i in 0..50u32 {
            let set = if i.is_multiple_of(2) { "even" } else { "odd" };
            all.push(entry(
                &format!("r{i:03}"),
                1_000 + i64::from(i / 5),
                &["dmp", set],
            ));
        }
        reg.append(all).unwrap();
        let read = reg.read().unwrap();
        assert_eq!(read.last_seq().unwrap(), 50);
        // Pages of 7 over everything: every record once, in order, no token
        // on the last page even when it is full.
        for limit in [7, 10, 50] {
            let mut seen = Vec::new();
            let mut after = None;
            loop {
                let page = read
                    .list(&Listing {
                        after: after.clone(),
                        limit,
                        ..Listing::default()
                    })
                    .unwrap();
                assert!(page.visited <= limit + 1);
                seen.extend(page.entries.iter().map(|e| e.key.id.clone()));
                match page.next {
                    Some(c) => after = Some(c),
                    None => break,
                }
            }
            let expected: Vec<String> = (0..50).map(|i| format!("r{i:03}")).collect();
            assert_eq!(seen, expected, "limit {limit}");
        }
        // from/until are inclusive; a set keeps only its own records.
        let page = read
            .list(&Listing {
                set: Some("odd".into()),
                from: Some(Bound::Included(from_seconds(1_002))),
                until: Some(Bound::Included(from_seconds(1_003))),
                limit: 100,
                ..Listing::default()
            })
            .unwrap();
        let ids: Vec<&str> = page.entries.iter().map(|e| e.key.id.as_str()).collect();
        assert_eq!(ids, ["r011", "r013", "r015", "r017", "r019"]);
        assert!(page.next.is_none());
        let sets = read.sets().unwrap();
        assert_eq!(sets, ["dmp", "even", "odd"]);
        assert_eq!(
            read.earliest_datestamp().unwrap(),
            Some(from_seconds(1_000))
        );
    }

    #[test]
    fn a_change_moves_the_record_in_the_orders_and_appends_to_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let reg = RawRegistry::open(&dir.path().join("r.redb")).unwrap();
        reg.append(vec![entry("a", 10, &["dmp"]), entry("b", 11, &["dmp"])])
            .unwrap();
        let mut a2 = entry("a", 12, &["dmp", "extra"]);
        a2.deleted = Some(from_seconds(12));
        reg.append(vec![a2]).unwrap();
        let read = reg.read().unwrap();
        let page = read
            .list(&Listing {
                limit: 10,
                ..Listing::default()
            })
            .unwrap();
        let ids: Vec<&str> = page.entries.iter().map(|e| e.key.id.as_str()).collect();
        assert_eq!(ids, ["b", "a"]);
        assert!(page.entries[1].is_deleted());
        let log = read.changes_after(0, 10).unwrap();
        assert_eq!(
            log.iter().map(|c| (c.seq, c.op)).collect::<Vec<_>>(),
            [
                (1, ChangeOp::Created),
                (2, ChangeOp::Created),
                (3, ChangeOp::Deleted)
            ]
        );
        assert_eq!(read.changes_after(2, 10).unwrap().len(), 1);
        assert_eq!(read.sets().unwrap(), ["dmp", "extra"]);
    }
}
