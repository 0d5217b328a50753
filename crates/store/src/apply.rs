//! Applying a journaled round to the stores and the registry, replaying the
//! journal on open, and checkpoints.

use crate::journal::JournaledChange;
use crate::registry::ChangeOp;
use crate::{fault_point, StoreError, Stores};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, Quad};
use oxigraph::store::{StorageError, Store};
use std::collections::HashSet;

/// One change of a round.
pub(crate) struct Step<'a> {
    pub(crate) change: &'a JournaledChange,
    /// No graph of this record is in the stores: it is only inserted.
    pub(crate) fresh: bool,
}

/// Applies a round. The two stores take it at once, each on a thread of
/// its own. Each store takes the round in at most two atomic steps per
/// record (its graph when new to the store; replacements and deletes in
/// one transaction), so a record is never half-written in a store; both
/// stores' come before the registry's commit, so the registry never
/// announces content that is not stored.
///
/// Readers that pair a registry snapshot with a public-store snapshot are
/// held off while the replacements and the registry commit, so that they
/// never see a record's new graph with its old entry, or the reverse.
/// Records new to the store are committed before that, in one write batch:
/// until the registry names them, a paired reader does not look for them,
/// and a SPARQL query sees each one whole or not at all.
///
/// `bulk`: no reader can exist (a command that opened an empty store
/// itself), so records new to the store go through oxigraph's bulk loader
/// (twice as fast: sorted files, no memtable inserts; but the files it adds
/// to RocksDB's first level slow the reads of a store being read, measured
/// by the `live` benchmark, so a server never uses it).
pub(crate) fn round(stores: &Stores, steps: &[Step<'_>], bulk: bool) -> Result<(), StoreError> {
    let t = std::time::Instant::now();
    let private = &stores.private;
    let public = &stores.public;
    let (private_done, public_done, gate_held) = std::thread::scope(|scope| {
        let private_job = std::thread::Builder::new()
            .name("dmpgraph-writer-private".into())
            .spawn_scoped(scope, || {
                let done = prepare(&private.store, steps, false, bulk)
                    .and_then(Prepared::commit_new)
                    .and_then(Changes::commit)
                    .map_err(|e| private.oxi_err(e));
                (done, t.elapsed())
            })
            .map_err(|source| StoreError::Io {
                path: private.dir.clone(),
                source,
            })?;
        let changes = prepare(&public.store, steps, true, bulk)
            .and_then(Prepared::commit_new)
            .map_err(|e| public.oxi_err(e));
        let (private_result, private_done) = private_job
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        private_result?;
        fault_point("after-private");
        let changes = changes?;
        let _gate = public.gate.write().unwrap_or_else(|p| p.into_inner());
        let held = std::time::Instant::now();
        changes.commit().map_err(|e| public.oxi_err(e))?;
        fault_point("after-public");
        let public_done = t.elapsed();
        public.registry.write(false, |w| {
            for s in steps {
                w.name_sets(&s.change.set_names)?;
                w.record(s.change.entry.clone(), s.change.op, s.change.public_changed)?;
            }
            Ok(())
        })?;
        Ok::<_, StoreError>((private_done, public_done, held.elapsed()))
    })?;
    fault_point("after-registry");
    tracing::debug!(
        private_ms = private_done.as_secs_f64() * 1e3,
        public_ms = public_done.as_secs_f64() * 1e3,
        registry_ms = (t.elapsed() - public_done).as_secs_f64() * 1e3,
        readers_held_off_ms = gate_held.as_secs_f64() * 1e3,
        "round applied"
    );
    Ok(())
}

/// A store's part of a round, ready to commit.
struct Prepared<'a> {
    store: &'a Store,
    /// Records new to the store, bulk-loading in the loader's thread…
    loader: Option<oxigraph::store::BulkLoader<'a>>,
    /// … or to be written in one write batch.
    fresh: Vec<Quad>,
    /// Replacements and deletes.
    tx: Option<oxigraph::store::Transaction<'a>>,
}

/// A store's replacements and deletes, ready to commit.
struct Changes<'a>(Option<oxigraph::store::Transaction<'a>>);

impl<'a> Prepared<'a> {
    /// Commits the records new to the store; the rest is left to commit.
    fn commit_new(self) -> Result<Changes<'a>, StorageError> {
        if let Some(loader) = self.loader {
            loader.commit()?;
        } else if !self.fresh.is_empty() {
            self.store.extend(self.fresh)?;
        }
        Ok(Changes(self.tx))
    }
}

impl Changes<'_> {
    fn commit(self) -> Result<(), StorageError> {
        match self.0 {
            Some(tx) => tx.commit(),
            None => Ok(()),
        }
    }
}

fn prepare<'a>(
    store: &'a Store,
    steps: &[Step<'_>],
    public: bool,
    bulk: bool,
) -> Result<Prepared<'a>, StorageError> {
    let mut fresh: Vec<Quad> = Vec::new();
    let mut tx = None;
    let parse_err = |e: StoreError| StorageError::Other(Box::new(e));
    for step in steps {
        let c = step.change;
        let graph = NamedNode::new_unchecked(&c.entry.graph);
        let new = c.quads(public).map_err(parse_err)?;
        if step.fresh && c.replaces.is_empty() {
            fresh.extend(new.iter().cloned());
            continue;
        }
        if tx.is_none() {
            tx = Some(store.start_transaction()?);
        }
        let tx = tx.as_mut().expect("just started");
        for old_graph in &c.replaces {
            tx.remove_named_graph(NamedNodeRef::new_unchecked(old_graph))?;
        }
        if c.op == ChangeOp::Deleted {
            tx.remove_named_graph(graph.as_ref())?;
            continue;
        }
        // Only what differs is written: a new version of a plan usually
        // keeps most of its quads.
        let old: HashSet<Quad> = tx
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .collect::<Result<_, _>>()?;
        let new: HashSet<&Quad> = new.iter().collect();
        for q in old.iter().filter(|q| !new.contains(q)) {
            tx.remove(q);
        }
        for q in new.into_iter().filter(|q| !old.contains(*q)) {
            tx.insert(q);
        }
    }
    let loader = if bulk && !fresh.is_empty() {
        let mut loader = store.bulk_loader();
        loader.load_quads(std::mem::take(&mut fresh))?;
        Some(loader)
    } else {
        None
    };
    Ok(Prepared {
        store,
        loader,
        fresh,
        tx,
    })
}

/// Replays every round the journal holds (in order; each one idempotent:
/// a graph is made what the round says, whatever it holds), then
/// checkpoints. Run on open, before any reader.
pub(crate) fn recover(stores: &Stores) -> Result<(), StoreError> {
    let rounds = stores.private.journal.rounds()?;
    let Some(last) = rounds.last().map(|(r, _)| *r) else {
        return Ok(());
    };
    tracing::warn!(
        rounds = rounds.len(),
        "replaying changes from the journal (the store was not closed cleanly)"
    );
    for (_, changes) in &rounds {
        let steps: Vec<Step<'_>> = changes
            .iter()
            .map(|change| Step {
                change,
                fresh: false,
            })
            .collect();
        round(stores, &steps, false)?;
    }
    checkpoint(stores, last)
}

/// Makes everything up to `round` durable: both oxigraph stores flushed to
/// disk, then the registry committed durably, then the journal trimmed.
pub(crate) fn checkpoint(stores: &Stores, round: u64) -> Result<(), StoreError> {
    let t = std::time::Instant::now();
    // The two stores flush at once (each waits for its memtables' files).
    let (private, public) = std::thread::scope(|scope| {
        let private = scope.spawn(|| {
            stores
                .private
                .store
                .flush()
                .map_err(|e| stores.private.oxi_err(e))
        });
        let public = stores
            .public
            .store
            .flush()
            .map_err(|e| stores.public.oxi_err(e));
        (
            private
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            public,
        )
    });
    private?;
    public?;
    let flushed = t.elapsed();
    fault_point("after-flush");
    stores.public.registry.sync()?;
    let synced = t.elapsed();
    stores.private.journal.trim(round)?;
    tracing::debug!(
        flush_ms = flushed.as_secs_f64() * 1e3,
        registry_ms = (synced - flushed).as_secs_f64() * 1e3,
        journal_ms = (t.elapsed() - synced).as_secs_f64() * 1e3,
        "checkpoint"
    );
    Ok(())
}
