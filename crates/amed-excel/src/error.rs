//! The errors of a workbook that cannot be read as a DMP at all.

use crate::limits::{size, thousands};
use std::path::{Path, PathBuf};

/// A workbook that cannot be read as a DMP at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or parsed as a spreadsheet.
    #[error("{file}: cannot read the workbook: {reason}; expected an .xlsx, .xls or .ods file of AMED's DMP form")]
    Unreadable {
        /// The file.
        file: PathBuf,
        /// What the spreadsheet reader said.
        reason: String,
    },
    /// The file is empty.
    #[error("{file}: the file is empty (0 bytes); expected an .xlsx, .xls or .ods file of AMED's DMP form")]
    Empty {
        /// The file.
        file: PathBuf,
    },
    /// The file is larger than any DMP form ([`crate::limits::MAX_FILE_BYTES`]).
    #[error("{file}: the file is {}; a DMP form is 10–200 KiB, and dmpgraph reads workbooks of at most {}", size(*.bytes), size(*.limit))]
    FileTooLarge {
        /// The file.
        file: PathBuf,
        /// Its size in bytes.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// An .xlsx or .ods zip with more parts than any DMP form
    /// ([`crate::limits::MAX_ZIP_PARTS`]).
    #[error("{file}: the archive holds {} parts; an .xlsx or .ods DMP form has 10–30, and dmpgraph reads at most {}", thousands(*.parts as u64), thousands(*.limit as u64))]
    TooManyParts {
        /// The file.
        file: PathBuf,
        /// How many parts (zip entries) it holds.
        parts: usize,
        /// The limit.
        limit: usize,
    },
    /// A part of an .xlsx or .ods zip declares or inflates to more than
    /// [`crate::limits::MAX_PART_BYTES`] (a zip bomb).
    #[error("{file}: {part} {}; a DMP form's parts are a few hundred KiB, and dmpgraph inflates at most {} of one", part_size(*.declared, *.limit), size(*.limit))]
    PartTooLarge {
        /// The file.
        file: PathBuf,
        /// The part (zip entry), e.g. `xl/worksheets/sheet1.xml`.
        part: String,
        /// The uncompressed size the zip declares, when that is over the
        /// limit; `None` when the part really inflates past it.
        declared: Option<u64>,
        /// The limit.
        limit: u64,
    },
    /// The parts of an .xlsx or .ods zip inflate to more than
    /// [`crate::limits::MAX_ARCHIVE_BYTES`] together.
    #[error("{file}: the archive's parts inflate past {} together (at {part}); a DMP form's inflate to about a MiB", size(*.limit))]
    ArchiveTooLarge {
        /// The file.
        file: PathBuf,
        /// The part at which the total went over.
        part: String,
        /// The limit.
        limit: u64,
    },
    /// The workbook stream of an .xls file is larger than
    /// [`crate::limits::MAX_XLS_STREAM_BYTES`].
    #[error("{file}: the .xls workbook stream '{stream}' is {}; a DMP form's is 50–500 KiB, and dmpgraph reads at most {}", size(*.bytes), size(*.limit))]
    StreamTooLarge {
        /// The file.
        file: PathBuf,
        /// The stream (`Workbook` or `Book`).
        stream: String,
        /// Its size in bytes.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A sheet spans more cells than the reader lays out
    /// ([`crate::limits::MAX_CELLS`], for all sheets together).
    #[error("{file}: sheet '{sheet}' {} {range} ({} cells); a DMP form spans a few thousand, and dmpgraph lays out at most {} cells of a workbook", if *.declared { "declares" } else { "spans" }, thousands(*.cells), thousands(*.limit))]
    SheetTooLarge {
        /// The file.
        file: PathBuf,
        /// The sheet.
        sheet: String,
        /// Its extent, e.g. `A1:XFD1048576`: from its first to its last
        /// filled row and column (never the extent the file claims).
        range: String,
        /// How many cells the range spans.
        cells: u64,
        /// Whether `range` is what an .xls DIMENSIONS record declares (which
        /// the parser reserves memory for) rather than where cells are.
        declared: bool,
        /// The limit.
        limit: u64,
    },
    /// The cells of a workbook are more than [`crate::limits::MAX_CELLS`].
    #[error("{file}: {place} brings the workbook past {} filled cells; a DMP form has a few thousand", thousands(*.limit))]
    TooManyCells {
        /// The file.
        file: PathBuf,
        /// Where the count went over: `sheet 'DMP'`, or for an .xls `the
        /// shared string table (SST)`.
        place: String,
        /// The limit.
        limit: u64,
    },
    /// The cells of a workbook hold more text than
    /// [`crate::limits::MAX_TEXT_BYTES`].
    #[error("{file}: {place} brings the text of the workbook's cells past {} (a string repeated in many cells counted each time); a DMP form holds 10–100 KiB", size(*.limit))]
    TooMuchText {
        /// The file.
        file: PathBuf,
        /// Where the count went over: `sheet 'DMP'`, `the shared string
        /// table (SST)` or `the defined names`.
        place: String,
        /// The limit.
        limit: u64,
    },
    /// No sheet carries the form's labels.
    #[error("{file}: not a DMP workbook: no sheet (of {sheets}) has the labels of AMED's DMP form (課題管理番号, 研究開発課題名, データの名称…)")]
    NotDmp {
        /// The file.
        file: PathBuf,
        /// The sheets looked at, quoted and comma-separated.
        sheets: String,
    },
}

impl ReadError {
    /// The file concerned.
    pub fn file(&self) -> &Path {
        match self {
            ReadError::Unreadable { file, .. }
            | ReadError::Empty { file }
            | ReadError::NotDmp { file, .. }
            | ReadError::FileTooLarge { file, .. }
            | ReadError::TooManyParts { file, .. }
            | ReadError::PartTooLarge { file, .. }
            | ReadError::ArchiveTooLarge { file, .. }
            | ReadError::StreamTooLarge { file, .. }
            | ReadError::SheetTooLarge { file, .. }
            | ReadError::TooManyCells { file, .. }
            | ReadError::TooMuchText { file, .. } => file,
        }
    }
}

/// `declares 1 GiB uncompressed` or `inflates past 16 MiB`.
fn part_size(declared: Option<u64>, limit: u64) -> String {
    match declared {
        Some(bytes) => format!("declares {} uncompressed", size(bytes)),
        None => format!("inflates past {}", size(limit)),
    }
}
