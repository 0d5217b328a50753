//! Broken workbooks for the readers' error tests.

use crate::grid::{build_grid, CellValue, Fill, Grid, SheetGrid};
use crate::samples::sample_dmps;
use crate::xlsx::grid_to_xlsx;
use crate::Layout;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::path::Path;

/// A way a workbook can be wrong.
///
/// Every kind except [`Broken::NotDmp`], [`Broken::Truncated`] and
/// [`Broken::Empty`] is the `cancer-genome` sample (layout
/// [`Layout::Current`], real date cells) with one fault, so the faulty cell
/// is always at the same address of sheet `DMP` ([`Broken::bad_cell`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Broken {
    /// 課題管理番号 left empty: the value cell `DMP!C8` is blank.
    MissingGrantNumber,
    /// 研究開発課題名 left empty: the value cell `DMP!C13` is blank.
    MissingTitle,
    /// No dataset: section 4's single input column `DMP!C29:C54` is blank.
    NoDataset,
    /// データシェアリング方法 of dataset 1 is `限定公開`, not in the list: cell `DMP!C36`.
    UnknownSharingMethod,
    /// 研究終了日 (`DMP!C15`, 2022-03-31) is before 研究開始日 (`DMP!C14`, 2023-04-01).
    EndBeforeStart,
    /// 研究開始日 written as the text `2023/13/40`: cell `DMP!C14`.
    BadDate,
    /// A valid workbook that is not a DMP: a sales table on sheet `売上`, no DMP labels.
    NotDmp,
    /// A valid xlsx cut to half its bytes (not a readable zip).
    Truncated,
    /// A 0-byte file.
    Empty,
}

impl Broken {
    /// Every kind.
    pub const ALL: [Broken; 9] = [
        Broken::MissingGrantNumber,
        Broken::MissingTitle,
        Broken::NoDataset,
        Broken::UnknownSharingMethod,
        Broken::EndBeforeStart,
        Broken::BadDate,
        Broken::NotDmp,
        Broken::Truncated,
        Broken::Empty,
    ];

    /// The file name without extension, e.g. `bad-date`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Broken::MissingGrantNumber => "missing-grant-number",
            Broken::MissingTitle => "missing-title",
            Broken::NoDataset => "no-dataset",
            Broken::UnknownSharingMethod => "unknown-sharing-method",
            Broken::EndBeforeStart => "end-before-start",
            Broken::BadDate => "bad-date",
            Broken::NotDmp => "not-dmp",
            Broken::Truncated => "truncated",
            Broken::Empty => "empty",
        }
    }

    /// The address of the faulty cell (a range for [`Broken::NoDataset`]),
    /// `None` when the whole file is the fault.
    pub fn bad_cell(self) -> Option<&'static str> {
        match self {
            Broken::MissingGrantNumber => Some("DMP!C8"),
            Broken::MissingTitle => Some("DMP!C13"),
            Broken::NoDataset => Some("DMP!C29:C54"),
            Broken::UnknownSharingMethod => Some("DMP!C36"),
            Broken::EndBeforeStart => Some("DMP!C15"),
            Broken::BadDate => Some("DMP!C14"),
            Broken::NotDmp | Broken::Truncated | Broken::Empty => None,
        }
    }
}

/// The grid of a broken kind, `None` for the kinds that are not a workbook.
pub(crate) fn broken_grid(kind: Broken) -> Option<Grid> {
    let base = sample_dmps()
        .into_iter()
        .next()
        .expect("at least one sample");
    debug_assert_eq!(
        base.style.layout,
        Layout::Current,
        "addresses assume the Current layout"
    );
    let mut dmp = base.dmp;
    // Which value cell to overwrite after layout: (label in column B, new value).
    let mut patch: Option<(&str, CellValue)> = None;
    match kind {
        Broken::MissingGrantNumber => dmp.project.grant_number.clear(),
        Broken::MissingTitle => dmp.project.title.clear(),
        Broken::NoDataset => dmp.datasets.clear(),
        Broken::UnknownSharingMethod => {
            patch = Some((
                "データシェアリング方法（アクセス権）",
                CellValue::Text("限定公開".into()),
            ))
        }
        Broken::EndBeforeStart => dmp.project.end = NaiveDate::from_ymd_opt(2022, 3, 31),
        Broken::BadDate => patch = Some(("研究開始日", CellValue::Text("2023/13/40".into()))),
        Broken::NotDmp => return Some(sales_grid()),
        Broken::Truncated | Broken::Empty => return None,
    }
    let mut grid = build_grid(&dmp, &base.style);
    if let Some((label, value)) = patch {
        let sheet = grid
            .sheet_mut("DMP")
            .expect("Current layout has a DMP sheet");
        let (row, _) = sheet.find_text(label).expect("label is on the form");
        sheet.set_value(row, 2, value);
    }
    Some(grid)
}

/// Writes a broken workbook (always xlsx bytes, or none, whatever the extension).
pub fn write_broken(kind: Broken, path: &Path) -> Result<()> {
    let bytes = match kind {
        Broken::Empty => Vec::new(),
        Broken::Truncated => {
            let base = sample_dmps()
                .into_iter()
                .next()
                .expect("at least one sample");
            let grid = build_grid(&base.dmp, &base.style);
            let mut bytes = grid_to_xlsx(&grid, base.dmp.created, &base.dmp.project.title)?;
            bytes.truncate(bytes.len() / 2);
            bytes
        }
        _ => {
            let grid = broken_grid(kind).expect("a workbook kind");
            let created = NaiveDate::from_ymd_opt(2023, 5, 15);
            let title = if kind == Broken::NotDmp {
                "売上集計"
            } else {
                "broken DMP"
            };
            grid_to_xlsx(&grid, created, title)?
        }
    };
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// An ordinary sales table: a real workbook with dates and numbers but none of the form's labels.
fn sales_grid() -> Grid {
    let mut sheet = SheetGrid {
        name: "売上".into(),
        ..SheetGrid::default()
    };
    let headers = ["日付", "店舗", "商品名", "数量", "単価", "売上金額"];
    for (c, h) in headers.iter().enumerate() {
        sheet.cells.push(crate::GridCell {
            row: 0,
            col: c as u16,
            value: CellValue::Text(h.to_string()),
            fill: Fill::Header,
        });
    }
    let shops = ["新宿店", "梅田店", "博多店"];
    let items = [
        ("ボールペン", 120.0),
        ("ノート", 180.0),
        ("ファイル", 250.0),
        ("付箋", 150.0),
    ];
    for r in 0..12u32 {
        let (item, price) = items[r as usize % items.len()];
        let quantity = (10 + r * 7 % 23) as f64;
        let date = NaiveDate::from_ymd_opt(2024, 4, 1 + r).expect("valid date");
        let row = [
            CellValue::Date(date),
            CellValue::Text(shops[r as usize % shops.len()].into()),
            CellValue::Text(item.into()),
            CellValue::Number(quantity),
            CellValue::Number(price),
            CellValue::Number(quantity * price),
        ];
        for (c, value) in row.into_iter().enumerate() {
            sheet.cells.push(crate::GridCell {
                row: r + 1,
                col: c as u16,
                value,
                fill: Fill::None,
            });
        }
    }
    sheet.col_widths = vec![(0, 12.0), (1, 10.0), (2, 14.0)];
    Grid {
        sheets: vec![sheet],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::cell_address;

    /// The cell address of a label's value in the broken DMP sheet.
    fn value_address(grid: &Grid, label: &str) -> String {
        let (row, col) = grid.sheet("DMP").unwrap().find_text(label).unwrap();
        assert_eq!(col, 1, "{label} is a column-B label");
        format!("DMP!{}", cell_address(row, 2))
    }

    #[test]
    fn documented_addresses_match_the_grid() {
        let cases = [
            (Broken::MissingGrantNumber, "課題管理番号"),
            (Broken::MissingTitle, "研究開発課題名"),
            (
                Broken::UnknownSharingMethod,
                "データシェアリング方法（アクセス権）",
            ),
            (Broken::EndBeforeStart, "研究終了日"),
            (Broken::BadDate, "研究開始日"),
        ];
        for (kind, label) in cases {
            let grid = broken_grid(kind).unwrap();
            assert_eq!(
                Some(value_address(&grid, label).as_str()),
                kind.bad_cell(),
                "{kind:?}"
            );
        }
        let grid = broken_grid(Broken::NoDataset).unwrap();
        let first = value_address(&grid, "No.");
        // メールアドレス also labels section 3; section 4's is the last one.
        let sheet = grid.sheet("DMP").unwrap();
        let last_row = sheet
            .cells
            .iter()
            .filter(|c| c.value.as_text() == Some("メールアドレス"))
            .map(|c| c.row)
            .max()
            .unwrap();
        assert_eq!(
            Broken::NoDataset.bad_cell().unwrap(),
            format!("{first}:{}", cell_address(last_row, 2))
        );
        for row in first[5..].parse::<u32>().unwrap() - 1..=last_row {
            assert_eq!(sheet.cell(row, 2).unwrap().value, CellValue::Blank);
            assert!(sheet.cell(row, 3).is_none());
        }
    }

    #[test]
    fn bad_values_are_in_place() {
        let grid = broken_grid(Broken::BadDate).unwrap();
        let sheet = grid.sheet("DMP").unwrap();
        assert_eq!(
            sheet.cell(13, 2).unwrap().value,
            CellValue::Text("2023/13/40".into())
        );
        assert_eq!(sheet.cell(13, 2).unwrap().fill, Fill::Public);
        let grid = broken_grid(Broken::UnknownSharingMethod).unwrap();
        assert_eq!(
            grid.sheet("DMP").unwrap().cell(35, 2).unwrap().value,
            CellValue::Text("限定公開".into())
        );
        let grid = broken_grid(Broken::MissingGrantNumber).unwrap();
        assert_eq!(
            grid.sheet("DMP").unwrap().cell(7, 2).unwrap().value,
            CellValue::Blank
        );
    }

    #[test]
    fn every_kind_writes() {
        let dir = tempfile::tempdir().unwrap();
        for kind in Broken::ALL {
            let path = dir.path().join(format!("{}.xlsx", kind.file_stem()));
            write_broken(kind, &path).unwrap();
            let len = std::fs::metadata(&path).unwrap().len();
            assert_eq!(len == 0, kind == Broken::Empty, "{kind:?}");
        }
        let full = std::fs::metadata(dir.path().join("missing-title.xlsx"))
            .unwrap()
            .len();
        let cut = std::fs::metadata(dir.path().join("truncated.xlsx"))
            .unwrap()
            .len();
        assert!(cut < full);
    }
}
