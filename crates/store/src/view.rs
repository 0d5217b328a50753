//! Read-only views: the public one (the HTTP server's), the private one
//! (trusted exports), and consistent snapshots of the registry and the
//! public store together.

use crate::key::RecordKey;
use crate::registry::{Listing, Page, RecordEntry, RegistryReader};
use crate::{canonical_hash, PublicSide, StoreError};
use chrono::{DateTime, Utc};
use oxigraph::io::RdfSerializer;
use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad, Term};
use oxigraph::sparql::{PreparedSparqlQuery, QueryEvaluationError, QueryResults};
use oxigraph::store::{StorageError, Store, Transaction};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The public store and the registry, read-only: what public interfaces
/// get. It has no path to the private store, and no way to write: it hands
/// out no oxigraph `Store` (whose methods write), only reads and queries.
#[derive(Clone)]
pub struct PublicView {
    pub(crate) side: Arc<PublicSide>,
}

/// The registry and the public store as of one instant.
pub struct PublicSnapshot<'a> {
    /// The registry.
    pub registry: RegistryReader,
    graphs: Transaction<'a>,
    dir: &'a Path,
}

impl PublicSnapshot<'_> {
    /// The quads of a named graph, as of the snapshot.
    pub fn graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        let g = NamedNodeRef::new_unchecked(graph);
        self.graphs
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
            .collect::<Result<Vec<_>, StorageError>>()
            .map_err(|source| StoreError::Oxigraph {
                dir: self.dir.to_path_buf(),
                source,
            })
    }

    /// The objects of `predicate` in a named graph, as of the snapshot
    /// (through the graph–predicate index).
    pub fn objects(&self, graph: &str, predicate: &str) -> Result<Vec<Term>, StoreError> {
        let g = NamedNodeRef::new_unchecked(graph);
        let p = NamedNodeRef::new_unchecked(predicate);
        self.graphs
            .quads_for_pattern(None, Some(p), None, Some(GraphNameRef::NamedNode(g)))
            .map(|q| q.map(|q| q.object))
            .collect::<Result<Vec<_>, StorageError>>()
            .map_err(|source| StoreError::Oxigraph {
                dir: self.dir.to_path_buf(),
                source,
            })
    }

    /// A live record's entry and public quads; a tombstone's entry alone.
    pub fn record(&self, key: &RecordKey) -> Result<Option<(RecordEntry, Vec<Quad>)>, StoreError> {
        match self.registry.get(key)? {
            Some(e) if e.is_deleted() => Ok(Some((e, Vec::new()))),
            Some(e) => {
                let quads = self.graph(&e.graph)?;
                Ok(Some((e, quads)))
            }
            None => Ok(None),
        }
    }
}

/// Counts over the stores.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    /// Records by kind (not deleted).
    pub records: BTreeMap<String, u64>,
    /// Records deleted (tombstones).
    pub deleted: u64,
    /// Quads in the public store.
    pub public_quads: usize,
    /// Quads in the private store.
    pub private_quads: usize,
    /// The newest datestamp.
    pub latest_change: Option<DateTime<Utc>>,
    /// The last sequence number of the change log.
    pub last_seq: u64,
}

/// A disagreement between the registry and the stored graphs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inconsistency {
    /// The record or graph.
    pub id: String,
    /// What disagrees.
    pub problem: String,
}

pub(crate) fn graph_quads(store: &Store, graph: &str) -> Result<Vec<Quad>, StorageError> {
    let g = NamedNodeRef::new_unchecked(graph);
    store
        .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
        .collect()
}

impl PublicView {
    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.side.dir
    }

    /// Evaluates a prepared SPARQL query over the public store (one
    /// snapshot). Only queries: the view offers no way to write.
    pub fn query(
        &self,
        prepared: PreparedSparqlQuery,
    ) -> Result<QueryResults<'static>, QueryEvaluationError> {
        prepared.on_store(&self.side.store).execute()
    }

    /// Whether the public store holds a named graph.
    pub fn contains_named_graph(&self, graph: &str) -> Result<bool, StoreError> {
        self.side
            .store
            .contains_named_graph(NamedNodeRef::new_unchecked(graph))
            .map_err(|e| self.side.oxi_err(e))
    }

    /// How many quads the public store holds.
    pub fn len(&self) -> Result<usize, StoreError> {
        self.side.store.len().map_err(|e| self.side.oxi_err(e))
    }

    /// Whether the public store is empty.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// Every quad of the public store.
    pub fn quads(&self) -> Result<Vec<Quad>, StoreError> {
        self.side
            .store
            .iter()
            .collect::<Result<_, _>>()
            .map_err(|e| self.side.oxi_err(e))
    }

    /// Writes the whole public store in `serializer`'s format (N-Quads,
    /// TriG…) to `writer`.
    pub fn dump_to_writer<W: std::io::Write>(
        &self,
        serializer: RdfSerializer,
        writer: W,
    ) -> Result<W, oxigraph::store::SerializerError> {
        self.side.store.dump_to_writer(serializer, writer)
    }

    /// A read of the registry alone.
    pub fn registry(&self) -> Result<RegistryReader, StoreError> {
        self.side.registry.begin_read()
    }

    /// The registry and the public store as of one instant: between two
    /// changes, never inside one.
    pub fn snapshot(&self) -> Result<PublicSnapshot<'_>, StoreError> {
        let _gate = self.side.gate.read().unwrap_or_else(|p| p.into_inner());
        let registry = self.side.registry.begin_read()?;
        let graphs = self
            .side
            .store
            .start_transaction()
            .map_err(|e| self.side.oxi_err(e))?;
        Ok(PublicSnapshot {
            registry,
            graphs,
            dir: &self.side.dir,
        })
    }

    /// A record's entry (tombstones too).
    pub fn record(&self, key: &RecordKey) -> Result<Option<RecordEntry>, StoreError> {
        self.registry()?.get(key)
    }

    /// Every entry, by key.
    pub fn records(&self) -> Result<Vec<RecordEntry>, StoreError> {
        self.registry()?.all()
    }

    /// The entries with this id, of any kind.
    pub fn find(&self, id: &str) -> Result<Vec<RecordEntry>, StoreError> {
        self.registry()?.find_id(id)
    }

    /// One page of records in (datestamp, key) order.
    pub fn list(&self, listing: &Listing) -> Result<Page, StoreError> {
        self.registry()?.list(listing)
    }

    /// The quads of a named graph of the public store.
    pub fn graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        graph_quads(&self.side.store, graph).map_err(|e| self.side.oxi_err(e))
    }

    /// The objects of `predicate` in a named graph of the public store
    /// (read through the graph–predicate index: the graph's other quads are
    /// not decoded).
    pub fn objects(&self, graph: &str, predicate: &str) -> Result<Vec<Term>, StoreError> {
        let g = NamedNodeRef::new_unchecked(graph);
        let p = NamedNodeRef::new_unchecked(predicate);
        self.side
            .store
            .quads_for_pattern(None, Some(p), None, Some(GraphNameRef::NamedNode(g)))
            .map(|q| q.map(|q| q.object))
            .collect::<Result<Vec<_>, StorageError>>()
            .map_err(|e| self.side.oxi_err(e))
    }

    /// Counts records and quads (`private`: also the private store's quads).
    pub fn stats(&self, private: Option<&PrivateView>) -> Result<Stats, StoreError> {
        let reg = self.registry()?;
        let mut records = BTreeMap::new();
        let mut deleted = 0;
        for e in reg.all()? {
            if e.is_deleted() {
                deleted += 1;
            } else {
                *records.entry(e.kind().as_str().to_string()).or_insert(0) += 1;
            }
        }
        Ok(Stats {
            records,
            deleted,
            public_quads: self.side.store.len().map_err(|e| self.side.oxi_err(e))?,
            private_quads: match private {
                Some(p) => p.store.len().map_err(|e| p.err(e))?,
                None => 0,
            },
            latest_change: reg.latest_datestamp()?,
            last_seq: reg.last_seq()?,
        })
    }

    /// Checks that every live record's graphs match the registry's hashes,
    /// that tombstones have no graphs, and that no stored graph lacks an
    /// entry.
    pub fn verify_with(&self, private: &PrivateView) -> Result<Vec<Inconsistency>, StoreError> {
        let mut out = Vec::new();
        let entries = self.records()?;
        for e in &entries {
            let public = self.graph(&e.graph)?;
            let private_quads = private.graph(&e.graph)?;
            if e.is_deleted() {
                if !public.is_empty() || !private_quads.is_empty() {
                    out.push(Inconsistency {
                        id: e.key.to_string(),
                        problem: "deleted, but its graph is still stored".into(),
                    });
                }
                continue;
            }
            let (p, q) = (canonical_hash(&public), canonical_hash(&private_quads));
            if p != e.public_hash {
                out.push(Inconsistency {
                    id: e.key.to_string(),
                    problem: format!("public graph hash {p} ≠ registry {}", e.public_hash),
                });
            }
            if q != e.private_hash {
                out.push(Inconsistency {
                    id: e.key.to_string(),
                    problem: format!("private graph hash {q} ≠ registry {}", e.private_hash),
                });
            }
        }
        let known: HashSet<&str> = entries
            .iter()
            .filter(|e| !e.is_deleted())
            .map(|e| e.graph.as_str())
            .collect();
        for (name, store) in [("public", &self.side.store), ("private", &private.store)] {
            for g in store.named_graphs() {
                let g = g.map_err(|e| self.side.oxi_err(e))?;
                let iri = g.to_string();
                let iri = iri.trim_start_matches('<').trim_end_matches('>');
                if !known.contains(iri) {
                    out.push(Inconsistency {
                        id: iri.to_string(),
                        problem: format!("graph in the {name} store has no registry entry"),
                    });
                }
            }
        }
        Ok(out)
    }
}

/// The private store, read-only: for trusted exports only (never given to
/// a public interface).
#[derive(Clone)]
pub struct PrivateView {
    pub(crate) dir: PathBuf,
    pub(crate) store: Store,
}

impl PrivateView {
    fn err(&self, source: StorageError) -> StoreError {
        StoreError::Oxigraph {
            dir: self.dir.clone(),
            source,
        }
    }

    /// The quads of a named graph of the private store.
    pub fn graph(&self, graph: &str) -> Result<Vec<Quad>, StoreError> {
        graph_quads(&self.store, graph).map_err(|e| self.err(e))
    }

    /// Every quad of the private store.
    pub fn quads(&self) -> Result<Vec<Quad>, StoreError> {
        self.store
            .iter()
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))
    }
}
