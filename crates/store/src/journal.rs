//! The redo journal: every round of changes since the last checkpoint, with
//! its quads, kept under `DIR/private` (it holds private values).
//!
//! A round is journaled durably before any store is touched; it stays until
//! a checkpoint has flushed both oxigraph stores and made the registry
//! durable. Opening the store replays what the journal holds, in order, so a
//! crash at any point (even one that loses what the operating system had not
//! yet written) leaves every record wholly its old or wholly its new
//! version, and every change that was answered as done.

use crate::registry::{ChangeOp, RecordEntry};
use crate::StoreError;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Round number (its first change's sequence number) → the round.
const ROUNDS: TableDefinition<u64, &[u8]> = TableDefinition::new("rounds");
/// Before the live store: one batch in slot 0. Refused when not empty.
const V1_PENDING: TableDefinition<u64, &[u8]> = TableDefinition::new("pending");

/// One change of a round, as the stores must end up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JournaledChange {
    /// The record's registry entry after the change (seq and datestamp set).
    pub(crate) entry: RecordEntry,
    pub(crate) op: ChangeOp,
    pub(crate) public_changed: bool,
    /// Graphs of earlier versions under another name (another base IRI):
    /// removed too.
    pub(crate) replaces: Vec<String>,
    /// Names of item sets the record's data names (a programme's).
    #[serde(default)]
    pub(crate) set_names: Vec<(String, String)>,
    /// The record's quads (empty for a delete), as N-Quads.
    pub(crate) public_nquads: String,
    pub(crate) private_nquads: String,
    /// The quads themselves while the writer that journaled them applies
    /// them; a replay parses the N-Quads instead.
    #[serde(skip)]
    pub(crate) quads: Option<(Vec<Quad>, Vec<Quad>)>,
}

impl JournaledChange {
    /// The record's public (or private) quads.
    pub(crate) fn quads(&self, public: bool) -> Result<std::borrow::Cow<'_, [Quad]>, StoreError> {
        if let Some((p, q)) = &self.quads {
            return Ok(std::borrow::Cow::Borrowed(if public { p } else { q }));
        }
        self.parse(public).map(std::borrow::Cow::Owned)
    }

    fn parse(&self, public: bool) -> Result<Vec<Quad>, StoreError> {
        let text = if public {
            &self.public_nquads
        } else {
            &self.private_nquads
        };
        parse_nquads(text).map_err(|source| StoreError::Journal {
            record: self.entry.key.to_string(),
            source,
        })
    }
}

/// Quads as N-Quads, one per line: how the journal keeps them, and how
/// they travel to a running server.
pub fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::new();
    for q in quads {
        // A quad's Display is N-Quads.
        out.push_str(&q.to_string());
        out.push_str(" .\n");
    }
    out
}

/// The quads of an N-Quads text ([`to_nquads`]'s inverse).
pub fn parse_nquads(text: &str) -> Result<Vec<Quad>, oxigraph::io::RdfSyntaxError> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(text.as_bytes())
        .collect()
}

pub(crate) struct Journal {
    db: Database,
    path: PathBuf,
}

impl Journal {
    pub(crate) fn open(path: &Path) -> Result<Journal, StoreError> {
        let db = Database::create(path).map_err(|e| crate::locked_or(path, e.into()))?;
        let j = Journal {
            db,
            path: path.to_path_buf(),
        };
        let tx = j.db.begin_write().map_err(|e| j.err(e))?;
        tx.open_table(ROUNDS).map_err(|e| j.err(e))?;
        let v1_pending = {
            let t = tx.open_table(V1_PENDING).map_err(|e| j.err(e))?;
            use redb::ReadableTableMetadata;
            !t.is_empty().map_err(|e| j.err(e))?
        };
        tx.commit().map_err(|e| j.err(e))?;
        if v1_pending {
            return Err(StoreError::OldJournal {
                path: path.to_path_buf(),
            });
        }
        Ok(j)
    }

    fn err(&self, e: impl Into<redb::Error>) -> StoreError {
        StoreError::Registry {
            path: self.path.clone(),
            source: Box::new(e.into()),
        }
    }

    fn json_err(&self, source: serde_json::Error) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            source,
        }
    }

    /// Durably records a round before any store is touched; returns its size.
    pub(crate) fn append(
        &self,
        round: u64,
        changes: &[&JournaledChange],
    ) -> Result<usize, StoreError> {
        let bytes = serde_json::to_vec(changes).map_err(|e| self.json_err(e))?;
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.open_table(ROUNDS)
            .map_err(|e| self.err(e))?
            .insert(round, bytes.as_slice())
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(bytes.len())
    }

    /// Every round the journal holds, oldest first.
    pub(crate) fn rounds(&self) -> Result<Vec<(u64, Vec<JournaledChange>)>, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = tx.open_table(ROUNDS).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for item in table.iter().map_err(|e| self.err(e))? {
            let (k, v) = item.map_err(|e| self.err(e))?;
            out.push((
                k.value(),
                serde_json::from_slice(v.value()).map_err(|e| self.json_err(e))?,
            ));
        }
        Ok(out)
    }

    /// Drops every round up to `round` (a checkpoint has made them durable
    /// in the stores). Not synced: should the drop be lost, the next open
    /// replays rounds that are already applied, which changes nothing.
    pub(crate) fn trim(&self, round: u64) -> Result<(), StoreError> {
        let mut tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.set_durability(Durability::None)
            .map_err(|e| self.err(e))?;
        {
            let mut table = tx.open_table(ROUNDS).map_err(|e| self.err(e))?;
            table
                .retain_in(..=round, |_, _| false)
                .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }
}

/// Whether the journal at `path` holds rounds not yet checkpointed, without
/// opening it for writing and without reading them (their private quads a
/// public reader must not load).
#[allow(dead_code)]
pub(crate) fn has_pending(path: &Path) -> Result<bool, StoreError> {
    if !path.exists() {
        return Ok(false);
    }
    let Ok(db) = redb::ReadOnlyDatabase::open(path) else {
        return Ok(true);
    };
    let err = |e: redb::Error| StoreError::Registry {
        path: path.to_path_buf(),
        source: Box::new(e),
    };
    let tx = db.begin_read().map_err(|e| err(e.into()))?;
    match tx.open_table(ROUNDS) {
        Ok(table) => Ok(table.first().map_err(|e| err(e.into()))?.is_some()),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(false),
        Err(e) => Err(err(e.into())),
    }
}
