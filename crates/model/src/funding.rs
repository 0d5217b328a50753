//! Who funded a work, and who made it: funder names and identifiers as
//! registries write them, ORCID iDs and ROR ids in any written form. Shared
//! by the connectors (which keep a funder's records) and the linker (which
//! matches a plan's grant to a deposit's funding reference).

use crate::deposit::Funding;
use crate::Funder;

/// Folds a name for comparison: NFKC-like width folding is done by the
/// model's identity functions; here case, spaces and punctuation go.
fn name_key(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // full-width ASCII to half width
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a funding reference names `funder`: by its Crossref Funder ID
/// (with or without `https://doi.org/`), its ROR, or its name (English,
/// Japanese or abbreviation; DataCite drops identifiers of type Other, so
/// names matter).
pub fn names_funder(f: &Funding, funder: &Funder) -> bool {
    if let Some(id) = f.funder_id.as_deref() {
        let id = id.trim().to_ascii_lowercase();
        let strip = |s: &str| {
            s.trim()
                .to_ascii_lowercase()
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_start_matches("dx.doi.org/")
                .trim_start_matches("doi.org/")
                .trim_start_matches("doi:")
                .trim_end_matches('/')
                .to_string()
        };
        let id = strip(&id);
        if !id.is_empty() && (id == strip(&funder.crossref_funder_id) || id == strip(&funder.ror)) {
            return true;
        }
    }
    f.funder_name
        .as_deref()
        .is_some_and(|n| names_funder_text(n, funder))
}

/// Whether a name (or a text naming funders) names `funder`.
pub fn names_funder_text(text: &str, funder: &Funder) -> bool {
    let key = name_key(text);
    if key.is_empty() {
        return false;
    }
    // The Japanese name also without its legal form (国立研究開発法人).
    let short_ja = funder
        .name_ja
        .trim_start_matches("国立研究開発法人")
        .to_string();
    let full = [&funder.name, &funder.name_ja, &short_ja]
        .iter()
        .map(|n| name_key(n))
        .filter(|n| !n.is_empty())
        .any(|n| key.contains(&n));
    if full {
        return true;
    }
    // The abbreviation only as a whole word (AMED, not "amedical").
    let abbr = name_key(&funder.abbreviation);
    !abbr.is_empty()
        && text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| name_key(w) == abbr)
}

/// An ORCID iD in its URL form (`https://orcid.org/0000-0002-1825-0097`),
/// from any written form; `None` when it is none.
pub fn normalize_orcid(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: String = t
        .rsplit(['/', ':'])
        .next()?
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if digits.len() != 16 || !digits[..15].chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let last = digits.as_bytes()[15];
    if !(last.is_ascii_digit() || last == b'X') {
        return None;
    }
    Some(format!(
        "https://orcid.org/{}-{}-{}-{}",
        &digits[0..4],
        &digits[4..8],
        &digits[8..12],
        &digits[12..16]
    ))
}

/// A ROR id in its URL form (`https://ror.org/04xxxxx`); `None` when it is none.
pub fn normalize_ror(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/');
    let id = t.rsplit('/').next()?.to_ascii_lowercase();
    let ok = id.len() == 9 && id.starts_with('0') && id.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then(|| format!("https://ror.org/{id}"))
}

/// The language of a text with no tag: `ja` when it holds kana or kanji,
/// else `None` (English is not guessed).
pub fn guess_lang(text: &str) -> Option<&'static str> {
    text.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'))
        .then_some("ja")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amed() -> Funder {
        crate::CatalogConfig::builtin().funder.clone()
    }

    #[test]
    fn a_funder_is_named_by_id_ror_or_name() {
        let f = amed();
        let by = |name: Option<&str>, id: Option<&str>| Funding {
            funder_name: name.map(String::from),
            funder_id: id.map(String::from),
            ..Funding::default()
        };
        assert!(names_funder(&by(None, Some(&f.crossref_funder_id)), &f));
        let bare = f
            .crossref_funder_id
            .trim_start_matches("https://doi.org/")
            .to_string();
        assert!(names_funder(&by(None, Some(&bare)), &f));
        assert!(names_funder(&by(None, Some(&f.ror)), &f));
        assert!(names_funder(
            &by(
                Some("Japan Agency for Medical Research and Development"),
                None
            ),
            &f
        ));
        assert!(names_funder(
            &by(Some("国立研究開発法人日本医療研究開発機構"), None),
            &f
        ));
        assert!(names_funder(&by(Some("AMED"), None), &f));
        assert!(names_funder(&by(Some("日本医療研究開発機構"), None), &f));
        assert!(names_funder(&by(Some("ＡＭＥＤ"), None), &f));
        assert!(!names_funder(
            &by(
                Some("Japan Society for the Promotion of Science"),
                Some("https://doi.org/10.13039/501100001691")
            ),
            &f
        ));
        assert!(!names_funder(&by(Some("Amedical Inc."), None), &f));
    }

    #[test]
    fn orcid_and_ror_in_any_written_form() {
        assert_eq!(
            normalize_orcid("0000-0002-1825-0097").as_deref(),
            Some("https://orcid.org/0000-0002-1825-0097")
        );
        assert_eq!(
            normalize_orcid("https://orcid.org/0000-0002-1694-233X").as_deref(),
            Some("https://orcid.org/0000-0002-1694-233X")
        );
        assert_eq!(normalize_orcid("nope"), None);
        assert_eq!(
            normalize_ror("https://ror.org/04ksd4g47").as_deref(),
            Some("https://ror.org/04ksd4g47")
        );
        assert_eq!(
            normalize_ror("04ksd4g47").as_deref(),
            Some("https://ror.org/04ksd4g47")
        );
        assert_eq!(normalize_ror("AMED"), None);
    }

    #[test]
    fn japanese_is_recognised() {
        assert_eq!(guess_lang("全ゲノム解析"), Some("ja"));
        assert_eq!(guess_lang("Whole genome"), None);
    }
}
