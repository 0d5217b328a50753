//! Text normalisation for matching labels and list values written by people.

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Footnote marks and bracketed notes that forms append to labels:
/// `※1`, `*2`, `(注1)`, `(必須)`, `[任意]`.
static NOTES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"※\d*|\*+\d*|\((?:注|※)\d*\)|注\d+|[(\[](?:必須|任意|必須項目|任意項目)[)\]]|[(\[]\d+[)\]]$").unwrap()
});
/// A leading section or item number: `4.`, `4.`, `(3)`, `2)`.
static LEADING_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\d+[.、)]|\(\d+\))").unwrap());

/// The form in which two labels (or list values) are compared.
///
/// Unicode NFKC folds full-width letters, digits, brackets and spaces
/// (`（`→`(`, `１`→`1`, 全角スペース→space, `①`→`1`); then whitespace, footnote
/// marks and a leading section number are removed, and ASCII is lower-cased.
///
/// ```
/// use dmpgraph_model::normalize_label;
/// assert_eq!(normalize_label("概略データ量（1ファイルあたり）"), normalize_label("概略データ量 (1ファイルあたり)"));
/// assert_eq!(normalize_label("課題管理番号　※1"), normalize_label("課題管理番号"));
/// assert_eq!(normalize_label("4. 個々の研究開発データ"), "個々の研究開発データ");
/// ```
pub fn normalize_label(s: &str) -> String {
    let folded: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    let folded = folded.replace(['「', '」', '『', '』', '"', '\''], "");
    let without_notes = NOTES.replace_all(&folded, "");
    let without_number = LEADING_NUMBER.replace(&without_notes, "");
    without_number.to_lowercase()
}

/// A value as a person wrote it, with surrounding blanks (including 全角スペース)
/// removed and line breaks unified; `None` when nothing is left.
pub fn normalize_value(s: &str) -> Option<String> {
    let trimmed = s.trim_matches(|c: char| c.is_whitespace());
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.replace("\r\n", "\n").replace('\r', "\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_half_width_and_spaces_fold() {
        let variants = [
            "データシェアリング方法（アクセス権）",
            "データシェアリング方法(アクセス権)",
            "データシェアリング方法　（アクセス権）",
            "データシェアリング方法 (アクセス権) ※2",
            "データシェアリング方法（アクセス権）＊",
        ];
        for v in variants {
            assert_eq!(
                normalize_label(v),
                "データシェアリング方法(アクセス権)",
                "{v}"
            );
        }
    }

    #[test]
    fn circled_numbers_keep_their_number() {
        assert_eq!(normalize_label("データの種別①"), "データの種別1");
        assert_eq!(normalize_label("データの種別 ２"), "データの種別2");
    }

    #[test]
    fn values_are_trimmed_not_rewritten() {
        assert_eq!(normalize_value("　山田　太郎 "), Some("山田　太郎".into()));
        assert_eq!(normalize_value(" \u{3000} "), None);
        assert_eq!(normalize_value("a\r\nb"), Some("a\nb".into()));
    }
}
