//! dmpgraph's embedded stores.
//!
//! A store directory holds two oxigraph (RocksDB) stores and a record
//! registry:
//!
//! ```text
//! DIR/public/store      oxigraph: the public graph of every record (served)
//! DIR/public/registry.redb   the record registry (id, kind, datestamp, hashes…)
//! DIR/private/store     oxigraph: the private graph of every record (blue cells)
//! DIR/private/journal.redb   redo journal of the batch being written
//! ```
//!
//! Public and private live in **separate stores** so that an interface that
//! opens only `DIR/public` (the SPARQL and OAI-PMH server) cannot read a
//! private value by any query: the separation is structural, not a filter.
//!
//! A batch of records is written crash-safely: the journal records the batch,
//! then both stores and the registry are written, then the journal entry is
//! dropped. Opening a store replays a journal left by a crash, so a record is
//! either wholly the old version or wholly the new one.
//!
//! ```no_run
//! use dmpgraph_store::{RecordKind, RecordWrite, Stores};
//! let stores = Stores::open(std::path::Path::new("dmpgraph-data"))?;
//! for entry in stores.records()? {
//!     println!("{} {} {}", entry.id, entry.datestamp, entry.public_hash);
//! }
//! # Ok::<(), dmpgraph_store::StoreError>(())
//! ```

mod hash;
mod journal;
mod public;
mod registry;

pub use hash::{canonical_hash, is_source_provenance};
pub use public::PublicStore;
pub use registry::{RecordEntry, RecordKind};

use chrono::{DateTime, Utc};
use journal::{Journal, JournaledRecord};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, Quad};
use oxigraph::store::Store;
use rayon::prelude::*;
use registry::Registry;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the store.
    #[error("the store at {dir} is in use by another process (a running `dmpgraph serve` or ingest?); stop it or hand the work to it, then try again")]
    Locked {
        /// The store directory.
        dir: PathBuf,
    },
    /// Oxigraph failed.
    #[error("{dir}: oxigraph store: {source}")]
    Oxigraph {
        /// The store directory.
        dir: PathBuf,
        /// The error.
        #[source]
        source: oxigraph::store::StorageError,
    },
    /// The registry or journal failed.
    #[error("{path}: {message}")]
    Registry {
        /// The database file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A file-system error.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// One record to write: its graph name and its public and private quads.
#[derive(Debug, Clone)]
pub struct RecordWrite {
    /// The record id (for a DMP, its grant number).
    pub id: String,
    /// What the record is.
    pub kind: RecordKind,
    /// The graph name; quads are stored in it whatever their own graph name.
    pub graph: NamedNode,
    /// Quads any interface may show.
    pub public: Vec<Quad>,
    /// Quads only trusted exports may show.
    pub private: Vec<Quad>,
    /// The version of the source (for a DMP, its 作成年月日); an older
    /// version than the stored one is not written.
    pub version: Option<String>,
    /// Where the record came from (file path), for people.
    pub source: Option<String>,
    /// A short public summary for listings (title, counts).
    pub summary: serde_json::Value,
}

/// What writing a record did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum WriteOutcome {
    /// A new record.
    Created,
    /// The record changed.
    Updated,
    /// The same content was already stored: nothing was written.
    Unchanged,
    /// The stored version is newer; nothing was written.
    OlderThanStored {
        /// The stored version.
        stored: String,
    },
}

/// Counts over the stores.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stats {
    /// Records by kind (not deleted).
    pub records: std::collections::BTreeMap<String, u64>,
    /// Records marked deleted.
    pub deleted: u64,
    /// Quads in the public store.
    pub public_quads: usize,
    /// Quads in the private store.
    pub private_quads: usize,
    /// The newest datestamp.
    pub latest_change: Option<DateTime<Utc>>,
}

/// A disagreement between the registry and the stored graphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    /// The record or graph.
    pub id: String,
    /// What disagrees.
    pub problem: String,
}

/// The public and private stores with the registry and journal.
pub struct Stores {
    dir: PathBuf,
    public: Store,
    private: Store,
    registry: Registry,
    journal: Journal,
}

/// Test hook: `DMPGRAPH_FAULT=<stage>` aborts the process at that stage of a
/// batch write, as a crash would (used by the crash-safety tests).
fn fault_point(stage: &str) {
    if std::env::var("DMPGRAPH_FAULT").is_ok_and(|v| v == stage) {
        eprintln!("dmpgraph: DMPGRAPH_FAULT={stage}: aborting as a crash would");
        std::process::abort();
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

impl Stores {
    /// Opens (creating if needed) the stores under `dir`, finishing any batch
    /// a crash interrupted.
    pub fn open(dir: &Path) -> Result<Stores, StoreError> {
        let public = open_oxigraph(&dir.join("public").join("store"))?;
        let private = open_oxigraph(&dir.join("private").join("store"))?;
        let registry = Registry::open(&dir.join("public").join("registry.redb"))?;
        let journal = Journal::open(&dir.join("private").join("journal.redb"))?;
        let stores = Stores {
            dir: dir.to_path_buf(),
            public,
            private,
            registry,
            journal,
        };
        if let Some(batch) = stores.journal.pending()? {
            tracing::warn!(
                records = batch.len(),
                "finishing a batch interrupted by a crash"
            );
            stores.apply(&batch)?;
        }
        Ok(stores)
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The public oxigraph store (what public interfaces may query).
    pub fn public(&self) -> &Store {
        &self.public
    }

    /// The private oxigraph store: for trusted exports only.
    pub fn private(&self) -> &Store {
        &self.private
    }

    /// Compacts both oxigraph stores (RocksDB compaction, what `oxigraph
    /// optimize` does). A store written in many batches keeps one level-0
    /// file per batch; queries read all of them until they are merged, so a
    /// large ingest ends with this (over 1,000 plans: 0.8 s, and queries
    /// about 10 % faster). Reads may go on meanwhile.
    pub fn optimize(&self) -> Result<(), StoreError> {
        self.public.optimize().map_err(|e| self.oxi_err(e))?;
        self.private.optimize().map_err(|e| self.oxi_err(e))
    }

    fn oxi_err(&self, source: oxigraph::store::StorageError) -> StoreError {
        StoreError::Oxigraph {
            dir: self.dir.clone(),
            source,
        }
    }

    /// Writes a batch of records, skipping those whose content is already
    /// stored (same canonical hashes) and those older than the stored version.
    /// The batch is atomic across both stores and the registry, also across a
    /// crash.
    pub fn write_batch(&self, records: Vec<RecordWrite>) -> Result<Vec<WriteOutcome>, StoreError> {
        let now = Utc::now();
        let mut outcomes = Vec::with_capacity(records.len());
        let mut batch: Vec<JournaledRecord> = Vec::new();
        // Hashing and serialising are per record and independent: spread them
        // over the cores; deciding what to write stays in input order.
        let prepared: Vec<(String, String, (String, String))> = records
            .par_iter()
            .map(|r| {
                let hashes = (canonical_hash(&r.public), canonical_hash(&r.private));
                (
                    hashes.0,
                    hashes.1,
                    (
                        journal::to_nquads(&r.public),
                        journal::to_nquads(&r.private),
                    ),
                )
            })
            .collect();
        for (rec, (public_hash, private_hash, nquads)) in records.into_iter().zip(prepared) {
            let stored = self.registry.get(&rec.id)?;
            // A record twice in one batch: the later one wins, compared with
            // the earlier (which it then replaces in the batch).
            let earlier = batch.iter().position(|j| j.entry.id == rec.id);
            let previous = earlier
                .map(|k| batch[k].entry.clone())
                .or_else(|| stored.clone());
            if let Some(prev) = &previous {
                if let (Some(stored), Some(new)) = (&prev.version, &rec.version) {
                    if new < stored && !prev.deleted {
                        outcomes.push(WriteOutcome::OlderThanStored {
                            stored: stored.clone(),
                        });
                        continue;
                    }
                }
                if !prev.deleted
                    && prev.public_hash == public_hash
                    && prev.private_hash == private_hash
                {
                    outcomes.push(WriteOutcome::Unchanged);
                    continue;
                }
            }
            let public_changed = previous
                .as_ref()
                .is_none_or(|p| p.public_hash != public_hash || p.deleted);
            let entry = RecordEntry {
                id: rec.id.clone(),
                kind: rec.kind,
                graph: rec.graph.as_str().to_string(),
                version: rec.version.clone(),
                // The datestamp moves only when what the public sees changes.
                datestamp: if public_changed {
                    now
                } else {
                    previous.as_ref().map_or(now, |p| p.datestamp)
                },
                created: previous.as_ref().map_or(now, |p| p.created),
                public_hash,
                private_hash,
                deleted: false,
                source: rec.source.clone(),
                summary: rec.summary.clone(),
                public_quads: rec.public.len(),
            };
            outcomes.push(if previous.is_some() {
                WriteOutcome::Updated
            } else {
                WriteOutcome::Created
            });
            let mut journaled = JournaledRecord::new(entry, &rec.public, &rec.private, nquads);
            journaled.replaces = stored
                .as_ref()
                .map(|p| p.graph.clone())
                .filter(|g| *g != journaled.entry.graph);
            // Only a graph the stores may hold needs removing first.
            journaled.new_graph = stored.is_none();
            match earlier {
                Some(k) => batch[k] = journaled,
                None => batch.push(journaled),
            }
        }
        if batch.is_empty() {
            return Ok(outcomes);
        }
        tracing::debug!(records = batch.len(), "writing batch");
        self.journal.begin(&batch)?;
        fault_point("after-journal");
        self.apply(&batch)?;
        Ok(outcomes)
    }

    /// Writes a journaled batch to both stores and the registry, then clears
    /// the journal. Idempotent, so a crash anywhere inside can replay it.
    fn apply(&self, batch: &[JournaledRecord]) -> Result<(), StoreError> {
        for (store, public) in [(&self.public, true), (&self.private, false)] {
            // Old content goes in one transaction; new content is written with
            // oxigraph's bulk loader, several times faster than transactional
            // inserts. Between the two a crash leaves the graph short, which
            // the journal replay (clear, then load) repairs; there is no
            // reader to see it, as the store has a single process (the writer).
            //
            // A record new to the store has no graph to remove (a replay
            // after a crash still clears it: the flag is not journaled).
            // Skipping it matters: removing a graph scans every file the
            // bulk loads left, so the cost would grow with the store.
            let mut tx = store.start_transaction().map_err(|e| self.oxi_err(e))?;
            for rec in batch.iter().filter(|r| !r.new_graph) {
                for graph in std::iter::once(&rec.entry.graph).chain(&rec.replaces) {
                    tx.remove_named_graph(NamedNodeRef::new_unchecked(graph))
                        .map_err(|e| self.oxi_err(e))?;
                }
            }
            tx.commit().map_err(|e| self.oxi_err(e))?;
            let mut quads = Vec::new();
            for rec in batch {
                let graph = NamedNode::new_unchecked(&rec.entry.graph);
                let parsed = rec.quads(public).map_err(|message| StoreError::Registry {
                    path: self.journal.path().to_path_buf(),
                    message,
                })?;
                quads.extend(parsed.iter().map(|q| {
                    Quad::new(
                        q.subject.clone(),
                        q.predicate.clone(),
                        q.object.clone(),
                        graph.clone(),
                    )
                }));
            }
            if !quads.is_empty() {
                let mut loader = store.bulk_loader();
                loader.load_quads(quads).map_err(|e| self.oxi_err(e))?;
                loader.commit().map_err(|e| self.oxi_err(e))?;
            }
            fault_point(if public {
                "after-public"
            } else {
                "after-private"
            });
        }
        self.registry.put(batch)?;
        fault_point("after-registry");
        self.journal.clear()?;
        Ok(())
    }

    /// A record's registry entry.
    pub fn record(&self, id: &str) -> Result<Option<RecordEntry>, StoreError> {
        self.registry.get(id)
    }

    /// Every registry entry, by id.
    pub fn records(&self) -> Result<Vec<RecordEntry>, StoreError> {
        self.registry.all()
    }

    /// Registry entries in (datestamp, id) order from `from` on: the order
    /// OAI-PMH and change detection read.
    pub fn records_since(
        &self,
        from: Option<DateTime<Utc>>,
        limit: usize,
    ) -> Result<Vec<RecordEntry>, StoreError> {
        self.registry.since(from, limit)
    }

    /// The quads of a record graph in the public store.
    pub fn public_graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        graph_quads(&self.public, graph).map_err(|e| self.oxi_err(e))
    }

    /// The quads of a record graph in the private store.
    pub fn private_graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        graph_quads(&self.private, graph).map_err(|e| self.oxi_err(e))
    }

    /// Counts records and quads.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let mut records = std::collections::BTreeMap::new();
        let mut deleted = 0;
        let mut latest_change = None;
        for e in self.registry.all()? {
            if e.deleted {
                deleted += 1;
            } else {
                *records.entry(e.kind.as_str().to_string()).or_insert(0) += 1;
            }
            latest_change = latest_change.max(Some(e.datestamp));
        }
        Ok(Stats {
            records,
            deleted,
            public_quads: self.public.len().map_err(|e| self.oxi_err(e))?,
            private_quads: self.private.len().map_err(|e| self.oxi_err(e))?,
            latest_change,
        })
    }

    /// Checks that every registry entry matches its stored graphs (by
    /// canonical hash) and that no stored graph lacks an entry.
    pub fn verify(&self) -> Result<Vec<Inconsistency>, StoreError> {
        let mut out = Vec::new();
        let entries = self.registry.all()?;
        for e in &entries {
            let public = canonical_hash(&self.public_graph(&e.graph)?);
            let private = canonical_hash(&self.private_graph(&e.graph)?);
            if public != e.public_hash {
                out.push(Inconsistency {
                    id: e.id.clone(),
                    problem: format!("public graph hash {public} ≠ registry {}", e.public_hash),
                });
            }
            if private != e.private_hash {
                out.push(Inconsistency {
                    id: e.id.clone(),
                    problem: format!("private graph hash {private} ≠ registry {}", e.private_hash),
                });
            }
        }
        let known: std::collections::HashSet<&str> =
            entries.iter().map(|e| e.graph.as_str()).collect();
        for (name, store) in [("public", &self.public), ("private", &self.private)] {
            for g in store.named_graphs() {
                let g = g.map_err(|e| self.oxi_err(e))?;
                if !known.contains(g.to_string().trim_matches(['<', '>'])) {
                    out.push(Inconsistency {
                        id: g.to_string(),
                        problem: format!("graph in the {name} store has no registry entry"),
                    });
                }
            }
        }
        Ok(out)
    }
}

fn graph_quads(store: &Store, graph: &str) -> Result<Vec<Quad>, oxigraph::store::StorageError> {
    let g = NamedNodeRef::new_unchecked(graph);
    store
        .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
        .collect()
}
