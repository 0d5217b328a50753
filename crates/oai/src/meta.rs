//! What an item says, read once from its public graph: the neutral form
//! every metadata format is written from (`oai_dc`, `jpcoar_2.0`,
//! `oai_datacite`), so that the formats agree with each other.

use chrono::NaiveDate;

/// A text and its language (`ja`, `en`), when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text.
    pub value: String,
    /// Its language tag.
    pub lang: Option<String>,
}

impl Text {
    /// A text in `lang`.
    pub fn new(value: impl Into<String>, lang: Option<&str>) -> Text {
        Text {
            value: value.into(),
            lang: lang.map(str::to_owned),
        }
    }
}

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A data management plan (COAR `c_ab20`).
    Plan,
    /// A dataset a plan describes (COAR `c_ddb1`).
    Dataset,
}

/// Access to an item's content, in COAR access-rights terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Open access (`c_abf2`).
    Open,
    /// Embargoed access (`c_f1cf`), open from this day.
    Embargoed {
        /// The planned publication date (`datacite:date dateType="Available"`).
        until: NaiveDate,
    },
    /// Restricted access (`c_16ec`).
    Restricted,
    /// Metadata only (`c_14cb`).
    MetadataOnly,
}

impl Access {
    /// The COAR access-rights URI.
    pub fn coar_uri(self) -> &'static str {
        match self {
            Access::Open => "http://purl.org/coar/access_right/c_abf2",
            Access::Embargoed { .. } => "http://purl.org/coar/access_right/c_f1cf",
            Access::Restricted => "http://purl.org/coar/access_right/c_16ec",
            Access::MetadataOnly => "http://purl.org/coar/access_right/c_14cb",
        }
    }

    /// The COAR label, exactly as the vocabulary (and JPCOAR) writes it.
    pub fn coar_label(self) -> &'static str {
        match self {
            Access::Open => "open access",
            Access::Embargoed { .. } => "embargoed access",
            Access::Restricted => "restricted access",
            Access::MetadataOnly => "metadata only access",
        }
    }
}

/// A person's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonId {
    /// An ORCID iD, as `https://orcid.org/0000-…`.
    Orcid(String),
    /// An e-Rad researcher number (8 digits).
    ERad(String),
}

/// A person: creator or contributor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name as written (family name first for Japanese names).
    pub name: Text,
    /// Identifiers, when known.
    pub ids: Vec<PersonId>,
    /// The affiliation's name.
    pub affiliation: Option<Text>,
    /// The affiliation's ROR id (`https://ror.org/…`), when known.
    pub affiliation_ror: Option<String>,
}

/// What a contributor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The dataset's data manager (DataCite/JPCOAR `DataManager`).
    DataManager,
    /// A member of the project's data-related staff (`ProjectMember`).
    ProjectMember,
}

/// Funding of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// The funder's names (Japanese and English where known).
    pub funder_names: Vec<Text>,
    /// The funder's ROR id, `https://ror.org/…`.
    pub funder_ror: Option<String>,
    /// The funder's Crossref Funder ID, `https://doi.org/10.13039/…`.
    pub funder_crossref: Option<String>,
    /// The funding programme (事業名), as a funding stream.
    pub stream: Option<Text>,
    /// The award number.
    pub award_number: Option<String>,
    /// Whether the award number is a Japanese grant number (`JGN`,
    /// starting with `JP`: IRDB's rule for AMED acknowledgement numbers).
    pub award_is_jgn: bool,
    /// The project's title.
    pub award_title: Option<Text>,
}

/// How an item relates to another resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationType {
    /// This dataset belongs to that plan.
    IsPartOf,
    /// This plan describes that dataset.
    HasPart,
    /// That resource is this dataset as deposited (its DOI or accession).
    IsIdenticalTo,
    /// That resource is a version of this dataset as deposited.
    HasVersion,
}

impl RelationType {
    /// The name JPCOAR and DataCite both use.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationType::IsPartOf => "isPartOf",
            RelationType::HasPart => "hasPart",
            RelationType::IsIdenticalTo => "isIdenticalTo",
            RelationType::HasVersion => "hasVersion",
        }
    }

    /// DataCite's spelling (capitalised).
    pub fn datacite(self) -> &'static str {
        match self {
            RelationType::IsPartOf => "IsPartOf",
            RelationType::HasPart => "HasPart",
            RelationType::IsIdenticalTo => "IsIdenticalTo",
            RelationType::HasVersion => "HasVersion",
        }
    }
}

/// The kind of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdType {
    /// A DOI, written `https://doi.org/10.…`.
    Doi,
    /// Any other URI (a landing page, an accession's page).
    Uri,
}

/// A related resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// How it relates.
    pub relation: RelationType,
    /// Its identifier (`https://doi.org/10.…` for a DOI).
    pub identifier: String,
    /// The identifier's kind.
    pub id_type: IdType,
    /// Its title, when known.
    pub title: Option<Text>,
}

/// A date of the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateType {
    /// Published (a dataset's planned publication date once passed).
    Issued,
    /// Made (a plan's 作成年月日).
    Created,
    /// Last revised.
    Updated,
    /// Open from (while embargoed).
    Available,
}

impl DateType {
    /// The name JPCOAR's `datacite:date` and DataCite use.
    pub fn as_str(self) -> &'static str {
        match self {
            DateType::Issued => "Issued",
            DateType::Created => "Created",
            DateType::Updated => "Updated",
            DateType::Available => "Available",
        }
    }
}

/// An item, as every format writes it. Only public values: it is read
/// from the public store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMeta {
    /// Plan or dataset.
    pub kind: ItemKind,
    /// The item's landing page (its record IRI, or the dataset's IRI).
    pub landing: String,
    /// Titles, at most one per language.
    pub titles: Vec<Text>,
    /// Descriptions.
    pub descriptions: Vec<Text>,
    /// Creators (a plan's principal investigator).
    pub creators: Vec<Person>,
    /// Contributors and their roles.
    pub contributors: Vec<(Person, Role)>,
    /// Subject keywords (programme, data subject, data class).
    pub subjects: Vec<Text>,
    /// The publisher (the catalog's publisher).
    pub publisher: Vec<Text>,
    /// Funding.
    pub funding: Option<Funding>,
    /// Real calendar dates.
    pub dates: Vec<(DateType, NaiveDate)>,
    /// Access rights.
    pub access: Access,
    /// The item's DOI (`10.…`), when it has one.
    pub doi: Option<String>,
    /// Related resources.
    pub relations: Vec<Related>,
    /// Size, as written (「約100GB」).
    pub size: Option<String>,
    /// Free-text version of the source (a plan's 作成年月日, as given).
    pub version: Option<String>,
}
