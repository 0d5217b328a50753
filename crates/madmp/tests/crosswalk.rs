//! Version detection and the export rules between versions.

mod common;

use common::{base_doc, bytes, remove, set};
use dmpgraph_madmp::{detect_version, export, parse, to_json, validate, DataAccess, Version};
use serde_json::{json, Value};

const ACCESS: &str = "/dmp/dataset/2/distribution/0/data_access";

fn access(doc: &Value) -> &Value {
    doc.pointer(ACCESS).expect("data_access")
}

#[test]
fn shared_in_1_2_is_restricted_in_1_3_and_back() {
    let mut original = base_doc();
    set(&mut original, ACCESS, json!("shared"));
    set(
        &mut original,
        "/$schema",
        json!("./JSON-schema/1.2/maDMP-schema-1.2.json"),
    );
    let (doc, version) = parse(&bytes(&original), None).unwrap();
    assert_eq!(version, Version::V1_2);
    assert_eq!(to_json(&doc, Version::V1_2), original);

    let v13 = to_json(&doc, Version::V1_3);
    assert_eq!(access(&v13), "restricted");
    assert_eq!(v13["$schema"], "./JSON-schema/1.3/maDMP-schema-1.3.json");
    let (doc13, version) = parse(&bytes(&v13), None).unwrap();
    assert_eq!(version, Version::V1_3);
    assert_eq!(
        doc13.dmp.dataset[2].distribution.as_ref().unwrap()[0].data_access,
        DataAccess::Restricted
    );

    assert_eq!(to_json(&doc13, Version::V1_2), original);
}

#[test]
fn restricted_in_1_3_is_shared_in_1_2_and_back() {
    let mut original = base_doc();
    set(&mut original, ACCESS, json!("restricted"));
    let (doc, version) = parse(&bytes(&original), None).unwrap();
    assert_eq!(version, Version::V1_3, "detected from \"restricted\"");
    assert_eq!(to_json(&doc, Version::V1_3), original);

    let v12 = to_json(&doc, Version::V1_2);
    assert_eq!(access(&v12), "shared");
    let (doc12, version) = parse(&bytes(&v12), None).unwrap();
    assert_eq!(version, Version::V1_2);

    assert_eq!(to_json(&doc12, Version::V1_3), original);
}

#[test]
fn other_access_values_are_the_same_in_every_version() {
    for value in ["open", "closed"] {
        let mut original = base_doc();
        set(&mut original, ACCESS, json!(value));
        let (doc, _) = parse(&bytes(&original), None).unwrap();
        for version in Version::ALL {
            assert_eq!(access(&to_json(&doc, version)), value, "{version}");
        }
    }
    // Older versions write "restricted" as "shared" too.
    let mut original = base_doc();
    set(&mut original, ACCESS, json!("restricted"));
    let (doc, _) = parse(&bytes(&original), None).unwrap();
    for version in [Version::V1_0, Version::V1_1] {
        assert_eq!(access(&to_json(&doc, version)), "shared", "{version}");
    }
}

#[test]
fn detection_rule() {
    // Nothing distinguishes: 1.2.
    assert_eq!(detect_version(&base_doc()), Version::V1_2);

    // 1.3-only content.
    let mut doc = base_doc();
    set(&mut doc, ACCESS, json!("restricted"));
    assert_eq!(detect_version(&doc), Version::V1_3);
    let mut doc = base_doc();
    remove(&mut doc, "/dmp/dataset/2/distribution/0/host/url");
    assert_eq!(detect_version(&doc), Version::V1_3);

    // A declared $schema wins, in the standard's forms and case-insensitively.
    for (reference, version) in [
        ("./JSON-schema/1.0/maDMP-schema-1.0.json", Version::V1_0),
        ("https://github.com/RDA-DMP-Common/RDA-DMP-Common-Standard/tree/master/examples/JSON/JSON-schema/1.1", Version::V1_1),
        ("maDMP-schema-1.3.json", Version::V1_3),
        ("https://example.org/json-schema/1.2/madmp-schema-1.2.json", Version::V1_2),
    ] {
        let mut doc = base_doc();
        set(&mut doc, "/$schema", json!(reference));
        assert_eq!(detect_version(&doc), version, "{reference}");
    }

    // A declared 1.2 is checked as 1.2 even though the content is 1.3's.
    let mut doc = base_doc();
    set(&mut doc, ACCESS, json!("restricted"));
    set(
        &mut doc,
        "/$schema",
        json!("./JSON-schema/1.2/maDMP-schema-1.2.json"),
    );
    assert_eq!(detect_version(&doc), Version::V1_2);
    assert!(parse(&bytes(&doc), None).is_err());
    // The caller's version overrides everything.
    assert_eq!(
        parse(&bytes(&doc), Some(Version::V1_3)).unwrap().1,
        Version::V1_3
    );

    // References naming no known version, or two, are ignored.
    for reference in [
        "https://json-schema.org/draft/2020-12/schema",
        "./JSON-schema/1.20/x.json",
        "JSON-schema/1.2/maDMP-schema-1.3.json",
        "maDMP-schema-2.0.json",
    ] {
        let mut doc = base_doc();
        set(&mut doc, "/$schema", json!(reference));
        assert_eq!(detect_version(&doc), Version::V1_2, "{reference}");
    }
}

#[test]
fn media_types_and_version_strings() {
    for version in Version::ALL {
        assert_eq!(
            Version::from_media_type(version.media_type()),
            Some(version)
        );
        assert_eq!(version.to_string().parse::<Version>(), Ok(version));
    }
    assert_eq!(
        Version::V1_3.media_type(),
        "application/vnd.org.rd-alliance.dmp-common.v1.3+json"
    );
    assert_eq!(
        Version::from_media_type(
            "application/vnd.org.rd-alliance.dmp-common.v1.2+json; charset=utf-8"
        ),
        Some(Version::V1_2)
    );
    assert_eq!(Version::from_media_type("application/json"), None);
    assert_eq!("v1.1".parse::<Version>(), Ok(Version::V1_1));
    assert!("1.4".parse::<Version>().is_err());
    assert_eq!(Version::default(), Version::V1_3);
}

#[test]
fn host_without_url_cannot_be_expressed_before_1_3() {
    let mut original = base_doc();
    remove(&mut original, "/dmp/dataset/2/distribution/0/host/url");
    let (doc, version) = parse(&bytes(&original), None).unwrap();
    assert_eq!(version, Version::V1_3);
    let exported = export(&doc, Version::V1_2);
    assert_eq!(exported.json, original, "nothing is invented");
    assert_eq!(exported.notes.len(), 1, "{:?}", exported.notes);
    assert_eq!(
        exported.notes[0].pointer,
        "/dmp/dataset/2/distribution/0/host/url"
    );
    assert!(export(&doc, Version::V1_3).notes.is_empty());
}

#[test]
fn export_to_1_1_writes_single_identifier_objects_and_a_bare_root() {
    let mut original = base_doc();
    set(
        &mut original,
        "/$schema",
        json!("./JSON-schema/1.2/maDMP-schema-1.2.json"),
    );
    set(&mut original, "/x_tool", json!({"id": 1}));
    set(
        &mut original,
        "/dmp/contact/contact_id",
        json!([{"identifier": "0000-0002-1825-0097", "type": "orcid"}]),
    );
    set(
        &mut original,
        "/dmp/contributor",
        json!([{
            "name": "Taro",
            "role": ["DataCollector"],
            "contributor_id": [{"identifier": "a", "type": "orcid"}, {"identifier": "b", "type": "isni"}]
        }]),
    );
    let (doc, _) = parse(&bytes(&original), None).unwrap();
    let exported = export(&doc, Version::V1_1);
    let json = &exported.json;
    assert_eq!(json["$schema"], "./JSON-schema/1.1/maDMP-schema-1.1.json");
    assert!(json.get("x_tool").is_none());
    assert_eq!(
        json["dmp"]["contact"]["contact_id"],
        json!({"identifier": "0000-0002-1825-0097", "type": "orcid"})
    );
    assert!(
        json["dmp"]["contributor"][0]["contributor_id"].is_array(),
        "two ids are not reduced to one"
    );
    let pointers: Vec<&str> = exported.notes.iter().map(|n| n.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/x_tool",
            "/dmp/contributor/0/contributor_id",
            "/dmp/project/0/funding/0/funder_id/type"
        ]
    );
    // The 1.1 output reads back as 1.1 once the funder type is one 1.1 knows.
    let mut fixed = json.clone();
    set(
        &mut fixed,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("url"),
    );
    set(
        &mut fixed,
        "/dmp/contributor/0/contributor_id",
        json!({"identifier": "a", "type": "orcid"}),
    );
    assert_eq!(parse(&bytes(&fixed), None).unwrap().1, Version::V1_1);
}

#[test]
fn export_to_1_0_drops_empty_lists_it_forbids() {
    let mut original = base_doc();
    set(
        &mut original,
        "/dmp/dataset/2/distribution/0/license",
        json!([]),
    );
    set(&mut original, "/dmp/dataset/0/metadata", json!([]));
    set(
        &mut original,
        "/dmp/dataset/0/security_and_privacy",
        json!([]),
    );
    set(
        &mut original,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("fundref"),
    );
    let (doc, _) = parse(&bytes(&original), None).unwrap();
    let exported = export(&doc, Version::V1_0);
    assert!(exported.notes.is_empty(), "{:?}", exported.notes);
    assert!(exported
        .json
        .pointer("/dmp/dataset/2/distribution/0/license")
        .is_none());
    assert!(exported.json.pointer("/dmp/dataset/0/metadata").is_none());
    assert!(exported
        .json
        .pointer("/dmp/dataset/0/security_and_privacy")
        .is_none());
    let (back, _) = parse(&bytes(&exported.json), Some(Version::V1_0)).unwrap();
    assert_eq!(validate(&back, Version::V1_0), Vec::new());
    // 1.1 keeps them.
    assert_eq!(to_json(&doc, Version::V1_1), original);
}
