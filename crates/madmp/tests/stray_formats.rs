//! Tolerant reading, on the standard's own examples (read from
//! `DMPGRAPH_STANDARDS`, never copied into the project): every example reads
//! with no error and no warning; with a value planted by JSON pointer that
//! strays from its key's `format` (a bare DOI as `host.url`, a date-time
//! without a time zone…) it still reads, keeps the value as written, and
//! reports exactly one warning naming that pointer; what the schema itself
//! forbids (a wrong type, a missing required key, a value outside an `enum`,
//! a key `additionalProperties: false` refuses), planted the same way, is
//! still an error naming its pointer.

mod common;

use common::{remove, set, standards_dir};
use dmpgraph_madmp::{
    export, parse_with_warnings, validate, ImportError, SchemaFormat, Version, Warning,
};
use serde_json::{json, Value};
use std::path::PathBuf;

/// The official examples (`ex*.json`), by file name, or `None` when the
/// standards folder is not set outside CI ([`standards_dir`] fails on CI).
fn examples() -> Option<Vec<(String, Value)>> {
    let dir: PathBuf = standards_dir()?.join("madmp");
    let mut found: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            (name.starts_with("ex") && name.ends_with(".json")).then_some((name, path))
        })
        .map(|(name, path)| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, value)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    // ex1–ex5 and ex8 are in the standard's repository.
    assert!(
        found.len() >= 6,
        "examples in {}: {:?}",
        dir.display(),
        found.iter().map(|(name, _)| name).collect::<Vec<_>>()
    );
    Some(found)
}

/// Gives an example every object a stray value is planted in, with valid
/// values, keeping what it has: a project, a related identifier, and on its
/// first dataset a distribution with a host and a licence.
fn scaffold(doc: &mut Value) {
    let dmp = &mut doc["dmp"];
    first_item(dmp, "project", json!({"title": "Planted project"}));
    first_item(
        dmp,
        "related_identifier",
        json!({
            "identifier": "https://doi.org/10.5281/zenodo.1200361",
            "relation_type": "Cites",
            "type": "doi"
        }),
    );
    let dataset = &mut dmp["dataset"][0];
    let distribution = first_item(
        dataset,
        "distribution",
        json!({"title": "Planted distribution", "data_access": "open"}),
    );
    distribution
        .as_object_mut()
        .expect("a distribution object")
        .entry("host")
        .or_insert(json!({
            "title": "Planted host",
            "url": "https://example.org/repository"
        }));
    first_item(
        distribution,
        "license",
        json!({
            "license_ref": "https://creativecommons.org/licenses/by/4.0/",
            "start_date": "2021-06-30"
        }),
    );
}

/// The first item of the array at `key` of `object`, `item` put there if the
/// array is absent or empty (the examples have `"project": []`).
fn first_item<'a>(object: &'a mut Value, key: &str, item: Value) -> &'a mut Value {
    let items = object
        .as_object_mut()
        .expect("an object")
        .entry(key)
        .or_insert(json!([]))
        .as_array_mut()
        .expect("an array");
    if items.is_empty() {
        items.push(item);
    }
    &mut items[0]
}

/// Values that stray from the `format` the 1.2 and 1.3 schemas give their key.
const STRAY: &[(&str, &str, SchemaFormat)] = &[
    (
        "/dmp/dataset/0/distribution/0/host/url",
        "10.25504/FAIRsharing.abc123",
        SchemaFormat::Url,
    ),
    // No time zone.
    (
        "/dmp/created",
        "2024-04-01T09:00:00",
        SchemaFormat::DateTime,
    ),
    // A date where a date-time is expected.
    ("/dmp/modified", "2024-04-01", SchemaFormat::DateTime),
    // A date-time where a date is expected.
    (
        "/dmp/dataset/0/issued",
        "2024-04-01T09:00:00Z",
        SchemaFormat::Date,
    ),
    (
        "/dmp/dataset/0/distribution/0/available_until",
        "30/01/2029",
        SchemaFormat::Date,
    ),
    (
        "/dmp/dataset/0/distribution/0/issued",
        "2024-4-1",
        SchemaFormat::Date,
    ),
    // No such day.
    (
        "/dmp/dataset/0/distribution/0/license/0/start_date",
        "2021-02-29",
        SchemaFormat::Date,
    ),
    (
        "/dmp/dataset/0/distribution/0/license/0/license_ref",
        "CC-BY-4.0",
        SchemaFormat::Url,
    ),
    (
        "/dmp/dataset/0/distribution/0/download_url",
        "www.example.org/data.csv",
        SchemaFormat::Url,
    ),
    ("/dmp/project/0/start", "April 2017", SchemaFormat::Date),
    ("/dmp/project/0/end", "2020", SchemaFormat::Date),
    (
        "/dmp/related_identifier/0/scheme_uri",
        "DataCite 4.4",
        SchemaFormat::Uri,
    ),
];

fn bytes(doc: &Value) -> Vec<u8> {
    serde_json::to_vec(doc).expect("serializable")
}

/// The error reading `doc` gives, failing the test if it reads.
fn refused(doc: &Value, version: Option<Version>, label: &str) -> ImportError {
    match parse_with_warnings(&bytes(doc), version) {
        Ok(parsed) => panic!(
            "{label}: should be refused, read with {:?}",
            parsed.warnings
        ),
        Err(error) => error,
    }
}

#[test]
fn official_examples_read_with_no_error_and_no_warning() {
    let Some(examples) = examples() else { return };
    for (name, original) in examples {
        let parsed =
            parse_with_warnings(&bytes(&original), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.version, Version::V1_2, "{name}");
        assert_eq!(parsed.warnings, Vec::<Warning>::new(), "{name}");
        assert_eq!(validate(&parsed.document, parsed.version), vec![], "{name}");
        assert_eq!(
            export(&parsed.document, parsed.version).json,
            original,
            "{name}"
        );

        // So does each with the scaffolding the stray values are planted in.
        let mut scaffolded = original.clone();
        scaffold(&mut scaffolded);
        for version in [Version::V1_2, Version::V1_3] {
            let parsed = parse_with_warnings(&bytes(&scaffolded), Some(version))
                .unwrap_or_else(|e| panic!("{name} scaffolded, {version}: {e}"));
            assert_eq!(parsed.warnings, Vec::<Warning>::new(), "{name} {version}");
            assert_eq!(validate(&parsed.document, version), vec![], "{name}");
        }
    }
}

#[test]
fn a_stray_format_value_planted_in_every_example_is_kept_with_one_warning() {
    let Some(examples) = examples() else { return };
    for (name, original) in examples {
        let mut scaffolded = original.clone();
        scaffold(&mut scaffolded);
        for &(pointer, value, format) in STRAY {
            let mut planted = scaffolded.clone();
            set(&mut planted, pointer, json!(value));
            let label = format!("{name} {pointer} = {value:?}");
            for version in [None, Some(Version::V1_3)] {
                let parsed = parse_with_warnings(&bytes(&planted), version)
                    .unwrap_or_else(|e| panic!("{label}: refused: {e}"));
                assert_eq!(parsed.version, version.unwrap_or(Version::V1_2), "{label}");

                // Exactly one warning, naming the pointer.
                assert_eq!(parsed.warnings.len(), 1, "{label}: {:?}", parsed.warnings);
                let warning = &parsed.warnings[0];
                assert_eq!(warning.pointer(), pointer, "{label}");
                assert_eq!(warning.value, value, "{label}");
                assert_eq!(warning.format, format, "{label}");
                let message = warning.to_string();
                assert!(
                    message.starts_with(&format!("{pointer}: {value:?} is not ")),
                    "{label}: {message}"
                );
                assert!(
                    message.ends_with(&format!(
                        "(format {format}{}); kept as written",
                        warning
                            .reason
                            .as_deref()
                            .map(|r| format!("; {r}"))
                            .unwrap_or_default()
                    )),
                    "{label}: {message}"
                );

                // Kept as written: the export is the document read, value
                // and all, and has nothing to note.
                let exported = export(&parsed.document, parsed.version);
                assert_eq!(
                    exported.json.pointer(pointer),
                    Some(&json!(value)),
                    "{label}"
                );
                let mut expected = planted.clone();
                if let Some(version) = version {
                    let schema = format!("./JSON-schema/{version}/maDMP-schema-{version}.json");
                    set(&mut expected, "/$schema", json!(schema));
                }
                assert_eq!(exported.json, expected, "{label}");
                assert!(exported.notes.is_empty(), "{label}: {:?}", exported.notes);

                // The strict check, for documents dmpgraph builds, refuses it.
                let strict = validate(&parsed.document, parsed.version);
                assert_eq!(strict.len(), 1, "{label}: {strict:?}");
                assert_eq!(strict[0].pointer(), Some(pointer), "{label}");
                let expected_variant = match format {
                    SchemaFormat::Date => matches!(strict[0], ImportError::BadDate { .. }),
                    SchemaFormat::DateTime => {
                        matches!(strict[0], ImportError::BadDateTime { .. })
                    }
                    _ => matches!(strict[0], ImportError::BadUri { .. }),
                };
                assert!(expected_variant, "{label}: {:?}", strict[0]);
            }
        }
    }
}

#[test]
fn the_same_values_under_1_0_and_1_1_name_format_uri() {
    let Some(examples) = examples() else { return };
    // ex1 has funding: its funder type (fundref) suits 1.0 and 1.1's list.
    let (name, original) = examples
        .into_iter()
        .find(|(name, _)| name.starts_with("ex1-"))
        .expect("ex1");
    let mut doc = original;
    scaffold(&mut doc);
    for version in [Version::V1_0, Version::V1_1] {
        for (pointer, value) in [
            (
                "/dmp/dataset/0/distribution/0/host/url",
                "10.25504/FAIRsharing.abc123",
            ),
            ("/dmp/ethical_issues_report", "in the committee's minutes"),
        ] {
            let mut planted = doc.clone();
            set(&mut planted, pointer, json!(value));
            let parsed = parse_with_warnings(&bytes(&planted), Some(version))
                .unwrap_or_else(|e| panic!("{name} {version} {pointer}: {e}"));
            assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
            assert_eq!(parsed.warnings[0].pointer, pointer);
            assert_eq!(parsed.warnings[0].format, SchemaFormat::Uri);
            assert_eq!(
                export(&parsed.document, version).json.pointer(pointer),
                Some(&json!(value))
            );
        }
    }
}

#[test]
fn access_url_has_no_format_so_anything_is_read_silently() {
    let Some(examples) = examples() else { return };
    for (name, original) in examples {
        let mut planted = original.clone();
        scaffold(&mut planted);
        let pointer = "/dmp/dataset/0/distribution/0/access_url";
        set(&mut planted, pointer, json!("see the project's web site"));
        let parsed =
            parse_with_warnings(&bytes(&planted), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.warnings, Vec::<Warning>::new(), "{name}");
        assert_eq!(validate(&parsed.document, parsed.version), vec![], "{name}");
        assert_eq!(
            export(&parsed.document, parsed.version).json,
            planted,
            "{name}"
        );
    }
}

/// How a schema violation is planted.
enum Plant {
    Set(&'static str, Value),
    Remove(&'static str),
}

#[test]
fn schema_violations_planted_in_every_example_are_still_errors_at_their_pointer() {
    let Some(examples) = examples() else { return };
    type Kind = fn(&ImportError) -> bool;
    let wrong_type: Kind = |e| matches!(e, ImportError::WrongType { .. });
    let missing: Kind = |e| matches!(e, ImportError::MissingKey { .. });
    let bad_value: Kind = |e| matches!(e, ImportError::BadValue { .. });
    let cases: Vec<(Plant, &str, Kind)> = vec![
        (
            Plant::Set("/dmp/dataset/0/title", json!(5)),
            "/dmp/dataset/0/title",
            wrong_type,
        ),
        // A value of a format key must still be a string.
        (
            Plant::Set("/dmp/created", json!(20240401)),
            "/dmp/created",
            wrong_type,
        ),
        (
            Plant::Set(
                "/dmp/dataset/0/distribution/0/host/url",
                json!(["https://example.org/"]),
            ),
            "/dmp/dataset/0/distribution/0/host/url",
            wrong_type,
        ),
        (
            Plant::Set("/dmp/dataset/0/distribution/0/byte_size", json!(1.5)),
            "/dmp/dataset/0/distribution/0/byte_size",
            wrong_type,
        ),
        (
            Plant::Remove("/dmp/dataset/0/personal_data"),
            "/dmp/dataset/0/personal_data",
            missing,
        ),
        (
            Plant::Remove("/dmp/contact/mbox"),
            "/dmp/contact/mbox",
            missing,
        ),
        // Required up to 1.2, and the examples declare 1.2.
        (
            Plant::Remove("/dmp/dataset/0/distribution/0/host/url"),
            "/dmp/dataset/0/distribution/0/host/url",
            missing,
        ),
        // `language` is an ISO 639-3 `enum` in every schema, not a format.
        (
            Plant::Set("/dmp/language", json!("en")),
            "/dmp/language",
            bad_value,
        ),
        (
            Plant::Set("/dmp/language", json!("EN")),
            "/dmp/language",
            bad_value,
        ),
        (
            Plant::Set("/dmp/language", json!("eng-US")),
            "/dmp/language",
            bad_value,
        ),
        (
            Plant::Set("/dmp/dataset/0/distribution/0/data_access", json!("public")),
            "/dmp/dataset/0/distribution/0/data_access",
            bad_value,
        ),
        // "restricted" came with 1.3.
        (
            Plant::Set(
                "/dmp/dataset/0/distribution/0/data_access",
                json!("restricted"),
            ),
            "/dmp/dataset/0/distribution/0/data_access",
            bad_value,
        ),
        (
            Plant::Set(
                "/dmp/dataset/0/distribution/0/host/geo_location",
                json!("Austria"),
            ),
            "/dmp/dataset/0/distribution/0/host/geo_location",
            bad_value,
        ),
    ];
    for (name, original) in examples {
        let mut scaffolded = original.clone();
        scaffold(&mut scaffolded);
        for (plant, pointer, kind) in &cases {
            let mut planted = scaffolded.clone();
            match plant {
                Plant::Set(at, value) => set(&mut planted, at, value.clone()),
                Plant::Remove(at) => remove(&mut planted, at),
            }
            // A stray format value beside it changes nothing: still refused.
            set(&mut planted, "/dmp/modified", json!("2024-04-01"));
            let error = refused(&planted, None, &format!("{name} {pointer}"));
            let message = error.to_string();
            assert_eq!(error.pointer(), Some(*pointer), "{name}: {message}");
            assert!(
                message.starts_with(&format!("{pointer}: ")),
                "{name}: {message}"
            );
            assert!(kind(&error), "{name} {pointer}: {error:?}");
        }

        // 1.1's root has `additionalProperties: false`.
        let mut planted = scaffolded.clone();
        if name.starts_with("ex1-") {
            assert!(parse_with_warnings(&bytes(&planted), Some(Version::V1_1)).is_ok());
        }
        set(&mut planted, "/x_tool", json!({"template": 3}));
        let error = refused(
            &planted,
            Some(Version::V1_1),
            &format!("{name}: /x_tool in 1.1"),
        );
        assert_eq!(error.pointer(), Some("/x_tool"), "{name}: {error}");
        assert!(
            matches!(error, ImportError::Schema { .. }),
            "{name}: {error:?}"
        );
        // 1.2 objects allow additional keys.
        let parsed = parse_with_warnings(&bytes(&planted), None).unwrap();
        assert_eq!(parsed.warnings, Vec::<Warning>::new(), "{name}");
    }
}
