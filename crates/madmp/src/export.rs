//! Export: the typed document as maDMP JSON of a chosen version.
//!
//! The rules, per target version (the 1.2 → 1.3 ones follow the README-1.3
//! change list; 1.0 and 1.1 follow the differences between the schema files,
//! for which the standard publishes no change list):
//!
//! | rule | 1.0 | 1.1 | 1.2 | 1.3 |
//! |---|---|---|---|---|
//! | `data_access`: `shared` → `restricted` (#150: `restricted` added, `shared` deprecated) | | | | ✓ |
//! | `data_access`: `restricted` → `shared` (`restricted` does not exist before 1.3) | ✓ | ✓ | ✓ | |
//! | `$schema` naming a maDMP version is made to name the target | ✓ | ✓ | ✓ | ✓ |
//! | a one-item array `contact_id`, `contributor_id`, `metadata_standard_id` is written as the object (arrays came with 1.2) | ✓ | ✓ | | |
//! | root keys other than `dmp` and `$schema` are dropped (1.1's root has `additionalProperties: false`) | | ✓ | | |
//! | empty `license`, `metadata`, `security_and_privacy` arrays are dropped (1.0 has `minItems: 1`; an empty list says no more than an absent one) | ✓ | | | |
//!
//! Everything else is written as read: absent optional keys stay absent,
//! extension keys stay where they were, and the keys 1.2 added stay in 1.0
//! and 1.1 output, where the schemas admit them as additional keys.
//!
//! What a target version cannot express is not invented: a host without
//! `url` stays without one in 1.2 output (#152 made `url` optional only in
//! 1.3), an identifier type outside 1.0/1.1's closed lists stays as it is.
//! Such output does not validate against the target schema; [`export`] lists
//! each case as an [`ExportNote`].

use crate::codes::DataAccess;
use crate::model::*;
use crate::validate::escape_key;
use crate::version::{schema_reference_versions, Version};
use serde_json::Value;

/// Something the target version cannot express: a key dropped, or a value
/// written although the target schema rejects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportNote {
    /// JSON pointer of the key in the document.
    pub pointer: String,
    /// What happened and why.
    pub message: String,
}

/// An exported document with the notes on what its version could not express.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The maDMP JSON document.
    pub json: Value,
    /// Losses and knowingly invalid values, object by object; empty when the
    /// output is faithful and (as far as the input was valid) valid.
    pub notes: Vec<ExportNote>,
}

/// The document as maDMP JSON of `version`, per the rules of this module.
/// Shorthand for [`export`]`(doc, version).json`.
pub fn to_json(doc: &MadmpDocument, version: Version) -> Value {
    export(doc, version).json
}

/// The document as maDMP JSON of `version`, with notes on what that version
/// cannot express (see the module documentation for the rules).
pub fn export(doc: &MadmpDocument, version: Version) -> Export {
    let mut doc = doc.clone();
    let mut notes = Vec::new();
    let old = version <= Version::V1_1;

    if let Some(Value::String(reference)) = doc.extra.get_mut("$schema") {
        *reference = rename_schema_version(reference, version);
    }
    if version == Version::V1_1 {
        doc.extra.retain(|key, _| {
            let keep = key == "$schema";
            if !keep {
                notes.push(ExportNote {
                    pointer: format!("/{}", escape_key(key)),
                    message: "dropped: the maDMP 1.1 schema admits only \"dmp\" at the root"
                        .to_owned(),
                });
            }
            keep
        });
    }

    let dmp = &mut doc.dmp;
    if old {
        single_object(
            &mut dmp.contact.contact_id,
            "/dmp/contact/contact_id",
            version,
            &mut notes,
        );
        check_id_type(
            &dmp.contact.contact_id,
            "/dmp/contact/contact_id",
            PERSON_ID_TYPES,
            version,
            &mut notes,
        );
        for (i, contributor) in dmp.contributor.iter_mut().flatten().enumerate() {
            let at = format!("/dmp/contributor/{i}/contributor_id");
            single_object(&mut contributor.contributor_id, &at, version, &mut notes);
            check_id_type(
                &contributor.contributor_id,
                &at,
                PERSON_ID_TYPES,
                version,
                &mut notes,
            );
        }
        check_type(
            &dmp.dmp_id.r#type,
            "/dmp/dmp_id/type",
            DATA_ID_TYPES,
            version,
            &mut notes,
        );
        if let Some(report) = &dmp.ethical_issues_report {
            if oxiri::Iri::parse(report.as_str()).is_err() {
                notes.push(ExportNote {
                    pointer: "/dmp/ethical_issues_report".to_owned(),
                    message: format!(
                        "kept, but maDMP {version} requires a URI here (free text from 1.2 on)"
                    ),
                });
            }
        }
    }
    if version == Version::V1_0 && dmp.dataset.is_empty() {
        notes.push(ExportNote {
            pointer: "/dmp/dataset".to_owned(),
            message: "kept empty, but maDMP 1.0 requires at least one dataset".to_owned(),
        });
    }
    for (i, contributor) in dmp.contributor.iter().flatten().enumerate() {
        if version == Version::V1_0 && contributor.role.is_empty() {
            notes.push(ExportNote {
                pointer: format!("/dmp/contributor/{i}/role"),
                message: "kept empty, but maDMP 1.0 requires at least one role".to_owned(),
            });
        }
    }
    for (i, project) in dmp.project.iter().flatten().enumerate() {
        let at = format!("/dmp/project/{i}");
        if version == Version::V1_0 {
            for (key, present) in [
                ("start", project.start.is_some()),
                ("end", project.end.is_some()),
            ] {
                if !present {
                    notes.push(ExportNote {
                        pointer: format!("{at}/{key}"),
                        message: "absent, but maDMP 1.0 requires it".to_owned(),
                    });
                }
            }
        }
        for (j, funding) in project.funding.iter().flatten().enumerate() {
            let at = format!("{at}/funding/{j}");
            if old {
                check_type(
                    &funding.funder_id.r#type,
                    &format!("{at}/funder_id/type"),
                    &["fundref", "url", "other"],
                    version,
                    &mut notes,
                );
            }
            match &funding.grant_id {
                Some(grant) if old => check_type(
                    &grant.r#type,
                    &format!("{at}/grant_id/type"),
                    &["url", "other"],
                    version,
                    &mut notes,
                ),
                None if version == Version::V1_0 => notes.push(ExportNote {
                    pointer: format!("{at}/grant_id"),
                    message: "absent, but maDMP 1.0 requires it".to_owned(),
                }),
                _ => {}
            }
        }
    }
    for (i, dataset) in dmp.dataset.iter_mut().enumerate() {
        let at = format!("/dmp/dataset/{i}");
        if old {
            check_type(
                &dataset.dataset_id.r#type,
                &format!("{at}/dataset_id/type"),
                DATA_ID_TYPES,
                version,
                &mut notes,
            );
            for (j, metadata) in dataset.metadata.iter_mut().flatten().enumerate() {
                single_object(
                    &mut metadata.metadata_standard_id,
                    &format!("{at}/metadata/{j}/metadata_standard_id"),
                    version,
                    &mut notes,
                );
            }
        }
        if version == Version::V1_0 {
            drop_if_empty(&mut dataset.metadata);
            drop_if_empty(&mut dataset.security_and_privacy);
        }
        for (j, distribution) in dataset.distribution.iter_mut().flatten().enumerate() {
            let at = format!("{at}/distribution/{j}");
            distribution.data_access = match (distribution.data_access, version) {
                (DataAccess::Shared, Version::V1_3) => DataAccess::Restricted,
                (DataAccess::Restricted, v) if v <= Version::V1_2 => DataAccess::Shared,
                (same, _) => same,
            };
            if version == Version::V1_0 {
                drop_if_empty(&mut distribution.license);
            }
            if let Some(host) = &distribution.host {
                if host.url.is_none() && version <= Version::V1_2 {
                    notes.push(ExportNote {
                        pointer: format!("{at}/host/url"),
                        message: format!(
                            "absent, but maDMP {version} requires it (optional only from 1.3 on)"
                        ),
                    });
                }
            }
        }
    }

    // Serializing the model cannot fail: every map key is a string and no
    // Serialize impl of the model returns an error.
    let json = serde_json::to_value(&doc).expect("the maDMP model serializes to JSON");
    Export { json, notes }
}

const PERSON_ID_TYPES: &[&str] = &["orcid", "isni", "openid", "other"];
const DATA_ID_TYPES: &[&str] = &["handle", "doi", "ark", "url", "other"];

/// `$schema` names the target version wherever it named one.
fn rename_schema_version(reference: &str, version: Version) -> String {
    let mut out = reference.to_owned();
    // Back to front, so that earlier ranges stay valid while replacing.
    for (range, _) in schema_reference_versions(reference).into_iter().rev() {
        out.replace_range(range, version.as_str());
    }
    out
}

/// 1.0/1.1: a one-item array becomes the object; a longer (or empty) one is
/// kept, with a note, since choosing one identifier would lose the others.
fn single_object<T>(
    value: &mut OneOrMany<T>,
    at: &str,
    version: Version,
    notes: &mut Vec<ExportNote>,
) {
    if let OneOrMany::Many(many) = value {
        if many.len() == 1 {
            if let Some(only) = many.pop() {
                *value = OneOrMany::One(only);
            }
        } else {
            notes.push(ExportNote {
                pointer: at.to_owned(),
                message: format!(
                    "kept as an array of {} identifiers, but maDMP {version} allows a single object",
                    many.len()
                ),
            });
        }
    }
}

fn check_id_type<T: HasType>(
    value: &OneOrMany<T>,
    at: &str,
    allowed: &[&str],
    version: Version,
    notes: &mut Vec<ExportNote>,
) {
    match value {
        OneOrMany::One(id) => {
            check_type(id.id_type(), &format!("{at}/type"), allowed, version, notes)
        }
        OneOrMany::Many(ids) => {
            for (i, id) in ids.iter().enumerate() {
                check_type(
                    id.id_type(),
                    &format!("{at}/{i}/type"),
                    allowed,
                    version,
                    notes,
                );
            }
        }
    }
}

fn check_type(
    value: &str,
    at: &str,
    allowed: &[&str],
    version: Version,
    notes: &mut Vec<ExportNote>,
) {
    if !allowed.contains(&value) {
        notes.push(ExportNote {
            pointer: at.to_owned(),
            message: format!(
                "kept {value:?}, but maDMP {version} allows only: {}",
                allowed.join(", ")
            ),
        });
    }
}

fn drop_if_empty<T>(items: &mut Option<Vec<T>>) {
    if items.as_ref().is_some_and(Vec::is_empty) {
        *items = None;
    }
}

/// Identifier objects whose `type` is a string.
trait HasType {
    fn id_type(&self) -> &str;
}

impl HasType for ContactId {
    fn id_type(&self) -> &str {
        &self.r#type
    }
}

impl HasType for ContributorId {
    fn id_type(&self) -> &str {
        &self.r#type
    }
}
