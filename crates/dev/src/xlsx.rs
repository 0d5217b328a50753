//! The xlsx backend (rust_xlsxwriter).

use crate::grid::{build_grid, CellValue, Fill, Grid};
use crate::Style;
use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use dmpgraph_model::Dmp;
use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};
use std::collections::HashMap;
use std::path::Path;

/// The date number format of real date cells, as Japanese Excel shows dates.
pub(crate) const DATE_FORMAT: &str = "yyyy/m/d";

/// Writes a DMP as an xlsx workbook in the given style.
///
/// The document's creation time is fixed (the DMP's creation date at 09:00
/// UTC), so writing the same DMP twice gives identical bytes.
pub fn write_xlsx(dmp: &Dmp, style: &Style, path: &Path) -> Result<()> {
    let bytes = grid_to_xlsx(&build_grid(dmp, style), dmp.created, &dmp.project.title)?;
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        d.year() as u16,
        d.month() as u8,
        d.day() as u8,
    )?)
}

/// Writes a grid to xlsx bytes.
pub(crate) fn grid_to_xlsx(
    grid: &Grid,
    created: Option<NaiveDate>,
    title: &str,
) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // Without a fixed creation time every regeneration would differ in docProps/core.xml.
    let created = created.unwrap_or(NaiveDate::from_ymd_opt(2024, 4, 1).expect("valid date"));
    let created = excel_date(created)?.and_hms(9, 0, 0)?;
    let properties = DocProperties::new()
        .set_title(title)
        .set_author("dmpgraph-dev")
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);

    let mut formats: HashMap<(Fill, bool), Format> = HashMap::new();
    let mut format = |fill: Fill, date: bool| -> Format {
        formats
            .entry((fill, date))
            .or_insert_with(|| {
                let mut f = Format::new();
                if let Some(rgb) = fill.rgb() {
                    f = f
                        .set_background_color(Color::RGB(rgb))
                        .set_border(FormatBorder::Thin);
                }
                if fill == Fill::Header {
                    f = f.set_bold();
                }
                if date {
                    f = f.set_num_format(DATE_FORMAT);
                }
                f
            })
            .clone()
    };

    for sheet in &grid.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        for &(col, width) in &sheet.col_widths {
            ws.set_column_width(col, width)?;
        }
        for cell in &sheet.cells {
            let (r, c) = (cell.row, cell.col);
            match &cell.value {
                CellValue::Text(s) => {
                    ws.write_string_with_format(r, c, s, &format(cell.fill, false))?;
                }
                CellValue::Number(n) => {
                    ws.write_number_with_format(r, c, *n, &format(cell.fill, false))?;
                }
                CellValue::Date(d) => {
                    ws.write_datetime_with_format(r, c, excel_date(*d)?, &format(cell.fill, true))?;
                }
                CellValue::Blank => {
                    ws.write_blank(r, c, &format(cell.fill, false))?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}
