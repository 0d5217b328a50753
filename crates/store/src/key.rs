//! What a record is and what names it: its kind, its key (kind + id), and
//! the format it was read from.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A data management plan.
    Dmp,
    /// A dataset as deposited in a repository (harvested).
    Deposit,
    /// A link between a planned and a deposited dataset.
    Link,
    /// The catalog itself (`dcat:Catalog`, publisher, contact point): one
    /// graph that record graphs refer to.
    Catalog,
    /// dmpgraph's vocabulary (`ontologies/dmpgraph.ttl`): labels and
    /// crosswalks of AMED's value lists, for queries.
    Vocabulary,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Dmp,
        RecordKind::Deposit,
        RecordKind::Link,
        RecordKind::Catalog,
        RecordKind::Vocabulary,
    ];

    /// The kind's name, also the namespace of its record keys.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Dmp => "dmp",
            RecordKind::Deposit => "deposit",
            RecordKind::Link => "link",
            RecordKind::Catalog => "catalog",
            RecordKind::Vocabulary => "vocabulary",
        }
    }

    /// The kind of a name.
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record's identity: its kind and its id within that kind. Written
/// `kind:id` (`dmp:21ek0109555h0001`, `dmp:doi:10.48321/d1m30k`,
/// `deposit:jga:JGAD000123`), the registry's key.
///
/// ```
/// use dmpgraph_store::{RecordKey, RecordKind};
/// let key = RecordKey::new(RecordKind::Dmp, "21ek0109555h0001");
/// assert_eq!(key.to_string(), "dmp:21ek0109555h0001");
/// assert_eq!("dmp:21ek0109555h0001".parse::<RecordKey>().unwrap(), key);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// What the record is.
    pub kind: RecordKind,
    /// Its id within its kind (already in normal form).
    pub id: String,
}

impl RecordKey {
    /// The key of record `id` of `kind`.
    pub fn new(kind: RecordKind, id: impl Into<String>) -> RecordKey {
        RecordKey {
            kind,
            id: id.into(),
        }
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.id)
    }
}

/// A text that is not `kind:id` with a known kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a record key (kind:id, the kind one of dmp, deposit, link, catalog, vocabulary)"
)]
pub struct NotARecordKey(pub String);

impl std::str::FromStr for RecordKey {
    type Err = NotARecordKey;
    fn from_str(s: &str) -> Result<RecordKey, NotARecordKey> {
        let (kind, id) = s.split_once(':').ok_or_else(|| NotARecordKey(s.into()))?;
        let kind = RecordKind::from_name(kind).ok_or_else(|| NotARecordKey(s.into()))?;
        if id.is_empty() {
            return Err(NotARecordKey(s.into()));
        }
        Ok(RecordKey::new(kind, id))
    }
}

impl Serialize for RecordKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecordKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RecordKey, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The format a record was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// AMED's Excel form (様式 別紙1): .xlsx, .xlsm, .xls, .ods.
    AmedExcel,
    /// RDA maDMP JSON (DMP Common Standard 1.0–1.3).
    Madmp,
    /// dmpgraph's catalog configuration (`mappings/catalog.toml`).
    Config,
    /// An ontology in Turtle (`ontologies/dmpgraph.ttl`).
    Ontology,
    /// A repository's or DOI registry's record, harvested (DataCite,
    /// Crossref, JaLC, DDBJ).
    Harvest,
    /// Made by dmpgraph's linker (or a curator's decision on its link).
    Linker,
}

impl SourceFormat {
    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::AmedExcel => "amed-excel",
            SourceFormat::Madmp => "madmp",
            SourceFormat::Config => "config",
            SourceFormat::Ontology => "ontology",
            SourceFormat::Harvest => "harvest",
            SourceFormat::Linker => "linker",
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
