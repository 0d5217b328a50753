//! Text for comparison: tokens of Japanese and English titles and
//! descriptions, with a glossary that carries Japanese technical terms
//! into English (`mappings/link-glossary.toml`), so that an entry written
//! in Japanese meets its deposit described in English.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// The glossary dmpgraph ships (`mappings/link-glossary.toml`).
pub const BUILTIN_GLOSSARY_TOML: &str = include_str!("../../../mappings/link-glossary.toml");

/// Japanese terms and their English renderings.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// (Japanese term folded, English words), longest term first.
    terms: Vec<(String, Vec<String>)>,
}

/// A glossary file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the link glossary: {0}")]
pub struct GlossaryError(#[source] toml::de::Error);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    terms: BTreeMap<String, Vec<String>>,
}

impl Glossary {
    /// What the glossary holds, as a text that changes when it does.
    pub fn fingerprint(&self) -> String {
        format!("{:?}", self.terms)
    }

    /// The glossary in `mappings/link-glossary.toml`.
    pub fn builtin() -> &'static Glossary {
        static G: std::sync::LazyLock<Glossary> = std::sync::LazyLock::new(|| {
            Glossary::from_toml(BUILTIN_GLOSSARY_TOML).expect("the shipped glossary is valid")
        });
        &G
    }

    /// A glossary from its TOML text (`[terms]` `"ゲノム" = ["genome"]`).
    pub fn from_toml(text: &str) -> Result<Glossary, GlossaryError> {
        let file: GlossaryFile = toml::from_str(text).map_err(GlossaryError)?;
        let mut terms: Vec<(String, Vec<String>)> = file
            .terms
            .into_iter()
            .map(|(ja, en)| {
                let words = en
                    .iter()
                    .flat_map(|e| latin_words(&fold(e)))
                    .collect::<Vec<_>>();
                (fold(&ja), words)
            })
            .filter(|(ja, words)| !ja.is_empty() && !words.is_empty())
            .collect();
        terms.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        Ok(Glossary { terms })
    }

    /// The English words of the Japanese terms in `folded` text, each term
    /// once, longer terms first (a term inside a longer one found is not
    /// counted again).
    fn english(&self, folded: &str) -> Vec<String> {
        let mut rest = folded.to_string();
        let mut out = Vec::new();
        for (ja, en) in &self.terms {
            if rest.contains(ja.as_str()) {
                out.extend(en.iter().cloned());
                rest = rest.replace(ja.as_str(), "\u{3000}");
            }
        }
        out
    }
}

/// NFKC, lower case.
pub fn fold(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '々')
}

/// Words that say nothing about which dataset it is.
const STOP: &[&str] = &[
    "a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "by", "from", "at", "as", "or",
    "is", "are", "be", "this", "that", "these", "data", "dataset", "datasets", "study", "studies",
    "project", "research", "analysis", "results", "result", "using", "based",
];

fn latin_words(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.len() >= 2 && !STOP.contains(w))
        .map(stem)
        .collect()
}

/// A light stemmer: plural `s`.
fn stem(w: &str) -> String {
    if w.len() > 4 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    }
}

/// The tokens of a text: Latin words (lower case, light stemming, stop
/// words out), bigrams of Japanese runs, and the English words of the
/// glossary's Japanese terms found in it.
pub fn tokens(text: &str, glossary: &Glossary) -> HashSet<String> {
    let folded = fold(text);
    let mut out: HashSet<String> = latin_words(&folded).into_iter().collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut HashSet<String>| {
        if run.len() == 1 {
            out.insert(run[0].to_string());
        }
        for w in run.windows(2) {
            out.insert(w.iter().collect());
        }
        run.clear();
    };
    for &c in &chars {
        if is_cjk(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    if chars.iter().any(|c| is_cjk(*c)) {
        out.extend(glossary.english(&folded));
    }
    out
}

/// Document frequencies of tokens over a set of texts, for weighting.
#[derive(Debug, Default)]
pub struct Weights {
    df: HashMap<String, u32>,
    n: u32,
}

impl Weights {
    /// Counts one text's tokens.
    pub fn add(&mut self, tokens: &HashSet<String>) {
        self.n += 1;
        for t in tokens {
            *self.df.entry(t.clone()).or_default() += 1;
        }
    }

    /// The inverse document frequency of a token.
    pub fn idf(&self, token: &str) -> f64 {
        let df = self.df.get(token).copied().unwrap_or(0);
        (f64::from(self.n + 1) / f64::from(df + 1)).ln() + 1.0
    }

    /// Weighted overlap of two token sets, in [0, 1]: the weight of the
    /// shared tokens over the weight of the smaller side's (a Japanese
    /// entry has many bigrams an English deposit cannot share, so the
    /// deposit's side counts as much as the entry's), with the shared
    /// tokens for evidence.
    pub fn overlap(&self, a: &HashSet<String>, b: &HashSet<String>) -> (f64, Vec<String>) {
        let weight = |s: &HashSet<String>| s.iter().map(|t| self.idf(t)).sum::<f64>();
        let (wa, wb) = (weight(a), weight(b));
        if wa == 0.0 || wb == 0.0 {
            return (0.0, Vec::new());
        }
        let mut shared: Vec<&String> = a.intersection(b).collect();
        shared.sort();
        let w: f64 = shared.iter().map(|t| self.idf(t)).sum();
        ((w / wa).max(w / wb), shared.into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_meets_english_through_the_glossary() {
        let g = Glossary::from_toml("[terms]\n\"全ゲノム\" = [\"whole genome\"]\n\"ゲノム\" = [\"genome\"]\n\"がん\" = [\"cancer\"]\n").unwrap();
        let ja = tokens("日本人がん患者の全ゲノムシーケンスデータ（WGS）", &g);
        let en = tokens(
            "Whole genome sequences of Japanese cancer patients (WGS)",
            &g,
        );
        for t in ["whole", "genome", "cancer", "wgs"] {
            assert!(ja.contains(t) && en.contains(t), "{t}: {ja:?} {en:?}");
        }
        // Japanese bigrams for Japanese text.
        assert!(ja.contains("患者"));
        let mut w = Weights::default();
        w.add(&ja);
        w.add(&en);
        let (o, shared) = w.overlap(&ja, &en);
        assert!(
            o > 0.2 && shared.contains(&"genome".to_string()),
            "{o} {shared:?}"
        );
    }

    #[test]
    fn the_shipped_glossary_reads() {
        assert!(!Glossary::builtin().terms.is_empty());
    }
}
