//! The typed document model: one struct per object of the RDA DMP Common
//! Standard, the union over versions 1.0–1.3.
//!
//! Conventions, the same on every object:
//! * fields are named after the standard's keys (`type` is `r#type`);
//! * a key that every version requires is a plain field, a key that some
//!   version leaves optional is an `Option` (the importer checks per version,
//!   see [`crate::validate`]); an absent optional key stays absent on output;
//! * an optional key that is present with `null` is a type error, as in the
//!   schemas, rather than being read as absent (which would drop it on output);
//! * `extra` keeps every key the standard does not define (tools' extension
//!   fields, `$schema`…), so that a document survives import and export;
//! * dates and date-times are kept as the strings read ([`Date`], [`DateTime`]),
//!   so that re-export gives equal JSON values; the importer checks their
//!   form, and keeps one that strays from it with a [`crate::Warning`].

use crate::codes::{
    Certification, CountryCode, CurrencyCode, DataAccess, FundingStatus, LanguageCode,
    MetadataStandardIdType, PidSystem, YesNoUnknown,
};
use chrono::{FixedOffset, NaiveDate};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};
use std::fmt;
use std::marker::PhantomData;

/// Reads an optional key that is present: its value must have the key's type
/// (serde's plain `Option` would silently read `null` as absent).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// A date (`format: date`: `YYYY-MM-DD`), kept as the string read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl Date {
    /// The date as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The calendar date, or `None` if the string is not a `YYYY-MM-DD` date.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        crate::validate::parse_date(&self.0).ok()
    }
}

/// A date-time (`format: date-time`: RFC 3339, with offset), kept as the string read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTime(pub String);

impl DateTime {
    /// The date-time as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant with its offset, or `None` if the string is not an RFC 3339 date-time.
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&self.0).ok()
    }
}

/// A key whose value is one object or, from maDMP 1.2 on, an array of them
/// (`contact_id`, `contributor_id`, `creator_id`, `metadata_standard_id`).
///
/// The form read is kept so that export writes it back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    /// A single object (the only form in 1.0 and 1.1).
    One(T),
    /// An array of objects (1.2 on).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The objects, whichever the form.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }

    /// Iterates over the objects, whichever the form.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The first object, if any.
    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(one) => one.serialize(serializer),
            OneOrMany::Many(many) => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A hand-written visitor instead of `#[serde(untagged)]`: untagged
        // buffers the value, which loses the error's path and replaces the
        // inner message by "did not match any variant".
        struct OneOrManyVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or an array of objects")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut many = Vec::new();
                while let Some(item) = seq.next_element()? {
                    many.push(item);
                }
                Ok(OneOrMany::Many(many))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

/// A whole maDMP JSON document: `{"dmp": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadmpDocument {
    /// The DMP.
    pub dmp: Dmp,
    /// Other top-level keys, typically `$schema`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The DMP itself (`DMPData`), the root of the application profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dmp {
    /// Other identifiers of the DMP (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub alternate_identifier: Option<Vec<AlternateIdentifier>>,
    /// The party that can give information on the DMP.
    pub contact: Contact,
    /// People or organisations that contribute to data management.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub contributor: Option<Vec<Contributor>>,
    /// Costs of data management.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub cost: Option<Vec<Cost>>,
    /// Date-time of the DMP's first version.
    pub created: DateTime,
    /// The datasets the DMP plans for.
    pub dataset: Vec<Dataset>,
    /// Free text about the DMP.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// The DMP's identifier.
    pub dmp_id: DmpId,
    /// Description of ethical issues.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub ethical_issues_description: Option<String>,
    /// Whether there are ethical issues.
    pub ethical_issues_exist: YesNoUnknown,
    /// Where a report on ethical issues is (a URI in 1.0 and 1.1, free text from 1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub ethical_issues_report: Option<String>,
    /// Language of the DMP.
    pub language: LanguageCode,
    /// Date-time of the DMP's last modification (its version).
    pub modified: DateTime,
    /// Projects the DMP belongs to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub project: Option<Vec<Project>>,
    /// Related resources (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub related_identifier: Option<Vec<RelatedIdentifier>>,
    /// Title of the DMP.
    pub title: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The contact of a DMP: a person or an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Affiliations (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub affiliation: Option<Vec<Affiliation>>,
    /// Identifier(s) of the contact (an array only from 1.2 on).
    pub contact_id: OneOrMany<ContactId>,
    /// E-mail address.
    pub mbox: String,
    /// Name.
    pub name: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A contributor to data management.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributor {
    /// Affiliations (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub affiliation: Option<Vec<Affiliation>>,
    /// Identifier(s) of the contributor (an array only from 1.2 on).
    pub contributor_id: OneOrMany<ContributorId>,
    /// E-mail address.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub mbox: Option<String>,
    /// Name.
    pub name: String,
    /// Roles (suggested: DataCite contributor types), unique.
    pub role: Vec<String>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A creator of a dataset (1.2 on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creator {
    /// Affiliations.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub affiliation: Option<Vec<Affiliation>>,
    /// Identifier(s) of the creator.
    pub creator_id: OneOrMany<CreatorId>,
    /// E-mail address.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub mbox: Option<String>,
    /// Name.
    pub name: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An affiliation of a contact, contributor or creator (1.2 on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    /// Identifier of the organisation.
    pub affiliation_id: AffiliationId,
    /// Name of the organisation.
    pub name: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A cost of data management.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Currency of `value`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub currency_code: Option<CurrencyCode>,
    /// What the cost covers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Title.
    pub title: String,
    /// Amount; a JSON number kept as read (`1000` and `1000.0` are different JSON values).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Number>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Other identifiers (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub alternate_identifier: Option<Vec<AlternateIdentifier>>,
    /// Creators (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub creator: Option<Vec<Creator>>,
    /// Quality assurance statements.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub data_quality_assurance: Option<Vec<String>>,
    /// Identifier of the dataset.
    pub dataset_id: DatasetId,
    /// Description.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Distributions (files, deposits) of the dataset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub distribution: Option<Vec<Distribution>>,
    /// Whether the dataset is reused rather than produced (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub is_reused: Option<bool>,
    /// Date of publication or release.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub issued: Option<Date>,
    /// Keywords.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub keyword: Option<Vec<String>>,
    /// Language of the dataset.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub language: Option<LanguageCode>,
    /// Metadata standards used.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata: Option<Vec<Metadata>>,
    /// Whether the dataset contains personal data.
    pub personal_data: YesNoUnknown,
    /// How the dataset will be preserved.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub preservation_statement: Option<String>,
    /// Related resources (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub related_identifier: Option<Vec<RelatedIdentifier>>,
    /// Rights statement beyond licences (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub rights: Option<String>,
    /// Security and privacy measures.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub security_and_privacy: Option<Vec<SecurityAndPrivacy>>,
    /// Whether the dataset contains sensitive data.
    pub sensitive_data: YesNoUnknown,
    /// Technical resources needed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub technical_resource: Option<Vec<TechnicalResource>>,
    /// Title.
    pub title: String,
    /// Type (suggested: DataCite or COAR resource types).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub r#type: Option<String>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A distribution of a dataset: a concrete instance of its data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// URL giving access (e.g. a landing page); free text in the schemas.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub access_url: Option<String>,
    /// Date until which the distribution is available.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub available_until: Option<Date>,
    /// Size in bytes; an integer, kept as the JSON number read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub byte_size: Option<Number>,
    /// Access mode.
    pub data_access: DataAccess,
    /// Description.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// URL of the downloadable file.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub download_url: Option<String>,
    /// Formats (suggested: IANA media types).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub format: Option<Vec<String>>,
    /// Where the distribution is stored.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub host: Option<Host>,
    /// Date of publication or release (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub issued: Option<Date>,
    /// Licences.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub license: Option<Vec<License>>,
    /// Title.
    pub title: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The infrastructure (e.g. repository) that stores a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// Availability (preferably a percentage, as text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub availability: Option<String>,
    /// Backup frequency.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub backup_frequency: Option<String>,
    /// Backup type.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub backup_type: Option<String>,
    /// Certification of the host.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub certified_with: Option<Certification>,
    /// Description.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Country where the data is.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub geo_location: Option<CountryCode>,
    /// Persistent identifiers of the host itself (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub host_id: Option<Vec<HostId>>,
    /// PID systems the host supports.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub pid_system: Option<Vec<PidSystem>>,
    /// Storage medium or system.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub storage_type: Option<String>,
    /// Whether the host supports versioning.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub support_versioning: Option<YesNoUnknown>,
    /// Title.
    pub title: String,
    /// Where the host can be accessed: required up to 1.2, optional from 1.3 on.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub url: Option<String>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Host {
    /// A host known by its title and home page only.
    pub fn named(title: String, url: Option<String>) -> Host {
        Host {
            availability: None,
            backup_frequency: None,
            backup_type: None,
            certified_with: None,
            description: None,
            geo_location: None,
            host_id: None,
            pid_system: None,
            storage_type: None,
            support_versioning: None,
            title,
            url,
            extra: Map::new(),
        }
    }
}

/// A licence of a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct License {
    /// Link to the licence document.
    pub license_ref: String,
    /// Date from which the licence applies (a future date means an embargo).
    pub start_date: Date,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A metadata standard used for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Why this standard, how it is applied.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Language of the metadata.
    pub language: LanguageCode,
    /// Identifier(s) of the standard (an array only from 1.2 on).
    pub metadata_standard_id: OneOrMany<MetadataStandardId>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A project a DMP belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Project abstract.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// End date (required in 1.0).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub end: Option<Date>,
    /// Fundings of the project.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub funding: Option<Vec<Funding>>,
    /// Identifiers of the project (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub project_id: Option<Vec<ProjectId>>,
    /// Start date (required in 1.0).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub start: Option<Date>,
    /// Title.
    pub title: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A funding of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funding {
    /// The funder.
    pub funder_id: FunderId,
    /// Phase of the funding.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub funding_status: Option<FundingStatus>,
    /// The grant (required in 1.0).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub grant_id: Option<GrantId>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A resource related to a DMP or dataset (1.2 on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedIdentifier {
    /// Identifier of the related resource.
    pub identifier: String,
    /// Name of the related metadata scheme.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata_scheme: Option<String>,
    /// Relation (suggested: DataCite relationType, e.g. `IsDerivedFrom`).
    pub relation_type: String,
    /// Type of the related resource (suggested: DataCite resourceTypeGeneral).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub resource_type: Option<String>,
    /// Type of the related metadata scheme.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub scheme_type: Option<String>,
    /// URI of the scheme.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub scheme_uri: Option<String>,
    /// Type of the identifier (suggested: DataCite relatedIdentifierType).
    pub r#type: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A security or privacy measure (`SecurityAndPrivacyItem` in 1.2 and 1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityAndPrivacy {
    /// Description of the measure.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Title of the measure.
    pub title: String,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A technical resource (instrument, software…) needed for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechnicalResource {
    /// Description.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub description: Option<String>,
    /// Name.
    pub name: String,
    /// Identifiers of the resource (1.2 on).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub technical_resource_id: Option<Vec<TechnicalResourceId>>,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Defines an `{identifier, type}` object whose `type` is an open string.
macro_rules! identifier_object {
    ($(#[$meta:meta])* $name:ident, $type_doc:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            /// The identifier's value.
            pub identifier: String,
            #[doc = $type_doc]
            pub r#type: String,
            /// Keys the standard does not define.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

identifier_object!(
    /// Identifier of an affiliation (1.2 on).
    AffiliationId,
    "Identifier type; suggested: ror, grid, isni, other."
);
identifier_object!(
    /// Another identifier of a DMP or dataset (1.2 on).
    AlternateIdentifier,
    "Identifier type, e.g. accession number, doi."
);
identifier_object!(
    /// Identifier of a contact.
    ContactId,
    "Identifier type; 1.0 and 1.1 allow only orcid, isni, openid, other; suggested from 1.2 on."
);
identifier_object!(
    /// Identifier of a contributor.
    ContributorId,
    "Identifier type; 1.0 and 1.1 allow only orcid, isni, openid, other; suggested from 1.2 on."
);
identifier_object!(
    /// Identifier of a creator (1.2 on).
    CreatorId,
    "Identifier type; suggested: orcid, isni, openid."
);
identifier_object!(
    /// Identifier of a dataset.
    DatasetId,
    "Identifier type; 1.0 and 1.1 allow only handle, doi, ark, url, other; suggested from 1.2 on."
);
identifier_object!(
    /// Identifier of the DMP itself.
    DmpId,
    "Identifier type; 1.0 and 1.1 allow only handle, doi, ark, url, other; suggested from 1.2 on."
);
identifier_object!(
    /// Identifier of a funder.
    FunderId,
    "Identifier type; 1.0 and 1.1 allow only fundref, url, other; from 1.2 on suggested, and 1.3 recommends ror."
);
identifier_object!(
    /// Identifier of a grant.
    GrantId,
    "Identifier type; 1.0 and 1.1 allow only url, other; suggested from 1.2 on."
);
identifier_object!(
    /// Persistent identifier of a host (1.2 on).
    HostId,
    "Identifier type; suggested: re3data, doi, url."
);
identifier_object!(
    /// Identifier of a project (1.2 on).
    ProjectId,
    "Identifier type; suggested: doi, raid, url."
);
identifier_object!(
    /// Identifier of a technical resource (1.2 on).
    TechnicalResourceId,
    "Identifier type; suggested: url."
);

/// Identifier of a metadata standard; its `type` is a closed list in every version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataStandardId {
    /// The identifier's value, e.g. the standard's URL.
    pub identifier: String,
    /// Identifier type.
    pub r#type: MetadataStandardIdType,
    /// Keys the standard does not define.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
