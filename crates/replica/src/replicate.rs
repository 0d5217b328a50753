//! Replication from the change log, and the durable position of each engine.

use crate::config::Flavour;
use crate::engine::Engine;
use crate::{EngineConfig, ReplicaError};
use chrono::{DateTime, Utc};
use dmpgraph_store::{ChangeOp, PublicSnapshot, PublicView, RecordKey};
use oxigraph::model::{Quad, Term};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Changes read from the log per round (each round ends with a position).
const CHANGES_PER_ROUND: usize = 2_000;
/// Records read from one snapshot and sent before the next are read.
const RECORDS_PER_BATCH: usize = 250;
/// Triples per `INSERT DATA` for Virtuoso, which compiles each into SQL
/// and refuses very long ones (SP031, "exceeded 10000 lines").
const VIRTUOSO_TRIPLES_PER_INSERT: usize = 400;
/// The longest wait between two attempts after a failure.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How far an engine has caught up: kept in `DIR/public/replicas/NAME.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The engine's name.
    pub name: String,
    /// The engine's query endpoint (another URL starts from the beginning).
    pub engine: String,
    /// Every change up to this sequence number is in the engine.
    pub seq: u64,
    /// When the last round was sent.
    pub replicated_at: Option<DateTime<Utc>>,
    /// The last failure since the last success, for operators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When the engine started failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<DateTime<Utc>>,
}

fn replicas_dir(store: &Path) -> PathBuf {
    store.join("public").join("replicas")
}

fn position_path(store: &Path, name: &str) -> PathBuf {
    replicas_dir(store).join(format!("{name}.json"))
}

/// The position of engine `name` in store `store`, if it has one.
pub fn read_position(store: &Path, name: &str) -> Result<Option<Position>, ReplicaError> {
    let path = position_path(store, name);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| ReplicaError::Position { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ReplicaError::Io { path, source }),
    }
}

/// Every position kept in `store`, by name.
pub fn positions(store: &Path) -> Result<Vec<Position>, ReplicaError> {
    let dir = replicas_dir(store);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(ReplicaError::Io { path: dir, source }),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ReplicaError::Io {
            path: dir.clone(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(name) = name.strip_suffix(".json") {
            out.extend(read_position(store, name)?);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Writes a position whole or not at all (a temporary file, synced, then
/// renamed over the old one).
fn write_position(store: &Path, position: &Position) -> Result<(), ReplicaError> {
    use std::io::Write;
    let dir = replicas_dir(store);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReplicaError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let path = position_path(store, &position.name);
    let tmp = dir.join(format!(".{}.json.tmp", position.name));
    let mut bytes =
        serde_json::to_vec_pretty(position).map_err(|source| ReplicaError::Position {
            path: path.clone(),
            source,
        })?;
    bytes.push(b'\n');
    let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    file.write_all(&bytes).map_err(io(&tmp))?;
    file.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// What one record becomes in the engine.
enum Op {
    /// Its graph replaced by these quads.
    Replace(String, Vec<Quad>),
    /// Its graph dropped (a deleted record).
    Drop(String),
}

/// Replicates a store's public view to one engine.
pub struct Replicator {
    view: PublicView,
    engine: Engine,
    runtime: tokio::runtime::Runtime,
}

impl Replicator {
    /// A replicator of `view` (the public store and registry only: nothing
    /// private can be read through it) to the engine of `config`.
    pub fn new(view: PublicView, config: EngineConfig) -> Result<Replicator, ReplicaError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| ReplicaError::Io {
                path: view.dir().to_path_buf(),
                source,
            })?;
        // The client's connection pool belongs to this runtime.
        let engine = {
            let _enter = runtime.enter();
            Engine::new(config)?
        };
        Ok(Replicator {
            view,
            engine,
            runtime,
        })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Its position now (a fresh one when none is kept, or when the one
    /// kept is of another engine URL: that engine starts from the start).
    pub fn position(&self) -> Result<Position, ReplicaError> {
        let config = self.engine.config();
        let fresh = Position {
            name: config.name.clone(),
            engine: config.query_url.clone(),
            seq: 0,
            replicated_at: None,
            last_error: None,
            failing_since: None,
        };
        Ok(match read_position(self.view.dir(), &config.name)? {
            Some(p) if p.engine == config.query_url => p,
            Some(p) => {
                tracing::warn!(engine = %config.name, was = %p.engine, now = %config.query_url,
                    "the engine's URL changed: replicating everything to the new one");
                fresh
            }
            None => fresh,
        })
    }

    /// Sends rounds until the engine has every change of the log; the
    /// position reached.
    pub fn catch_up(&self) -> Result<Position, ReplicaError> {
        loop {
            let (position, more) = self.round()?;
            if !more {
                return Ok(position);
            }
        }
    }

    /// Catches up, then keeps the engine caught up (polling the log every
    /// `poll`) until `stop` is set. A failure is logged, kept in the
    /// position file, and retried with a growing backoff; no change is
    /// ever skipped.
    pub fn run(&self, poll: Duration, stop: &AtomicBool) {
        let mut backoff = Duration::from_secs(1);
        let mut failing = false;
        while !stop.load(Ordering::Relaxed) {
            match self.catch_up() {
                Ok(p) => {
                    if failing {
                        tracing::info!(engine = %self.engine.name(), seq = p.seq, "engine reachable again: caught up");
                    }
                    failing = false;
                    backoff = Duration::from_secs(1);
                    sleep_unless(stop, poll);
                }
                Err(e) => {
                    tracing::error!(engine = %self.engine.name(), error = %chain(&e), retry_in = ?backoff,
                        "replication failed; the position is kept and the round will be sent again");
                    failing = true;
                    if let Err(e2) = self.note_failure(&e) {
                        tracing::error!(error = %chain(&e2), "cannot record the replication failure");
                    }
                    sleep_unless(stop, backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    fn note_failure(&self, e: &ReplicaError) -> Result<(), ReplicaError> {
        let mut p = self.position()?;
        p.last_error = Some(chain(e));
        p.failing_since.get_or_insert_with(Utc::now);
        write_position(self.view.dir(), &p)
    }

    /// One round: the changes after the position (at most
    /// [`CHANGES_PER_ROUND`]), sent, then the new position written. Whether
    /// more changes are waiting.
    fn round(&self) -> Result<(Position, bool), ReplicaError> {
        let mut position = self.position()?;
        let snapshot = self.view.snapshot()?;
        let last = snapshot.registry.last_seq()?;
        let initial = position.replicated_at.is_none();
        if position.seq >= last && !initial {
            return Ok((position, false));
        }
        let (keys, upto) = if initial {
            // Everything, tombstones too (their graphs may be in an engine
            // that was fed before its position was lost).
            let keys: Vec<RecordKey> = snapshot
                .registry
                .all()?
                .into_iter()
                .map(|e| e.key)
                .collect();
            (keys, last)
        } else {
            let changes = snapshot
                .registry
                .changes_after(position.seq, CHANGES_PER_ROUND)?;
            let upto = if changes.len() < CHANGES_PER_ROUND {
                last
            } else {
                changes.last().map_or(last, |c| c.seq)
            };
            // The last change of each record counts; a change of private
            // values only leaves the public graph, and the engine, as it was.
            let mut latest: HashMap<RecordKey, u64> = HashMap::new();
            for c in changes {
                if c.public_changed || c.op != ChangeOp::Updated {
                    latest.insert(c.key, c.seq);
                }
            }
            let mut keys: Vec<(u64, RecordKey)> = latest.into_iter().map(|(k, s)| (s, k)).collect();
            keys.sort();
            (keys.into_iter().map(|(_, k)| k).collect(), upto)
        };
        drop(snapshot);
        // The first load (or a reload) goes in bulk: a batch's graphs
        // dropped in one request, then their quads without a drop between
        // (Virtuoso takes one record's DROP and INSERT DATA in a row at a
        // fifth of the speed of the two apart).
        let bulk = initial;
        let (mut replaced, mut dropped) = (0, 0);
        // A batch of records is read from one snapshot, and sent before
        // the next is read: memory holds one batch's graphs. A record's
        // state may be newer than the change that named it: sending it is
        // right, and the newer change is sent again later (each replaces
        // a whole graph).
        for batch in keys.chunks(RECORDS_PER_BATCH) {
            let ops = self.read_batch(batch)?;
            replaced += ops.iter().filter(|o| matches!(o, Op::Replace(..))).count();
            dropped += ops.iter().filter(|o| matches!(o, Op::Drop(_))).count();
            if bulk {
                self.send_bulk(ops)?;
            } else {
                self.send_updates(ops)?;
            }
        }
        tracing::info!(engine = %self.engine.name(), from = position.seq, to = upto, replaced, dropped,
            bulk, "replicated");
        position.seq = upto;
        position.replicated_at = Some(Utc::now());
        position.last_error = None;
        position.failing_since = None;
        write_position(self.view.dir(), &position)?;
        Ok((position, upto < last))
    }

    /// What each record of `keys` is now, from one snapshot.
    fn read_batch(&self, keys: &[RecordKey]) -> Result<Vec<Op>, ReplicaError> {
        let snapshot = self.view.snapshot()?;
        let mut ops = Vec::with_capacity(keys.len());
        for key in keys {
            match snapshot.registry.get(key)? {
                Some(e) => ops.push(op_of(&snapshot, e.is_deleted(), e.graph)?),
                None => tracing::warn!(record = %key, "a change names a record the registry lacks"),
            }
        }
        Ok(ops)
    }

    /// Update requests of several records each, at most
    /// `max_request_bytes` (a larger record alone).
    fn send_updates(&self, ops: Vec<Op>) -> Result<(), ReplicaError> {
        let per_insert = self.per_insert();
        self.send_packed(ops.iter().map(|op| update_text(op, per_insert)))
    }

    /// Triples per `INSERT DATA` for this engine.
    fn per_insert(&self) -> usize {
        match self.engine.flavour() {
            Flavour::Virtuoso => VIRTUOSO_TRIPLES_PER_INSERT,
            _ => usize::MAX,
        }
    }

    /// Update operations joined into requests of at most
    /// `max_request_bytes` (a larger operation alone), each sent in turn.
    fn send_packed(&self, operations: impl Iterator<Item = String>) -> Result<(), ReplicaError> {
        let max = self.engine.config().max_request_bytes;
        let mut request = String::new();
        for text in operations {
            if !request.is_empty() && request.len() + text.len() > max {
                self.send(std::mem::take(&mut request))?;
            }
            if !request.is_empty() {
                request.push_str(" ;\n");
            }
            request.push_str(&text);
        }
        if !request.is_empty() {
            self.send(request)?;
        }
        Ok(())
    }

    fn send(&self, update: String) -> Result<(), ReplicaError> {
        self.runtime.block_on(self.engine.update(update))
    }

    /// The bulk path of a first load: per batch, every graph dropped (one
    /// request for a batch, within `max_request_bytes`), then the live
    /// ones' quads: to an oxigraph server as
    /// N-Quads posted to its Graph Store Protocol endpoint, to others in
    /// `INSERT DATA` operations spanning several graphs (Virtuoso's of at
    /// most [`VIRTUOSO_TRIPLES_PER_INSERT`] triples), requests of at most
    /// `max_request_bytes`. A reader of the engine may see a record missing
    /// while it loads, as during any first load.
    fn send_bulk(&self, ops: Vec<Op>) -> Result<(), ReplicaError> {
        let max = self.engine.config().max_request_bytes;
        self.send_packed(ops.iter().map(|op| {
            let (Op::Replace(g, _) | Op::Drop(g)) = op;
            format!("DROP SILENT GRAPH <{g}>")
        }))?;
        let live = ops.iter().filter_map(|op| match op {
            Op::Replace(g, quads) => Some((g.as_str(), quads.as_slice())),
            Op::Drop(_) => None,
        });
        if self.engine.flavour() == Flavour::Oxigraph && self.engine.config().store_url.is_some() {
            let mut nquads = String::new();
            for (_, quads) in live {
                for q in quads {
                    let _ = writeln!(nquads, "{q} .");
                }
                if nquads.len() >= max {
                    let body = std::mem::take(&mut nquads).into_bytes();
                    self.runtime.block_on(self.engine.post_nquads(body))?;
                }
            }
            if !nquads.is_empty() {
                self.runtime
                    .block_on(self.engine.post_nquads(nquads.into_bytes()))?;
            }
            return Ok(());
        }
        self.send_packed(insert_operations(live, self.per_insert()).into_iter())
    }
}

/// `INSERT DATA` operations of at most `per_insert` triples each, a
/// graph's triples following each other across as many graphs as fit; a
/// graph with a blank node goes whole in an operation of its own (a label
/// names one node only within one operation).
fn insert_operations<'a>(
    graphs: impl Iterator<Item = (&'a str, &'a [Quad])>,
    per_insert: usize,
) -> Vec<String> {
    let per_insert = per_insert.max(1);
    let mut out = Vec::new();
    let (mut op, mut in_op, mut open) = (String::new(), 0usize, None::<&str>);
    let close = |op: &mut String, open: &mut Option<&str>, out: &mut Vec<String>| {
        if open.take().is_some() {
            op.push_str("} }");
            out.push(std::mem::take(op));
        }
    };
    for (g, quads) in graphs {
        if quads.iter().any(has_blank_node) {
            tracing::warn!(graph = %g, "the graph has blank nodes (the store is meant to be skolemised): sent in one INSERT DATA");
            close(&mut op, &mut open, &mut out);
            let mut alone = format!("INSERT DATA {{ GRAPH <{g}> {{\n");
            for q in quads {
                let _ = writeln!(alone, "{} {} {} .", q.subject, q.predicate, q.object);
            }
            alone.push_str("} }");
            out.push(alone);
            in_op = 0;
            continue;
        }
        for q in quads {
            if in_op == per_insert {
                close(&mut op, &mut open, &mut out);
                in_op = 0;
            }
            match open {
                None => {
                    let _ = writeln!(op, "INSERT DATA {{ GRAPH <{g}> {{");
                    open = Some(g);
                }
                Some(o) if o != g => {
                    let _ = writeln!(op, "}}\nGRAPH <{g}> {{");
                    open = Some(g);
                }
                Some(_) => {}
            }
            let _ = writeln!(op, "{} {} {} .", q.subject, q.predicate, q.object);
            in_op += 1;
        }
    }
    close(&mut op, &mut open, &mut out);
    out
}

fn op_of(snapshot: &PublicSnapshot<'_>, deleted: bool, graph: String) -> Result<Op, ReplicaError> {
    if deleted {
        return Ok(Op::Drop(graph));
    }
    let quads = snapshot.graph(&graph)?;
    Ok(Op::Replace(graph, quads))
}

fn has_blank_node(q: &Quad) -> bool {
    q.subject.is_blank_node() || matches!(q.object, Term::BlankNode(_))
}

/// The update of one record: `DROP SILENT GRAPH <g>`, then for a live
/// record its triples in `INSERT DATA` operations of at most `per_insert`
/// triples (one operation when the graph has a blank node: a label means
/// one node only within one operation).
fn update_text(op: &Op, per_insert: usize) -> String {
    let mut out = String::new();
    match op {
        Op::Drop(g) => {
            let _ = write!(out, "DROP SILENT GRAPH <{g}>");
        }
        Op::Replace(g, quads) => {
            let _ = write!(out, "DROP SILENT GRAPH <{g}>");
            for insert in
                insert_operations(std::iter::once((g.as_str(), quads.as_slice())), per_insert)
            {
                out.push_str(" ;\n");
                out.push_str(&insert);
            }
        }
    }
    out
}

fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(100);
    let mut waited = Duration::ZERO;
    while waited < total && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        waited += step;
    }
}

/// An error with its sources, on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(text, ": {s}");
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode};

    fn quad(o: Term) -> Quad {
        Quad::new(
            NamedNode::new_unchecked("http://ex/s"),
            NamedNode::new_unchecked("http://ex/p"),
            o,
            NamedNode::new_unchecked("http://ex/g"),
        )
    }

    #[test]
    fn a_record_is_dropped_and_inserted_in_one_update_in_chunks() {
        let quads: Vec<Quad> = (0..5)
            .map(|i| quad(Literal::new_simple_literal(format!("v\"{i}\n")).into()))
            .collect();
        let text = update_text(&Op::Replace("http://ex/g".into(), quads), 2);
        assert!(text.starts_with("DROP SILENT GRAPH <http://ex/g> ;\nINSERT DATA"));
        assert_eq!(text.matches("INSERT DATA").count(), 3);
        assert!(text.contains(r#""v\"0\n""#), "{text}");
        spargebra_check(&text);
        let blank = vec![
            quad(BlankNode::new_unchecked("b1").into()),
            quad(Literal::from(1).into()),
            quad(BlankNode::new_unchecked("b1").into()),
        ];
        let text = update_text(&Op::Replace("http://ex/g".into(), blank), 1);
        assert_eq!(text.matches("INSERT DATA").count(), 1);
        spargebra_check(&text);
        assert_eq!(
            update_text(&Op::Drop("http://ex/g".into()), 2),
            "DROP SILENT GRAPH <http://ex/g>"
        );
    }

    #[test]
    fn a_first_load_spans_graphs_in_insert_operations_of_at_most_n_triples() {
        let graph = |g: &str, n: usize| -> Vec<Quad> {
            (0..n)
                .map(|i| {
                    Quad::new(
                        NamedNode::new_unchecked("http://ex/s"),
                        NamedNode::new_unchecked("http://ex/p"),
                        Literal::from(i as i64),
                        NamedNode::new_unchecked(g),
                    )
                })
                .collect()
        };
        let (a, b, c) = (
            graph("http://ex/a", 3),
            graph("http://ex/b", 4),
            graph("http://ex/c", 1),
        );
        let blank = vec![
            Quad::new(
                BlankNode::new_unchecked("b1"),
                NamedNode::new_unchecked("http://ex/p"),
                BlankNode::new_unchecked("b2"),
                NamedNode::new_unchecked("http://ex/d"),
            ),
            Quad::new(
                BlankNode::new_unchecked("b2"),
                NamedNode::new_unchecked("http://ex/p"),
                Literal::from(1),
                NamedNode::new_unchecked("http://ex/d"),
            ),
        ];
        let ops = insert_operations(
            [
                ("http://ex/a", a.as_slice()),
                ("http://ex/d", blank.as_slice()),
                ("http://ex/b", b.as_slice()),
                ("http://ex/c", c.as_slice()),
            ]
            .into_iter(),
            3,
        );
        // a (3); d whole (2); b's first 3; b's last and c.
        assert_eq!(ops.len(), 4, "{ops:#?}");
        assert!(ops[3].contains("GRAPH <http://ex/b>") && ops[3].contains("GRAPH <http://ex/c>"));
        let store = oxigraph::store::Store::new().unwrap();
        for op in &ops {
            assert!(op.matches(" .\n").count() <= 3, "{op}");
            store.update(op.as_str()).unwrap();
        }
        assert_eq!(store.len().unwrap(), 10);
        // The two blank nodes of d are still linked: one operation.
        let linked = oxigraph::sparql::SparqlEvaluator::new()
            .parse_query("ASK { GRAPH <http://ex/d> { ?x <http://ex/p> ?y . ?y <http://ex/p> 1 } }")
            .unwrap()
            .on_store(&store)
            .execute()
            .unwrap();
        assert!(matches!(
            linked,
            oxigraph::sparql::QueryResults::Boolean(true)
        ));
    }

    fn spargebra_check(text: &str) {
        let store = oxigraph::store::Store::new().unwrap();
        store.update(text).unwrap();
    }

    #[test]
    fn a_position_is_written_whole_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_position(dir.path(), "a").unwrap(), None);
        let p = Position {
            name: "a".into(),
            engine: "http://127.0.0.1:1/sparql".into(),
            seq: 42,
            replicated_at: Some(Utc::now()),
            last_error: None,
            failing_since: None,
        };
        write_position(dir.path(), &p).unwrap();
        assert_eq!(read_position(dir.path(), "a").unwrap(), Some(p.clone()));
        assert_eq!(positions(dir.path()).unwrap(), vec![p]);
        std::fs::write(position_path(dir.path(), "b"), "{").unwrap();
        assert!(matches!(
            read_position(dir.path(), "b"),
            Err(ReplicaError::Position { .. })
        ));
    }
}
