//! What a harvest remembers between runs, in `DIR/harvest/state.redb`:
//! each harvested record's validators and content hash (so an unchanged
//! record costs a 304, and a record whose content did not change keeps
//! its datestamp), which registry holds each DOI, each run's checkpoint
//! (the next page, the targets done), and a page received but not yet
//! stored (so a harvest killed between the two stores it on resume
//! without asking again).
//!
//! Every change is one durable redb transaction; a record's state is
//! written only after the store has the record.

use crate::client::Validators;
use crate::HarvestError;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const RECORDS: TableDefinition<&str, &[u8]> = TableDefinition::new("records");
const REGISTRIES: TableDefinition<&str, &str> = TableDefinition::new("doi_registries");
const RUNS: TableDefinition<&str, &[u8]> = TableDefinition::new("runs");
const DONE: TableDefinition<(&str, &str), ()> = TableDefinition::new("run_done");
const PENDING: TableDefinition<&str, &[u8]> = TableDefinition::new("pending");
const PAGES: TableDefinition<&str, &[u8]> = TableDefinition::new("pages");

/// A harvested record's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordState {
    /// The source it came from.
    pub source: String,
    /// The URL it was last received from.
    pub url: String,
    /// The validators of that response.
    pub validators: Validators,
    /// The hash of the record's own JSON.
    pub content_hash: String,
    /// When this content was first received (the stored provenance's time).
    pub retrieved: chrono::DateTime<chrono::Utc>,
    /// When the source was last asked about it.
    pub checked: chrono::DateTime<chrono::Utc>,
    /// The status with which the source said it is gone (404, 410).
    #[serde(default)]
    pub gone: Option<u16>,
    /// The URL the stored content was first received from (its provenance).
    #[serde(default)]
    pub provenance_url: Option<String>,
    /// The validators of that response.
    #[serde(default)]
    pub provenance_validators: Option<Validators>,
}

/// Where a paged run goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// What the run is, for people (`datacite: fundingReferences…`).
    pub label: String,
    /// The URL of the next page to ask; `None` when the run is at its end.
    pub next: Option<String>,
    /// Pages stored.
    pub pages: u64,
    /// Records stored.
    pub records: u64,
    /// When the run started.
    pub started: chrono::DateTime<chrono::Utc>,
}

/// A page received and not yet stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The URL asked.
    pub url: String,
    /// The target (DOI, accession) it answers, for single-record runs.
    #[serde(default)]
    pub target: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// Its validators.
    pub validators: Validators,
    /// When it was received.
    pub retrieved: chrono::DateTime<chrono::Utc>,
}

impl Pending {
    /// A response received for `target` (or a search page), kept until stored.
    pub fn of(r: &crate::client::Response, target: Option<String>) -> Pending {
        Pending {
            url: r.url.clone(),
            target,
            body: r.body.clone(),
            validators: r.validators.clone(),
            retrieved: r.retrieved,
        }
    }

    /// The response it keeps (a 200: only bodies are kept).
    pub fn into_response(self) -> crate::client::Response {
        crate::client::Response {
            url: self.url,
            status: 200,
            body: self.body,
            validators: self.validators,
            retrieved: self.retrieved,
        }
    }
}

/// A page's validators and what it said, so that a 304 on it still knows
/// the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageState {
    /// Its validators.
    pub validators: Validators,
    /// The next page's URL it gave.
    pub next: Option<String>,
}

/// The harvest state of one store directory.
pub struct State {
    db: Database,
    path: PathBuf,
}

impl State {
    /// Opens (creating) `DIR/harvest/state.redb`. A second harvest on the
    /// same store fails here, clearly: the file is locked.
    pub fn open(store_dir: &Path) -> Result<State, HarvestError> {
        let dir = store_dir.join("harvest");
        std::fs::create_dir_all(&dir).map_err(|source| HarvestError::Io {
            path: dir.clone(),
            source,
        })?;
        let path = dir.join("state.redb");
        let db = Database::create(&path).map_err(|e| HarvestError::state(&path, e))?;
        let state = State { db, path };
        // Every table exists from the start, so reads never meet a missing one.
        state.write(|w| {
            w.open_table(RECORDS)?;
            w.open_table(REGISTRIES)?;
            w.open_table(RUNS)?;
            w.open_table(DONE)?;
            w.open_table(PENDING)?;
            w.open_table(PAGES)?;
            Ok(())
        })?;
        Ok(state)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&redb::WriteTransaction) -> Result<T, redb::Error>,
    ) -> Result<T, HarvestError> {
        let run = || -> Result<T, redb::Error> {
            let w = self.db.begin_write()?;
            let t = f(&w)?;
            w.commit()?;
            Ok(t)
        };
        run().map_err(|e| HarvestError::state(&self.path, e))
    }

    fn read_json<T: for<'de> Deserialize<'de>>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
    ) -> Result<Option<T>, HarvestError> {
        let run = || -> Result<Option<Vec<u8>>, redb::Error> {
            let r = self.db.begin_read()?;
            let t = r.open_table(table)?;
            Ok(t.get(key)?.map(|v| v.value().to_vec()))
        };
        match run().map_err(|e| HarvestError::state(&self.path, e))? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| HarvestError::state(&self.path, std::io::Error::other(e))),
            None => Ok(None),
        }
    }

    /// A record's state, by its record id (`doi:10.…`, `jga:JGAD…`).
    pub fn record(&self, id: &str) -> Result<Option<RecordState>, HarvestError> {
        self.read_json(RECORDS, id)
    }

    /// Stores records' states in one transaction (after the store has them).
    pub fn put_records(&self, records: &[(String, RecordState)]) -> Result<(), HarvestError> {
        self.write(|w| {
            let mut t = w.open_table(RECORDS)?;
            for (id, s) in records {
                let bytes =
                    serde_json::to_vec(s).map_err(|e| redb::Error::Io(std::io::Error::other(e)))?;
                t.insert(id.as_str(), bytes.as_slice())?;
            }
            Ok(())
        })
    }

    /// Every record id the state knows, with its state.
    pub fn records(&self) -> Result<Vec<(String, RecordState)>, HarvestError> {
        let run = || -> Result<Vec<(String, Vec<u8>)>, redb::Error> {
            let r = self.db.begin_read()?;
            let t = r.open_table(RECORDS)?;
            t.iter()?
                .map(|e| {
                    let (k, v) = e?;
                    Ok((k.value().to_string(), v.value().to_vec()))
                })
                .collect()
        };
        run()
            .map_err(|e| HarvestError::state(&self.path, e))?
            .into_iter()
            .map(|(k, v)| {
                serde_json::from_slice(&v)
                    .map(|s| (k, s))
                    .map_err(|e| HarvestError::state(&self.path, std::io::Error::other(e)))
            })
            .collect()
    }

    /// Which registry holds a DOI, as doi.org said.
    pub fn registry(&self, doi: &str) -> Result<Option<String>, HarvestError> {
        let run = || -> Result<Option<String>, redb::Error> {
            let r = self.db.begin_read()?;
            let t = r.open_table(REGISTRIES)?;
            Ok(t.get(doi)?.map(|v| v.value().to_string()))
        };
        run().map_err(|e| HarvestError::state(&self.path, e))
    }

    /// Remembers which registry holds a DOI (a DOI does not move).
    pub fn put_registry(&self, doi: &str, registry: &str) -> Result<(), HarvestError> {
        self.write(|w| {
            w.open_table(REGISTRIES)?.insert(doi, registry)?;
            Ok(())
        })
    }

    /// A run's checkpoint.
    pub fn checkpoint(&self, run: &str) -> Result<Option<Checkpoint>, HarvestError> {
        self.read_json(RUNS, run)
    }

    /// Stores a run's checkpoint.
    pub fn put_checkpoint(&self, run: &str, c: &Checkpoint) -> Result<(), HarvestError> {
        let bytes = serde_json::to_vec(c)
            .map_err(|e| HarvestError::state(&self.path, std::io::Error::other(e)))?;
        self.write(|w| {
            w.open_table(RUNS)?.insert(run, bytes.as_slice())?;
            Ok(())
        })
    }

    /// Ends a run: its checkpoint, done targets and pending page go.
    pub fn finish(&self, run: &str) -> Result<(), HarvestError> {
        self.write(|w| {
            w.open_table(RUNS)?.remove(run)?;
            let mut pending = w.open_table(PENDING)?;
            pending.remove(run)?;
            let (from, to) = pending_range(run);
            pending.retain_in(from.as_str()..to.as_str(), |_, _| false)?;
            let mut done = w.open_table(DONE)?;
            let keys: Vec<String> = done
                .range((run, "")..)?
                .map_while(|e| match e {
                    Ok((k, _)) if k.value().0 == run => Some(Ok(k.value().1.to_string())),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<_, _>>()?;
            for k in keys {
                done.remove((run, k.as_str()))?;
            }
            Ok(())
        })
    }

    /// Whether a run has done a target.
    pub fn is_done(&self, run: &str, target: &str) -> Result<bool, HarvestError> {
        let go = || -> Result<bool, redb::Error> {
            let r = self.db.begin_read()?;
            Ok(r.open_table(DONE)?.get((run, target))?.is_some())
        };
        go().map_err(|e| HarvestError::state(&self.path, e))
    }

    /// How many targets a run has done.
    pub fn done_count(&self, run: &str) -> Result<u64, HarvestError> {
        let go = || -> Result<u64, redb::Error> {
            let r = self.db.begin_read()?;
            let t = r.open_table(DONE)?;
            let mut n = 0;
            for e in t.range((run, "")..)? {
                if e?.0.value().0 != run {
                    break;
                }
                n += 1;
            }
            Ok(n)
        };
        go().map_err(|e| HarvestError::state(&self.path, e))
    }

    /// The page a search run received and has not stored.
    pub fn pending(&self, run: &str) -> Result<Option<Pending>, HarvestError> {
        self.read_json(PENDING, run)
    }

    /// The records a single-record run received and has not stored: one
    /// per target, as several are asked at once.
    pub fn pendings(&self, run: &str) -> Result<Vec<Pending>, HarvestError> {
        let (from, to) = pending_range(run);
        let go = || -> Result<Vec<Vec<u8>>, redb::Error> {
            let r = self.db.begin_read()?;
            let t = r.open_table(PENDING)?;
            t.range(from.as_str()..to.as_str())?
                .map(|e| e.map(|(_, v)| v.value().to_vec()).map_err(redb::Error::from))
                .collect()
        };
        go().map_err(|e| HarvestError::state(&self.path, e))?
            .iter()
            .map(|b| {
                serde_json::from_slice(b)
                    .map_err(|e| HarvestError::state(&self.path, std::io::Error::other(e)))
            })
            .collect()
    }

    /// Keeps a page or a record received, before it is stored (a record
    /// under its target, a page under the run).
    pub fn put_pending(&self, run: &str, p: &Pending) -> Result<(), HarvestError> {
        let bytes = serde_json::to_vec(p)
            .map_err(|e| HarvestError::state(&self.path, std::io::Error::other(e)))?;
        let key = pending_key(run, p.target.as_deref());
        self.write(|w| {
            w.open_table(PENDING)?.insert(key.as_str(), bytes.as_slice())?;
            Ok(())
        })
    }

    /// Forgets what was received for a target (or a search page) and did
    /// not parse: nothing of it is stored, and resuming asks again.
    pub fn drop_pending(&self, run: &str, target: Option<&str>) -> Result<(), HarvestError> {
        let key = pending_key(run, target);
        self.write(|w| {
            w.open_table(PENDING)?.remove(key.as_str())?;
            Ok(())
        })
    }

    /// A page's state.
    pub fn page(&self, url: &str) -> Result<Option<PageState>, HarvestError> {
        self.read_json(PAGES, url)
    }

    /// After a page or a target is stored, in one transaction: the records'
    /// states, the page's state, the run's checkpoint (or the target done),
    /// and the pending page gone.
    pub fn stored(&self, run: &str, step: &Stored<'_>) -> Result<(), HarvestError> {
        let json = |v: &dyn erased::Json| {
            v.bytes()
                .map_err(|e| redb::Error::Io(std::io::Error::other(e)))
        };
        self.write(|w| {
            let mut records = w.open_table(RECORDS)?;
            for (id, s) in step.records {
                records.insert(id.as_str(), json(s)?.as_slice())?;
            }
            if let Some((url, page)) = step.page {
                w.open_table(PAGES)?.insert(url, json(page)?.as_slice())?;
            }
            if let Some(c) = step.checkpoint {
                w.open_table(RUNS)?.insert(run, json(c)?.as_slice())?;
            }
            if let Some(t) = step.target {
                w.open_table(DONE)?.insert((run, t), ())?;
            }
            w.open_table(PENDING)?
                .remove(pending_key(run, step.target).as_str())?;
            Ok(())
        })
    }
}

/// Separates a run from a target in the pending table's keys.
const TARGET_SEP: char = '\u{1f}';

/// The pending key of a run's page (`target` none) or of a target's record.
fn pending_key(run: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("{run}{TARGET_SEP}{t}"),
        None => run.to_string(),
    }
}

/// The keys of a run's targets' records: `[run␟, run␠)`.
fn pending_range(run: &str) -> (String, String) {
    (format!("{run}{TARGET_SEP}"), format!("{run}\u{20}"))
}

/// What one stored step changes in the state.
#[derive(Default)]
pub struct Stored<'a> {
    /// Records' new states.
    pub records: &'a [(String, RecordState)],
    /// A page's URL and state.
    pub page: Option<(&'a str, &'a PageState)>,
    /// The run's new checkpoint.
    pub checkpoint: Option<&'a Checkpoint>,
    /// A target done.
    pub target: Option<&'a str>,
}

mod erased {
    pub trait Json {
        fn bytes(&self) -> Result<Vec<u8>, serde_json::Error>;
    }
    impl<T: serde::Serialize> Json for T {
        fn bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
            serde_json::to_vec(self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_survives_reopening_and_a_finished_run_forgets_its_targets() {
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::Utc::now();
        let s = State::open(dir.path()).unwrap();
        let rec = RecordState {
            source: "datacite".into(),
            url: "http://127.0.0.1:1/dois/10.99999/x".into(),
            validators: Validators {
                etag: Some("\"a\"".into()),
                last_modified: None,
            },
            content_hash: "h".into(),
            retrieved: now,
            checked: now,
            gone: None,
            provenance_url: None,
            provenance_validators: None,
        };
        s.stored(
            "run-a",
            &Stored {
                records: &[("doi:10.99999/x".into(), rec.clone())],
                target: Some("10.99999/x"),
                ..Stored::default()
            },
        )
        .unwrap();
        s.stored(
            "run-b",
            &Stored {
                target: Some("t"),
                ..Stored::default()
            },
        )
        .unwrap();
        s.put_registry("10.99999/x", "DataCite").unwrap();
        drop(s);
        let s = State::open(dir.path()).unwrap();
        assert_eq!(s.record("doi:10.99999/x").unwrap(), Some(rec));
        assert!(s.is_done("run-a", "10.99999/x").unwrap());
        assert_eq!(s.done_count("run-a").unwrap(), 1);
        assert_eq!(
            s.registry("10.99999/x").unwrap().as_deref(),
            Some("DataCite")
        );
        s.finish("run-a").unwrap();
        assert!(!s.is_done("run-a", "10.99999/x").unwrap());
        assert!(
            s.is_done("run-b", "t").unwrap(),
            "another run keeps its targets"
        );
        assert!(
            s.record("doi:10.99999/x").unwrap().is_some(),
            "records outlive runs"
        );
    }
}
