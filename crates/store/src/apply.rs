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

/// Applies a round: the private store, then (with readers held off their
/// snapshots) the public store and the registry. Each store takes the round
/// in one transaction per kind of step (records new to the store in one
/// write batch, replacements and deletes in one transaction), so a record
/// is never half-written in a store.
pub(crate) fn round(stores: &Stores, steps: &[Step<'_>], bulk: bool) -> Result<(), StoreError> {
    let private = &stores.private;
    write_store(&private.store, steps, false, bulk, &|e| private.oxi_err(e))?;
    fault_point("after-private");
    let public = &stores.public;
    {
        let _gate = public.gate.write().unwrap_or_else(|p| p.into_inner());
        write_store(&public.store, steps, true, bulk, &|e| public.oxi_err(e))?;
        fault_point("after-public");
        public.registry.write(false, |w| {
            for s in steps {
                w.record(s.change.entry.clone(), s.change.op, s.change.public_changed)?;
            }
            Ok(())
        })?;
    }
    fault_point("after-registry");
    Ok(())
}

fn write_store(
    store: &Store,
    steps: &[Step<'_>],
    public: bool,
    bulk: bool,
    err: &dyn Fn(StorageError) -> StoreError,
) -> Result<(), StoreError> {
    let mut fresh: Vec<Quad> = Vec::new();
    let mut tx = None;
    for step in steps {
        let c = step.change;
        let graph = NamedNode::new_unchecked(&c.entry.graph);
        let new = c.quads(public)?.into_owned();
        if step.fresh && c.replaces.is_empty() {
            fresh.extend(new);
            continue;
        }
        if tx.is_none() {
            tx = Some(store.start_transaction().map_err(err)?);
        }
        let tx = tx.as_mut().expect("just started");
        for old_graph in &c.replaces {
            tx.remove_named_graph(NamedNodeRef::new_unchecked(old_graph))
                .map_err(err)?;
        }
        if c.op == ChangeOp::Deleted {
            tx.remove_named_graph(graph.as_ref()).map_err(err)?;
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
            .collect::<Result<_, _>>()
            .map_err(err)?;
        let new: HashSet<Quad> = new.into_iter().collect();
        for q in old.difference(&new) {
            tx.remove(q);
        }
        for q in new.difference(&old) {
            tx.insert(q);
        }
    }
    if !fresh.is_empty() {
        if bulk {
            let mut loader = store.bulk_loader();
            loader.load_quads(fresh).map_err(err)?;
            loader.commit().map_err(err)?;
        } else {
            store.extend(fresh).map_err(err)?;
        }
    }
    if let Some(tx) = tx {
        tx.commit().map_err(err)?;
    }
    Ok(())
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
    stores
        .private
        .store
        .flush()
        .map_err(|e| stores.private.oxi_err(e))?;
    stores
        .public
        .store
        .flush()
        .map_err(|e| stores.public.oxi_err(e))?;
    fault_point("after-flush");
    stores.public.registry.sync()?;
    stores.private.journal.trim(round)
}
