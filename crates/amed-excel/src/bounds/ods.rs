//! The .ods check: calamine parses `content.xml` whole when it opens the
//! file, repeating each `table:number-columns-repeated` and
//! `table:number-rows-repeated` cell (a few bytes of XML can ask for 16,384
//! columns times a million rows) and each `text:s text:c` space run, and lays
//! every sheet out as a grid. So `content.xml` is read once before, streamed
//! through an XML reader (quick-xml, the one calamine uses), counting what
//! calamine would build from it — cells, text copies and each sheet's extent
//! — against the [`Budget`]. Counts follow calamine 0.38's `read_table`,
//! `read_row` and `get_range`, rounding up where they differ.

use super::{unreadable, Budget};
use crate::error::ReadError;
use crate::limits::Extent;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor};
use std::path::Path;

/// calamine's caps on the repeats of rows and columns of an .ods sheet.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The attributes that give a cell a value (calamine's `get_datatype`)...
const VALUE_ATTRIBUTES: &[&str] = &[
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
    "office:value-type",
    "calcext:value-type",
    "table:formula",
];
/// ... and those of them whose text calamine keeps.
const TEXT_ATTRIBUTES: &[&str] = &[
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "table:formula",
];

/// Checks the sheets of an .ods file's `content.xml` against the budget.
/// A file without one is left to calamine to refuse.
pub(crate) fn check_ods(file: &Path, bytes: &[u8]) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(file, format!("not a readable zip: {e}")))?;
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    xml.config_mut().check_end_names = false;
    xml.config_mut().check_comments = false;
    let mut scan = Scan {
        budget: Budget::new(file),
        sheet: None,
    };
    let mut buf = Vec::new();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(file, format!("content.xml: {e}")))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => scan.open(&e)?,
            // An empty element has no end event of its own.
            Event::Empty(e) => {
                scan.open(&e)?;
                scan.close(e.name().0)?;
            }
            Event::End(e) => scan.close(e.name().0)?,
            Event::Text(t) => scan.text(t.len() as u64)?,
            // An entity stands for at most a few bytes.
            Event::GeneralRef(r) => scan.text(r.len() as u64 + 4)?,
            Event::CData(t) => scan.text(t.len() as u64)?,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// The sheet being scanned.
struct Sheet {
    name: String,
    /// Rows so far, counting repeats (capped as calamine caps them).
    rows: u64,
    extent: Option<Extent>,
    row: Option<Row>,
}

/// The row being scanned.
struct Row {
    /// Its first row index and how many times it repeats.
    index: u64,
    repeats: u64,
    /// Columns so far, counting repeats.
    cols: u64,
    /// Empty columns calamine holds back until a later cell comes.
    held_empty: u64,
    /// Cells calamine stores for the row (once, whatever its repeats).
    stored: u64,
    cell: Option<CellScan>,
}

/// The cell being scanned.
struct CellScan {
    col: u64,
    repeats: u64,
    filled: bool,
    /// Bytes of text in its attributes and content.
    text: u64,
    /// Element depth inside the cell.
    depth: u32,
}

struct Scan<'a> {
    budget: Budget<'a>,
    sheet: Option<Sheet>,
}

fn attr_number(e: &BytesStart<'_>, key: &str) -> Option<u64> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.0 == key)
        .map(|a| a.value.trim().parse().unwrap_or(1))
}

impl Scan<'_> {
    fn open(&mut self, e: &BytesStart<'_>) -> Result<(), ReadError> {
        let name = e.name().0;
        let Some(sheet) = self.sheet.as_mut() else {
            if name == "table:table" {
                let table = e
                    .attributes()
                    .with_checks(false)
                    .flatten()
                    .find(|a| a.key.0 == "table:name")
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                self.sheet = Some(Sheet {
                    name: table,
                    rows: 0,
                    extent: None,
                    row: None,
                });
            }
            return Ok(());
        };
        let Some(row) = sheet.row.as_mut() else {
            if name == "table:table-row" {
                let repeats = attr_number(e, "table:number-rows-repeated").unwrap_or(1);
                let repeats = repeats.min(MAX_ROWS.saturating_sub(sheet.rows));
                sheet.row = Some(Row {
                    index: sheet.rows,
                    repeats,
                    cols: 0,
                    held_empty: 0,
                    stored: 0,
                    cell: None,
                });
                sheet.rows += repeats;
            }
            return Ok(());
        };
        if let Some(cell) = row.cell.as_mut() {
            cell.depth += 1;
            for a in e.attributes().with_checks(false).flatten() {
                cell.text += a.value.len() as u64;
            }
            if name == "text:s" {
                // calamine writes out each of the `text:c` spaces.
                cell.text = cell
                    .text
                    .saturating_add(attr_number(e, "text:c").unwrap_or(1));
            }
            // One separator per paragraph, tab or line break.
            cell.text += 1;
            return Ok(());
        }
        if name != "table:table-cell" && name != "table:covered-table-cell" {
            return Ok(());
        }
        // Empty columns held back are stored once another cell follows.
        let held = row.held_empty.min(MAX_COLUMNS.saturating_sub(row.cols));
        row.stored += held;
        row.cols += held;
        row.held_empty = 0;
        let repeats = attr_number(e, "table:number-columns-repeated").unwrap_or(1);
        let repeats = repeats.min(MAX_COLUMNS.saturating_sub(row.cols));
        let mut filled = false;
        let mut text = 0;
        for a in e.attributes().with_checks(false).flatten() {
            filled |= VALUE_ATTRIBUTES.contains(&a.key.0);
            if TEXT_ATTRIBUTES.contains(&a.key.0) {
                text += a.value.len() as u64;
            }
        }
        row.cell = Some(CellScan {
            col: row.cols,
            repeats,
            filled,
            text,
            depth: 0,
        });
        Ok(())
    }

    fn text(&mut self, bytes: u64) -> Result<(), ReadError> {
        if let Some(cell) = self
            .sheet
            .as_mut()
            .and_then(|s| s.row.as_mut())
            .and_then(|r| r.cell.as_mut())
        {
            cell.text = cell.text.saturating_add(bytes);
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> Result<(), ReadError> {
        let Some(sheet) = self.sheet.as_mut() else {
            return Ok(());
        };
        let Some(row) = sheet.row.as_mut() else {
            if name == "table:table" {
                let sheet = self.sheet.take().expect("a sheet");
                self.budget.span(&sheet.name, sheet.extent)?;
            }
            return Ok(());
        };
        if let Some(cell) = row.cell.as_mut() {
            if cell.depth > 0 {
                cell.depth -= 1;
                return Ok(());
            }
            let cell = row.cell.take().expect("a cell");
            end_cell(&mut self.budget, &sheet.name, &mut sheet.extent, row, cell)?;
            return Ok(());
        }
        if name == "table:table-row" {
            let row = sheet.row.take().expect("a row");
            self.budget
                .fill(&format!("sheet '{}'", sheet.name), row.stored)?;
        }
        Ok(())
    }
}

/// Takes in a finished cell: its copies, their text, and its place.
fn end_cell(
    budget: &mut Budget<'_>,
    sheet: &str,
    extent: &mut Option<Extent>,
    row: &mut Row,
    cell: CellScan,
) -> Result<(), ReadError> {
    if cell.filled || cell.text > 0 {
        row.stored += cell.repeats;
        row.cols += cell.repeats;
        if cell.repeats > 0 && row.repeats > 0 {
            // calamine copies the cell into each repeated column and row.
            budget.text(
                &format!("sheet '{sheet}'"),
                cell.text
                    .saturating_mul(cell.repeats)
                    .saturating_mul(row.repeats),
            )?;
            let (first_row, last_row) = (row.index, row.index + row.repeats - 1);
            let (first_col, last_col) = (cell.col, cell.col + cell.repeats - 1);
            let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            Extent::add(extent, clamp(first_row), clamp(first_col));
            Extent::add(extent, clamp(last_row), clamp(last_col));
        }
    } else {
        row.held_empty = cell.repeats;
    }
    Ok(())
}
