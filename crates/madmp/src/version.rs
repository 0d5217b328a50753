//! Versions of the RDA DMP Common Standard and how a document's version is told.

use serde_json::Value;
use std::fmt;
use std::str::FromStr;

/// A version of the RDA DMP Common Standard (maDMP JSON schema).
///
/// `Default` is 1.3, the version the Common maDMP API exchanges unless a
/// client negotiates another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Version {
    /// maDMP 1.0.
    V1_0,
    /// maDMP 1.1.
    V1_1,
    /// maDMP 1.2.
    V1_2,
    /// maDMP 1.3.
    #[default]
    V1_3,
}

/// Media type prefix of the Common maDMP API (`…dmp-common.v1.3+json`).
const MEDIA_TYPE_PREFIX: &str = "application/vnd.org.rd-alliance.dmp-common.v";

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 4] = [Version::V1_0, Version::V1_1, Version::V1_2, Version::V1_3];

    /// The version as written in the standard: `"1.0"` … `"1.3"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0",
            Version::V1_1 => "1.1",
            Version::V1_2 => "1.2",
            Version::V1_3 => "1.3",
        }
    }

    /// The Common maDMP API media type for this version, e.g.
    /// `application/vnd.org.rd-alliance.dmp-common.v1.3+json`.
    pub fn media_type(self) -> &'static str {
        match self {
            Version::V1_0 => "application/vnd.org.rd-alliance.dmp-common.v1.0+json",
            Version::V1_1 => "application/vnd.org.rd-alliance.dmp-common.v1.1+json",
            Version::V1_2 => "application/vnd.org.rd-alliance.dmp-common.v1.2+json",
            Version::V1_3 => "application/vnd.org.rd-alliance.dmp-common.v1.3+json",
        }
    }

    /// The version a Common maDMP API media type names (parameters after `;`
    /// are ignored), or `None` for any other media type, `application/json`
    /// included: the API leaves that one's version to the server.
    pub fn from_media_type(media_type: &str) -> Option<Version> {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        let rest = strip_prefix_ignore_case(essence, MEDIA_TYPE_PREFIX)?;
        let number = rest.strip_suffix("+json")?;
        number.parse().ok()
    }

    /// The version a `$schema` (or `$id`) reference names: a path or URL
    /// containing `JSON-schema/1.N` (the standard's schema folders) or
    /// `maDMP-schema-1.N` (its schema files), compared case-insensitively.
    /// `None` if it names none of 1.0–1.3, or names two different ones.
    pub fn from_schema_reference(reference: &str) -> Option<Version> {
        let mut found: Option<Version> = None;
        for (_, version) in schema_reference_versions(reference) {
            match found {
                Some(seen) if seen != version => return None,
                _ => found = Some(version),
            }
        }
        found
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a maDMP version: expected 1.0, 1.1, 1.2 or 1.3")]
pub struct UnknownVersion(pub String);

impl FromStr for Version {
    type Err = UnknownVersion;

    /// Reads `1.3`, `v1.3` or `V1.3`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = s
            .strip_prefix('v')
            .or_else(|| s.strip_prefix('V'))
            .unwrap_or(s);
        Version::ALL
            .into_iter()
            .find(|v| v.as_str() == number)
            .ok_or_else(|| UnknownVersion(s.to_owned()))
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Every place in a schema reference that names a version: the byte range of
/// the `1.N` and the version. Shared by detection and by export, which
/// rewrites exactly these ranges.
pub(crate) fn schema_reference_versions(reference: &str) -> Vec<(std::ops::Range<usize>, Version)> {
    // ASCII lower-casing keeps byte offsets, so ranges found in `lower` are valid in `reference`.
    let lower = reference.to_ascii_lowercase();
    let mut found = Vec::new();
    for marker in ["json-schema/", "madmp-schema-"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(marker) {
            let start = from + at + marker.len();
            from = start;
            let Some(candidate) = lower.get(start..start + 3) else {
                continue;
            };
            // "1.20" must not read as 1.2.
            if lower[start + 3..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            if let Ok(version) = candidate.parse::<Version>() {
                found.push((start..start + 3, version));
            }
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    found
}

/// Tells the version of a parsed maDMP JSON document.
///
/// The rule, first match wins:
/// 1. A root `$schema` that names a version (see
///    [`Version::from_schema_reference`]; the standard's own examples carry
///    `"$schema": "./JSON-schema/1.2/maDMP-schema-1.2.json"`): that version,
///    even if the content would suit another, because it is the author's
///    declaration and the document is then checked against it. A `$schema`
///    naming no known version is ignored.
/// 2. Something only 1.3 allows: a `data_access` of `"restricted"`, or a
///    `host` without `url` (required up to 1.2): 1.3.
/// 3. Otherwise 1.2. Nothing in a document tells 1.0, 1.1 and 1.2 apart
///    reliably: the keys 1.2 added were already legal extension keys in 1.0
///    and 1.1 (whose objects allow additional keys), and 1.0/1.1's tighter
///    rules only *restrict*. 1.2 accepts every 1.0 and 1.1 document except
///    ones using a 1.2 key name for something else, and every 1.2 document is
///    also a 1.3 one, so 1.2 is the most precise safe guess.
///
/// The standard defines no other version marker (`dmp_id` identifies the
/// DMP, not the schema), and the Common maDMP API carries the version in the
/// media type, outside the document: use [`Version::from_media_type`] and pass
/// the result to [`crate::parse`] as the caller's override.
pub fn detect_version(document: &Value) -> Version {
    if let Some(version) = document
        .get("$schema")
        .and_then(Value::as_str)
        .and_then(Version::from_schema_reference)
    {
        return version;
    }
    if uses_1_3_features(document) {
        return Version::V1_3;
    }
    Version::V1_2
}

fn uses_1_3_features(document: &Value) -> bool {
    let distributions = document
        .pointer("/dmp/dataset")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|dataset| dataset.get("distribution").and_then(Value::as_array))
        .flatten();
    for distribution in distributions {
        if distribution.get("data_access").and_then(Value::as_str) == Some("restricted") {
            return true;
        }
        if let Some(host) = distribution.get("host").and_then(Value::as_object) {
            if !host.contains_key("url") {
                return true;
            }
        }
    }
    false
}
