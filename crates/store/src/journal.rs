//! The redo journal: the batch being written, kept (with its private quads)
//! under `DIR/private` until both stores and the registry have it.

use crate::registry::{locked_or, RecordEntry};
use crate::StoreError;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use redb::{Database, Durability, ReadableDatabase, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const PENDING: TableDefinition<u64, &[u8]> = TableDefinition::new("pending");

/// One record of a journaled batch: its registry entry and its quads as N-Quads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JournaledRecord {
    pub(crate) entry: RecordEntry,
    /// The graph the record's previous version was stored under, when it
    /// differs (a plan ingested again under another `--base-iri`): removed too.
    #[serde(default)]
    pub(crate) replaces: Option<String>,
    /// No graph of this record is in the stores yet (it is new to the
    /// registry): nothing to remove before loading. Not journaled: a replay
    /// removes every graph of the batch first.
    #[serde(skip)]
    pub(crate) new_graph: bool,
    public_nquads: String,
    private_nquads: String,
    /// The quads themselves while the batch is written by the process that
    /// journaled it; a replay after a crash parses the N-Quads instead.
    #[serde(skip)]
    in_memory: Option<(Vec<Quad>, Vec<Quad>)>,
}

pub(crate) fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::new();
    for q in quads {
        // Quad's Display is N-Quads syntax.
        out.push_str(&q.to_string());
        out.push_str(" .\n");
    }
    out
}

impl JournaledRecord {
    /// A journal record from its entry, its quads, and their N-Quads text
    /// (made by the caller, who can make many in parallel).
    pub(crate) fn new(
        entry: RecordEntry,
        public: &[Quad],
        private: &[Quad],
        nquads: (String, String),
    ) -> Self {
        JournaledRecord {
            entry,
            replaces: None,
            new_graph: false,
            public_nquads: nquads.0,
            private_nquads: nquads.1,
            in_memory: Some((public.to_vec(), private.to_vec())),
        }
    }

    pub(crate) fn quads(&self, public: bool) -> Result<std::borrow::Cow<'_, [Quad]>, String> {
        if let Some((pub_quads, priv_quads)) = &self.in_memory {
            return Ok(std::borrow::Cow::Borrowed(if public {
                pub_quads
            } else {
                priv_quads
            }));
        }
        let text = if public {
            &self.public_nquads
        } else {
            &self.private_nquads
        };
        RdfParser::from_format(RdfFormat::NQuads)
            .for_slice(text.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map(std::borrow::Cow::Owned)
            .map_err(|e| format!("journal entry for {}: {e}", self.entry.id))
    }
}

pub(crate) struct Journal {
    db: Database,
    path: PathBuf,
}

impl Journal {
    pub(crate) fn open(path: &Path) -> Result<Journal, StoreError> {
        let db = Database::create(path).map_err(|e| locked_or(path, e.to_string()))?;
        let j = Journal {
            db,
            path: path.to_path_buf(),
        };
        let tx = j.db.begin_write().map_err(|e| j.err(e))?;
        tx.open_table(PENDING).map_err(|e| j.err(e))?;
        tx.commit().map_err(|e| j.err(e))?;
        Ok(j)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Registry {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Durably records a batch before any store is touched.
    pub(crate) fn begin(&self, batch: &[JournaledRecord]) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(batch).map_err(|e| self.err(e))?;
        let tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.open_table(PENDING)
            .map_err(|e| self.err(e))?
            .insert(0, bytes.as_slice())
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// The batch a crash left unfinished.
    pub(crate) fn pending(&self) -> Result<Option<Vec<JournaledRecord>>, StoreError> {
        let tx = self.db.begin_read().map_err(|e| self.err(e))?;
        let table = tx.open_table(PENDING).map_err(|e| self.err(e))?;
        match table.get(0).map_err(|e| self.err(e))? {
            Some(v) => Ok(Some(
                serde_json::from_slice(v.value()).map_err(|e| self.err(e))?,
            )),
            None => Ok(None),
        }
    }

    /// Drops the finished batch. Not synced: should the drop be lost, the
    /// next open replays a batch that is already written, which changes nothing.
    pub(crate) fn clear(&self) -> Result<(), StoreError> {
        let mut tx = self.db.begin_write().map_err(|e| self.err(e))?;
        tx.set_durability(Durability::None)
            .map_err(|e| self.err(e))?;
        tx.open_table(PENDING)
            .map_err(|e| self.err(e))?
            .remove(0)
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }
}

/// Whether the journal at `path` holds a batch that a crash left unfinished,
/// without opening it for writing and without reading the batch (whose
/// private quads a public reader must not load). A missing journal holds
/// nothing; one that cannot be opened read-only (it needs the repair a
/// writer's open does) counts as pending.
pub(crate) fn has_pending(path: &Path) -> Result<bool, StoreError> {
    if !path.exists() {
        return Ok(false);
    }
    let Ok(db) = redb::ReadOnlyDatabase::open(path) else {
        return Ok(true);
    };
    let err = |e: &dyn std::fmt::Display| StoreError::Registry {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let tx = db.begin_read().map_err(|e| err(&e))?;
    match tx.open_table(PENDING) {
        Ok(table) => {
            use redb::ReadableTableMetadata;
            Ok(!table.is_empty().map_err(|e| err(&e))?)
        }
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(false),
        Err(e) => Err(err(&e)),
    }
}
