//! The standard's own files, read from `DMPGRAPH_STANDARDS` (never copied
//! into the project): its examples round-trip, and every key of every schema
//! version lands in a typed field of the model.

mod common;

use common::standards_dir;
use dmpgraph_madmp::{export, parse, to_json, Version};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

fn madmp_dir() -> Option<PathBuf> {
    standards_dir().map(|dir| dir.join("madmp"))
}

fn read_json(path: &Path) -> (Vec<u8>, Value) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (bytes, value)
}

fn examples(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            name.starts_with("ex") && name.ends_with(".json")
        })
        .collect();
    found.sort();
    found
}

/// Extension keys each example carries besides `$schema`. ex5's
/// `supports_versioning` is a misspelling of the standard's
/// `support_versioning` in the official example itself: the schemas admit it
/// as an additional key, so it validates and round-trips as an extension key,
/// but it is not the typed `support_versioning` field.
fn expected_extension_keys(name: &str) -> Vec<&'static str> {
    match name {
        "ex5-dataset-planned-host.json" => vec![
            "/$schema",
            "/dmp/dataset/0/distribution/0/host/supports_versioning",
        ],
        _ => vec!["/$schema"],
    }
}

#[test]
fn official_examples_round_trip_in_their_own_version() {
    let Some(dir) = madmp_dir() else { return };
    let examples = examples(&dir);
    assert!(
        examples.len() >= 6,
        "examples in {}: {examples:?}",
        dir.display()
    );
    for path in examples {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let (bytes, original) = read_json(&path);
        let (doc, version) = parse(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        // They all declare "$schema": "./JSON-schema/1.2/maDMP-schema-1.2.json".
        assert_eq!(version, Version::V1_2, "{name}");
        let exported = export(&doc, version);
        assert_eq!(exported.json, original, "{name}: round trip");
        assert!(exported.notes.is_empty(), "{name}: {:?}", exported.notes);
        assert_eq!(
            doc.extension_keys(),
            expected_extension_keys(&name),
            "{name}"
        );
    }
}

#[test]
fn official_examples_round_trip_as_1_3_and_survive_the_hop_back_to_1_2() {
    let Some(dir) = madmp_dir() else { return };
    for path in examples(&dir) {
        let name = path.display().to_string();
        let (bytes, original) = read_json(&path);
        let (doc, _) = parse(&bytes, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let v13 = to_json(&doc, Version::V1_3);
        assert_eq!(
            v13["$schema"], "./JSON-schema/1.3/maDMP-schema-1.3.json",
            "{name}"
        );
        let (doc13, version) = parse(&serde_json::to_vec(&v13).expect("json"), None)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(version, Version::V1_3, "{name}");
        // 1.3 -> document -> 1.3 is lossless too, and so is the way back to 1.2.
        assert_eq!(
            to_json(&doc13, Version::V1_3),
            v13,
            "{name}: 1.3 round trip"
        );
        assert_eq!(to_json(&doc13, Version::V1_2), original, "{name}");
    }
}

/// Builds a document that uses every key a schema defines, with valid values:
/// the first `oneOf` alternative and enum value, or with `last` the last ones.
struct Generator<'a> {
    root: &'a Value,
    last: bool,
}

impl Generator<'_> {
    fn resolve<'b>(&'b self, mut schema: &'b Value) -> &'b Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            schema = self.root.pointer(pointer).expect("$ref resolves");
        }
        schema
    }

    fn pick<'b>(&self, items: &'b [Value]) -> &'b Value {
        if self.last {
            items.last().expect("non-empty")
        } else {
            items.first().expect("non-empty")
        }
    }

    fn instance(&self, schema: &Value) -> Value {
        let schema = self.resolve(schema);
        if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
            return self.instance(self.pick(alternatives));
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return self.pick(values).clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let mut object = Map::new();
                for (key, property) in schema["properties"].as_object().expect("properties") {
                    object.insert(key.clone(), self.instance(property));
                }
                Value::Object(object)
            }
            Some("array") => json!([self.instance(&schema["items"])]),
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2024-02-29"),
                Some("date-time") => json!("2024-02-29T23:59:59.123+09:00"),
                Some("uri") | Some("url") => json!("https://example.org/path?q=1"),
                Some("email") => json!("someone@example.org"),
                _ => json!("text"),
            },
            Some("integer") => json!(42),
            Some("number") => {
                if self.last {
                    json!(12.5)
                } else {
                    json!(1000)
                }
            }
            Some("boolean") => json!(true),
            other => panic!("unexpected schema type {other:?}"),
        }
    }
}

#[test]
fn every_key_of_every_schema_is_a_typed_field() {
    let Some(dir) = madmp_dir() else { return };
    for version in Version::ALL {
        let path = dir.join(format!("maDMP-schema-{version}.json"));
        let (_, schema) = read_json(&path);
        for last in [false, true] {
            let generator = Generator {
                root: &schema,
                last,
            };
            let instance = generator.instance(&schema);
            let label = format!("{version}, last={last}");
            let (doc, read_as) =
                parse(&serde_json::to_vec(&instance).expect("json"), Some(version))
                    .unwrap_or_else(|e| panic!("{label}: {e}\n{instance:#}"));
            assert_eq!(read_as, version);
            assert_eq!(doc.extension_keys(), Vec::<String>::new(), "{label}");

            let mut expected = instance.clone();
            let access = &mut expected["dmp"]["dataset"][0]["distribution"][0]["data_access"];
            // 1.3 writes the deprecated "shared" as "restricted".
            if version == Version::V1_3 && access == "shared" {
                *access = json!("restricted");
            }
            let exported = export(&doc, version);
            assert_eq!(exported.json, expected, "{label}");
            assert!(exported.notes.is_empty(), "{label}: {:?}", exported.notes);
        }
    }
}
