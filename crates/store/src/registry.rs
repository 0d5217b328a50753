//! The record registry: one entry per record, ordered by (datestamp, id) for
//! OAI-PMH paging and change detection, in redb beside the public store.

use crate::journal::JournaledRecord;
use crate::StoreError;
use chrono::{DateTime, Utc};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("records");
const BY_DATESTAMP: TableDefinition<(i64, &str), ()> = TableDefinition::new("by_datestamp");

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A data management plan.
    Dmp,
    /// A harvested (deposited) dataset.
    HarvestedDataset,
    /// A link between a planned and a deposited dataset.
    Link,
    /// The catalog itself (`dcat:Catalog`, publisher, contact point): one
    /// graph that record graphs refer to.
    Catalog,
    /// dmpgraph's vocabulary (`ontologies/dmpgraph.ttl`): labels and
    /// crosswalks of AMED's value lists, for queries.
    Vocabulary,
}

impl RecordKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Dmp => "dmp",
            RecordKind::HarvestedDataset => "harvested-dataset",
            RecordKind::Link => "link",
            RecordKind::Catalog => "catalog",
            RecordKind::Vocabulary => "vocabulary",
        }
    }
}

/// A registry entry. Only public facts: the server reads the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    /// The record id (a DMP's grant number).
    pub id: String,
    /// What the record is.
    pub kind: RecordKind,
    /// Its graph name.
    pub graph: String,
    /// The source's version (a DMP's 作成年月日).
    pub version: Option<String>,
    /// When the public content last really changed.
    pub datestamp: DateTime<Utc>,
    /// When the record was first stored.
    pub created: DateTime<Utc>,
    /// Hash of the canonical public graph.
    pub public_hash: String,
    /// Hash of the canonical private graph.
    pub private_hash: String,
    /// Whether the record was withdrawn.
    pub deleted: bool,
    /// The file it was read from, for operators.
    pub source: Option<String>,
    /// A public summary for listings.
    pub summary: serde_json::Value,
    /// Number of public quads.
    pub public_quads: usize,
}

pub(crate) struct Registry {
    db: Database,
    path: PathBuf,
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

impl Registry {
    pub(crate) fn open(path: &Path) -> Result<Registry, StoreError> {
        let db = Database::create(path).map_err(|e| locked_or(path, e.to_string()))?;
        let reg = Registry {
            db,
            path: path.to_path_buf(),
        };
        // Create the tables so that readers never meet a missing one.
        let tx = reg.db.begin_write().map_err(|e| reg.err(e))?;
        tx.open_table(RECORDS).map_err(|e| reg.err(e))?;
        tx.open_table(BY_DATESTAMP).map_err(|e| reg.err(e))?;
        tx.commit().map_err(|e| reg.err(e))?;
        Ok(reg)
    }

    fn err(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Registry {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Result<Option<RecordEntry>, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = tx.open_table(RECORDS).map_err(|e| self.err(e))?;
        match table.get(id).map_err(|e| self.err(e))? {
            Some(v) => Ok(Some(
                serde_json::from_slice(v.value()).map_err(|e| self.err(e))?,
            )),
            None => Ok(None),
        }
    }

    pub(crate) fn all(&self) -> Result<Vec<RecordEntry>, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = tx.open_table(RECORDS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for item in table.iter().map_err(|e| self.err(e))? {
            let (_, v) = item.map_err(|e| self.err(e))?;
            out.push(serde_json::from_slice(v.value()).map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    pub(crate) fn since(
        &self,
        from: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<RecordEntry>, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let index = tx.open_table(BY_DATESTAMP).map_err(|e| self.err(e))?;
        let records = tx.open_table(RECORDS).map_err(|e| self.err(e))?;
        let start = from.map_or(i64::MIN, micros);
        let mut out = Vec::new();
        for item in index
            .range((start, "")..)
            .map_err(|e| self.err(e))?
            .take(limit)
        {
            let (k, _) = item.map_err(|e| self.err(e))?;
            let (_, id) = k.value();
            if let Some(v) = records.get(id).map_err(|e| self.err(e))? {
                out.push(serde_json::from_slice(v.value()).map_err(|e| self.err(e))?);
            }
        }
        Ok(out)
    }

    /// Writes the entries of a batch in one durable transaction. Reads the
    /// stored entry inside the transaction, so replaying a batch after a
    /// crash leaves the same index as writing it once.
    pub(crate) fn put(&self, batch: &[JournaledRecord]) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        {
            let mut records = tx.open_table(RECORDS).map_err(|e| self.err(e))?;
            let mut index = tx.open_table(BY_DATESTAMP).map_err(|e| self.err(e))?;
            for rec in batch {
                let e = &rec.entry;
                let old: Option<RecordEntry> = match records
                    .get(e.id.as_str())
                    .map_err(|x| self.err(x))?
                {
                    Some(v) => Some(serde_json::from_slice(v.value()).map_err(|x| self.err(x))?),
                    None => None,
                };
                if let Some(old) = old {
                    index
                        .remove((micros(old.datestamp), old.id.as_str()))
                        .map_err(|x| self.err(x))?;
                }
                let bytes = serde_json::to_vec(e).map_err(|x| self.err(x))?;
                records
                    .insert(e.id.as_str(), bytes.as_slice())
                    .map_err(|x| self.err(x))?;
                index
                    .insert((micros(e.datestamp), e.id.as_str()), ())
                    .map_err(|x| self.err(x))?;
            }
        }
        tx.commit().map_err(|e| self.err(e))
    }
}

pub(crate) fn locked_or(path: &Path, message: String) -> StoreError {
    if message.contains("already open") || message.contains("lock") {
        StoreError::Locked {
            dir: path.parent().unwrap_or(path).to_path_buf(),
        }
    } else {
        StoreError::Registry {
            path: path.to_path_buf(),
            message,
        }
    }
}
