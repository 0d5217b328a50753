//! Shared test helpers.
#![allow(dead_code)] // each test file uses a different subset

pub mod amed;

#[allow(unused_imports)] // each test file uses a different subset
pub use dmpgraph_dev::testing::standards_dir;
use serde_json::{json, Value};

/// A document valid in 1.2 and 1.3 (no `$schema`), with three datasets, the
/// third having a distribution with a host, so that errors can be planted at
/// the pointers the brief names (`/dmp/dataset/2/distribution/0/host/url`).
pub fn base_doc() -> Value {
    json!({
        "dmp": {
            "title": "Genome study DMP",
            "created": "2025-04-01T09:00:00Z",
            "modified": "2025-04-02T10:30:00.5+09:00",
            "language": "jpn",
            "ethical_issues_exist": "yes",
            "dmp_id": {"identifier": "https://example.org/dmp/1", "type": "url"},
            "contact": {
                "name": "Hanako Yamada",
                "mbox": "hanako@example.org",
                "contact_id": {"identifier": "0000-0002-1825-0097", "type": "orcid"}
            },
            "project": [{
                "title": "Genome study",
                "start": "2025-04-01",
                "end": "2028-03-31",
                "funding": [{
                    "funder_id": {"identifier": "https://ror.org/04rk6w354", "type": "ror"},
                    "grant_id": {"identifier": "25ek0109555h0001", "type": "other"},
                    "funding_status": "granted"
                }]
            }],
            "dataset": [
                {
                    "title": "Questionnaires",
                    "dataset_id": {"identifier": "ds-1", "type": "other"},
                    "personal_data": "yes",
                    "sensitive_data": "no"
                },
                {
                    "title": "Sequences",
                    "dataset_id": {"identifier": "ds-2", "type": "other"},
                    "personal_data": "yes",
                    "sensitive_data": "yes",
                    "issued": "2027-06-30"
                },
                {
                    "title": "Variant calls",
                    "dataset_id": {"identifier": "10.1234/abcd", "type": "doi"},
                    "personal_data": "no",
                    "sensitive_data": "no",
                    "distribution": [{
                        "title": "VCF files",
                        "data_access": "closed",
                        "byte_size": 1200000,
                        "license": [{
                            "license_ref": "https://creativecommons.org/licenses/by/4.0/",
                            "start_date": "2028-04-01"
                        }],
                        "host": {
                            "title": "NBDC Human Database",
                            "url": "https://humandbs.dbcls.jp/"
                        }
                    }]
                }
            ]
        }
    })
}

/// Sets the value at `pointer` (the parent must exist).
pub fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let parent = doc.pointer_mut(parent).expect("parent exists");
    match parent {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => {
            let index: usize = key.parse().expect("array index");
            items[index] = value;
        }
        _ => panic!("parent of {pointer} is not a container"),
    }
}

/// Removes the key at `pointer`.
pub fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent is an object")
        .remove(key)
        .expect("key existed");
}

/// The document as bytes.
pub fn bytes(doc: &Value) -> Vec<u8> {
    serde_json::to_vec(doc).expect("serializable")
}
