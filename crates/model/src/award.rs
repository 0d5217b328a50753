//! AMED award numbers as people write them.
//!
//! A plan carries the 16-character 課題管理番号 (`21ek0109555h0001`: fiscal
//! year `21`, programme `ek`, serial `0109555`, suffix `h0001`); papers and
//! deposits cite the acknowledgement number, `JP` + its first 11
//! characters (`JP21ek0109555`), whose year digits change every year of
//! one project. People write both in full width, with spaces or hyphens,
//! without `JP`. [`AwardNumber::parse`] reads every such form, once, here;
//! [`find_all`] finds them in free text, keeping each written form as
//! evidence.
//!
//! ```
//! use dmpgraph_model::award::AwardNumber;
//! for written in ["JP21ek0109555", "ＪＰ２１ｅｋ０１０９５５５", "JP 21ek0109555",
//!                 "JP21-ek-0109555", "21ek0109555", "21ek0109555h0001"] {
//!     let a = AwardNumber::parse(written).unwrap();
//!     assert_eq!(a.acknowledgement(), "JP21ek0109555");
//! }
//! let later = AwardNumber::parse("JP23ek0109555").unwrap();
//! assert!(later.same_project(&AwardNumber::parse("21ek0109555h0001").unwrap()));
//! ```

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// An AMED award number, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AwardNumber {
    /// The fiscal year's last two digits (`21` for 2021).
    pub year: u8,
    /// The programme code, lower case (`ek`).
    pub programme: String,
    /// The serial, seven digits (`0109555`).
    pub serial: String,
    /// The 課題管理番号's suffix, lower case (`h0001`), when it was written.
    pub suffix: Option<String>,
}

/// Separators people put inside a number.
const SEP: &str = r"[\s\-‐‑–—_/.]?";

static WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:JP{SEP})?(\d{{2}}){SEP}([a-z]{{2}}){SEP}(\d{{7}})(?:{SEP}([a-z]\d{{4}}))?$"
    ))
    .expect("valid award pattern")
});

static IN_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(?:^|[^0-9a-z])((?:JP{SEP})?(\d{{2}}){SEP}([a-z]{{2}}){SEP}(\d{{7}})(?:{SEP}([a-z]\d{{4}}))?)(?:$|[^0-9])"
    ))
    .expect("valid award pattern")
});

/// Folds one character: full width to half width (NFKC), every space to
/// an ASCII space, dashes to a hyphen.
fn fold_char(c: char) -> String {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}' => "-".into(),
        c if c.is_whitespace() => " ".into(),
        c => c.nfkc().collect(),
    }
}

impl AwardNumber {
    /// Reads an award number written in any usual form; `None` when the
    /// text is not one (surrounding spaces are ignored).
    pub fn parse(text: &str) -> Option<AwardNumber> {
        let folded: String = text.chars().map(fold_char).collect();
        let c = WHOLE.captures(folded.trim())?;
        Some(AwardNumber::from_parts(
            &c[1],
            &c[2],
            &c[3],
            c.get(4).map(|m| m.as_str()),
        ))
    }

    fn from_parts(year: &str, programme: &str, serial: &str, suffix: Option<&str>) -> AwardNumber {
        AwardNumber {
            year: year.parse().unwrap_or(0),
            programme: programme.to_ascii_lowercase(),
            serial: serial.to_string(),
            suffix: suffix.map(|s| s.to_ascii_lowercase()),
        }
    }

    /// The acknowledgement number that papers and deposits cite (`JP21ek0109555`).
    pub fn acknowledgement(&self) -> String {
        format!("JP{:02}{}{}", self.year, self.programme, self.serial)
    }

    /// The project key, the same in every year: programme + serial (`ek0109555`).
    pub fn project(&self) -> String {
        format!("{}{}", self.programme, self.serial)
    }

    /// The fiscal year (2021).
    pub fn fiscal_year(&self) -> i32 {
        2000 + i32::from(self.year)
    }

    /// Whether two numbers are of one project (the same programme and
    /// serial; the year digits change every year of a project).
    pub fn same_project(&self, other: &AwardNumber) -> bool {
        self.programme == other.programme && self.serial == other.serial
    }
}

impl fmt::Display for AwardNumber {
    /// The 課題管理番号 when the suffix is known, else the acknowledgement number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.suffix {
            Some(s) => write!(f, "{:02}{}{}{s}", self.year, self.programme, self.serial),
            None => f.write_str(&self.acknowledgement()),
        }
    }
}

/// The normal form of an award number (its acknowledgement number,
/// `JP21ek0109555`), the one function every caller uses; `None` when the
/// text is not an AMED award number.
pub fn normalise(text: &str) -> Option<String> {
    AwardNumber::parse(text).map(|a| a.acknowledgement())
}

/// Every award number in a free text (an award field that lists several,
/// a description, an acknowledgement), each with the text as written.
pub fn find_all(text: &str) -> Vec<(AwardNumber, String)> {
    // Fold character by character, remembering where each folded byte
    // came from, so that the written form can be cut from the original.
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let f = fold_char(c);
        origin.extend(std::iter::repeat_n(i, f.len()));
        folded.push_str(&f);
    }
    origin.push(text.len());
    let mut out: Vec<(AwardNumber, String)> = Vec::new();
    let mut at = 0;
    while let Some(c) = IN_TEXT.captures_at(&folded, at) {
        let m = c.get(1).expect("group 1 always matches");
        let a = AwardNumber::from_parts(&c[2], &c[3], &c[4], c.get(5).map(|m| m.as_str()));
        let start = origin[m.start()];
        let end = origin.get(m.end()).copied().unwrap_or(text.len());
        let written = text[start..end].trim().to_string();
        if !out.iter().any(|(b, w)| *b == a && *w == written) {
            out.push((a, written));
        }
        at = m.end();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_is_one_number() {
        for w in [
            "JP21ek0109555",
            "jp21EK0109555",
            "ＪＰ２１ｅｋ０１０９５５５",
            "JP 21ek0109555",
            "JP　21ek0109555",
            "JP21-ek-0109555",
            "JP21‐ek‐0109555",
            "21ek0109555",
            " 21ek0109555 ",
        ] {
            assert_eq!(normalise(w).as_deref(), Some("JP21ek0109555"), "{w}");
        }
        let k = AwardNumber::parse("21ek0109555h0001").unwrap();
        assert_eq!(k.suffix.as_deref(), Some("h0001"));
        assert_eq!(k.to_string(), "21ek0109555h0001");
        assert_eq!(k.acknowledgement(), "JP21ek0109555");
        assert_eq!(k.fiscal_year(), 2021);
        assert_eq!(k.project(), "ek0109555");
    }

    #[test]
    fn what_is_not_a_number_is_refused() {
        for w in [
            "",
            "JP",
            "JP21ek010955",
            "JP21ek01095555",
            "JP2ek0109555",
            "KAKENHI 21K12345",
            "10.1234/abc",
        ] {
            assert_eq!(AwardNumber::parse(w), None, "{w}");
        }
    }

    #[test]
    fn a_project_keeps_its_key_across_years() {
        let a = AwardNumber::parse("JP22ek0109555").unwrap();
        let b = AwardNumber::parse("JP23ek0109555").unwrap();
        let c = AwardNumber::parse("JP23ek0109556").unwrap();
        let d = AwardNumber::parse("JP23ck0109555").unwrap();
        assert!(a.same_project(&b));
        assert!(!a.same_project(&c));
        assert!(!a.same_project(&d));
    }

    #[test]
    fn numbers_are_found_in_text_with_their_written_form() {
        let t = "本研究はAMEDの課題番号ＪＰ２１ｅｋ０１０９５５５及びJP 22-ck-0106543、21gm1234567h0002の支援を受けた。DOI 10.1234/1234567";
        let found = find_all(t);
        let got: Vec<(String, &str)> = found
            .iter()
            .map(|(a, w)| (a.acknowledgement(), w.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("JP21ek0109555".to_string(), "ＪＰ２１ｅｋ０１０９５５５"),
                ("JP22ck0106543".to_string(), "JP 22-ck-0106543"),
                ("JP21gm1234567".to_string(), "21gm1234567h0002"),
            ]
        );
        assert!(find_all("grant 12ab12345678").is_empty());
        assert_eq!(find_all("JP21ek0109555, JP22ek0109555").len(), 2);
    }
}
