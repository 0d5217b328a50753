//! Reading a path into records: files found, read as AMED workbooks or
//! maDMP JSON, checked, and reported.

use chrono::NaiveDate;
use dmpgraph_amed_excel::{Problem, ReadError, Reading};
use dmpgraph_madmp::Version as MadmpVersion;
use dmpgraph_model::Severity;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Extensions of the spreadsheets dmpgraph reads.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods"];

/// Whether a file is read as maDMP JSON (by its extension).
pub fn is_madmp_json(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn is_input(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.starts_with('.') && is_madmp_json(path) || is_workbook(path)
}

fn is_workbook(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    // `~$name.xlsx` is the lock file Excel leaves beside an open workbook.
    if name.starts_with("~$") || name.starts_with('.') {
        return false;
    }
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        WORKBOOK_EXTENSIONS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(e))
    })
}

/// The input files named by `paths`: files as given (whatever their
/// extension, so a wrong one gets a clear error), folders walked recursively
/// for workbook and `.json` extensions, in path order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, crate::PipelineError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| crate::PipelineError::Io {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .follow_links(true)
                .into_iter()
                .filter_map(|e| match e {
                    Ok(e) => Some(e),
                    Err(err) => {
                        tracing::warn!("skipping: {err}");
                        None
                    }
                })
                .filter(|e| e.file_type().is_file() && is_input(e.path()))
                .map(|e| e.into_path())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// How input files are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The day AMED's date rules are checked on.
    pub today: NaiveDate,
    /// Read maDMP JSON as this version instead of detecting it.
    pub madmp_version: Option<MadmpVersion>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            today: chrono::Local::now().date_naive(),
            madmp_version: None,
        }
    }
}

/// A maDMP JSON document read and checked against its version's schema.
#[derive(Debug, Clone)]
pub struct MadmpReading {
    /// The file.
    pub file: PathBuf,
    /// The document's `dmp_id` identifier, as written.
    pub dmp_id: String,
    /// The document as it came (extension keys included).
    pub document: serde_json::Value,
    /// The version it was read as.
    pub version: MadmpVersion,
    /// Its title.
    pub title: String,
    /// How many datasets it describes.
    pub datasets: usize,
    /// How many contributors it names.
    pub contributors: usize,
    /// `modified` in UTC, the record's version.
    pub modified: Option<String>,
    /// Warnings on the document (values that stray from their key's
    /// `format`, kept as written), each naming the file and starting with
    /// its JSON pointer.
    pub problems: Vec<Problem>,
}

/// A file read and checked: a plan to store, or the report of why not.
#[derive(Debug)]
pub enum Read {
    /// An AMED workbook.
    Plan(Box<Reading>),
    /// A maDMP document.
    Madmp(Box<MadmpReading>),
    /// Not readable, or rejected by the checks.
    Failed(FileReport),
}

/// The fate of one input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Valid; not stored (validate).
    Valid,
    /// Stored as a new record.
    Created,
    /// Stored, replacing the record's previous content.
    Updated,
    /// Stored again after it had been deleted.
    Revived,
    /// Already stored with the same content.
    Unchanged,
    /// Not stored: the store holds a newer version of the DMP.
    OlderThanStored,
    /// Not stored: errors.
    Rejected,
}

impl Status {
    /// The status as the report table writes it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Created => "created",
            Status::Updated => "updated",
            Status::Revived => "revived",
            Status::Unchanged => "unchanged",
            Status::OlderThanStored => "older than stored",
            Status::Rejected => "REJECTED",
        }
    }

    /// Whether the file's record was written.
    pub fn stored(self) -> bool {
        matches!(self, Status::Created | Status::Updated | Status::Revived)
    }
}

/// One file's line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file.
    pub file: PathBuf,
    /// What happened.
    pub status: Status,
    /// The record id (grant number, or a maDMP plan's id in normal form), when read.
    pub id: Option<String>,
    /// Datasets read.
    pub datasets: usize,
    /// Staff rows (or maDMP contributors) read.
    pub staff: usize,
    /// Errors and warnings.
    pub problems: Vec<Problem>,
}

impl FileReport {
    /// How many problems are errors.
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    /// How many problems are warnings.
    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// Adds a problem about the whole file.
    pub fn add(&mut self, severity: Severity, message: String) {
        self.problems.push(Problem {
            severity,
            file: self.file.clone(),
            sheet: None,
            cell: None,
            message,
        });
    }

    /// The report of a file rejected for one reason.
    pub fn rejected(path: &Path, message: String) -> FileReport {
        let mut r = FileReport {
            file: path.to_path_buf(),
            status: Status::Rejected,
            id: None,
            datasets: 0,
            staff: 0,
            problems: Vec::new(),
        };
        r.add(Severity::Error, message);
        r
    }
}

fn read_madmp(path: &Path, version: Option<MadmpVersion>) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Read::Failed(FileReport::rejected(
                path,
                format!("cannot read the file: {e}"),
            ))
        }
    };
    let document: serde_json::Value =
        match serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
            Ok(v) => v,
            Err(e) => {
                return Read::Failed(FileReport::rejected(
                    path,
                    MadmpRefusal::Invalid(dmpgraph_madmp::ImportError::from_json(e)).to_string(),
                ))
            }
        };
    match madmp_reading(path, document, version) {
        Ok(reading) => Read::Madmp(Box::new(reading)),
        Err(refused) => Read::Failed(FileReport::rejected(path, refused.to_string())),
    }
}

/// Why a maDMP document is not stored.
#[derive(Debug, thiserror::Error)]
pub enum MadmpRefusal {
    /// The schema of its version forbids it.
    #[error("not a valid maDMP document: {0}")]
    Invalid(#[source] dmpgraph_madmp::ImportError),
    /// Its `dmp_id` cannot be a record's identity (the message starts with
    /// its JSON pointer).
    #[error("{0}")]
    Identity(String),
}

impl MadmpRefusal {
    /// What is wrong, starting with the JSON pointer of the first problem.
    pub fn problem(&self) -> String {
        match self {
            MadmpRefusal::Invalid(e) => e.to_string(),
            MadmpRefusal::Identity(m) => m.clone(),
        }
    }
}

/// A maDMP document already read as JSON (`document`, kept as it came,
/// extension keys included), checked against the schema of its version
/// (`version`, or the one it names): only what the schema forbids is
/// refused; a value that strays from its key's `format` (a bare DOI as a
/// URL, a date-time without a time zone) is kept as written and reported
/// as a warning. `file` names where it came from (a file, the API).
pub fn madmp_reading(
    file: &Path,
    document: serde_json::Value,
    version: Option<MadmpVersion>,
) -> Result<MadmpReading, MadmpRefusal> {
    let dmpgraph_madmp::Parsed {
        document: doc,
        version,
        warnings,
        ..
    } = dmpgraph_madmp::from_value_with_warnings(&document, version)
        .map_err(MadmpRefusal::Invalid)?;
    let problems = warnings
        .iter()
        .map(|warning| Problem {
            severity: Severity::Warning,
            file: file.to_path_buf(),
            sheet: None,
            cell: None,
            message: warning.to_string(),
        })
        .collect();
    let dmp_id = doc.dmp.dmp_id.identifier.trim().to_string();
    if dmp_id.is_empty() {
        return Err(MadmpRefusal::Identity(
            "/dmp/dmp_id/identifier: empty; the DMP's identifier is the record's identity".into(),
        ));
    }
    if dmp_id.chars().any(char::is_control) {
        return Err(MadmpRefusal::Identity(format!(
            "/dmp/dmp_id/identifier: {dmp_id:?} holds control characters"
        )));
    }
    let modified = doc.dmp.modified.to_chrono().map(|t| {
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    });
    Ok(MadmpReading {
        file: file.to_path_buf(),
        dmp_id,
        title: doc.dmp.title.clone(),
        datasets: doc.dmp.dataset.len(),
        contributors: doc.dmp.contributor.as_ref().map_or(0, Vec::len),
        document,
        version,
        modified,
        problems,
    })
}

/// Reads and checks one file. Never panics: a reader that fails on a
/// hostile file rejects that file, and the rest of the run goes on.
pub fn read_one(path: &Path, options: &ReadOptions) -> Read {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if is_madmp_json(path) {
            return read_madmp(path, options.madmp_version);
        }
        match dmpgraph_amed_excel::read_path(path, options.today) {
            Ok(reading) if !reading.is_rejected() => Read::Plan(Box::new(reading)),
            Ok(reading) => Read::Failed(file_report(&reading, Status::Rejected)),
            Err(e) => Read::Failed(FileReport {
                file: path.to_path_buf(),
                status: Status::Rejected,
                id: None,
                datasets: 0,
                staff: 0,
                problems: vec![read_error_problem(&e)],
            }),
        }
    }));
    caught.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an internal error".into());
        Read::Failed(FileReport::rejected(
            path,
            format!("cannot read the file: the reader failed on it ({what}); is it a workbook of AMED's form?"),
        ))
    })
}

fn read_error_problem(e: &ReadError) -> Problem {
    let file = e.file().to_path_buf();
    let text = e.to_string();
    let prefix = format!("{}: ", file.display());
    Problem {
        severity: Severity::Error,
        message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
        file,
        sheet: None,
        cell: None,
    }
}

/// The report line of a workbook read.
pub fn file_report(reading: &Reading, status: Status) -> FileReport {
    let id = reading.dmp.id();
    FileReport {
        file: reading.file.clone(),
        status,
        id: (!id.is_empty()).then(|| id.to_string()),
        datasets: reading.dmp.datasets.len(),
        staff: reading.dmp.staff.len(),
        problems: reading.problems.clone(),
    }
}

/// The report line of a maDMP document read.
pub fn madmp_report(reading: &MadmpReading, status: Status) -> FileReport {
    FileReport {
        file: reading.file.clone(),
        status,
        id: Some(crate::records::madmp_id(&reading.dmp_id)),
        datasets: reading.datasets,
        staff: reading.contributors,
        problems: reading.problems.clone(),
    }
}

/// `validate`: every file read and checked, nothing stored.
pub fn validate(
    files: &[PathBuf],
    options: &ReadOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<FileReport> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|p| {
            let r = match read_one(p, options) {
                Read::Plan(reading) => file_report(&reading, Status::Valid),
                Read::Madmp(reading) => madmp_report(&reading, Status::Valid),
                Read::Failed(r) => r,
            };
            progress(1);
            r
        })
        .collect()
}
