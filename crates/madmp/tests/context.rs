//! `ontologies/madmp-context.jsonld` agrees with `mappings/rdf.toml`: a
//! maDMP key path means, through the context, the same properties as the
//! RDF path of the field the table puts there; and it maps every key of
//! every schema version and every `dmpg:` key dmpgraph exports.

mod common;

use common::amed::{export_json, full_dmp, repo_root, MappingTable};
use common::standards_dir;
use dmpgraph_madmp::Version;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

fn context() -> Map<String, Value> {
    let path = repo_root().join("ontologies/madmp-context.jsonld");
    let text = std::fs::read_to_string(&path).expect("context file");
    let doc: Value = serde_json::from_str(&text).expect("context is JSON");
    doc["@context"]
        .as_object()
        .expect("an inline @context object")
        .clone()
}

/// Expands a term's `@id` with the context's own prefixes.
fn expand(context: &Map<String, Value>, id: &str) -> String {
    match id.split_once(':') {
        Some((prefix, local)) if !local.starts_with("//") => match context.get(prefix) {
            Some(Value::String(namespace)) => format!("{namespace}{local}"),
            _ => panic!("{id}: prefix {prefix} not in the context"),
        },
        _ => id.to_owned(),
    }
}

/// What a key means under the active contexts (innermost last): its IRI
/// (`None` for `@nest`) and its property-scoped context, if any.
fn lookup<'a>(
    root: &Map<String, Value>,
    active: &[&'a Map<String, Value>],
    key: &str,
) -> (Option<String>, Option<&'a Map<String, Value>>) {
    let definition = active
        .iter()
        .rev()
        .find_map(|scope| scope.get(key))
        .unwrap_or_else(|| panic!("{key}: not a term of the context"));
    match definition {
        Value::String(id) if id == "@nest" => (None, None),
        Value::String(id) => (Some(expand(root, id)), None),
        Value::Object(def) => {
            let id = def["@id"].as_str().expect("@id");
            let scoped = def.get("@context").and_then(Value::as_object);
            if id == "@nest" {
                (None, scoped)
            } else {
                (Some(expand(root, id)), scoped)
            }
        }
        other => panic!("{key}: unexpected definition {other}"),
    }
}

/// The properties a JSON pointer's keys mean, array indices and `*` skipped.
fn properties_of(root: &Map<String, Value>, pointer: &str) -> Vec<String> {
    let mut active: Vec<&Map<String, Value>> = vec![root];
    let mut out = Vec::new();
    for key in pointer.split('/').skip(1) {
        if key == "*" || key.parse::<usize>().is_ok() {
            continue;
        }
        let (iri, scoped) = lookup(root, &active, key);
        out.extend(iri);
        if let Some(scoped) = scoped {
            active.push(scoped);
        }
    }
    out
}

#[test]
fn context_agrees_with_the_mapping_table() {
    let root = context();
    let table = MappingTable::read();
    let mut checked = 0;
    for (key, mapping) in &table.fields {
        let Some(pointer) = &mapping.madmp else {
            continue;
        };
        let standard = ["dcso:", "dcterms:", "dcat:", "foaf:"];
        let paths: Vec<&String> = std::iter::once(&mapping.path)
            .chain(&mapping.also)
            .filter(|p| {
                p.split('/')
                    .all(|s| standard.iter().any(|n| s.starts_with(n)))
            })
            .collect();
        if !mapping
            .path
            .split('/')
            .all(|s| standard.iter().any(|n| s.starts_with(n)))
        {
            continue; // a dmpg: or vcard: property: the maDMP value is a crosswalk
        }
        let meant = properties_of(&root, pointer);
        let agrees = paths.iter().any(|path| {
            let steps: Vec<String> = path.split('/').map(|s| table.expand(s)).collect();
            meant.ends_with(&steps)
        });
        assert!(
            agrees,
            "{key}: {pointer} means {meant:?} through the context, but the table maps it to {paths:?}"
        );
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn the_example_pointer_of_the_brief() {
    let root = context();
    assert_eq!(
        properties_of(&root, "/dmp/dataset/*/distribution/0/host/title"),
        [
            "https://w3id.org/dcso/ns/core#hasDataset",
            "https://w3id.org/dcso/ns/core#hasDistribution",
            "https://w3id.org/dcso/ns/core#hasHost",
            "http://purl.org/dc/terms/title",
        ]
    );
    // `type` is an identifier's type inside identifier objects, the dataset's type elsewhere.
    assert_eq!(
        properties_of(&root, "/dmp/dataset/0/dataset_id/type")
            .last()
            .unwrap(),
        "https://w3id.org/dcso/ns/core#identifierType"
    );
    assert_eq!(
        properties_of(&root, "/dmp/dataset/0/type").last().unwrap(),
        "https://w3id.org/dcso/ns/core#type"
    );
}

/// Every key an object of `schema` can hold, with the pointer it was found at.
fn schema_keys(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            for value in map.values() {
                schema_keys(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schema_keys(v, out)),
        _ => {}
    }
}

/// Every term the context defines at any depth.
fn terms(context: &Map<String, Value>, out: &mut BTreeSet<String>) {
    for (key, value) in context {
        out.insert(key.clone());
        if let Some(Value::Object(scoped)) = value.get("@context") {
            terms(scoped, out);
        }
    }
}

#[test]
fn every_key_of_every_schema_version_is_a_term() {
    let Some(dir) = standards_dir() else { return };
    let mut defined = BTreeSet::new();
    terms(&context(), &mut defined);
    for version in Version::ALL {
        let path = dir.join(format!("madmp/maDMP-schema-{version}.json"));
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("schema")).expect("JSON");
        let mut keys = BTreeSet::new();
        schema_keys(&schema, &mut keys);
        let missing: Vec<&String> = keys.iter().filter(|k| !defined.contains(*k)).collect();
        assert!(missing.is_empty(), "maDMP {version}: {missing:?}");
    }
}

#[test]
fn every_dmpg_key_dmpgraph_exports_is_a_term() {
    let root = context();
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if key.starts_with("dmpg:") {
                        out.insert(key.clone());
                    }
                    walk(value, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut keys = BTreeSet::new();
    walk(&export_json(&full_dmp(), true, Version::V1_3), &mut keys);
    assert!(keys.len() >= 18, "{keys:?}");
    for key in keys {
        let definition = root.get(&key).unwrap_or_else(|| panic!("{key}: no term"));
        assert_eq!(definition["@id"], Value::String(key.clone()), "{key}");
    }
}
