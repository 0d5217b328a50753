//! Dates as people write them on the form: ISO, slashes, 年月日, and Japanese
//! era dates (令和5年4月1日, R5.4.1, 令和元年), in any character width.
//!
//! No maintained crate parses all of these together (the few wareki crates
//! cover one notation each), so the five modern eras are a table here.

use chrono::NaiveDate;
use regex::Regex;
use std::fmt;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// A text that is not one of the accepted date forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// The text as written.
    pub text: String,
    /// Why it was refused.
    pub reason: String,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a date ({}); expected e.g. 2023-04-01, 2023/4/1, 2023年4月1日, 令和5年4月1日 or R5.4.1",
            self.text, self.reason
        )
    }
}

impl std::error::Error for DateError {}

/// The modern eras: names, one-letter abbreviations and first day.
const ERAS: &[(&str, char, (i32, u32, u32))] = &[
    ("令和", 'R', (2019, 5, 1)),
    ("平成", 'H', (1989, 1, 8)),
    ("昭和", 'S', (1926, 12, 25)),
    ("大正", 'T', (1912, 7, 30)),
    ("明治", 'M', (1868, 1, 25)),
];

static GREGORIAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$").unwrap()
});
static COMPACT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{4})(\d{2})(\d{2})$").unwrap());
static ERA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(令和|平成|昭和|大正|明治|[RHSTMrhstm])\s*(\d{1,2}|元)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
        .unwrap()
});
/// An ISO date-time, as some tools write a date cell's text.
static DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$",
    )
    .unwrap()
});

/// Parses a date written in any of the forms seen on AMED forms.
///
/// ```
/// use dmpgraph_model::parse_date;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
/// for text in ["2023-04-01", "2023/4/1", "2023年4月1日", "令和5年4月1日", "R5.4.1", "２０２３／４／１"] {
///     assert_eq!(parse_date(text).unwrap(), d, "{text}");
/// }
/// assert_eq!(parse_date("令和元年5月1日").unwrap(), NaiveDate::from_ymd_opt(2019, 5, 1).unwrap());
/// assert!(parse_date("2023/13/40").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let folded: String = text.nfkc().collect();
    let s = folded.trim();
    let fail = |reason: &str| DateError {
        text: text.trim().to_string(),
        reason: reason.to_string(),
    };
    let ymd = |y: i32, m: &str, d: &str| -> Result<NaiveDate, DateError> {
        let (m, d) = (m.parse::<u32>().unwrap_or(0), d.parse::<u32>().unwrap_or(0));
        NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| fail(&format!("no day {d} in month {m} of {y}")))
    };
    if let Some(c) = GREGORIAN
        .captures(s)
        .or_else(|| COMPACT.captures(s))
        .or_else(|| DATETIME.captures(s))
    {
        let year: i32 = c[1].parse().map_err(|_| fail("bad year"))?;
        return ymd(year, &c[2], &c[3]);
    }
    if let Some(c) = ERA.captures(s) {
        let era = &c[1];
        let (name, _, (y0, m0, d0)) = ERAS
            .iter()
            .find(|(name, letter, _)| *name == era || era.eq_ignore_ascii_case(&letter.to_string()))
            .copied()
            .ok_or_else(|| fail("unknown era"))?;
        let era_year: i32 = if &c[2] == "元" {
            1
        } else {
            c[2].parse().map_err(|_| fail("bad era year"))?
        };
        if era_year < 1 {
            return Err(fail(&format!("{name} has no year {era_year}")));
        }
        let date = ymd(y0 + era_year - 1, &c[3], &c[4])?;
        let first = NaiveDate::from_ymd_opt(y0, m0, d0).expect("era table holds real dates");
        if date < first {
            return Err(fail(&format!("{name} began on {first}")));
        }
        return Ok(date);
    }
    Err(fail("unrecognised form"))
}

/// Converts an Excel date serial (1900 date system) to a date.
///
/// ```
/// use dmpgraph_model::date_from_excel_serial;
/// assert_eq!(date_from_excel_serial(45017.0).unwrap().to_string(), "2023-04-01");
/// ```
pub fn date_from_excel_serial(serial: f64) -> Option<NaiveDate> {
    // Excel counts 1900-02-29, which never was; serials after it are one day
    // ahead, hence the 1899-12-30 epoch for every serial past 60.
    if !(61.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_days(chrono::Days::new(serial.floor() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn every_written_form() {
        let cases = [
            ("2023-04-01", d(2023, 4, 1)),
            ("2023/4/1", d(2023, 4, 1)),
            ("2023/04/01", d(2023, 4, 1)),
            ("2023.4.1", d(2023, 4, 1)),
            ("2023年4月1日", d(2023, 4, 1)),
            ("2023 年 4 月 1 日", d(2023, 4, 1)),
            ("２０２３年４月１日", d(2023, 4, 1)),
            ("20230401", d(2023, 4, 1)),
            ("2023-04-01T00:00:00", d(2023, 4, 1)),
            ("令和5年4月1日", d(2023, 4, 1)),
            ("令和５年４月１日", d(2023, 4, 1)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("R5.4.1", d(2023, 4, 1)),
            ("R05.04.01", d(2023, 4, 1)),
            ("r5/4/1", d(2023, 4, 1)),
            ("Ｒ５．４．１", d(2023, 4, 1)),
            ("平成31年4月30日", d(2019, 4, 30)),
            ("H31.4.30", d(2019, 4, 30)),
            ("平成元年1月8日", d(1989, 1, 8)),
            ("昭和64年1月7日", d(1989, 1, 7)),
            ("S60.10.1", d(1985, 10, 1)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        for text in [
            "2023/13/40",
            "2023/2/30",
            "令和0年1月1日",
            "令和1年4月1日",
            "R5",
            "来年度",
            "",
            "2023年4月",
        ] {
            let err = parse_date(text).unwrap_err();
            assert!(err.to_string().contains("is not a date"), "{text}: {err}");
        }
        assert!(parse_date("2023/13/40")
            .unwrap_err()
            .to_string()
            .starts_with("'2023/13/40' is not a date"));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date_from_excel_serial(45017.0), Some(d(2023, 4, 1)));
        assert_eq!(date_from_excel_serial(45017.75), Some(d(2023, 4, 1)));
        assert_eq!(date_from_excel_serial(1.0), None);
        assert_eq!(date_from_excel_serial(-3.0), None);
        assert_eq!(date_from_excel_serial(f64::NAN), None);
    }
}
