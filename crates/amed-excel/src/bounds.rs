//! Checks that keep the reading of one workbook within bounded memory: run on
//! the file's bytes before the spreadsheet parser sees them, against the
//! limits of [`crate::limits`].

mod ods;
mod xls;

pub(crate) use ods::check_ods;
pub(crate) use xls::sanitize_xls;

use crate::error::ReadError;
use crate::limits::{
    Extent, MAX_ARCHIVE_BYTES, MAX_CELLS, MAX_PART_BYTES, MAX_TEXT_BYTES, MAX_ZIP_PARTS,
};
use std::io::{self, Cursor, Read};
use std::path::Path;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip: .xlsx, .xlsm, .xlsb or .ods.
    Zip,
    /// A compound file (OLE2): .xls.
    Cfb,
    /// Anything else.
    Other,
}

impl Container {
    pub fn sniff(bytes: &[u8]) -> Container {
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            Container::Zip
        } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
            Container::Cfb
        } else {
            Container::Other
        }
    }
}

fn unreadable(file: &Path, reason: String) -> ReadError {
    ReadError::Unreadable {
        file: file.to_path_buf(),
        reason,
    }
}

/// Checks a zip workbook's parts: how many there are, the uncompressed size
/// each declares, and — because a declared size can lie — the size each
/// really inflates to, counted by streaming it into a sink that stops at the
/// limit (nothing of it is kept). Returns the names of the parts.
pub(crate) fn check_zip(file: &Path, bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(file, format!("not a readable zip: {e}")))?;
    if archive.len() > MAX_ZIP_PARTS {
        return Err(ReadError::TooManyParts {
            file: file.to_path_buf(),
            parts: archive.len(),
            limit: MAX_ZIP_PARTS,
        });
    }
    let mut names = Vec::with_capacity(archive.len());
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive
            .by_index(i)
            .map_err(|e| unreadable(file, format!("zip entry {i}: {e}")))?;
        let name = part.name().to_string();
        if part.size() > MAX_PART_BYTES {
            return Err(ReadError::PartTooLarge {
                file: file.to_path_buf(),
                part: name,
                declared: Some(part.size()),
                limit: MAX_PART_BYTES,
            });
        }
        let inflated = io::copy(&mut (&mut part).take(MAX_PART_BYTES + 1), &mut io::sink())
            .map_err(|e| unreadable(file, format!("{name}: {e}")))?;
        if inflated > MAX_PART_BYTES {
            return Err(ReadError::PartTooLarge {
                file: file.to_path_buf(),
                part: name,
                declared: None,
                limit: MAX_PART_BYTES,
            });
        }
        total += inflated;
        if total > MAX_ARCHIVE_BYTES {
            return Err(ReadError::ArchiveTooLarge {
                file: file.to_path_buf(),
                part: name,
                limit: MAX_ARCHIVE_BYTES,
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// What the sheets of one workbook have used of [`MAX_CELLS`] and
/// [`MAX_TEXT_BYTES`] so far.
pub(crate) struct Budget<'a> {
    file: &'a Path,
    spanned: u64,
    filled: u64,
    text: u64,
}

impl<'a> Budget<'a> {
    pub fn new(file: &'a Path) -> Budget<'a> {
        Budget {
            file,
            spanned: 0,
            filled: 0,
            text: 0,
        }
    }

    /// Takes in a sheet's extent (the grid the parser lays out for it).
    pub fn span(&mut self, sheet: &str, extent: Option<Extent>) -> Result<(), ReadError> {
        let Some(extent) = extent else { return Ok(()) };
        self.spanned += extent.cells();
        if self.spanned > MAX_CELLS {
            return Err(too_large(self.file, sheet, &extent, false));
        }
        Ok(())
    }

    /// Takes in `n` filled cells (or strings) of a place: `sheet 'DMP'`.
    pub fn fill(&mut self, place: &str, n: u64) -> Result<(), ReadError> {
        self.filled = self.filled.saturating_add(n);
        if self.filled > MAX_CELLS {
            return Err(ReadError::TooManyCells {
                file: self.file.to_path_buf(),
                place: place.to_string(),
                limit: MAX_CELLS,
            });
        }
        Ok(())
    }

    /// Takes in `bytes` of text of a place's cells.
    pub fn text(&mut self, place: &str, bytes: u64) -> Result<(), ReadError> {
        self.text = self.text.saturating_add(bytes);
        if self.text > MAX_TEXT_BYTES {
            return Err(ReadError::TooMuchText {
                file: self.file.to_path_buf(),
                place: place.to_string(),
                limit: MAX_TEXT_BYTES,
            });
        }
        Ok(())
    }
}

/// The error of a sheet whose extent is over [`MAX_CELLS`].
pub(crate) fn too_large(file: &Path, sheet: &str, extent: &Extent, declared: bool) -> ReadError {
    ReadError::SheetTooLarge {
        file: file.to_path_buf(),
        sheet: sheet.to_string(),
        range: extent.a1(),
        cells: extent.cells(),
        declared,
        limit: MAX_CELLS,
    }
}
