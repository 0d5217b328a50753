//! Identity: one written form for each identifier, so that one DOI or one
//! accession number is one record whatever way a person or an API wrote it.
//!
//! ```
//! use dmpgraph_model::identity::{normalize_doi, Accession, Identifier};
//! assert_eq!(normalize_doi("https://doi.org/10.48321/D1M30K").as_deref(), Some("10.48321/d1m30k"));
//! assert_eq!(normalize_doi("doi:10.48321/d1m30k"), normalize_doi("http://dx.doi.org/10.48321/D1M30K"));
//! assert_eq!(Accession::parse("ｊｇａｓ０００１２３").unwrap().to_string(), "JGAS000123");
//! assert_eq!(Identifier::parse("DOI: 10.1234/ABC").to_string(), "doi:10.1234/abc");
//! ```

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Full-width to half-width, then blanks (ASCII, 全角スペース, zero-width)
/// around the text removed.
fn folded(s: &str) -> String {
    let s: String = s
        .nfkc()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}'))
        .collect();
    s.trim().to_string()
}

static DOI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*|info:doi/)?(10\.\d{4,9}/\S+)$")
        .expect("valid DOI pattern")
});

/// The normal form of a DOI: the bare name (`10.prefix/suffix`), lower case
/// (DOI names are case-insensitive), percent-escapes of a resolver URL
/// decoded; `None` when the text is not a DOI.
///
/// `doi:10.1/X`, `DOI: 10.1/x`, `https://doi.org/10.1/x`,
/// `http://dx.doi.org/10.1/X` and `info:doi/10.1/x` are one DOI.
pub fn normalize_doi(text: &str) -> Option<String> {
    let text = folded(text);
    // A resolver URL may escape the slash (`10.1234%2Fabc`).
    let text = percent_decoded(&text).unwrap_or(text);
    let caps = DOI.captures(&text)?;
    Some(caps[1].to_lowercase())
}

/// `%2F` and the like decoded, when the text has any and they are valid UTF-8.
fn percent_decoded(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// The archives whose accession numbers dmpgraph knows (DDBJ's, and the NBDC
/// Human Database's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Archive {
    /// JGA, the Japanese Genotype-phenome Archive (`JGAS`, `JGAD`, …).
    Jga,
    /// The NBDC Human Database (`hum0001`).
    NbdcHuman,
    /// DRA, the DDBJ Sequence Read Archive (`DRA`, `DRP`, `DRX`, `DRR`, `DRS`, `DRZ`).
    Dra,
    /// BioProject (`PRJDB`).
    BioProject,
    /// BioSample (`SAMD`).
    BioSample,
}

impl Archive {
    /// The archive's short name, as record ids write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Archive::Jga => "jga",
            Archive::NbdcHuman => "nbdc",
            Archive::Dra => "dra",
            Archive::BioProject => "bioproject",
            Archive::BioSample => "biosample",
        }
    }
}

/// An accession number in its normal form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Accession {
    /// Where it is deposited.
    pub archive: Archive,
    /// The number as the archive writes it (`JGAS000123`, `hum0014`,
    /// `hum0014.v2`, `DRA001234`, `PRJDB12345`, `SAMD00012345`).
    pub number: String,
}

static ACCESSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?P<jga>JGA[SDCPNXRZ])\s*-?\s*(?P<jgan>\d{6})
          | (?P<hum>hum)\s*-?\s*(?P<humn>\d{4})(?:\s*[.-]\s*v\s*(?P<humv>\d+))?
          | (?P<dra>DR[APXRSZ])\s*-?\s*(?P<dran>\d{6,})
          | (?P<prj>PRJDB)\s*-?\s*(?P<prjn>\d+)
          | (?P<sam>SAMD)\s*-?\s*(?P<samn>\d+)
        )$",
    )
    .expect("valid accession pattern")
});

impl Accession {
    /// Reads an accession number written in any of its usual forms (full
    /// width, any letter case, a space or hyphen after the prefix, NBDC's
    /// `-v1` or `.v1` version); `None` when it is none.
    pub fn parse(text: &str) -> Option<Accession> {
        let text = folded(text);
        let c = ACCESSION.captures(&text)?;
        let (archive, number) = if let Some(p) = c.name("jga") {
            (
                Archive::Jga,
                format!("{}{}", p.as_str().to_uppercase(), &c["jgan"]),
            )
        } else if c.name("hum").is_some() {
            let version = c
                .name("humv")
                .map(|v| format!(".v{}", v.as_str()))
                .unwrap_or_default();
            (Archive::NbdcHuman, format!("hum{}{version}", &c["humn"]))
        } else if let Some(p) = c.name("dra") {
            (
                Archive::Dra,
                format!("{}{}", p.as_str().to_uppercase(), &c["dran"]),
            )
        } else if c.name("prj").is_some() {
            (Archive::BioProject, format!("PRJDB{}", &c["prjn"]))
        } else {
            (Archive::BioSample, format!("SAMD{}", &c["samn"]))
        };
        Some(Accession { archive, number })
    }
}

impl fmt::Display for Accession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

/// An identifier of a plan or a deposit, in its normal form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identifier {
    /// A DOI (`doi:10.1234/abc`).
    Doi(String),
    /// An accession number (`jga:JGAS000123`).
    Accession(Accession),
    /// Anything else (a URL, a grant number), folded to half width and trimmed.
    Other(String),
}

impl Identifier {
    /// The normal form of any written identifier: a DOI or an accession
    /// number when it is one, else the text folded and trimmed.
    pub fn parse(text: &str) -> Identifier {
        if let Some(doi) = normalize_doi(text) {
            return Identifier::Doi(doi);
        }
        if let Some(acc) = Accession::parse(text) {
            return Identifier::Accession(acc);
        }
        Identifier::Other(folded(text))
    }
}

impl Identifier {
    /// Reads an identifier back from its normal form (what `Display`
    /// writes: `doi:10.…`, `jga:JGAS000123`, or anything else as it is).
    pub fn from_normal(text: &str) -> Identifier {
        if let Some(d) = text.strip_prefix("doi:") {
            return Identifier::Doi(d.to_string());
        }
        if let Some((prefix, number)) = text.split_once(':') {
            if let Some(a) = Accession::parse(number) {
                if a.archive.as_str() == prefix {
                    return Identifier::Accession(a);
                }
            }
        }
        Identifier::Other(text.to_string())
    }
}

/// As its normal form, a string.
impl serde::Serialize for Identifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Identifier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Identifier::from_normal(&text))
    }
}

impl fmt::Display for Identifier {
    /// `doi:10.1234/abc`, `jga:JGAS000123`, or the text itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identifier::Doi(d) => write!(f, "doi:{d}"),
            Identifier::Accession(a) => write!(f, "{}:{}", a.archive.as_str(), a.number),
            Identifier::Other(o) => f.write_str(o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_reads_back_from_its_normal_form() {
        for text in ["10.48321/D1M30K", "JGAS000123", "hum0014.v2", "DRR000001", "PRJDB12345", "SAMD00012345", "https://example.org/x"] {
            let id = Identifier::parse(text);
            assert_eq!(Identifier::from_normal(&id.to_string()), id, "{text}");
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(serde_json::from_str::<Identifier>(&json).unwrap(), id);
        }
    }

    #[test]
    fn every_written_form_of_a_doi_is_one_doi() {
        let forms = [
            "10.48321/D1M30K",
            "doi:10.48321/d1m30k",
            "DOI:10.48321/D1M30K",
            "doi: 10.48321/D1M30K",
            "https://doi.org/10.48321/D1M30K",
            "http://doi.org/10.48321/d1m30k",
            "http://dx.doi.org/10.48321/D1M30K",
            "HTTPS://DOI.ORG/10.48321/D1M30K",
            "https://doi.org/10.48321%2FD1M30K",
            "info:doi/10.48321/D1M30K",
            "　ｈｔｔｐｓ://doi.org/10.48321/D1M30K　",
        ];
        for f in forms {
            assert_eq!(normalize_doi(f).as_deref(), Some("10.48321/d1m30k"), "{f}");
        }
        assert_eq!(normalize_doi("https://example.org/10.1/x"), None);
        assert_eq!(normalize_doi("21ek0109555h0001"), None);
        assert_eq!(
            normalize_doi("10.1/x"),
            None,
            "a DOI prefix has 4 to 9 digits"
        );
    }

    #[test]
    fn accession_numbers_have_one_form() {
        for (written, archive, number) in [
            ("JGAS000123", Archive::Jga, "JGAS000123"),
            ("jgad000456", Archive::Jga, "JGAD000456"),
            ("ＪＧＡＳ０００１２３", Archive::Jga, "JGAS000123"),
            ("JGAS-000123", Archive::Jga, "JGAS000123"),
            ("hum0014", Archive::NbdcHuman, "hum0014"),
            ("HUM0014-v2", Archive::NbdcHuman, "hum0014.v2"),
            ("hum0014.v2", Archive::NbdcHuman, "hum0014.v2"),
            ("dra001234", Archive::Dra, "DRA001234"),
            ("DRR0012345", Archive::Dra, "DRR0012345"),
            ("prjdb12345", Archive::BioProject, "PRJDB12345"),
            ("SAMD00012345", Archive::BioSample, "SAMD00012345"),
        ] {
            let a = Accession::parse(written).unwrap_or_else(|| panic!("{written}"));
            assert_eq!(
                (a.archive, a.number.as_str()),
                (archive, number),
                "{written}"
            );
        }
        for not in ["JGAS12", "DRQ000001", "PRJNA1234", "hum", "10.1234/x"] {
            assert_eq!(Accession::parse(not), None, "{not}");
        }
    }

    #[test]
    fn identifiers_print_in_their_normal_form() {
        assert_eq!(
            Identifier::parse("https://doi.org/10.1234/ABC").to_string(),
            "doi:10.1234/abc"
        );
        assert_eq!(
            Identifier::parse("ｊｇａｄ０００００１").to_string(),
            "jga:JGAD000001"
        );
        assert_eq!(
            Identifier::parse(" https://example.org/dmp/1 ").to_string(),
            "https://example.org/dmp/1"
        );
    }
}
