//! Reading stored records: the [`Catalog`] of a store this process opened
//! ([`Local`]) or of a running server (through its admin socket), and how a
//! record id written by a person is resolved to a record.

use crate::ingest::Sink;
use crate::PipelineError;
use dmpgraph_model::identity::Identifier;
use dmpgraph_store::{
    Change, Inconsistency, PrivateView, PublicView, RecordEntry, RecordKey, Stats, Stores,
    WriteHandle, WriteOutcome, Writer, WriterOptions,
};
use oxigraph::model::{Quad, Term};
use std::path::Path;

/// Stored records, read.
pub trait Catalog {
    /// Where the store is, for messages.
    fn location(&self) -> String;
    /// Every registry entry, by key.
    fn records(&self) -> Result<Vec<RecordEntry>, PipelineError>;
    /// The entries with this id, of any kind.
    fn find(&self, id: &str) -> Result<Vec<RecordEntry>, PipelineError>;
    /// Every entry of one kind (tombstones too), in key order.
    fn records_of(
        &self,
        kind: dmpgraph_store::RecordKind,
    ) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self
            .records()?
            .into_iter()
            .filter(|e| e.kind() == kind)
            .collect())
    }
    /// A record's entry.
    fn record(&self, key: &RecordKey) -> Result<Option<RecordEntry>, PipelineError>;
    /// A graph of the public store.
    fn public_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError>;
    /// The objects of `predicate` in a graph of the public store.
    fn public_objects(&self, graph: &str, predicate: &str) -> Result<Vec<Term>, PipelineError> {
        Ok(self
            .public_graph(graph)?
            .into_iter()
            .filter(|q| q.predicate.as_str() == predicate)
            .map(|q| q.object)
            .collect())
    }
    /// The text of the first literal of `predicate` in a public graph (a
    /// record's kept JSON document), read through the graph–predicate index.
    fn public_literal(
        &self,
        graph: &str,
        predicate: &str,
    ) -> Result<Option<String>, PipelineError> {
        Ok(self
            .public_objects(graph, predicate)?
            .into_iter()
            .find_map(|t| match t {
                Term::Literal(l) => Some(l.value().to_string()),
                _ => None,
            }))
    }
    /// A graph of the private store.
    fn private_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError>;
    /// Counts, and (`verify`) the disagreements between registry and graphs.
    fn stats(&self, verify: bool) -> Result<(Stats, Option<Vec<Inconsistency>>), PipelineError>;
}

/// The nice value of writing while a server serves: the server's writer,
/// the threads that prepare what its admin socket receives, and a command
/// that hands its work to a running server run at it, so that a large
/// ingest slows itself rather than the answers to readers.
pub const WRITER_NICE: i32 = 10;

/// A store this process opened, with its writer running in this process.
pub struct Local {
    writer: Writer,
}

impl Local {
    /// Opens the stores under `dir` (replaying the journal) and starts
    /// their writer. `offline`: no server reads this store, so records new
    /// to the store are bulk-loaded.
    pub fn open(dir: &Path, offline: bool) -> Result<Local, PipelineError> {
        Local::open_on(dir, offline, None)
    }

    /// As [`open`](Self::open), deciding embargoes as of `today` (default:
    /// today in Japan).
    pub fn open_on(
        dir: &Path,
        offline: bool,
        today: Option<chrono::NaiveDate>,
    ) -> Result<Local, PipelineError> {
        Local::open_with(
            dir,
            WriterOptions {
                offline,
                today,
                ..WriterOptions::default()
            },
        )
    }

    /// Opens the stores for a server: its writer runs at a lower CPU
    /// priority ([`WRITER_NICE`]), so that readers are answered first.
    /// `today`: the day embargoes are decided on (default: today in Japan).
    pub fn for_server(
        dir: &Path,
        today: Option<chrono::NaiveDate>,
    ) -> Result<Local, PipelineError> {
        let local = Local::open_with(
            dir,
            WriterOptions {
                nice: Some(WRITER_NICE),
                today,
                ..WriterOptions::default()
            },
        )?;
        // RocksDB's compactions and flushes are the writer's work too.
        dmpgraph_store::lower_background_priority(WRITER_NICE);
        Ok(local)
    }

    /// Opens the stores with these writer options.
    /// Whoever opens the store to write lifts the embargoes that have
    /// ended (see [`dmpgraph_store::WriteHandle::release_embargoes`]).
    pub fn open_with(dir: &Path, options: WriterOptions) -> Result<Local, PipelineError> {
        let stores = Stores::open(dir)?;
        let writer = stores.start_writer(options);
        writer.handle().release_embargoes(None)?;
        Ok(Local { writer })
    }

    /// The writer's handle (for a server's admin socket).
    pub fn handle(&self) -> WriteHandle {
        self.writer.handle()
    }

    /// Where writes go.
    pub fn sink(&self) -> LocalSink {
        LocalSink {
            handle: self.writer.handle(),
            pending: std::collections::VecDeque::new(),
        }
    }

    /// The public view.
    pub fn public(&self) -> PublicView {
        self.writer.public()
    }

    /// The private view (trusted exports only).
    pub fn private(&self) -> PrivateView {
        self.writer.private()
    }

    /// Stops the writer after a checkpoint.
    pub fn shutdown(self) -> Result<(), PipelineError> {
        Ok(self.writer.shutdown()?)
    }
}

/// The writer of a store this process opened.
pub struct LocalSink {
    handle: WriteHandle,
    pending: std::collections::VecDeque<dmpgraph_store::Pending>,
}

impl Sink for LocalSink {
    fn send(&mut self, changes: Vec<Change>) -> Result<(), PipelineError> {
        self.pending.push_back(self.handle.send(changes)?);
        Ok(())
    }

    fn receive(&mut self) -> Result<Vec<WriteOutcome>, PipelineError> {
        // Nothing sent, nothing to answer.
        match self.pending.pop_front() {
            Some(p) => Ok(p.wait()?),
            None => Ok(Vec::new()),
        }
    }

    fn annotate(
        &mut self,
        annex: Vec<(RecordKey, Vec<(u32, String)>)>,
    ) -> Result<usize, PipelineError> {
        Ok(self.handle.annotate_items(annex)?)
    }
}

impl Catalog for Local {
    fn location(&self) -> String {
        self.writer.public().dir().display().to_string()
    }
    fn records(&self) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self.writer.public().records()?)
    }
    fn find(&self, id: &str) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self.writer.public().find(id)?)
    }
    fn record(&self, key: &RecordKey) -> Result<Option<RecordEntry>, PipelineError> {
        Ok(self.writer.public().record(key)?)
    }
    fn public_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError> {
        Ok(self.writer.public().graph(graph)?)
    }
    fn public_objects(&self, graph: &str, predicate: &str) -> Result<Vec<Term>, PipelineError> {
        Ok(self.writer.public().objects(graph, predicate)?)
    }
    fn private_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError> {
        Ok(self.writer.private().graph(graph)?)
    }
    fn stats(&self, verify: bool) -> Result<(Stats, Option<Vec<Inconsistency>>), PipelineError> {
        stats_of(&self.writer.public(), &self.writer.private(), verify)
    }
}

/// The public store and the registry as of one instant, as a [`Catalog`]:
/// what a public interface (the maDMP API) reads a record and what it
/// depends on (its deposit facts) through, so that it never sees a record
/// half-written, nor one record older than another. It has no path to the
/// private store: [`Catalog::private_graph`] is refused
/// ([`PipelineError::PrivateRefused`]).
pub struct PublicSnapshotCatalog<'a> {
    snapshot: &'a dmpgraph_store::PublicSnapshot<'a>,
    location: String,
}

impl<'a> PublicSnapshotCatalog<'a> {
    /// `snapshot` of the store at `location` (for messages).
    pub fn new(
        snapshot: &'a dmpgraph_store::PublicSnapshot<'a>,
        location: impl Into<String>,
    ) -> PublicSnapshotCatalog<'a> {
        PublicSnapshotCatalog {
            snapshot,
            location: location.into(),
        }
    }
}

impl Catalog for PublicSnapshotCatalog<'_> {
    fn location(&self) -> String {
        self.location.clone()
    }
    fn records(&self) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self.snapshot.registry.all()?)
    }
    fn records_of(
        &self,
        kind: dmpgraph_store::RecordKind,
    ) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self.snapshot.registry.of_kind(kind)?)
    }
    fn find(&self, id: &str) -> Result<Vec<RecordEntry>, PipelineError> {
        Ok(self.snapshot.registry.find_id(id)?)
    }
    fn record(&self, key: &RecordKey) -> Result<Option<RecordEntry>, PipelineError> {
        Ok(self.snapshot.registry.get(key)?)
    }
    fn public_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError> {
        Ok(self.snapshot.graph(graph)?)
    }
    fn public_objects(&self, graph: &str, predicate: &str) -> Result<Vec<Term>, PipelineError> {
        Ok(self.snapshot.objects(graph, predicate)?)
    }
    fn private_graph(&self, _graph: &str) -> Result<Vec<Quad>, PipelineError> {
        Err(PipelineError::PrivateRefused)
    }
    fn stats(&self, _verify: bool) -> Result<(Stats, Option<Vec<Inconsistency>>), PipelineError> {
        Err(PipelineError::PrivateRefused)
    }
}

/// Counts and checks over the views (what the server answers on its admin socket too).
pub fn stats_of(
    public: &PublicView,
    private: &PrivateView,
    verify: bool,
) -> Result<(Stats, Option<Vec<Inconsistency>>), PipelineError> {
    let stats = public.stats(Some(private))?;
    let problems = if verify {
        Some(public.verify_with(private)?)
    } else {
        None
    };
    Ok((stats, problems))
}

/// The record a person means by `text`: a key (`dmp:21ek…`), or an id of
/// any kind in any written form (a grant number, a DOI as `doi:` or URL…).
pub fn resolve(catalog: &dyn Catalog, text: &str) -> Result<RecordEntry, PipelineError> {
    let text = text.trim();
    if let Ok(key) = text.parse::<RecordKey>() {
        if let Some(e) = catalog.record(&key)? {
            return Ok(e);
        }
    }
    let mut found = catalog.find(text)?;
    let normal = Identifier::parse(text).to_string();
    if normal != text {
        for e in catalog.find(&normal)? {
            if !found.iter().any(|f| f.key == e.key) {
                found.push(e);
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => {
            let known: Vec<String> = catalog
                .records_of(dmpgraph_store::RecordKind::Dmp)?
                .into_iter()
                .take(10)
                .map(|e| e.key.id)
                .collect();
            Err(PipelineError::NoRecord {
                id: text.to_string(),
                store: catalog.location(),
                hint: if known.is_empty() {
                    "no plan is stored (run `dmpgraph ingest` first)".into()
                } else {
                    format!("stored plans include: {}", known.join(", "))
                },
            })
        }
        _ => Err(PipelineError::Ambiguous {
            id: text.to_string(),
            keys: found.iter().map(|e| e.key.to_string()).collect(),
        }),
    }
}
