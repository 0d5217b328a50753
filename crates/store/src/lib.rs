//! dmpgraph's embedded stores: two oxigraph stores, the record registry
//! (a change log), and the single writer that keeps them in step.
//!
//! ```text
//! DIR/public/store           oxigraph: the public graph of every record (served)
//! DIR/public/registry.redb   the registry: entries, change log, OAI-PMH orders
//! DIR/private/store          oxigraph: the private graph of every record (blue cells)
//! DIR/private/journal.redb   redo journal of the changes since the last checkpoint
//! ```
//!
//! Public and private live in **separate stores**: a [`PublicView`] (what
//! the HTTP server gets) holds the public store and the registry and no
//! path to the private store, so no query can reach a private value.
//!
//! **One writer.** [`Stores::start_writer`] moves both stores into a writer
//! thread fed by a bounded channel; every write (ingest, delete, and later
//! harvest, API and curation writes) is a [`Change`] sent to it through a
//! [`WriteHandle`]. Preconditions ([`Condition`]) are checked by the writer
//! when it applies the change, like a compare-and-swap.
//!
//! **What a reader sees.** A change is applied to each store in one oxigraph
//! transaction, the private store first, then the public store, then the
//! registry: the registry never announces content that is not stored. A
//! SPARQL query reads one snapshot, so it sees each record wholly before or
//! wholly after a change; [`PublicView::snapshot`] gives a registry and
//! public-store snapshot taken together, for views that read both.
//!
//! **What survives a crash.** A round of changes is written durably to the
//! journal before any store is touched, and stays there until a checkpoint
//! has flushed both oxigraph stores to disk and made the registry durable.
//! Opening the stores replays the journal, so a change that was answered as
//! done is never lost, and none is left half-applied.
//!
//! ```no_run
//! use dmpgraph_store::{Stores, WriterOptions};
//! let writer = Stores::open(std::path::Path::new("dmpgraph-data"))?.start_writer(WriterOptions::default());
//! for entry in writer.public().records()? {
//!     println!("{} {} {}", entry.key, entry.datestamp, entry.public_hash);
//! }
//! writer.shutdown()?;
//! # Ok::<(), dmpgraph_store::StoreError>(())
//! ```

mod apply;
mod hash;
pub mod items;
mod journal;
mod key;
pub mod registry;
mod view;
mod writer;

pub use hash::{canonical_hash, is_source_provenance};
pub use journal::{parse_nquads, to_nquads};
pub use key::{NotARecordKey, RecordKey, RecordKind, SourceFormat};
pub use registry::{
    Change as LogEntry, ChangeOp, Cursor, ItemPage, Listing, Page, RecordEntry, RegistryReader,
    SCHEMA_VERSION,
};
pub use view::{Inconsistency, PrivateView, PublicSnapshot, PublicView, Stats};
pub use writer::{
    lower_background_priority, lower_priority, Change, Condition, Delete, Pending, RecordWrite,
    WriteHandle, WriteOutcome, Writer, WriterOptions,
};

use oxigraph::store::Store;
use registry::Registry;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store.
    #[error("the store at {dir} is in use by another process (a running `dmpgraph serve` takes writes through its admin socket; another command may be running)")]
    Locked {
        /// The store directory.
        dir: PathBuf,
    },
    /// Oxigraph failed.
    #[error("{dir}: oxigraph store")]
    Oxigraph {
        /// The store directory.
        dir: PathBuf,
        /// The error.
        #[source]
        source: oxigraph::store::StorageError,
    },
    /// The registry or the journal database failed.
    #[error("{path}")]
    Registry {
        /// The database file.
        path: PathBuf,
        /// The error.
        #[source]
        source: Box<redb::Error>,
    },
    /// An entry of the registry or the journal cannot be read or written.
    #[error("{path}: an entry cannot be read or written")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The error.
        #[source]
        source: serde_json::Error,
    },
    /// A journaled change's quads cannot be parsed.
    #[error("journal entry for {record}: its N-Quads do not parse")]
    Journal {
        /// The record.
        record: String,
        /// The error.
        #[source]
        source: oxigraph::io::RdfSyntaxError,
    },
    /// The registry was written by a newer dmpgraph.
    #[error("{path}: registry schema {found}, but this dmpgraph reads schema {supported} at most; use a newer dmpgraph")]
    Schema {
        /// The registry file.
        path: PathBuf,
        /// Its schema version.
        found: u64,
        /// The newest this build reads.
        supported: u64,
    },
    /// A crash left a batch in the journal of an older dmpgraph.
    #[error("{path}: a batch interrupted by a crash is in the journal of an older dmpgraph; open the store once with that version to finish it")]
    OldJournal {
        /// The journal file.
        path: PathBuf,
    },
    /// The writer stopped after an error; the store recovers on the next open.
    #[error("the store's writer stopped after an error; restart to recover from the journal")]
    WriterFailed {
        /// What stopped it.
        #[source]
        source: Arc<StoreError>,
    },
    /// The writer is not running (shut down).
    #[error("the store's writer has stopped")]
    WriterStopped,
    /// A file-system error.
    #[error("{path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// The public side: what a public reader may hold.
pub(crate) struct PublicSide {
    pub(crate) dir: PathBuf,
    pub(crate) store: Store,
    pub(crate) registry: Registry,
    /// Held (shared) by readers while they take their snapshots of the
    /// registry and the public store, and (exclusive) by the writer while it
    /// commits the public store and the registry: a pair of snapshots is
    /// then both before or both after a change.
    pub(crate) gate: RwLock<()>,
}

impl PublicSide {
    pub(crate) fn oxi_err(&self, source: oxigraph::store::StorageError) -> StoreError {
        StoreError::Oxigraph {
            dir: self.dir.clone(),
            source,
        }
    }
}

/// The private side: only the writer and trusted exports.
pub(crate) struct PrivateSide {
    pub(crate) dir: PathBuf,
    pub(crate) store: Store,
    pub(crate) journal: journal::Journal,
}

impl PrivateSide {
    pub(crate) fn oxi_err(&self, source: oxigraph::store::StorageError) -> StoreError {
        StoreError::Oxigraph {
            dir: self.dir.clone(),
            source,
        }
    }
}

/// The stores of a directory, opened by the one process that may write them.
pub struct Stores {
    pub(crate) public: Arc<PublicSide>,
    pub(crate) private: PrivateSide,
}

/// Test hook: `DMPGRAPH_FAULT=<stage>` stops the writer at that stage of a
/// round, says so on stderr and waits to be killed (the crash-safety tests
/// send SIGKILL then). Stages: `after-journal`, `after-private`,
/// `after-public`, `after-registry`, `after-flush`.
pub(crate) fn fault_point(stage: &str) {
    if std::env::var("DMPGRAPH_FAULT").is_ok_and(|v| v == stage) {
        eprintln!("dmpgraph: DMPGRAPH_FAULT={stage}: stopped, waiting to be killed");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

fn open_oxigraph(dir: &Path) -> Result<Store, StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    Store::open(dir).map_err(|source| {
        let text = source.to_string();
        if text.contains("lock") || text.contains("Resource temporarily unavailable") {
            StoreError::Locked {
                dir: dir.to_path_buf(),
            }
        } else {
            StoreError::Oxigraph {
                dir: dir.to_path_buf(),
                source,
            }
        }
    })
}

pub(crate) fn locked_or(path: &Path, e: redb::Error) -> StoreError {
    if matches!(e, redb::Error::DatabaseAlreadyOpen) {
        StoreError::Locked {
            dir: path.parent().unwrap_or(path).to_path_buf(),
        }
    } else {
        StoreError::Registry {
            path: path.to_path_buf(),
            source: Box::new(e),
        }
    }
}

/// The base IRI of a record graph `{base}record/{id}` or `{base}catalog`.
pub(crate) fn base_of_graph(graph: &str) -> Option<String> {
    graph
        .rfind("record/")
        .map(|at| graph[..at].to_string())
        .or_else(|| graph.strip_suffix("catalog").map(str::to_owned))
}

/// The OAI-PMH sets a record of `kind` read from `format` belongs to,
/// ancestors included (`dmp`, `dmp:amed`): records of the catalog's own
/// graphs (catalog, vocabulary) are in none.
pub fn default_sets(kind: RecordKind, format: SourceFormat) -> Vec<String> {
    match (kind, format) {
        (RecordKind::Catalog | RecordKind::Vocabulary, _) => Vec::new(),
        (RecordKind::Dmp, SourceFormat::AmedExcel) => vec!["dmp".into(), "dmp:amed".into()],
        (RecordKind::Dmp, SourceFormat::Madmp) => vec!["dmp".into(), "dmp:madmp".into()],
        (kind, _) => vec![kind.as_str().into()],
    }
}

impl Stores {
    /// Opens (creating if needed) the stores under `dir`, replaying what the
    /// journal holds (changes since the last checkpoint, some perhaps only
    /// half-applied by a crash), then checkpointing.
    pub fn open(dir: &Path) -> Result<Stores, StoreError> {
        let public = open_oxigraph(&dir.join("public").join("store"))?;
        let private_dir = dir.join("private");
        let private = open_oxigraph(&private_dir.join("store"))?;
        restrict(&private_dir)?;
        let registry = Registry::open(&dir.join("public").join("registry.redb"))?;
        let journal = journal::Journal::open(&private_dir.join("journal.redb"))?;
        let stores = Stores {
            public: Arc::new(PublicSide {
                dir: dir.to_path_buf(),
                store: public,
                registry,
                gate: RwLock::new(()),
            }),
            private: PrivateSide {
                dir: dir.to_path_buf(),
                store: private,
                journal,
            },
        };
        apply::recover(&stores)?;
        stores.index_items()?;
        Ok(stores)
    }

    /// Reads the items of every stored plan from its public graph, once,
    /// when the registry came from a schema before items (see
    /// [`items`]): each takes its record's datestamp.
    fn index_items(&self) -> Result<(), StoreError> {
        let registry = &self.public.registry;
        if !registry.items_pending()? {
            return Ok(());
        }
        let entries = registry.begin_read()?.all()?;
        let today = items::today_in_japan();
        let mut indexed = Vec::new();
        for e in entries
            .into_iter()
            .filter(|e| e.key.kind == RecordKind::Dmp)
        {
            let mut drafts = if e.is_deleted() {
                Vec::new()
            } else {
                let graph = oxigraph::model::NamedNode::new(e.graph.clone()).map_err(|_| {
                    StoreError::Io {
                        path: self.public.dir.clone(),
                        source: std::io::Error::other(format!(
                            "record graph <{}> is not an IRI",
                            e.graph
                        )),
                    }
                })?;
                let quads = self
                    .public
                    .store
                    .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|err| self.public.oxi_err(err))?;
                items::drafts(&e.graph, e.format, &quads)
            };
            let names: Vec<(String, String)> =
                drafts.iter().flat_map(|d| d.set_names.clone()).collect();
            let stamped = if e.is_deleted() {
                // A deleted plan's datasets are gone with its graph: its own
                // tombstone stays.
                drafts.push(items::ItemDraft {
                    n: 0,
                    hash: e.public_hash.clone(),
                    sets: items::drafts(&e.graph, e.format, &[])[0].sets.clone(),
                    set_names: Vec::new(),
                    opens_on: None,
                });
                let live = items::stamp(&[], &drafts, e.datestamp, today);
                items::stamp(&live, &[], e.datestamp, today)
            } else {
                items::stamp(&[], &drafts, e.datestamp, today)
            };
            indexed.push((e.key, stamped, names));
        }
        let count = indexed.len();
        registry.write(true, |w| {
            for (key, stamped, names) in &indexed {
                w.name_sets(names)?;
                w.put_items(key, stamped.clone())?;
            }
            w.clear_items_pending()
        })?;
        tracing::info!(plans = count, "items indexed");
        Ok(())
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.public.dir
    }

    /// A read-only view of the public store and the registry.
    pub fn public(&self) -> PublicView {
        PublicView {
            side: self.public.clone(),
        }
    }

    /// A read-only view of the private store: for trusted exports only.
    pub fn private(&self) -> PrivateView {
        PrivateView {
            dir: self.private.dir.clone(),
            store: self.private.store.clone(),
        }
    }

    /// Checks every registry entry against its stored graphs (see
    /// [`PublicView::verify_with`]).
    pub fn verify(&self) -> Result<Vec<Inconsistency>, StoreError> {
        self.public().verify_with(&self.private())
    }

    /// Compacts both oxigraph stores (RocksDB compaction, what `oxigraph
    /// optimize` does): for benchmarks and maintenance. Writes never need
    /// it; RocksDB compacts in the background as it goes.
    pub fn optimize(&self) -> Result<(), StoreError> {
        self.public
            .store
            .optimize()
            .map_err(|e| self.public.oxi_err(e))?;
        self.private
            .store
            .optimize()
            .map_err(|e| self.private.oxi_err(e))
    }

    /// Moves the stores into their writer thread.
    pub fn start_writer(self, options: WriterOptions) -> Writer {
        writer::Writer::start(self, options)
    }
}

/// `DIR/private` holds the private store and the journal: only its owner
/// may enter it.
fn restrict(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(
            |source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
