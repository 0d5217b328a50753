//! Loading a workbook's sheets as grids of cells, within bounded memory:
//! the checks of [`crate::bounds`] run first, then calamine parses.

use crate::bounds::{check_ods, check_zip, sanitize_xls, Budget, Container};
use crate::error::ReadError;
use crate::limits::{Extent, MAX_FILE_BYTES};
use calamine::{Cell, Data, DataRef, Ods, Range, Reader, Xls, Xlsb, Xlsx, XlsxError};
use std::io::{Cursor, Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The sheets of a workbook, in order: name and cells.
pub(crate) type Grid = Vec<(String, Range<Data>)>;

fn unreadable(file: &Path, reason: impl Into<String>) -> ReadError {
    ReadError::Unreadable {
        file: file.to_path_buf(),
        reason: reason.into(),
    }
}

/// Reads a workbook file into memory, refusing one over [`MAX_FILE_BYTES`]
/// before reading it (and while reading, should it grow).
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let too_large = |bytes| ReadError::FileTooLarge {
        file: path.to_path_buf(),
        bytes,
        limit: MAX_FILE_BYTES,
    };
    let io = |e: std::io::Error| unreadable(path, e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Every sheet of a workbook, as calamine reads it, once the file has passed
/// the checks of [`crate::bounds`].
pub(crate) fn load_sheets(file: &Path, bytes: &[u8]) -> Result<Grid, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty {
            file: file.to_path_buf(),
        });
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::FileTooLarge {
            file: file.to_path_buf(),
            bytes: bytes.len() as u64,
            limit: MAX_FILE_BYTES,
        });
    }
    // The checks and the parser see untrusted bytes: a panic in either
    // becomes an error on this file, not the end of a folder's ingest.
    guarded(file, || match Container::sniff(bytes) {
        Container::Zip => {
            let parts = check_zip(file, bytes)?;
            if parts.iter().any(|p| p == "[Content_Types].xml") {
                load_ooxml(file, bytes)
            } else {
                check_ods(file, bytes)?;
                let book =
                    Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e.to_string()))?;
                dense_sheets(file, book)
            }
        }
        Container::Cfb => {
            let clean = sanitize_xls(file, bytes)?;
            let book = Xls::new(Cursor::new(clean)).map_err(|e| unreadable(file, e.to_string()))?;
            dense_sheets(file, book)
        }
        Container::Other => Err(unreadable(
            file,
            "neither a zip (.xlsx, .xlsm, .ods) nor a compound file (.xls)",
        )),
    })
}

/// Runs `load`, turning a panic into an error on the file.
fn guarded(file: &Path, load: impl FnOnce() -> Result<Grid, ReadError>) -> Result<Grid, ReadError> {
    catch_unwind(AssertUnwindSafe(load)).unwrap_or_else(|_| {
        Err(unreadable(
            file,
            "the spreadsheet reader failed on this file's contents (corrupt or truncated?)",
        ))
    })
}

/// An .xls or .ods workbook, which calamine parses whole when it opens it
/// (the checks bound what that costs).
fn dense_sheets<RS: Read + Seek, R: Reader<RS>>(file: &Path, mut book: R) -> Result<Grid, ReadError>
where
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(file, format!("sheet '{name}': {e}")))?;
        sheets.push((name, range));
    }
    Ok(sheets)
}

/// An .xlsx, .xlsm (or .xlsb) workbook, read cell by cell: only filled cells
/// are kept, each sheet's extent is that of its cells (whatever its
/// `<dimension>` claims), and it is laid out as a grid only once the extents
/// of all sheets so far fit [`crate::limits::MAX_CELLS`].
fn load_ooxml(file: &Path, bytes: &[u8]) -> Result<Grid, ReadError> {
    let mut budget = Budget::new(file);
    let mut sheets = Vec::new();
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(mut book) => {
            for name in book.sheet_names().to_vec() {
                let mut cells = match book.worksheet_cells_reader(&name) {
                    Ok(cells) => cells,
                    // A chart sheet: no cells.
                    Err(XlsxError::NotAWorksheet(_)) => {
                        sheets.push((name, Range::empty()));
                        continue;
                    }
                    Err(e) => return Err(unreadable(file, format!("sheet '{name}': {e}"))),
                };
                let range = collect(&name, &mut budget, || {
                    cells
                        .next_cell()
                        .map_err(|e| unreadable(file, format!("sheet '{name}': {e}")))
                })?;
                sheets.push((name, range));
            }
        }
        Err(xlsx_error) => {
            let Ok(mut book) = Xlsb::new(Cursor::new(bytes)) else {
                return Err(unreadable(file, xlsx_error.to_string()));
            };
            for name in book.sheet_names().to_vec() {
                let mut cells = book
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(file, format!("sheet '{name}': {e}")))?;
                let range = collect(&name, &mut budget, || {
                    cells
                        .next_cell()
                        .map_err(|e| unreadable(file, format!("sheet '{name}': {e}")))
                })?;
                sheets.push((name, range));
            }
        }
    }
    Ok(sheets)
}

/// Collects a sheet's filled cells from a cell stream within the budget,
/// then lays them out.
fn collect<'a>(
    sheet: &str,
    budget: &mut Budget<'_>,
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, ReadError>,
) -> Result<Range<Data>, ReadError> {
    let mut cells = Vec::new();
    let mut extent = None;
    let place = format!("sheet '{sheet}'");
    while let Some(cell) = next()? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        budget.fill(&place, 1)?;
        let data = Data::from(cell.get_value().clone());
        budget.text(&place, text_len(&data))?;
        let (row, col) = cell.get_position();
        Extent::add(&mut extent, row, col);
        cells.push(Cell::new((row, col), data));
    }
    budget.span(sheet, extent)?;
    Ok(Range::from_sparse(cells))
}

/// The bytes of text a cell holds.
fn text_len(data: &Data) -> u64 {
    match data {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len() as u64,
        _ => 0,
    }
}
