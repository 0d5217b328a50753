//! The privacy rules of `mappings/rdf.toml` (`[madmp_privacy]`) on maDMP
//! documents: the standard's keys of each version are those of its official
//! schema, the `dmpg:` keys the table publishes are exactly those of public
//! AMED fields, and an AMED plan's export with private values, split by the
//! rules, is its public export: the AMED path and the maDMP path agree.

mod common;

use common::amed::{example_dmps, export_json, private_values, repo_root, MappingTable};
use common::standards_dir;
use dmpgraph_madmp::privacy::{Reason, DOCUMENT_OBJECT};
use dmpgraph_madmp::{MadmpDocument, PrivacyRules, Version};
use dmpgraph_model::{CatalogConfig, Field, Visibility};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// `[madmp_privacy]` of `mappings/rdf.toml`, read with `toml` alone.
fn rules() -> PrivacyRules {
    let text = std::fs::read_to_string(repo_root().join("mappings/rdf.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table["madmp_privacy"]
        .clone()
        .try_into()
        .expect("[madmp_privacy] reads as PrivacyRules")
}

/// The object kind (`rules().public_extension_keys`) of a field's entity.
fn kind_of_entity(entity: &str) -> &'static str {
    match entity {
        "dmp" => "dmp",
        "project" => "project",
        "dataset" => "dataset",
        _ => "contributor",
    }
}

#[test]
fn the_public_dmpg_keys_are_exactly_those_of_public_amed_fields() {
    let table = MappingTable::read();
    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    let mut private_keys: BTreeSet<String> = BTreeSet::new();
    for (key, mapping) in &table.fields {
        let field = Field::from_key(key).unwrap();
        let entity = key.split('.').next().unwrap();
        // The keys the value has in a maDMP export: its pointer's last
        // step, and the `dmpg:` key named after its property (AMED-only
        // facts, and the concepts behind a crosswalked standard value).
        let property = mapping.path.rsplit('/').next().unwrap().trim();
        let mut places = vec![(kind_of_entity(entity).to_owned(), property.to_owned())];
        if let Some(pointer) = &mapping.madmp {
            let mut steps = pointer.rsplit('/');
            let last = steps.next().unwrap().to_owned();
            let object = steps.find(|s| *s != "*" && s.parse::<usize>().is_err());
            places.push((object.unwrap().to_owned(), last));
        }
        for (kind, key) in places.into_iter().filter(|(_, k)| k.starts_with("dmpg:")) {
            match field.visibility() {
                Visibility::Public => expected.insert((kind, key)),
                Visibility::Private => private_keys.insert(key),
            };
        }
    }
    // Not a field: the link from a dataset to its data manager's contributor_id.
    expected.insert(("dataset".into(), "dmpg:dataManager".into()));
    expected.insert((DOCUMENT_OBJECT.into(), "$schema".into()));
    let listed: BTreeSet<(String, String)> = rules()
        .public_extension_keys
        .iter()
        .flat_map(|(kind, keys)| keys.iter().map(move |k| (kind.clone(), k.clone())))
        .collect();
    assert_eq!(listed, expected);
    assert!(
        private_keys.contains("dmpg:telephoneExtension"),
        "{private_keys:?}"
    );
    for (kind, key) in &listed {
        assert!(!private_keys.contains(key), "{kind}: {key} is private");
    }
}

#[test]
fn an_amed_plans_private_export_split_by_the_rules_is_its_public_export() {
    let rules = rules();
    let catalog = CatalogConfig::builtin();
    let mut plans = example_dmps();
    plans.extend((0..60).map(|i| (format!("generated-{i}"), dmpgraph_dev::generated_dmp(i))));
    let mut withheld = 0;
    for (name, dmp) in &plans {
        for version in [Version::V1_3, Version::V1_2] {
            let private = export_json(dmp, true, version);
            let mut public = export_json(dmp, false, version);
            let parts = rules.private_parts(&private, version).unwrap();
            let mut split = parts.public_document(&private, &catalog.contact);
            withheld += parts
                .iter()
                .filter(|(_, r)| *r == Reason::UnpublishedPerson)
                .count();
            // dmpgraph's own export marks persons, and nothing else of it is
            // private but e-mail addresses.
            for (pointer, reason) in parts.iter() {
                assert!(
                    matches!(reason, Reason::UnpublishedPerson | Reason::PrivateKey),
                    "{name} {version}: {pointer} is {reason}"
                );
            }
            // The contact: the PI without e-mail, published in both (as the
            // contact here, as a contributor in the public export).
            let mut pi = private["dmp"]["contact"].clone();
            pi.as_object_mut().unwrap().remove("mbox");
            assert_eq!(split["dmp"]["contact"], pi, "{name} {version}");
            split["dmp"].as_object_mut().unwrap().remove("contact");
            public["dmp"].as_object_mut().unwrap().remove("contact");
            assert_eq!(split, public, "{name} {version}");
            let text = split.to_string();
            for value in private_values(dmp) {
                assert!(!text.contains(&value), "{name} {version}: {value}");
            }
        }
    }
    assert!(withheld >= 4, "the plans have staff not to be published");
}

/// Every key of the standard (1.3, a superset of every version's) and a few
/// extension keys.
fn every_key() -> Value {
    let id = json!({"identifier": "x", "type": "other"});
    let affiliation = json!([{"name": "Univ", "affiliation_id": id}]);
    let related = json!([{"identifier": "https://example.org/r", "type": "url",
        "relation_type": "IsDerivedFrom", "resource_type": "Dataset",
        "metadata_scheme": "DataCite", "scheme_type": "XSD", "scheme_uri": "https://example.org/s"}]);
    json!({
        "$schema": "https://example.org/JSON-schema/1.3",
        "dmp": {
            "alternate_identifier": [id],
            "contact": {"affiliation": affiliation, "contact_id": id, "mbox": "a@example.org", "name": "A"},
            "contributor": [{"affiliation": affiliation, "contributor_id": id, "mbox": "b@example.org",
                             "name": "B", "role": ["DataCurator"], "x_ext": 1}],
            "cost": [{"currency_code": "JPY", "description": "d", "title": "t", "value": 1}],
            "created": "2025-04-01T09:00:00Z",
            "dataset": [{
                "alternate_identifier": [id],
                "creator": [{"affiliation": affiliation, "creator_id": [id], "mbox": "c@example.org", "name": "C"}],
                "data_quality_assurance": ["q"],
                "dataset_id": id,
                "description": "d",
                "distribution": [{
                    "access_url": "https://example.org/a", "available_until": "2030-01-01",
                    "byte_size": 1, "data_access": "open", "description": "d",
                    "download_url": "https://example.org/d", "format": ["text/csv"],
                    "host": {"availability": "99", "backup_frequency": "daily", "backup_type": "tape",
                             "certified_with": "coretrustseal", "description": "d", "geo_location": "JP",
                             "host_id": [id], "pid_system": ["doi"], "storage_type": "disk",
                             "support_versioning": "yes", "title": "H", "url": "https://example.org/h",
                             "x_ext": true},
                    "issued": "2025-04-01",
                    "license": [{"license_ref": "https://example.org/l", "start_date": "2025-04-01"}],
                    "title": "D"
                }],
                "is_reused": false,
                "issued": "2025-04-01",
                "keyword": ["k"],
                "language": "jpn",
                "metadata": [{"description": "d", "language": "jpn",
                              "metadata_standard_id": {"identifier": "https://example.org/m", "type": "url"}}],
                "personal_data": "no",
                "preservation_statement": "p",
                "related_identifier": related,
                "rights": "r",
                "security_and_privacy": [{"description": "d", "title": "t"}],
                "sensitive_data": "no",
                "technical_resource": [{"description": "d", "name": "n", "technical_resource_id": [id]}],
                "title": "T",
                "type": "dataset"
            }],
            "description": "d",
            "dmp_id": id,
            "ethical_issues_description": "d",
            "ethical_issues_exist": "no",
            "ethical_issues_report": "https://example.org/e",
            "language": "jpn",
            "modified": "2025-04-01T09:00:00Z",
            "project": [{"description": "d", "end": "2026-01-01",
                "funding": [{"funder_id": id, "funding_status": "granted", "grant_id": id}],
                "project_id": [id], "start": "2025-01-01", "title": "P"}],
            "related_identifier": related,
            "title": "T",
            "x_ext": "x"
        }
    })
}

/// The keys a schema defines on each object, by the object's path without
/// array indices (`/dmp/dataset/distribution`), `$ref`s resolved.
fn schema_keys(schema: &Value) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(
        schema: &Value,
        node: &Value,
        path: &str,
        depth: usize,
        out: &mut BTreeMap<String, BTreeSet<String>>,
    ) {
        let mut node = node;
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            node = schema
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("{reference}"));
        }
        if depth > 32 {
            return;
        }
        for alternatives in ["anyOf", "oneOf", "allOf"] {
            for alternative in node
                .get(alternatives)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(schema, alternative, path, depth + 1, out);
            }
        }
        if let Some(items) = node.get("items") {
            walk(schema, items, path, depth + 1, out);
        }
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            out.entry(path.to_owned())
                .or_default()
                .extend(properties.keys().cloned());
            for (key, child) in properties {
                walk(schema, child, &format!("{path}/{key}"), depth + 1, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(schema, schema, "", 0, &mut out);
    out
}

/// The pointers of the keys of `value` that `keys` does not define (not
/// looking inside them).
fn undefined(
    value: &Value,
    pointer: &str,
    path: &str,
    keys: &BTreeMap<String, BTreeSet<String>>,
    out: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{pointer}/{key}");
                if keys.get(path).is_some_and(|k| k.contains(key)) {
                    undefined(child, &here, &format!("{path}/{key}"), keys, out);
                } else {
                    out.push(here);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                undefined(item, &format!("{pointer}/{i}"), path, keys, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_standards_keys_of_each_version_are_those_of_its_official_schema() {
    let Some(standards) = standards_dir() else {
        return;
    };
    let document = every_key();
    let typed: MadmpDocument = serde_json::from_value(document.clone()).unwrap();
    for version in Version::ALL {
        let path = standards.join(format!("madmp/maDMP-schema-{version}.json"));
        let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let keys = schema_keys(&schema);
        let mut expected = Vec::new();
        undefined(&document, "", "", &keys, &mut expected);
        expected.sort();
        // What is inside an extension key is not the schema's either.
        let all = typed.extension_keys_in(version);
        let mut found: Vec<String> = all
            .iter()
            .filter(|p| !all.iter().any(|q| p.starts_with(&format!("{q}/"))))
            .cloned()
            .collect();
        found.sort();
        assert_eq!(found, expected, "maDMP {version}");
        // And the rules make each of them private, but `$schema`.
        let parts = rules().private_parts(&document, version).unwrap();
        for pointer in &expected {
            assert_eq!(
                parts.covers(pointer),
                pointer != "/$schema",
                "maDMP {version}: {pointer}"
            );
        }
    }
}
