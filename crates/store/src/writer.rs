//! The single writer: one thread owns both stores and the registry; every
//! write is a [`Change`] sent to it over a bounded channel.
//!
//! The writer takes what is queued (several callers' changes at once, a
//! group commit), decides each change against the registry as it is at
//! that moment (version rule, preconditions, unchanged content), journals
//! the round, applies it, answers each caller, and checkpoints now and then.

use crate::apply;
use crate::items::ItemDraft;
use crate::journal::JournaledChange;
use crate::key::{RecordKey, SourceFormat};
use crate::registry::{from_seconds, seconds, ChangeOp, RecordEntry};
use crate::view::{PrivateView, PublicView};
use crate::{canonical_hash, StoreError, Stores};
use chrono::{DateTime, Utc};
use oxigraph::model::{NamedNode, Quad};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One record to store: its graph name, its public and private quads and
/// what the registry keeps of it.
#[derive(Debug, Clone)]
pub struct RecordWrite {
    /// The record's identity.
    pub key: RecordKey,
    /// The graph name; quads are stored in it whatever their own graph name.
    pub graph: NamedNode,
    /// Quads any interface may show.
    pub public: Vec<Quad>,
    /// Quads only trusted exports may show.
    pub private: Vec<Quad>,
    /// What it was read from.
    pub format: SourceFormat,
    /// The base IRI its IRIs were minted under.
    pub base_iri: Option<String>,
    /// The OAI-PMH sets it belongs to (ancestors included).
    pub sets: Vec<String>,
    /// The source's version (for a DMP, its 作成年月日); an older version
    /// than the stored one is not written.
    pub version: Option<String>,
    /// Where it came from (file path), for operators.
    pub source: Option<String>,
    /// Its title, for listings.
    pub title: Option<String>,
    /// How many datasets a plan describes.
    pub datasets: Option<u32>,
    /// The DMP Common Standard version a maDMP document was read as.
    pub madmp_version: Option<String>,
    /// What must hold when the writer applies it.
    pub conditions: Vec<Condition>,
}

/// A record to delete.
#[derive(Debug, Clone)]
pub struct Delete {
    /// The record.
    pub key: RecordKey,
    /// What must hold when the writer applies it.
    pub conditions: Vec<Condition>,
}

/// A write: a record stored (created, replaced or revived) or deleted.
// Nearly every change is a Put: boxing it would add an allocation per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Change {
    /// Store this record.
    Put(RecordWrite),
    /// Delete this record, leaving its tombstone.
    Delete(Delete),
}

/// A precondition, checked by the writer when it applies the change (a
/// compare-and-swap): the change is refused when it does not hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// A stored record of the same key must have been read from this format
    /// (a maDMP document never replaces a plan read from its workbook).
    SameFormat(SourceFormat),
    /// The stored record's public hash must be this (`If-Match`).
    IfMatch(String),
    /// The stored record must not have changed since (`If-Unmodified-Since`).
    IfUnmodifiedSince(DateTime<Utc>),
    /// The record must be stored (and not deleted).
    MustExist,
    /// The record must not be stored (a tombstone counts as not stored).
    MustNotExist,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum WriteOutcome {
    /// A new record.
    Created {
        /// Its change's sequence number.
        seq: u64,
    },
    /// The record changed.
    Updated {
        /// Its change's sequence number.
        seq: u64,
    },
    /// A deleted record stored again.
    Revived {
        /// Its change's sequence number.
        seq: u64,
    },
    /// The record was deleted.
    Deleted {
        /// Its change's sequence number.
        seq: u64,
    },
    /// The same content was already stored: nothing was written.
    Unchanged,
    /// The stored version is newer; nothing was written.
    OlderThanStored {
        /// The stored version.
        stored: String,
    },
    /// No such record (a delete).
    NotFound,
    /// The record was already deleted (a delete).
    AlreadyDeleted,
    /// A precondition does not hold; nothing was written.
    PreconditionFailed {
        /// Which, and why.
        reason: String,
    },
}

impl WriteOutcome {
    /// The sequence number of the change made, when one was made.
    pub fn seq(&self) -> Option<u64> {
        match self {
            WriteOutcome::Created { seq }
            | WriteOutcome::Updated { seq }
            | WriteOutcome::Revived { seq }
            | WriteOutcome::Deleted { seq } => Some(*seq),
            _ => None,
        }
    }
}

/// How the writer runs.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Changes queued before callers wait (the channel holds jobs, each a
    /// batch of changes).
    pub queue: usize,
    /// Most changes applied in one round (one journal entry, one transaction
    /// per store).
    pub max_round: usize,
    /// Checkpoint (flush both stores, make the registry durable, trim the
    /// journal) once the journal holds this many bytes…
    pub checkpoint_bytes: usize,
    /// … or this long after the first change not yet checkpointed …
    pub checkpoint_interval: Duration,
    /// … or when no change came for this long.
    pub checkpoint_idle: Duration,
    /// No reader can exist (a command that opened the store itself, not the
    /// server): records new to the store are written with oxigraph's bulk
    /// loader, twice as fast as write batches (which a server uses: the
    /// bulk loader's files slow the reads of a store being read).
    pub offline: bool,
    /// Run the writer's threads at this nice value (Linux; 0 to 19, higher
    /// is gentler): a server gives its readers the CPU first, so a large
    /// ingest slows the writer, not the answers.
    pub nice: Option<i32>,
    /// The day embargoes are decided on (default: today in Japan).
    pub today: Option<chrono::NaiveDate>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            queue: 16,
            max_round: 4096,
            checkpoint_bytes: 256 << 20,
            checkpoint_interval: Duration::from_secs(30),
            checkpoint_idle: Duration::from_secs(1),
            offline: false,
            nice: None,
            today: None,
        }
    }
}

/// Lowers the calling thread's CPU priority to `nice` (on Linux the nice
/// value is a thread's own; threads it starts inherit it). A failure (a
/// system without per-thread priorities) only means the thread keeps its
/// priority.
pub fn lower_priority(nice: i32) {
    if let Err(e) = rustix::process::setpriority_process(None, nice) {
        tracing::debug!("cannot lower this thread's priority to nice {nice}: {e}");
    }
}

/// Lowers the CPU priority of RocksDB's background threads (compactions and
/// flushes, named `rocksdb:…`) of this process to `nice`: they are writing
/// work, done for the writer. Linux only (`/proc/self/task`); elsewhere, or
/// when a thread cannot be changed, nothing happens.
pub fn lower_background_priority(nice: i32) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    for task in tasks.filter_map(Result::ok) {
        let is_rocksdb = std::fs::read_to_string(task.path().join("comm"))
            .is_ok_and(|comm| comm.starts_with("rocksdb:"));
        let tid = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<i32>().ok())
            .and_then(rustix::process::Pid::from_raw);
        if let (true, Some(tid)) = (is_rocksdb, tid) {
            if let Err(e) = rustix::process::setpriority_process(Some(tid), nice) {
                tracing::debug!("cannot lower RocksDB thread {tid:?} to nice {nice}: {e}");
            }
        }
    }
}

/// A change with its hashes and N-Quads made by the caller (off the writer
/// thread, on every core).
#[allow(clippy::large_enum_variant)] // as Change
pub(crate) enum Prepared {
    Put {
        write: RecordWrite,
        public_hash: String,
        private_hash: String,
        public_nquads: String,
        private_nquads: String,
        /// The items a plan is served as, read from its public quads.
        items: Vec<ItemDraft>,
    },
    Delete(Delete),
}

impl Prepared {
    fn key(&self) -> &RecordKey {
        match self {
            Prepared::Put { write, .. } => &write.key,
            Prepared::Delete(d) => &d.key,
        }
    }
}

/// Every quad in the record's graph, whatever graph the caller gave it.
fn into_graph(quads: &mut [Quad], graph: &NamedNode) {
    for q in quads {
        if q.graph_name.as_ref() != oxigraph::model::GraphNameRef::NamedNode(graph.as_ref()) {
            q.graph_name = graph.clone().into();
        }
    }
}

fn prepare(change: Change) -> Prepared {
    match change {
        Change::Put(mut write) => {
            into_graph(&mut write.public, &write.graph);
            into_graph(&mut write.private, &write.graph);
            let (public_hash, private_hash) = rayon::join(
                || canonical_hash(&write.public),
                || canonical_hash(&write.private),
            );
            let public_nquads = crate::to_nquads(&write.public);
            let private_nquads = crate::to_nquads(&write.private);
            let items = if write.key.kind == crate::RecordKind::Dmp {
                crate::items::drafts(write.graph.as_str(), write.format, &write.public)
            } else {
                Vec::new()
            };
            Prepared::Put {
                write,
                public_hash,
                private_hash,
                public_nquads,
                private_nquads,
                items,
            }
        }
        Change::Delete(d) => Prepared::Delete(d),
    }
}

type Reply = mpsc::Sender<Result<Vec<WriteOutcome>, StoreError>>;

enum Job {
    Changes(Vec<Prepared>, Reply),
    Release(
        Option<chrono::NaiveDate>,
        mpsc::Sender<Result<usize, StoreError>>,
    ),
    Checkpoint(mpsc::Sender<Result<(), StoreError>>),
    Annotate(
        Vec<(RecordKey, Vec<(u32, String)>)>,
        mpsc::Sender<Result<usize, StoreError>>,
    ),
    Shutdown(mpsc::Sender<Result<(), StoreError>>),
}

/// Sends changes to the writer. Cheap to clone; any thread may hold one.
/// It reads nothing: it has no path to either store.
#[derive(Clone)]
pub struct WriteHandle {
    tx: SyncSender<Job>,
    failed: Arc<Mutex<Option<Arc<StoreError>>>>,
}

/// Changes queued with [`WriteHandle::send`], not yet answered.
pub struct Pending {
    answer: mpsc::Receiver<Result<Vec<WriteOutcome>, StoreError>>,
    handle: WriteHandle,
}

impl Pending {
    /// Waits for the writer's answer: one outcome per change, in order.
    pub fn wait(self) -> Result<Vec<WriteOutcome>, StoreError> {
        self.answer.recv().map_err(|_| self.handle.stopped())?
    }
}

impl WriteHandle {
    fn stopped(&self) -> StoreError {
        match self
            .failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            Some(source) => StoreError::WriterFailed { source },
            None => StoreError::WriterStopped,
        }
    }

    /// Applies changes and waits for the answer, one outcome per change in
    /// order. Hashing and serialising happen here, on the caller's thread
    /// (and rayon's), so the writer spends its time on the stores. Blocks
    /// while the writer's queue is full.
    pub fn submit(&self, changes: Vec<Change>) -> Result<Vec<WriteOutcome>, StoreError> {
        self.send(changes)?.wait()
    }

    /// Queues changes (hashed and serialised on the caller's thread, as
    /// [`submit`](Self::submit)) and returns at once: the answer comes from
    /// [`Pending::wait`]. Changes sent from one thread are applied in the
    /// order sent, so a caller may prepare and queue its next changes while
    /// the writer applies these. Blocks while the writer's queue is full.
    pub fn send(&self, changes: Vec<Change>) -> Result<Pending, StoreError> {
        let (reply, answer) = mpsc::channel();
        if changes.is_empty() {
            let _ = reply.send(Ok(Vec::new()));
        } else {
            let prepared: Vec<Prepared> = changes.into_par_iter().map(prepare).collect();
            self.tx
                .send(Job::Changes(prepared, reply))
                .map_err(|_| self.stopped())?;
        }
        Ok(Pending {
            answer,
            handle: self.clone(),
        })
    }

    /// Lifts every embargo that ends on or before `today` (default: the
    /// writer's day, [`WriterOptions::today`]): each dataset whose planned
    /// publication date has come opens, with a new datestamp, so that
    /// harvesters fetch it again. Returns how many items opened.
    pub fn release_embargoes(&self, today: Option<chrono::NaiveDate>) -> Result<usize, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Job::Release(today, reply))
            .map_err(|_| self.stopped())?;
        answer.recv().map_err(|_| self.stopped())?
    }

    /// Sets what other records say of the items of plans: for each plan,
    /// `annex` maps an item's number to the hash of it (the deposits linked
    /// to a dataset); items not named have nothing said of them. Each item whose
    /// annex changes takes a new datestamp, so that harvesters fetch it
    /// again; the record itself is unchanged. Idempotent: the linker calls
    /// it after every run, so a crash between the two leaves nothing wrong
    /// for long. Returns how many items changed.
    pub fn annotate_items(
        &self,
        annex: Vec<(RecordKey, Vec<(u32, String)>)>,
    ) -> Result<usize, StoreError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Job::Annotate(annex, reply))
            .map_err(|_| self.stopped())?;
        answer.recv().map_err(|_| self.stopped())?
    }

    /// Checkpoints now: both stores flushed, the registry durable, the
    /// journal trimmed.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Job::Checkpoint(reply))
            .map_err(|_| self.stopped())?;
        answer.recv().map_err(|_| self.stopped())?
    }
}

/// The running writer: its handle, the read-only views, and its thread.
pub struct Writer {
    handle: WriteHandle,
    public: PublicView,
    private: PrivateView,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(crate) fn start(stores: Stores, options: WriterOptions) -> Writer {
        let public = stores.public();
        let private = stores.private();
        let (tx, rx) = mpsc::sync_channel(options.queue.max(1));
        let failed = Arc::new(Mutex::new(None));
        let handle = WriteHandle {
            tx,
            failed: failed.clone(),
        };
        let thread = std::thread::Builder::new()
            .name("dmpgraph-writer".into())
            .spawn(move || {
                if let Some(nice) = options.nice {
                    // Threads this one starts (the private store's, the bulk
                    // loader's) inherit it.
                    lower_priority(nice);
                }
                run(stores, options, rx, failed)
            })
            .expect("the writer thread starts");
        Writer {
            handle,
            public,
            private,
            thread: Some(thread),
        }
    }

    /// A handle to send changes with.
    pub fn handle(&self) -> WriteHandle {
        self.handle.clone()
    }

    /// Applies changes and waits (see [`WriteHandle::submit`]).
    pub fn submit(&self, changes: Vec<Change>) -> Result<Vec<WriteOutcome>, StoreError> {
        self.handle.submit(changes)
    }

    /// The public store and the registry, read-only.
    pub fn public(&self) -> PublicView {
        self.public.clone()
    }

    /// The private store, read-only: for trusted exports only.
    pub fn private(&self) -> PrivateView {
        self.private.clone()
    }

    /// Finishes what is queued, checkpoints, and stops the thread.
    pub fn shutdown(mut self) -> Result<(), StoreError> {
        let (reply, answer) = mpsc::channel();
        let result = match self.handle.tx.send(Job::Shutdown(reply)) {
            Ok(()) => answer.recv().unwrap_or(Err(StoreError::WriterStopped)),
            Err(_) => Err(self.handle.stopped()),
        };
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        result
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            let (reply, answer) = mpsc::channel();
            if self.handle.tx.send(Job::Shutdown(reply)).is_ok() {
                let _ = answer.recv();
            }
            let _ = t.join();
        }
    }
}

struct State {
    stores: Stores,
    options: WriterOptions,
    /// Records new to the store go through the bulk loader.
    bulk: bool,
    journal_bytes: usize,
    last_round: Option<u64>,
    first_pending: Option<Instant>,
    failed: Arc<Mutex<Option<Arc<StoreError>>>>,
}

fn run(
    stores: Stores,
    options: WriterOptions,
    rx: Receiver<Job>,
    failed: Arc<Mutex<Option<Arc<StoreError>>>>,
) {
    let bulk = options.offline;
    let mut state = State {
        stores,
        options,
        bulk,
        journal_bytes: 0,
        last_round: None,
        first_pending: None,
        failed,
    };
    loop {
        let timeout = if state.last_round.is_some() {
            state.options.checkpoint_idle
        } else {
            Duration::from_secs(3600)
        };
        let job = match rx.recv_timeout(timeout) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                state.checkpoint_or_fail();
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => {
                state.checkpoint_or_fail();
                return;
            }
        };
        let mut round: Vec<(Vec<Prepared>, Reply)> = Vec::new();
        let mut size = 0;
        let mut after: Vec<Job> = Vec::new();
        match job {
            Job::Changes(c, r) => {
                size += c.len();
                round.push((c, r));
            }
            other => after.push(other),
        }
        // Group commit: whatever else is queued joins this round.
        while after.is_empty() && size < state.options.max_round {
            match rx.try_recv() {
                Ok(Job::Changes(c, r)) => {
                    size += c.len();
                    round.push((c, r));
                }
                Ok(other) => after.push(other),
                Err(_) => break,
            }
        }
        if !round.is_empty() {
            state.round(round);
        }
        for job in after {
            match job {
                Job::Checkpoint(reply) => {
                    let _ = reply.send(state.checkpoint());
                }
                Job::Release(today, reply) => {
                    let _ = reply.send(state.release(today));
                }
                Job::Annotate(annex, reply) => {
                    let _ = reply.send(state.annotate(&annex));
                }
                Job::Shutdown(reply) => {
                    let _ = reply.send(state.checkpoint());
                    return;
                }
                Job::Changes(..) => unreachable!("changes join a round"),
            }
        }
        if state.due() {
            state.checkpoint_or_fail();
        }
    }
}

/// A change the round will make.
struct Planned {
    journaled: JournaledChange,
    /// No graph of this record is in the stores (new to the registry).
    fresh: bool,
}

impl State {
    fn failure(&self) -> Option<Arc<StoreError>> {
        self.failed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn fail(&self, e: StoreError) -> Arc<StoreError> {
        tracing::error!(error = %e, "the writer stops: {e}");
        let e = Arc::new(e);
        *self.failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.clone());
        e
    }

    fn today(&self) -> chrono::NaiveDate {
        self.options
            .today
            .unwrap_or_else(crate::items::today_in_japan)
    }

    /// Lifts the embargoes ending on or before `today` (the writer's day when
    /// `None`): a registry change only (no quads change), committed durably
    /// at once, so it needs no journal. (Committing the registry durably
    /// before a checkpoint is safe: the rounds it may hold are still in the
    /// journal, and replaying one leaves the log as it is.)
    fn release(&mut self, today: Option<chrono::NaiveDate>) -> Result<usize, StoreError> {
        if let Some(f) = self.failure() {
            return Err(StoreError::WriterFailed { source: f });
        }
        let today = today.unwrap_or_else(|| self.today());
        let opened = self.registry_round(|w, now| w.release(today, now))?;
        if opened > 0 {
            tracing::info!(opened, %today, "embargoes lifted");
        }
        Ok(opened)
    }

    /// Sets the annex of a plan's items: a registry change only, committed
    /// durably at once, like [`release`](Self::release).
    fn annotate(&mut self, annex: &[(RecordKey, Vec<(u32, String)>)]) -> Result<usize, StoreError> {
        if let Some(f) = self.failure() {
            return Err(StoreError::WriterFailed { source: f });
        }
        self.registry_round(|w, now| {
            let mut changed = 0;
            for (key, items) in annex {
                changed += w.annotate(key, items, now)?;
            }
            Ok(changed)
        })
    }

    /// A registry-only change, committed durably at once, behind the gate
    /// (readers see it whole), at an instant no earlier than the latest
    /// datestamp (whole seconds), so that datestamps never go back.
    fn registry_round<T>(
        &mut self,
        f: impl FnOnce(&mut crate::registry::RegistryWriter<'_>, DateTime<Utc>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let reader = self.stores.public.registry.begin_read()?;
        let now = seconds(Utc::now()).max(reader.latest_datestamp()?.map_or(0, seconds));
        drop(reader);
        let _gate = self
            .stores
            .public
            .gate
            .write()
            .unwrap_or_else(|p| p.into_inner());
        self.stores
            .public
            .registry
            .write(true, |w| f(w, from_seconds(now)))
    }

    fn due(&self) -> bool {
        self.last_round.is_some()
            && (self.journal_bytes >= self.options.checkpoint_bytes
                || self
                    .first_pending
                    .is_some_and(|t| t.elapsed() >= self.options.checkpoint_interval))
    }

    fn checkpoint_or_fail(&mut self) {
        if self.failure().is_none() {
            if let Err(e) = self.checkpoint() {
                self.fail(e);
            }
        }
    }

    fn checkpoint(&mut self) -> Result<(), StoreError> {
        if let Some(f) = self.failure() {
            return Err(StoreError::WriterFailed { source: f });
        }
        let Some(round) = self.last_round else {
            return Ok(());
        };
        apply::checkpoint(&self.stores, round)?;
        self.last_round = None;
        self.journal_bytes = 0;
        self.first_pending = None;
        Ok(())
    }

    fn round(&mut self, jobs: Vec<(Vec<Prepared>, Reply)>) {
        let (changes, replies): (Vec<Vec<Prepared>>, Vec<Reply>) = jobs.into_iter().unzip();
        let refuse = |replies: Vec<Reply>, e: Arc<StoreError>| {
            for reply in replies {
                let _ = reply.send(Err(StoreError::WriterFailed { source: e.clone() }));
            }
        };
        if let Some(f) = self.failure() {
            return refuse(replies, f);
        }
        // Nothing is written when the round cannot be decided or journaled:
        // it is refused and the writer goes on.
        let started = Instant::now();
        let (planned, answers) = match self.plan(changes) {
            Ok(p) => p,
            Err(e) => return refuse(replies, Arc::new(e)),
        };
        if !planned.is_empty() {
            let round = planned[0].journaled.entry.seq;
            let decided = started.elapsed();
            let changes: Vec<&JournaledChange> = planned.iter().map(|p| &p.journaled).collect();
            match self.stores.private.journal.append(round, &changes) {
                Ok(bytes) => {
                    self.journal_bytes += bytes;
                    self.last_round = Some(round);
                    self.first_pending.get_or_insert_with(Instant::now);
                }
                Err(e) => return refuse(replies, Arc::new(e)),
            }
            crate::fault_point("after-journal");
            let journaled = started.elapsed();
            let applied = apply::round(&self.stores, &planned_refs(&planned), self.bulk);
            tracing::debug!(
                changes = planned.len(),
                decide_ms = decided.as_secs_f64() * 1e3,
                journal_ms = (journaled - decided).as_secs_f64() * 1e3,
                apply_ms = (started.elapsed() - journaled).as_secs_f64() * 1e3,
                "round written"
            );
            if let Err(e) = applied {
                // The round is journaled: replaying it (idempotent) finishes it.
                tracing::warn!(error = %e, "a round failed; replaying it from the journal");
                if let Err(e2) = apply::recover(&self.stores) {
                    return refuse(replies, self.fail(e2));
                }
                self.last_round = None;
                self.journal_bytes = 0;
                self.first_pending = None;
            }
        }
        for (reply, outcomes) in replies.into_iter().zip(answers) {
            let _ = reply.send(Ok(outcomes));
        }
    }

    /// Decides every change of the round against the registry as it is now
    /// (and the round's earlier changes), and gives the real ones their
    /// sequence numbers and datestamps. The round keeps one change per
    /// record: a later one replaces an earlier one.
    #[allow(clippy::type_complexity)]
    fn plan(
        &self,
        jobs: Vec<Vec<Prepared>>,
    ) -> Result<(Vec<Planned>, Vec<Vec<WriteOutcome>>), StoreError> {
        enum Pending {
            Done(WriteOutcome),
            Made { index: usize, op: ChangeOp },
        }
        let reader = self.stores.public.registry.begin_read()?;
        let last_seq = reader.last_seq()?;
        let now = seconds(Utc::now()).max(reader.latest_datestamp()?.map_or(0, seconds));
        let mut index_of: HashMap<RecordKey, usize> = HashMap::new();
        let mut planned: Vec<Planned> = Vec::new();
        let mut stored_of: HashMap<RecordKey, Option<RecordEntry>> = HashMap::new();
        let mut pending: Vec<Vec<Pending>> = Vec::new();
        for changes in jobs {
            let mut outcomes = Vec::with_capacity(changes.len());
            for change in changes {
                let key = change.key().clone();
                if !stored_of.contains_key(&key) {
                    let e = reader.get(&key)?;
                    stored_of.insert(key.clone(), e);
                }
                let stored = stored_of[&key].as_ref();
                let current = match index_of.get(&key) {
                    Some(&i) => Some(&planned[i].journaled.entry),
                    None => stored,
                };
                let mut j = match decide(change, current, stored, now, self.today()) {
                    Decision::Skip(o) => {
                        outcomes.push(Pending::Done(o));
                        continue;
                    }
                    Decision::Write(j) => j,
                };
                // What the caller is told is said against the record as it
                // saw it; the log's op against the record as stored.
                let told = j.op;
                let deleting = told == ChangeOp::Deleted;
                j.op = match stored {
                    _ if deleting => ChangeOp::Deleted,
                    None => ChangeOp::Created,
                    Some(s) if s.is_deleted() => ChangeOp::Revived,
                    Some(_) => ChangeOp::Updated,
                };
                let step = Planned {
                    journaled: j,
                    fresh: stored.is_none(),
                };
                let index = match index_of.get(&key) {
                    Some(&i) => {
                        planned[i] = step;
                        i
                    }
                    None => {
                        index_of.insert(key, planned.len());
                        planned.push(step);
                        planned.len() - 1
                    }
                };
                outcomes.push(Pending::Made { index, op: told });
            }
            pending.push(outcomes);
        }
        // A record created and deleted within the round never existed.
        let kept: Vec<bool> = planned
            .iter()
            .map(|p| !(p.fresh && p.journaled.op == ChangeOp::Deleted))
            .collect();
        let mut seq_of = vec![0u64; planned.len()];
        let mut next = last_seq;
        for (i, keep) in kept.iter().enumerate() {
            if *keep {
                next += 1;
                seq_of[i] = next;
            }
        }
        let mut answers = Vec::with_capacity(pending.len());
        for outcomes in pending {
            let told = outcomes
                .into_iter()
                .map(|p| match p {
                    Pending::Done(o) => o,
                    Pending::Made { index, .. } if !kept[index] => WriteOutcome::Unchanged,
                    Pending::Made { index, op } => {
                        let seq = seq_of[index];
                        match op {
                            ChangeOp::Created => WriteOutcome::Created { seq },
                            ChangeOp::Updated => WriteOutcome::Updated { seq },
                            ChangeOp::Revived => WriteOutcome::Revived { seq },
                            ChangeOp::Deleted => WriteOutcome::Deleted { seq },
                        }
                    }
                })
                .collect();
            answers.push(told);
        }
        let mut out = Vec::with_capacity(planned.len());
        for (i, mut p) in planned.into_iter().enumerate() {
            if kept[i] {
                p.journaled.entry.seq = seq_of[i];
                out.push(p);
            }
        }
        Ok((out, answers))
    }
}

fn planned_refs(planned: &[Planned]) -> Vec<apply::Step<'_>> {
    planned
        .iter()
        .map(|p| apply::Step {
            change: &p.journaled,
            fresh: p.fresh,
        })
        .collect()
}

#[allow(clippy::large_enum_variant)] // one per change, moved once
enum Decision {
    Skip(WriteOutcome),
    Write(JournaledChange),
}

fn failed(reason: impl Into<String>) -> Decision {
    Decision::Skip(WriteOutcome::PreconditionFailed {
        reason: reason.into(),
    })
}

fn check(conditions: &[Condition], current: Option<&RecordEntry>) -> Option<Decision> {
    let live = current.filter(|e| !e.is_deleted());
    for c in conditions {
        match c {
            Condition::SameFormat(f) => {
                if let Some(e) = live {
                    if e.format != *f {
                        return Some(failed(format!(
                            "'{}' is already the id of a stored {} record (from {}); not replaced by a {} record",
                            e.key.id,
                            e.format,
                            e.source.as_deref().unwrap_or("-"),
                            f
                        )));
                    }
                }
            }
            Condition::IfMatch(hash) => match live {
                Some(e) if e.public_hash == *hash => {}
                Some(e) => {
                    return Some(failed(format!(
                        "if-match: the stored record is {}, not {hash}",
                        e.public_hash
                    )))
                }
                None => return Some(failed("if-match: no such record")),
            },
            Condition::IfUnmodifiedSince(t) => match live {
                Some(e) if e.datestamp <= *t => {}
                Some(e) => {
                    return Some(failed(format!(
                        "if-unmodified-since: the stored record changed at {}",
                        e.datestamp.to_rfc3339()
                    )))
                }
                None => return Some(failed("if-unmodified-since: no such record")),
            },
            Condition::MustExist if live.is_none() => return Some(failed("no such record")),
            Condition::MustNotExist if live.is_some() => {
                return Some(failed("the record is already stored"))
            }
            _ => {}
        }
    }
    None
}

/// One change decided against the record's current entry (`current`, the
/// round's state) and the entry as stored before the round (`stored`).
fn decide(
    change: Prepared,
    current: Option<&RecordEntry>,
    stored: Option<&RecordEntry>,
    now: i64,
    today: chrono::NaiveDate,
) -> Decision {
    // Every change of a record gets a datestamp after its previous one.
    let datestamp = |prev: Option<&RecordEntry>| {
        from_seconds(prev.map_or(now, |p| now.max(seconds(p.datestamp) + 1)))
    };
    let replaced_graphs = |graph: &str| -> Vec<String> {
        let mut out = Vec::new();
        for e in [stored, current].into_iter().flatten() {
            if e.graph != graph && !out.contains(&e.graph) {
                out.push(e.graph.clone());
            }
        }
        out
    };
    match change {
        Prepared::Delete(d) => {
            if let Some(refused) = check(&d.conditions, current) {
                return refused;
            }
            let Some(cur) = current else {
                return Decision::Skip(WriteOutcome::NotFound);
            };
            if cur.is_deleted() {
                return Decision::Skip(WriteOutcome::AlreadyDeleted);
            }
            let ds = datestamp(stored);
            let mut entry = cur.clone();
            entry.deleted = Some(ds);
            entry.datestamp = ds;
            entry.public_hash = canonical_hash(&[]);
            entry.private_hash = canonical_hash(&[]);
            entry.public_quads = 0;
            entry.items = crate::items::stamp(&cur.items, &[], ds, today);
            Decision::Write(JournaledChange {
                set_names: Vec::new(),
                replaces: replaced_graphs(&entry.graph),
                entry,
                op: ChangeOp::Deleted,
                public_changed: true,
                public_nquads: String::new(),
                private_nquads: String::new(),
                quads: Some((Vec::new(), Vec::new())),
            })
        }
        Prepared::Put {
            write,
            public_hash,
            private_hash,
            public_nquads,
            private_nquads,
            items,
        } => {
            if let Some(refused) = check(&write.conditions, current) {
                return refused;
            }
            let live = current.filter(|e| !e.is_deleted());
            if let Some(prev) = live {
                if let (Some(stored_v), Some(new_v)) = (&prev.version, &write.version) {
                    if new_v < stored_v {
                        return Decision::Skip(WriteOutcome::OlderThanStored {
                            stored: stored_v.clone(),
                        });
                    }
                }
                if prev.public_hash == public_hash
                    && prev.private_hash == private_hash
                    && prev.graph == write.graph.as_str()
                    && prev.sets == write.sets
                {
                    return Decision::Skip(WriteOutcome::Unchanged);
                }
            }
            let op = match current {
                None => ChangeOp::Created,
                Some(e) if e.is_deleted() => ChangeOp::Revived,
                Some(_) => ChangeOp::Updated,
            };
            let public_changed = live.is_none_or(|p| p.public_hash != public_hash);
            let ds = datestamp(stored);
            let entry = RecordEntry {
                key: write.key.clone(),
                graph: write.graph.as_str().to_string(),
                format: write.format,
                base_iri: write.base_iri.clone(),
                sets: write.sets.clone(),
                version: write.version.clone(),
                seq: 0,
                datestamp: ds,
                created: current.map_or(ds, |p| p.created),
                deleted: None,
                public_hash,
                private_hash,
                public_quads: write.public.len() as u64,
                source: write.source.clone(),
                title: write.title.clone(),
                datasets: write.datasets,
                madmp_version: write.madmp_version.clone(),
                items: crate::items::stamp(current.map_or(&[], |c| &c.items), &items, ds, today),
            };
            let mut set_names: Vec<(String, String)> =
                items.into_iter().flat_map(|d| d.set_names).collect();
            set_names.sort();
            set_names.dedup();
            Decision::Write(JournaledChange {
                set_names,
                replaces: replaced_graphs(&entry.graph),
                entry,
                op,
                public_changed,
                public_nquads,
                private_nquads,
                quads: Some((write.public, write.private)),
            })
        }
    }
}
