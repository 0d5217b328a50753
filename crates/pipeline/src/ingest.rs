//! Ingest and delete: files read into record writes, handed to a writer.

use crate::catalog::{resolve, Catalog};
use crate::read::{file_report, madmp_report, read_one, FileReport, Read, ReadOptions, Status};
use crate::records::{amed_write, catalog_writes, madmp_write, Context};
use crate::PipelineError;
use dmpgraph_model::Severity;
use dmpgraph_store::{Change, Delete, RecordEntry, RecordKey, RecordKind, WriteOutcome};
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::mpsc;

/// Where writes go: the writer of a store this process opened, or a
/// running server's writer through its admin socket.
pub trait Sink: Send {
    /// Queues changes and returns without waiting for them to be applied;
    /// changes are applied in the order sent.
    fn send(&mut self, changes: Vec<Change>) -> Result<(), PipelineError>;

    /// Waits for the outcomes of the oldest changes sent and not yet
    /// received: one outcome per change, in order.
    fn receive(&mut self) -> Result<Vec<WriteOutcome>, PipelineError>;

    /// Applies changes; one outcome per change, in order.
    fn write(&mut self, changes: Vec<Change>) -> Result<Vec<WriteOutcome>, PipelineError> {
        self.send(changes)?;
        self.receive()
    }

    /// Sets what other records say of a plan's items (the deposits linked
    /// to its datasets; see [`dmpgraph_store::WriteHandle::annotate_items`]),
    /// after every change sent is applied. Returns how many items changed.
    fn annotate(
        &mut self,
        annex: Vec<(RecordKey, Vec<(u32, String)>)>,
    ) -> Result<usize, PipelineError>;
}

/// The first batch of an ingest is at most this many records, so that the
/// writer starts early, while the rest of the first full batch is read.
const FIRST_BATCH: usize = 32;

/// `files` in batches of `batch`, the first one smaller ([`FIRST_BATCH`]).
fn batches_of(files: &[PathBuf], batch: usize) -> impl Iterator<Item = &[PathBuf]> {
    let batch = batch.max(1);
    let first = batch.min(FIRST_BATCH).min(files.len());
    let (head, rest) = files.split_at(first);
    std::iter::once(head)
        .filter(|h| !h.is_empty())
        .chain(rest.chunks(batch))
}

/// How many batches an ingest keeps in flight: the next one is prepared
/// (hashed, serialised, sent, parsed by a server) while the writer applies
/// the one before.
const IN_FLIGHT: usize = 2;

/// A batch read and ready to write: its writes, and for each the slot of
/// its file's report.
struct Batch {
    writes: Vec<Change>,
    slots: Vec<(usize, FileReport)>,
}

/// Reads every file of `files` (see [`collect`](crate::read::collect)) and
/// stores each valid one through `sink`,
/// `batch` records at a time; the next batch is read while the previous one
/// is written. Returns one report per file, in input order. `progress` is
/// told how many files were done.
pub fn ingest(
    sink: &mut dyn Sink,
    ctx: &Context<'_>,
    options: &ReadOptions,
    batch: usize,
    files: &[PathBuf],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<FileReport>, PipelineError> {
    sink.write(catalog_writes(*ctx)?)?;
    let mut reports: Vec<Option<FileReport>> = vec![None; files.len()];
    let (to_writer, batches) = mpsc::sync_channel::<Batch>(1);
    std::thread::scope(|scope| -> Result<(), PipelineError> {
        let writer = scope.spawn(move || -> Result<Vec<(usize, FileReport)>, PipelineError> {
            let mut done = Vec::new();
            let mut in_flight = std::collections::VecDeque::new();
            let mut receive = |sink: &mut dyn Sink,
                               slots: Vec<(usize, FileReport)>|
             -> Result<(), PipelineError> {
                let n = slots.len();
                let outcomes = sink.receive()?;
                for ((slot, report), outcome) in slots.into_iter().zip(outcomes) {
                    done.push((slot, reported(report, outcome)));
                }
                progress(n as u64);
                Ok(())
            };
            let mut failed = None;
            for b in batches {
                if let Err(e) = sink.send(b.writes) {
                    failed = Some(e);
                    break;
                }
                in_flight.push_back(b.slots);
                if in_flight.len() >= IN_FLIGHT {
                    let slots = in_flight.pop_front().expect("in flight");
                    if let Err(e) = receive(&mut *sink, slots) {
                        failed = Some(e);
                        break;
                    }
                }
            }
            // What was sent is answered, also after a failure.
            for slots in in_flight {
                if let Err(e) = receive(&mut *sink, slots) {
                    failed.get_or_insert(e);
                }
            }
            match failed {
                Some(e) => Err(e),
                None => Ok(done),
            }
        });
        let mut offset = 0;
        for chunk in batches_of(files, batch) {
            let reads: Vec<Read> = chunk.par_iter().map(|p| read_one(p, options)).collect();
            let mut b = Batch {
                writes: Vec::new(),
                slots: Vec::new(),
            };
            for (i, read) in reads.into_iter().enumerate() {
                let slot = offset + i;
                let (write, report) = match read {
                    Read::Failed(r) => {
                        tracing::info!(file = %r.file.display(), errors = r.errors(), "rejected");
                        reports[slot] = Some(r);
                        progress(1);
                        continue;
                    }
                    Read::Plan(reading) => (
                        Ok(amed_write(&reading, *ctx)),
                        file_report(&reading, Status::Created),
                    ),
                    Read::Madmp(reading) => (
                        madmp_write(&reading, *ctx),
                        madmp_report(&reading, Status::Created),
                    ),
                };
                match write {
                    Ok(w) => {
                        b.writes.push(Change::Put(w));
                        b.slots.push((slot, report));
                    }
                    Err(message) => {
                        let mut report = report;
                        report.status = Status::Rejected;
                        report.add(Severity::Error, message);
                        reports[slot] = Some(report);
                        progress(1);
                    }
                }
            }
            offset += chunk.len();
            if !b.writes.is_empty() && to_writer.send(b).is_err() {
                // The writer thread stopped on an error: it says which below.
                break;
            }
        }
        drop(to_writer);
        let done = writer
            .join()
            .expect("the ingest writer thread does not panic")?;
        for (slot, report) in done {
            reports[slot] = Some(report);
        }
        Ok(())
    })?;
    Ok(reports
        .into_iter()
        .map(|r| r.expect("every file reported"))
        .collect())
}

/// A file's report after its record's write.
fn reported(mut report: FileReport, outcome: WriteOutcome) -> FileReport {
    report.status = match &outcome {
        WriteOutcome::Created { .. } => Status::Created,
        WriteOutcome::Updated { .. } => Status::Updated,
        WriteOutcome::Revived { .. } => Status::Revived,
        WriteOutcome::Unchanged => Status::Unchanged,
        WriteOutcome::OlderThanStored { .. } => Status::OlderThanStored,
        WriteOutcome::PreconditionFailed { .. }
        | WriteOutcome::NotFound
        | WriteOutcome::AlreadyDeleted
        | WriteOutcome::Deleted { .. } => Status::Rejected,
    };
    match outcome {
        WriteOutcome::OlderThanStored { stored } => {
            let id = report.id.clone().unwrap_or_else(|| "-".into());
            report.add(
                Severity::Warning,
                format!("not stored: the store holds a newer version of {id} ({stored})"),
            );
        }
        WriteOutcome::PreconditionFailed { reason } => {
            report.add(Severity::Error, format!("/dmp/dmp_id/identifier: {reason}"));
        }
        _ => {}
    }
    tracing::info!(file = %report.file.display(), id = report.id.as_deref().unwrap_or("-"), status = ?report.status, warnings = report.warnings(), "stored");
    report
}

/// What deleting one id did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeleteReport {
    /// The id as given.
    pub id: String,
    /// The record it named, when one.
    pub key: Option<String>,
    /// What happened.
    pub outcome: Option<WriteOutcome>,
    /// Why nothing was deleted, when nothing was.
    pub error: Option<String>,
}

/// Deletes the records the ids name, leaving their tombstones.
pub fn delete(
    catalog: &dyn Catalog,
    sink: &mut dyn Sink,
    ids: &[String],
) -> Result<Vec<DeleteReport>, PipelineError> {
    let mut reports = Vec::new();
    let mut changes = Vec::new();
    let mut slots = Vec::new();
    for id in ids {
        match resolve(catalog, id) {
            Ok(RecordEntry { key, .. })
                if matches!(key.kind, RecordKind::Catalog | RecordKind::Vocabulary) =>
            {
                reports.push(DeleteReport {
                    id: id.clone(),
                    key: Some(key.to_string()),
                    outcome: None,
                    error: Some(format!(
                        "{key} is one of the catalog's own graphs, rewritten by every ingest: it is not deleted"
                    )),
                });
            }
            Ok(RecordEntry { key, .. }) => {
                slots.push(reports.len());
                reports.push(DeleteReport {
                    id: id.clone(),
                    key: Some(key.to_string()),
                    outcome: None,
                    error: None,
                });
                changes.push(Change::Delete(Delete {
                    key,
                    conditions: Vec::new(),
                }));
            }
            Err(e @ (PipelineError::NoRecord { .. } | PipelineError::Ambiguous { .. })) => {
                reports.push(DeleteReport {
                    id: id.clone(),
                    key: None,
                    outcome: None,
                    error: Some(e.to_string()),
                });
            }
            Err(e) => return Err(e),
        }
    }
    let outcomes = sink.write(changes)?;
    for (slot, outcome) in slots.into_iter().zip(outcomes) {
        reports[slot].outcome = Some(outcome);
    }
    Ok(reports)
}
