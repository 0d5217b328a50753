//! The public side alone: what a server opens.
//!
//! [`PublicStore`] opens `DIR/public/store` and the record registry and
//! nothing under `DIR/private`, so no query through it can reach a private
//! value. It is still the store's only RocksDB opener (read-write, as
//! oxigraph says a read-only open beside a writer is undefined behaviour):
//! while it is open, `ingest` gets "in use by another process".

use crate::registry::{RecordEntry, Registry};
use crate::{graph_quads, journal, open_oxigraph, StoreError};
use oxigraph::model::Quad;
use oxigraph::store::Store;
use std::path::{Path, PathBuf};

/// The public oxigraph store and the record registry of a store directory.
///
/// ```no_run
/// use dmpgraph_store::PublicStore;
/// let public = PublicStore::open(std::path::Path::new("dmpgraph-data"))?;
/// println!("{} quads", public.store().len().unwrap_or(0));
/// # Ok::<(), dmpgraph_store::StoreError>(())
/// ```
pub struct PublicStore {
    dir: PathBuf,
    store: Store,
    registry: Registry,
}

impl PublicStore {
    /// Opens the public store and the registry under `dir`.
    ///
    /// Refuses a directory without a public store (nothing was ingested
    /// there) and a store whose journal holds a batch a crash interrupted:
    /// finishing that batch needs the private store, which this type never
    /// opens, so the user is told to run `dmpgraph stats` or `ingest` first.
    pub fn open(dir: &Path) -> Result<PublicStore, StoreError> {
        let store_dir = dir.join("public").join("store");
        if !store_dir.is_dir() {
            return Err(StoreError::Io {
                path: store_dir,
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no store here: run `dmpgraph ingest --store DIR PATH…` first, or pass the right --store",
                ),
            });
        }
        // Lock the public store first: a running writer is then reported as
        // "in use", and none can start while the journal is looked at.
        let store = open_oxigraph(&store_dir)?;
        let journal_path = dir.join("private").join("journal.redb");
        if journal::has_pending(&journal_path)? {
            return Err(StoreError::Registry {
                path: journal_path,
                message: "a batch interrupted by a crash is still in the journal; run `dmpgraph stats --store DIR` (or `ingest`) to finish it, then start again".into(),
            });
        }
        let registry = Registry::open(&dir.join("public").join("registry.redb"))?;
        Ok(PublicStore {
            dir: dir.to_path_buf(),
            store,
            registry,
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The public oxigraph store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A record's registry entry.
    pub fn record(&self, id: &str) -> Result<Option<RecordEntry>, StoreError> {
        self.registry.get(id)
    }

    /// Every registry entry, by id.
    pub fn records(&self) -> Result<Vec<RecordEntry>, StoreError> {
        self.registry.all()
    }

    /// The quads of a named graph of the public store.
    pub fn graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        graph_quads(&self.store, graph).map_err(|source| StoreError::Oxigraph {
            dir: self.dir.clone(),
            source,
        })
    }
}
