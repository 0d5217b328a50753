//! A dataset (or a work) as a repository or a DOI registry describes it:
//! what was deposited, as opposed to what a plan promised.
//!
//! Every connector (DataCite, Crossref, JaLC, DDBJ) maps its source's own
//! response into one [`Deposit`]; the RDF mapping turns it into the same
//! DCAT model for every source, so that planned and deposited datasets can
//! be queried side by side and linked.
//!
//! ```
//! use dmpgraph_model::deposit::{Deposit, Source, LangText};
//! use dmpgraph_model::identity::Identifier;
//! let mut d = Deposit::new(Source::DataCite, Identifier::parse("10.99999/X"));
//! d.titles.push(LangText::new("難治性疾患コホート", Some("ja")));
//! assert_eq!(d.id.to_string(), "doi:10.99999/x");
//! ```

use crate::identity::Identifier;
use serde::{Deserialize, Serialize};

/// Where a deposit's metadata was harvested from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// DataCite's REST API.
    DataCite,
    /// Crossref's REST API.
    Crossref,
    /// Japan Link Center's REST API.
    Jalc,
    /// The DDBJ Search API (JGA, DRA, BioProject, BioSample).
    Ddbj,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 4] = [
        Source::DataCite,
        Source::Crossref,
        Source::Jalc,
        Source::Ddbj,
    ];

    /// The source's name, as configuration and sets write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::DataCite => "datacite",
            Source::Crossref => "crossref",
            Source::Jalc => "jalc",
            Source::Ddbj => "ddbj",
        }
    }

    /// The source's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Source::DataCite => "DataCite",
            Source::Crossref => "Crossref",
            Source::Jalc => "JaLC",
            Source::Ddbj => "DDBJ",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text with its language (BCP 47 tag, lower case), when the source says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LangText {
    /// The text.
    pub text: String,
    /// Its language (`ja`, `en`), if known.
    pub lang: Option<String>,
}

impl LangText {
    /// A text in `lang`.
    pub fn new(text: impl Into<String>, lang: Option<&str>) -> LangText {
        LangText {
            text: text.into(),
            lang: lang
                .map(|l| l.trim().to_ascii_lowercase())
                .filter(|l| !l.is_empty()),
        }
    }
}

/// A person or an organisation that created a deposit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Creator {
    /// The name as the source writes it (`Yamada, Hanako`; `山田 花子`).
    pub name: String,
    /// Other written forms of the name (another language or script).
    pub other_names: Vec<LangText>,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Whether it is an organisation (DataCite `nameType: Organizational`).
    pub organisation: bool,
    /// ORCID iD as `https://orcid.org/0000-…`.
    pub orcid: Option<String>,
    /// Affiliations.
    pub affiliations: Vec<Affiliation>,
}

/// An organisation a creator belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Affiliation {
    /// Its name.
    pub name: String,
    /// Its ROR id as `https://ror.org/…`, where given.
    pub ror: Option<String>,
}

/// A date of a deposit, typed as DataCite types dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositDate {
    /// `Issued`, `Available`, `Created`, `Updated`, `Submitted`, … (DataCite's `dateType`).
    pub kind: String,
    /// The date as written (`2024`, `2024-03`, `2024-03-31`, a range `a/b`, a date-time).
    pub value: String,
}

/// Who may see the data (not the metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Anyone.
    Open,
    /// On application, under conditions (JGA's controlled access).
    Restricted,
    /// Under embargo until a date.
    Embargoed,
    /// Not available.
    Closed,
}

/// A funding reference: funder, and the award as written and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Funding {
    /// The funder's name as written.
    pub funder_name: Option<String>,
    /// The funder's identifier as written (Crossref Funder ID DOI, ROR, …).
    pub funder_id: Option<String>,
    /// The identifier's scheme (`Crossref Funder ID`, `ROR`, `ISNI`, `Other`).
    pub funder_id_type: Option<String>,
    /// The award number as written.
    pub award_number: Option<String>,
    /// The award number normalised (see `crate::award`), when it is an AMED one.
    pub award_normalised: Option<String>,
    /// The award's title.
    pub award_title: Option<String>,
    /// The award's URI.
    pub award_uri: Option<String>,
}

/// A related identifier: another work and how this one relates to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// The other work's identifier as written.
    pub identifier: String,
    /// Its scheme (`DOI`, `URL`, `JGA`, `DRA`, `BioProject`, …).
    pub scheme: String,
    /// The relation, in DataCite's terms (`IsSupplementTo`, `IsVersionOf`,
    /// `HasPart`, `IsPartOf`, `References`, …).
    pub relation: String,
}

/// A deposit as a source describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Deposit {
    /// Where the metadata came from.
    pub source: Source,
    /// Its identifier in normal form (`doi:10.…`, `jga:JGAD000001`); the record id.
    pub id: Identifier,
    /// The kind of entry at the source (`dois`, `work`, `jga-study`, `sra-run`, `bioproject`, …).
    pub entry_type: String,
    /// Other identifiers (secondary accessions, NBDC `hum` ids, URLs).
    pub alternate_ids: Vec<String>,
    /// Titles, with language where known.
    pub titles: Vec<LangText>,
    /// Descriptions (abstracts), with language where known.
    pub descriptions: Vec<LangText>,
    /// Creators, in order.
    pub creators: Vec<Creator>,
    /// Publisher (repository, journal publisher).
    pub publisher: Option<String>,
    /// Publication year.
    pub publication_year: Option<i32>,
    /// Dates.
    pub dates: Vec<DepositDate>,
    /// Resource type, general (`Dataset`, `JournalArticle`, `Text`, …).
    pub resource_type_general: Option<String>,
    /// Resource type as the source words it (`Sequencing data`, `journal-article`).
    pub resource_type: Option<String>,
    /// Access to the data.
    pub access: Option<Access>,
    /// Licence URIs (or names where there is no URI).
    pub licences: Vec<String>,
    /// Funding references.
    pub funding: Vec<Funding>,
    /// Related works.
    pub related: Vec<Related>,
    /// Landing page.
    pub url: Option<String>,
    /// Subjects and keywords.
    pub subjects: Vec<LangText>,
    /// Formats (`FASTQ`, `VCF`).
    pub formats: Vec<String>,
    /// Sizes as written (`3 GB`).
    pub sizes: Vec<String>,
    /// Version.
    pub version: Option<String>,
    /// Organism (DDBJ entries).
    pub organism: Option<String>,
    /// The source's own state of the entry (DataCite `findable`, DDBJ `public`).
    pub state: Option<String>,
}

impl Default for Deposit {
    /// An empty DataCite deposit with no identifier (for deserialising).
    fn default() -> Deposit {
        Deposit::new(Source::DataCite, Identifier::Other(String::new()))
    }
}

/// The repository that holds a deposit, as a DMP names a distribution's
/// host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    /// Its name (`Japanese Genotype-phenotype Archive (JGA)`, `Zenodo`).
    pub name: String,
    /// Its home page.
    pub url: String,
}

/// `mappings/repositories.toml`: data repositories by site and DOI prefix.
pub const BUILTIN_REPOSITORIES_TOML: &str = include_str!("../../../mappings/repositories.toml");

#[derive(Deserialize)]
struct KnownRepositories {
    repository: Vec<KnownRepository>,
}

#[derive(Deserialize)]
struct KnownRepository {
    name: String,
    url: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    doi_prefixes: Vec<String>,
}

fn known_repositories() -> &'static [KnownRepository] {
    static KNOWN: std::sync::OnceLock<Vec<KnownRepository>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        toml::from_str::<KnownRepositories>(BUILTIN_REPOSITORIES_TOML)
            .map(|k| k.repository)
            .unwrap_or_default()
    })
}

impl Deposit {
    /// The repository that holds it: DDBJ's archive for an accession; a
    /// repository of `mappings/repositories.toml` when its landing page's
    /// host or its DOI's prefix is one of its; else, for a DOI, the
    /// publisher the registry names (else the registry), at the site of its
    /// landing page (else doi.org).
    pub fn repository(&self) -> Repository {
        use crate::identity::Archive;
        let fixed = |name: &str, url: &str| Repository {
            name: name.into(),
            url: url.into(),
        };
        if let Identifier::Accession(a) = &self.id {
            return match a.archive {
                Archive::Jga => fixed(
                    "Japanese Genotype-phenotype Archive (JGA)",
                    "https://www.ddbj.nig.ac.jp/jga/",
                ),
                Archive::NbdcHuman => fixed("NBDC Human Database", "https://humandbs.dbcls.jp/"),
                Archive::Dra => fixed(
                    "DDBJ Sequence Read Archive (DRA)",
                    "https://www.ddbj.nig.ac.jp/dra/",
                ),
                Archive::BioProject => {
                    fixed("DDBJ BioProject", "https://www.ddbj.nig.ac.jp/bioproject/")
                }
                Archive::BioSample => {
                    fixed("DDBJ BioSample", "https://www.ddbj.nig.ac.jp/biosample/")
                }
            };
        }
        let authority = self.url.as_deref().and_then(|u| {
            let iri = oxiri::Iri::parse(u).ok()?;
            let authority = iri.authority().filter(|a| !a.is_empty())?;
            Some((iri.scheme().to_string(), authority.to_ascii_lowercase()))
        });
        let doi = match &self.id {
            Identifier::Doi(d) => Some(d.to_string()),
            _ => None,
        };
        let known = known_repositories().iter().find(|k| {
            let by_host = authority.as_ref().is_some_and(|(_, a)| {
                let host = a
                    .rsplit('@')
                    .next()
                    .unwrap_or(a)
                    .split(':')
                    .next()
                    .unwrap_or(a);
                k.hosts
                    .iter()
                    .any(|h| host == h || host.ends_with(&format!(".{h}")))
            });
            let by_prefix = doi
                .as_deref()
                .is_some_and(|d| k.doi_prefixes.iter().any(|p| d.starts_with(p.as_str())));
            by_host || by_prefix
        });
        if let Some(k) = known {
            return Repository {
                name: k.name.clone(),
                url: k.url.clone(),
            };
        }
        let site = authority.map(|(scheme, a)| format!("{scheme}://{a}/"));
        Repository {
            name: self
                .publisher
                .clone()
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| self.source.label().to_string()),
            url: site.unwrap_or_else(|| "https://doi.org/".into()),
        }
    }

    /// Its identifier as a resolvable URL: `https://doi.org/10.…` for a
    /// DOI, else its landing page.
    pub fn resolvable(&self) -> Option<String> {
        match &self.id {
            Identifier::Doi(d) => Some(format!("https://doi.org/{d}")),
            _ => self.url.clone(),
        }
    }

    /// An empty deposit of `id` from `source`.
    pub fn new(source: Source, id: Identifier) -> Deposit {
        Deposit {
            source,
            id,
            entry_type: String::new(),
            alternate_ids: Vec::new(),
            titles: Vec::new(),
            descriptions: Vec::new(),
            creators: Vec::new(),
            publisher: None,
            publication_year: None,
            dates: Vec::new(),
            resource_type_general: None,
            resource_type: None,
            access: None,
            licences: Vec::new(),
            funding: Vec::new(),
            related: Vec::new(),
            url: None,
            subjects: Vec::new(),
            formats: Vec::new(),
            sizes: Vec::new(),
            version: None,
            organism: None,
            state: None,
        }
    }

    /// The first title, preferring `lang`.
    pub fn title(&self, lang: &str) -> Option<&str> {
        self.titles
            .iter()
            .find(|t| t.lang.as_deref() == Some(lang))
            .or_else(|| self.titles.first())
            .map(|t| t.text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doi(id: &str, publisher: Option<&str>, url: Option<&str>) -> Deposit {
        let mut d = Deposit::new(Source::DataCite, Identifier::parse(id));
        d.publisher = publisher.map(str::to_owned);
        d.url = url.map(str::to_owned);
        d
    }

    #[test]
    fn a_repository_is_named_by_its_site_or_prefix_not_by_the_depositor() {
        // J-STAGE Data registers under the publishing society's name.
        let r = doi(
            "10.50893/data.rinshoshinkei.21345678",
            Some("Societas Neurologica Japonica"),
            Some("https://jstagedata.jst.go.jp/articles/dataset/x/21345678"),
        )
        .repository();
        assert_eq!(
            (r.name.as_str(), r.url.as_str()),
            ("J-STAGE Data", "https://jstagedata.jst.go.jp/")
        );
        // By the DOI prefix when the landing page is unknown.
        assert_eq!(
            doi("10.5281/zenodo.1", None, None).repository().name,
            "Zenodo"
        );
        // By a subdomain of the site.
        assert_eq!(
            doi(
                "10.99999/x",
                Some("Someone"),
                Some("https://www.figshare.com/a/1")
            )
            .repository()
            .name,
            "figshare"
        );
        // Otherwise the publisher, at the landing page's site.
        let r = doi(
            "10.24767/jmu.12345",
            Some("Jichi Medical University"),
            Some("https://jichi.repo.nii.ac.jp/records/1"),
        )
        .repository();
        assert_eq!(
            (r.name.as_str(), r.url.as_str()),
            ("Jichi Medical University", "https://jichi.repo.nii.ac.jp/")
        );
        assert!(
            !known_repositories().is_empty(),
            "mappings/repositories.toml parses"
        );
        // DDBJ's archives by accession.
        let jga = Deposit::new(Source::Ddbj, Identifier::parse("JGAD000123")).repository();
        assert_eq!(jga.name, "Japanese Genotype-phenotype Archive (JGA)");
    }
}
