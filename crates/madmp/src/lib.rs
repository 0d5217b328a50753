//! RDA maDMP JSON (the RDA DMP Common Standard, versions 1.0–1.3) for dmpgraph:
//! a typed document model, import with errors that point into the document,
//! version detection, and export to any version with the crosswalks between them.
//!
//! * [`parse`] reads bytes into a [`MadmpDocument`] and tells its [`Version`]
//!   ([`detect_version`] has the rule), checking it against that version's
//!   schema; every error names a JSON pointer ([`ImportError`]). Only what
//!   the schema forbids is an error: a value that strays from its key's
//!   `format` (a `host.url` written as a bare DOI, a date-time without a time
//!   zone), which JSON Schema treats as an annotation, is kept as written and
//!   reported by [`parse_with_warnings`] as a [`Warning`].
//! * [`validate`] checks a document strictly, formats included: for the
//!   documents dmpgraph builds itself.
//! * [`to_json`] / [`export()`] write a document as any version (the
//!   [`export` module](mod@crate::export) has the rules per version).
//! * Keys the standard does not define are kept on every object (`extra`),
//!   so a tool's extension fields survive a round trip.
//!
//! The Common maDMP API exchanges 1.3 by default and earlier versions by
//! content negotiation: [`Version::from_media_type`] and
//! [`Version::media_type`] translate between the two.
//!
//! ```
//! use dmpgraph_madmp::{parse, to_json, DataAccess, Version};
//!
//! let json = br#"{
//!   "dmp": {
//!     "title": "Minimal DMP",
//!     "created": "2025-04-01T09:00:00Z",
//!     "modified": "2025-04-01T09:00:00Z",
//!     "language": "jpn",
//!     "ethical_issues_exist": "no",
//!     "dmp_id": {"identifier": "https://example.org/dmp/1", "type": "url"},
//!     "contact": {
//!       "name": "Hanako Yamada",
//!       "mbox": "hanako@example.org",
//!       "contact_id": {"identifier": "0000-0002-1825-0097", "type": "orcid"}
//!     },
//!     "dataset": [{
//!       "title": "Interview recordings",
//!       "dataset_id": {"identifier": "https://example.org/ds/1", "type": "url"},
//!       "personal_data": "yes",
//!       "sensitive_data": "yes",
//!       "distribution": [{"title": "Audio files", "data_access": "restricted"}]
//!     }]
//!   }
//! }"#;
//!
//! // "restricted" exists only from 1.3 on, so the version is detected as 1.3.
//! let (doc, version) = parse(json, None)?;
//! assert_eq!(version, Version::V1_3);
//! let distributions = doc.dmp.dataset[0].distribution.as_deref().unwrap_or_default();
//! assert_eq!(distributions[0].data_access, DataAccess::Restricted);
//!
//! // 1.2 has no "restricted": its closest value is "shared".
//! let v12 = to_json(&doc, Version::V1_2);
//! assert_eq!(v12["dmp"]["dataset"][0]["distribution"][0]["data_access"], "shared");
//! # Ok::<(), dmpgraph_madmp::ImportError>(())
//! ```
#![warn(missing_docs)]

pub mod amed;
mod codes;
mod error;
pub mod export;
mod model;
pub mod privacy;
mod validate;
mod version;
pub mod view;
mod warning;

pub use amed::{amed_to_madmp, put_deposits, AmedExportOptions, Deposited};
pub use codes::{
    Certification, CountryCode, CurrencyCode, DataAccess, FundingStatus, LanguageCode,
    MetadataStandardIdType, PidSystem, UnknownValue, YesNoUnknown,
};
pub use error::ImportError;
pub use export::{export, to_json, Export, ExportNote};
pub use model::*;
pub use privacy::{PrivacyRules, PrivateParts};
pub use validate::validate;
pub use version::{detect_version, UnknownVersion, Version};
pub use warning::{SchemaFormat, Warning};

use serde_json::Value;

/// Reads a maDMP JSON document.
///
/// `version` overrides detection (e.g. the version of the Common maDMP API's
/// media type); `None` detects it from the document by the rule of
/// [`detect_version`]. The document is then checked against that version's
/// schema ([`validate`] lists the checks); the first problem, in document
/// order, is the error. Returns the document and the version it was read as.
///
/// Values that stray from their key's `format` are not errors, as for a JSON
/// Schema validator by default: they are kept as written, and this function
/// drops their warnings; [`parse_with_warnings`] returns them, and
/// [`validate`] checks formats strictly.
///
/// A leading UTF-8 byte order mark is skipped: JSON forbids it, but Windows
/// tools write it and it carries no content.
pub fn parse(
    bytes: &[u8],
    version: Option<Version>,
) -> Result<(MadmpDocument, Version), ImportError> {
    parse_with_warnings(bytes, version).map(|parsed| (parsed.document, parsed.version))
}

/// Reads a maDMP document that is already a JSON value; as [`parse`] otherwise.
pub fn from_value(
    value: &Value,
    version: Option<Version>,
) -> Result<(MadmpDocument, Version), ImportError> {
    from_value_with_warnings(value, version).map(|parsed| (parsed.document, parsed.version))
}

/// A maDMP document read, with what reading noticed but did not refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parsed {
    /// The document, every value as written.
    pub document: MadmpDocument,
    /// The version it was read as.
    pub version: Version,
    /// Values that stray from their key's `format`, kept as written, in
    /// document order; empty when the document passes [`validate`] too.
    pub warnings: Vec<Warning>,
}

/// Reads a maDMP JSON document as [`parse`] does, and returns the warnings too.
///
/// Errors are what the schema of the version read forbids: not JSON, a
/// wrong JSON type, a missing required key, a value outside an `enum` (such
/// as a `language` that is not one of the standard's ISO 639-3 codes), a key
/// where `additionalProperties` is false, and the other rules [`validate`]
/// lists. A value that strays from a `format` (`date`, `date-time`, `uri`,
/// `url`) is a [`Warning`] naming its pointer, and the document keeps it as
/// written, so that [`to_json`] gives it back unchanged.
///
/// ```
/// use dmpgraph_madmp::{parse_with_warnings, to_json, SchemaFormat};
///
/// let json = br#"{"dmp": {
///   "title": "DMP", "language": "eng", "ethical_issues_exist": "no",
///   "created": "2024-04-01T09:00:00", "modified": "2024-04-01T09:00:00Z",
///   "dmp_id": {"identifier": "https://example.org/dmp/1", "type": "url"},
///   "contact": {"name": "Hanako Yamada", "mbox": "hanako@example.org",
///               "contact_id": {"identifier": "0000-0002-1825-0097", "type": "orcid"}},
///   "dataset": []
/// }}"#;
/// let parsed = parse_with_warnings(json, None)?;
/// assert_eq!(parsed.warnings.len(), 1);
/// let warning = &parsed.warnings[0];
/// assert_eq!(warning.pointer, "/dmp/created");
/// assert_eq!(warning.format, SchemaFormat::DateTime);
/// assert!(warning.to_string().starts_with(
///     "/dmp/created: \"2024-04-01T09:00:00\" is not an RFC 3339 date-time with a time zone"
/// ));
/// // Kept as written.
/// let out = to_json(&parsed.document, parsed.version);
/// assert_eq!(out["dmp"]["created"], "2024-04-01T09:00:00");
/// // The strict check refuses it.
/// assert_eq!(dmpgraph_madmp::validate(&parsed.document, parsed.version).len(), 1);
/// # Ok::<(), dmpgraph_madmp::ImportError>(())
/// ```
pub fn parse_with_warnings(bytes: &[u8], version: Option<Version>) -> Result<Parsed, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Through `Value` first: detection needs to look at the document before
    // its version's rules are applied, and serde_json's recursion limit turns
    // absurd nesting into an error here, before anything else recurses.
    let value: Value = serde_json::from_slice(bytes).map_err(ImportError::from_json)?;
    from_value_with_warnings(&value, version)
}

/// Reads a maDMP document that is already a JSON value; as
/// [`parse_with_warnings`] otherwise.
pub fn from_value_with_warnings(
    value: &Value,
    version: Option<Version>,
) -> Result<Parsed, ImportError> {
    let version = version.unwrap_or_else(|| detect_version(value));
    let document: MadmpDocument = serde_path_to_error::deserialize(value)
        .map_err(|error| ImportError::from_serde(error, version))?;
    let (errors, warnings) = validate::check(&document, version);
    match errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(Parsed {
            document,
            version,
            warnings,
        }),
    }
}
