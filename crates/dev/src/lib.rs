//! Developer tools for dmpgraph: writes realistic AMED DMP workbooks
//! (様式 別紙1) from a [`Dmp`], so that the examples, the test fixtures and the
//! benchmark inputs can be regenerated instead of hand-edited.
//!
//! A workbook is laid out once as a [`Grid`] (sheets of cells with a value and
//! a fill) and then written by either backend, [`write_xlsx`] or [`write_ods`],
//! so both formats always carry the same cells. Three [`Layout`]s mimic the
//! form versions seen in the wild (their labels differ in position and
//! wording, since readers must find fields by label text), and seven
//! [`DateStyle`]s cover the ways people write dates.
//!
//! ```
//! use dmpgraph_dev::{sample_dmps, write_xlsx};
//! let dir = tempfile::tempdir().unwrap();
//! let sample = &sample_dmps()[0];
//! let path = dir.path().join(format!("{}.xlsx", sample.file_stem));
//! write_xlsx(&sample.dmp, &sample.style, &path).unwrap();
//! assert!(path.metadata().unwrap().len() > 0);
//! ```
//!
//! [`Dmp`]: dmpgraph_model::Dmp

mod broken;
mod date;
pub mod example_deposits;
pub mod fixture_server;
mod generate;
mod grid;
mod hostile;
pub mod linkset;
mod ods;
mod samples;
pub mod testing;
mod xlsx;

pub use broken::{write_broken, Broken};
pub use date::{era_date, excel_serial, format_date};
pub use generate::{generated_dmp, generated_style};
pub use grid::{
    build_grid, cell_address, dmp_sheet_name, CellValue, Fill, Grid, GridCell, SheetGrid,
};
pub use hostile::{write_hostile, Hostile, INFLATED_BYTES, SHEET_XML};
pub use ods::write_ods;
pub use samples::{sample_dmps, Sample};
pub use xlsx::write_xlsx;

/// Which version of the form a workbook imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// The newer form: sheets 記入要領 and DMP; numbered section headers in
    /// column A, labels in column B, values from column C.
    Current,
    /// The older form: one sheet 様式; unnumbered headers and labels in
    /// column A, values from column B; half-width brackets and footnote marks.
    Older,
    /// A compacted copy: sheets 表紙, 記入例 and DMP; labels from column C,
    /// two-cell labels for the data manager rows, values from column E.
    Compact,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 3] = [Layout::Current, Layout::Older, Layout::Compact];
}

/// How the dates of a workbook are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateStyle {
    /// Real date cells with a `yyyy/m/d` number format.
    ExcelDate,
    /// Text `2023/4/1`.
    Slash,
    /// Text `2023-04-01`.
    Iso,
    /// Text `2023年4月1日`.
    Kanji,
    /// Text `令和5年4月1日` (`令和元年5月1日` for the era's first year).
    Era,
    /// Text `R5.4.1`.
    EraShort,
    /// A plain number cell holding the Excel serial (45017) with the General format.
    Serial,
}

impl DateStyle {
    /// Every date style.
    pub const ALL: [DateStyle; 7] = [
        DateStyle::ExcelDate,
        DateStyle::Slash,
        DateStyle::Iso,
        DateStyle::Kanji,
        DateStyle::Era,
        DateStyle::EraShort,
        DateStyle::Serial,
    ];
}

/// The look of one workbook: its layout and its way of writing dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// Positions and wording of the labels.
    pub layout: Layout,
    /// How dates are written.
    pub date_style: DateStyle,
}

impl Style {
    /// A style from its two parts.
    pub const fn new(layout: Layout, date_style: DateStyle) -> Style {
        Style { layout, date_style }
    }
}

impl Default for Style {
    fn default() -> Style {
        Style::new(Layout::Current, DateStyle::ExcelDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{open_workbook_auto, Data, DataType, Reader};
    use chrono::NaiveDate;
    use std::path::Path;

    /// Reads a written workbook back and checks every grid cell is there with its value.
    fn assert_reads_back(path: &Path, grid: &Grid) {
        let mut book = open_workbook_auto(path).unwrap();
        let names: Vec<String> = grid.sheets.iter().map(|s| s.name.clone()).collect();
        assert_eq!(book.sheet_names(), names, "{}", path.display());
        for sheet in &grid.sheets {
            let range = book.worksheet_range(&sheet.name).unwrap();
            for cell in &sheet.cells {
                let got = range
                    .get_value((cell.row, cell.col as u32))
                    .cloned()
                    .unwrap_or(Data::Empty);
                let at = format!(
                    "{}!{} in {}",
                    sheet.name,
                    cell_address(cell.row, cell.col),
                    path.display()
                );
                match &cell.value {
                    CellValue::Text(t) => assert_eq!(got, Data::String(t.clone()), "{at}"),
                    CellValue::Number(n) => assert_eq!(got.as_f64(), Some(*n), "{at}: {got:?}"),
                    CellValue::Blank => assert_eq!(got, Data::Empty, "{at}"),
                    CellValue::Date(d) => {
                        let read = match &got {
                            Data::DateTime(x) => x.as_datetime().map(|t| t.date()),
                            Data::DateTimeIso(s) => {
                                NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").ok()
                            }
                            _ => None,
                        };
                        assert_eq!(read, Some(*d), "{at}: {got:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_layout_and_date_style_writes_and_reads_back_in_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        let samples = sample_dmps();
        for (i, layout) in Layout::ALL.into_iter().enumerate() {
            for (j, date_style) in DateStyle::ALL.into_iter().enumerate() {
                let dmp = &samples[(i + j) % samples.len()].dmp;
                let style = Style::new(layout, date_style);
                let grid = build_grid(dmp, &style);
                assert_eq!(grid.sheets.last().unwrap().name, dmp_sheet_name(layout));
                let xlsx = dir.path().join(format!("{i}-{j}.xlsx"));
                write_xlsx(dmp, &style, &xlsx).unwrap();
                assert_reads_back(&xlsx, &grid);
                let ods = dir.path().join(format!("{i}-{j}.ods"));
                write_ods(dmp, &style, &ods).unwrap();
                assert_reads_back(&ods, &grid);
            }
        }
    }

    #[test]
    fn sheet_names_per_layout() {
        let dmp = &sample_dmps()[0].dmp;
        let names = |layout| -> Vec<String> {
            build_grid(dmp, &Style::new(layout, DateStyle::Iso))
                .sheets
                .into_iter()
                .map(|s| s.name)
                .collect()
        };
        assert_eq!(names(Layout::Current), ["記入要領", "DMP"]);
        assert_eq!(names(Layout::Older), ["様式"]);
        assert_eq!(names(Layout::Compact), ["表紙", "記入例", "DMP"]);
    }

    #[test]
    fn writing_twice_gives_identical_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let sample = &sample_dmps()[0];
        let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
        write_xlsx(&sample.dmp, &sample.style, &a).unwrap();
        write_xlsx(&sample.dmp, &sample.style, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        // spreadsheet-ods's hash maps get fresh seeds per workbook, so several
        // writes in one process would differ without the normalisation.
        let first = dir.path().join("0.ods");
        write_ods(&sample.dmp, &sample.style, &first).unwrap();
        let first = std::fs::read(first).unwrap();
        assert_eq!(
            &first[30..38],
            b"mimetype",
            "mimetype must be the first entry"
        );
        for n in 1..5 {
            let path = dir.path().join(format!("{n}.ods"));
            write_ods(&sample.dmp, &sample.style, &path).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), first, "write {n} differs");
        }
    }

    /// The committed examples must be what the generator writes now: run
    /// `cargo run -p dmpgraph-dev -- examples --out examples --xls` after changing it
    /// (broken workbooks go to tests/fixtures/broken).
    #[test]
    fn committed_examples_are_up_to_date() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let dir = tempfile::tempdir().unwrap();
        for sample in sample_dmps() {
            let committed = examples
                .join("amed")
                .join(format!("{}.xlsx", sample.file_stem));
            let fresh = dir.path().join("fresh.xlsx");
            write_xlsx(&sample.dmp, &sample.style, &fresh).unwrap();
            assert!(
                std::fs::read(&committed).unwrap() == std::fs::read(&fresh).unwrap(),
                "{} is stale",
                committed.display()
            );
            let grid = build_grid(&sample.dmp, &sample.style);
            for ext in ["ods", "xls"] {
                let other = examples
                    .join("amed")
                    .join(format!("{}.{ext}", sample.file_stem));
                if other.exists() {
                    assert_reads_back(&other, &grid);
                }
            }
        }
        for kind in Broken::ALL {
            let committed = examples
                .join("../tests/fixtures/broken")
                .join(format!("{}.xlsx", kind.file_stem()));
            let fresh = dir.path().join("fresh-broken.xlsx");
            write_broken(kind, &fresh).unwrap();
            assert!(
                std::fs::read(&committed).unwrap() == std::fs::read(&fresh).unwrap(),
                "{} is stale",
                committed.display()
            );
        }
    }
}
