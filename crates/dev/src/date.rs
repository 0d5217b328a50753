//! Writing a date the ways people fill in the form.

use crate::{CellValue, DateStyle};
use chrono::{Datelike, NaiveDate};

/// The modern eras, newest first: name, one-letter abbreviation, first day.
const ERAS: &[(&str, char, (i32, u32, u32))] = &[
    ("令和", 'R', (2019, 5, 1)),
    ("平成", 'H', (1989, 1, 8)),
    ("昭和", 'S', (1926, 12, 25)),
    ("大正", 'T', (1912, 7, 30)),
    ("明治", 'M', (1868, 1, 25)),
];

/// A date in the Japanese era calendar: `令和5年4月1日` (`令和元年5月1日` in an
/// era's first year) or, with `short`, `R5.4.1`; `None` before 明治.
///
/// ```
/// use chrono::NaiveDate;
/// use dmpgraph_dev::era_date;
/// let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
/// assert_eq!(era_date(d(2023, 4, 1), false).unwrap(), "令和5年4月1日");
/// assert_eq!(era_date(d(2019, 5, 1), false).unwrap(), "令和元年5月1日");
/// assert_eq!(era_date(d(2019, 4, 30), false).unwrap(), "平成31年4月30日");
/// assert_eq!(era_date(d(2023, 4, 1), true).unwrap(), "R5.4.1");
/// ```
pub fn era_date(date: NaiveDate, short: bool) -> Option<String> {
    let (name, letter, (y0, _, _)) = ERAS.iter().copied().find(|(_, _, (y, m, d))| {
        date >= NaiveDate::from_ymd_opt(*y, *m, *d).expect("era table holds real dates")
    })?;
    let year = date.year() - y0 + 1;
    let (m, d) = (date.month(), date.day());
    Some(if short {
        format!("{letter}{year}.{m}.{d}")
    } else if year == 1 {
        // Official documents write the first year of an era as 元年, not 1年.
        format!("{name}元年{m}月{d}日")
    } else {
        format!("{name}{year}年{m}月{d}日")
    })
}

/// The Excel serial of a date in the 1900 date system (45017 for 2023-04-01).
pub fn excel_serial(date: NaiveDate) -> f64 {
    // Excel's 1900 system counts a 1900-02-29 that never was, so every date
    // after it (all the form will ever hold) is counted from 1899-12-30.
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch");
    (date - epoch).num_days() as f64
}

/// A date as a cell value in the given style.
///
/// ```
/// use chrono::NaiveDate;
/// use dmpgraph_dev::{format_date, CellValue, DateStyle};
/// let d = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
/// assert_eq!(format_date(d, DateStyle::Slash), CellValue::Text("2023/4/1".into()));
/// assert_eq!(format_date(d, DateStyle::Kanji), CellValue::Text("2023年4月1日".into()));
/// assert_eq!(format_date(d, DateStyle::Serial), CellValue::Number(45017.0));
/// assert_eq!(format_date(d, DateStyle::ExcelDate), CellValue::Date(d));
/// ```
pub fn format_date(date: NaiveDate, style: DateStyle) -> CellValue {
    let (y, m, d) = (date.year(), date.month(), date.day());
    match style {
        DateStyle::ExcelDate => CellValue::Date(date),
        DateStyle::Serial => CellValue::Number(excel_serial(date)),
        DateStyle::Slash => CellValue::Text(format!("{y}/{m}/{d}")),
        DateStyle::Iso => CellValue::Text(date.format("%Y-%m-%d").to_string()),
        DateStyle::Kanji => CellValue::Text(format!("{y}年{m}月{d}日")),
        // Dates before 明治 never occur on the form; Gregorian text keeps them readable.
        DateStyle::Era => {
            CellValue::Text(era_date(date, false).unwrap_or_else(|| format!("{y}年{m}月{d}日")))
        }
        DateStyle::EraShort => {
            CellValue::Text(era_date(date, true).unwrap_or_else(|| format!("{y}/{m}/{d}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dmpgraph_model::parse_date;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(era_date(d(1989, 1, 7), false).unwrap(), "昭和64年1月7日");
        assert_eq!(era_date(d(1989, 1, 8), false).unwrap(), "平成元年1月8日");
        assert_eq!(era_date(d(2019, 4, 30), true).unwrap(), "H31.4.30");
        assert_eq!(era_date(d(2019, 5, 1), true).unwrap(), "R1.5.1");
        assert_eq!(era_date(d(2026, 3, 31), false).unwrap(), "令和8年3月31日");
        assert_eq!(era_date(d(1800, 1, 1), false), None);
    }

    #[test]
    fn every_text_style_reads_back_with_the_model_parser() {
        let mut day = d(2017, 1, 1);
        while day < d(2031, 1, 1) {
            for style in DateStyle::ALL {
                match format_date(day, style) {
                    CellValue::Text(t) => assert_eq!(parse_date(&t), Ok(day), "{t}"),
                    CellValue::Number(n) => {
                        assert_eq!(dmpgraph_model::date_from_excel_serial(n), Some(day))
                    }
                    CellValue::Date(x) => assert_eq!(x, day),
                    CellValue::Blank => panic!("a date is never blank"),
                }
            }
            day = day + chrono::Days::new(13);
        }
    }
}
