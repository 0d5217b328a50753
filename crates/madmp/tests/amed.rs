//! AMED DMP → maDMP: every field lands where `mappings/rdf.toml` says, the
//! AMED-only facts are `dmpg:` extension keys, public exports hold no private
//! value, and every export reads back through the importer.

mod common;

use common::amed::{
    example_dmps, export_json, full_dmp, private_values, repo_root, MappingTable, RECORD,
};
use dmpgraph_madmp::amed::{data_access, sharing_method_iri};
use dmpgraph_madmp::{from_value, to_json, validate, DataAccess, Version};
use dmpgraph_model::{DataSubject, Entity, Field, FieldValue, SharingMethod, Value, Visibility};
use serde_json::{json, Value as Json};

/// The JSON form of a model value in an extension key.
fn plain(value: &Value) -> Json {
    match value {
        Value::Text(text) => json!(text),
        Value::Date(date) => json!(date.format("%Y-%m-%d").to_string()),
        Value::Integer(n) => json!(n),
        Value::Bool(b) => json!(b),
        Value::Sharing(method) => json!(sharing_method_iri(*method)),
        Value::Subject(subject) => json!(format!(
            "https://w3id.org/dmpgraph/ns/data-subject/{}",
            subject.code()
        )),
        Value::Class(class) => json!(format!(
            "https://w3id.org/dmpgraph/ns/data-class/{}",
            class.code()
        )),
    }
}

/// The value a field takes at its standard pointer: the value itself, or
/// its documented crosswalk.
fn at_pointer(value: &FieldValue, version: Version) -> Json {
    match (&value.field, &value.value) {
        (Field::Created, Value::Date(d)) => json!(format!("{d}T00:00:00+09:00")),
        (Field::DatasetSubject, Value::Subject(s)) => {
            json!(if *s == DataSubject::HumanIndividual {
                "yes"
            } else {
                "unknown"
            })
        }
        (Field::DatasetClass, Value::Class(c)) => json!(c.label_en()),
        (Field::DatasetSharing, Value::Sharing(m)) => {
            let access = match (data_access(Some(*m)), version) {
                (DataAccess::Restricted, Version::V1_2) => DataAccess::Shared,
                (access, _) => access,
            };
            json!(access.as_str())
        }
        (_, other) => plain(other),
    }
}

/// The contributor IRI of a person entity.
fn person_iri(entity: Entity) -> Option<String> {
    match entity {
        Entity::Pi => Some(format!("{RECORD}#pi")),
        Entity::DataManager(n) => Some(format!("{RECORD}#dataset-{n}-manager")),
        Entity::Staff(i) => Some(format!("{RECORD}#staff-{i}")),
        _ => None,
    }
}

/// The pointer of the object an entity maps to, or `None` if the export
/// has none for it (e.g. a staff row left out of a public export).
fn object_of(doc: &Json, entity: Entity) -> Option<String> {
    match entity {
        Entity::Dmp => Some("/dmp".to_owned()),
        Entity::Project => Some("/dmp/project/0".to_owned()),
        Entity::Dataset(n) => dataset_index(doc, n).map(|i| format!("/dmp/dataset/{i}")),
        person => {
            let iri = person_iri(person)?;
            let contributors = doc["dmp"]["contributor"].as_array()?;
            let i = contributors
                .iter()
                .position(|c| c["contributor_id"]["identifier"] == json!(iri))?;
            Some(format!("/dmp/contributor/{i}"))
        }
    }
}

fn dataset_index(doc: &Json, number: u32) -> Option<usize> {
    doc["dmp"]["dataset"]
        .as_array()?
        .iter()
        .position(|d| d["dmpg:datasetNumber"] == json!(number))
}

/// `pointer` with its `*` replaced by the index of the entity's item.
fn resolve(doc: &Json, pointer: &str, entity: Entity) -> Option<String> {
    let Some((head, tail)) = pointer.split_once("/*") else {
        return Some(pointer.to_owned());
    };
    let index = match (head, entity) {
        ("/dmp/dataset", Entity::Dataset(n) | Entity::DataManager(n)) => dataset_index(doc, n)?,
        ("/dmp/contributor", person) => {
            let object = object_of(doc, person)?;
            object.rsplit('/').next()?.parse().ok()?
        }
        _ => panic!("{pointer}: no rule for * with {entity:?}"),
    };
    Some(format!("{head}/{index}{tail}"))
}

#[test]
fn every_madmp_pointer_of_the_mapping_table_holds_its_field() {
    let table = MappingTable::read();
    let dmp = full_dmp();
    let values = dmp.fields();
    // Every field of the form is filled, so every row of the table is tested.
    for field in Field::ALL {
        assert!(
            values.iter().any(|v| v.field == *field),
            "full_dmp lacks {}",
            field.key()
        );
    }
    let mut checked = 0;
    for version in [Version::V1_3, Version::V1_2] {
        for include_private in [false, true] {
            let doc = export_json(&dmp, include_private, version);
            for value in &values {
                let mapping = &table.fields[value.field.key()];
                let Some(pointer) = &mapping.madmp else {
                    continue;
                };
                let label = format!(
                    "{} of {:?} at {pointer} (maDMP {version}, private {include_private})",
                    value.field.key(),
                    value.entity
                );
                let exported = value.visibility == Visibility::Public || include_private;
                let at = resolve(&doc, pointer, value.entity);
                if !exported {
                    let found = at.and_then(|at| doc.pointer(&at).cloned());
                    assert_ne!(found, Some(at_pointer(value, version)), "{label}");
                    continue;
                }
                let at = at.unwrap_or_else(|| panic!("{label}: no item for *\n{doc:#}"));
                assert_eq!(
                    doc.pointer(&at),
                    Some(&at_pointer(value, version)),
                    "{label}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn amed_only_fields_are_dmpg_extension_keys() {
    let table = MappingTable::read();
    let dmp = full_dmp();
    for include_private in [false, true] {
        let doc = export_json(&dmp, include_private, Version::V1_3);
        let text = doc.to_string();
        for value in dmp.fields() {
            let path = &table.fields[value.field.key()].path;
            let label = format!("{} of {:?}", value.field.key(), value.entity);
            // Contact details other than e-mails have no place in maDMP:
            // they stay in the private RDF store, even in a private export.
            if value.field.visibility() == Visibility::Private {
                if let Value::Text(text_value) = &value.value {
                    if !path.starts_with("foaf:mbox") {
                        assert!(!text.contains(text_value.as_str()), "{label}");
                    }
                }
                continue;
            }
            let local = match path.as_str() {
                p if p.starts_with("dmpg:") && !p.contains('/') => &p["dmpg:".len()..],
                // Text properties of people that the standard lacks: the
                // dmpg: terms of ontologies/dmpgraph.ttl, not vCard.
                "vcard:organization-unit" => "affiliation",
                "vcard:title" => "position",
                _ => {
                    assert!(
                        table.fields[value.field.key()].madmp.is_some(),
                        "{label}: neither a maDMP pointer nor a dmpg: key"
                    );
                    continue;
                }
            };
            let exported = value.visibility == Visibility::Public || include_private;
            let object = object_of(&doc, value.entity);
            if !exported {
                assert!(object.is_none(), "{label}");
                continue;
            }
            let object = object.unwrap_or_else(|| panic!("{label}: no object"));
            let key = format!("dmpg:{local}");
            assert_eq!(
                doc.pointer(&object).and_then(|o| o.get(&key)),
                Some(&plain(&value.value)),
                "{label}: {object}/{key}"
            );
        }
    }
}

#[test]
fn data_access_follows_the_ontology() {
    let path = repo_root().join("ontologies/dmpgraph.ttl");
    let ttl = std::fs::read_to_string(&path).expect("dmpgraph.ttl");
    for method in SharingMethod::ALL {
        // The concept's block: from its subject line to the next blank line.
        let start = ttl
            .find(&format!("\nsharing:{}\n", method.code()))
            .unwrap_or_else(|| panic!("sharing:{} in the ttl", method.code()));
        let block = &ttl[start + 1..];
        let block = &block[..block.find("\n\n").unwrap_or(block.len())];
        let marker = "madmp-data-access/1.3/";
        let targets: Vec<&str> = block
            .match_indices(marker)
            .map(|(at, _)| {
                let rest = &block[at + marker.len()..];
                &rest[..rest.find('>').expect("IRI end")]
            })
            .collect();
        assert_eq!(
            targets,
            vec![data_access(Some(*method)).as_str()],
            "{}",
            method.code()
        );
    }
    assert_eq!(data_access(None), DataAccess::Closed);
}

#[test]
fn public_exports_hold_no_private_value() {
    for (name, dmp) in example_dmps() {
        let private = private_values(&dmp);
        assert!(!private.is_empty(), "{name}: no private values to look for");
        for version in [Version::V1_3, Version::V1_2] {
            let text = export_json(&dmp, false, version).to_string();
            for secret in &private {
                assert!(
                    !text.contains(secret.as_str()),
                    "{name} {version}: public export holds {secret:?}"
                );
            }
            assert!(!text.contains("\"dmpg:mayBePublished\":false"), "{name}");
        }
    }
}

#[test]
fn the_contact_is_public_unless_private_values_are_asked_for() {
    let dmp = full_dmp();
    let catalog = dmpgraph_model::CatalogConfig::builtin();
    let public = export_json(&dmp, false, Version::V1_3);
    assert_eq!(
        public["dmp"]["contact"]["mbox"],
        json!(catalog.contact.mbox)
    );
    assert_eq!(
        public["dmp"]["contact"]["contact_id"]["identifier"],
        json!(catalog.contact.url)
    );
    let pi = &public["dmp"]["contributor"][0];
    assert_eq!(pi["name"], json!("PI 氏名"));
    assert_eq!(pi["role"], json!(["ProjectLeader"]));
    assert!(pi.get("mbox").is_none());

    let private = export_json(&dmp, true, Version::V1_3);
    assert_eq!(private["dmp"]["contact"]["mbox"], json!("pi@example.jp"));
    assert_eq!(private["dmp"]["contact"]["name"], json!("PI 氏名"));
    assert_eq!(
        private["dmp"]["contributor"][0]["mbox"],
        json!("pi@example.jp")
    );

    // No e-mail for the PI: the public contact, even in a private export.
    let mut without = dmp.clone();
    without.pi.contact.email = None;
    let private = export_json(&without, true, Version::V1_3);
    assert_eq!(
        private["dmp"]["contact"]["mbox"],
        json!(catalog.contact.mbox)
    );
}

#[test]
fn derived_keys() {
    let doc = export_json(&full_dmp(), false, Version::V1_3);
    let dmp = &doc["dmp"];
    assert_eq!(dmp["dmp_id"], json!({"identifier": RECORD, "type": "url"}));
    assert_eq!(dmp["language"], json!("jpn"));
    assert_eq!(dmp["ethical_issues_exist"], json!("yes"));
    assert_eq!(dmp["created"], json!("2024-05-01T00:00:00+09:00"));
    let funding = &dmp["project"][0]["funding"][0];
    assert_eq!(funding["funder_id"]["type"], json!("ror"));
    assert_eq!(funding["funding_status"], json!("granted"));
    assert_eq!(funding["grant_id"]["type"], json!("other"));
    let ds = &dmp["dataset"][0];
    assert_eq!(ds["dataset_id"]["type"], json!("doi"));
    assert_eq!(ds["personal_data"], json!("yes"));
    assert_eq!(ds["sensitive_data"], json!("yes"));
    assert_eq!(
        ds["dmpg:dataManager"],
        json!(format!("{RECORD}#dataset-2-manager"))
    );
    assert_eq!(dmp["dataset"][1]["personal_data"], json!("unknown"));

    let mut no_doi = full_dmp();
    no_doi.datasets[1].doi = None;
    let doc = export_json(&no_doi, false, Version::V1_3);
    assert_eq!(
        doc["dmp"]["dataset"][1]["dataset_id"],
        json!({"identifier": format!("{RECORD}#dataset-5"), "type": "url"})
    );
}

#[test]
fn one_person_in_several_roles_is_one_contributor() {
    let mut dmp = full_dmp();
    dmp.datasets[0].manager = dmp.pi.clone();
    dmp.datasets[1].manager = dmp.pi.clone();
    let doc = export_json(&dmp, true, Version::V1_3);
    let contributors = doc["dmp"]["contributor"].as_array().unwrap();
    let pi: Vec<&Json> = contributors
        .iter()
        .filter(|c| c["name"] == json!("PI 氏名"))
        .collect();
    assert_eq!(pi.len(), 1, "{doc:#}");
    assert_eq!(pi[0]["role"], json!(["ProjectLeader", "DataManager"]));
    for ds in doc["dmp"]["dataset"].as_array().unwrap() {
        assert_eq!(ds["dmpg:dataManager"], json!(format!("{RECORD}#pi")));
    }
}

/// Every export reads back through the importer as its version, with its
/// extension keys, passes the strict checks (formats included), and writes
/// out again unchanged.
#[test]
fn exports_import_back_unchanged() {
    for (name, dmp) in example_dmps() {
        for include_private in [false, true] {
            for version in [Version::V1_3, Version::V1_2] {
                let label = format!("{name} {version} private={include_private}");
                let json = export_json(&dmp, include_private, version);
                let (doc, read_as) =
                    from_value(&json, Some(version)).unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(read_as, version);
                // Reading keeps a stray format value with a warning; what
                // dmpgraph writes has none.
                assert_eq!(validate(&doc, version), vec![], "{label}: strict");
                assert!(
                    doc.extension_keys().iter().all(|k| k.contains("/dmpg:")),
                    "{label}: {:?}",
                    doc.extension_keys()
                );
                assert!(!doc.extension_keys().is_empty(), "{label}");
                assert_eq!(to_json(&doc, version), json, "{label}");
                let detected = from_value(&json, None).unwrap_or_else(|e| panic!("{label}: {e}"));
                assert_eq!(to_json(&detected.0, version), json, "{label}");
            }
        }
    }
}
