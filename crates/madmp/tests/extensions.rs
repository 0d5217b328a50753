//! Keys the standard does not define survive import and export at every level.

mod common;

use common::{base_doc, bytes, set};
use dmpgraph_madmp::{parse, to_json, Version};
use serde_json::json;

#[test]
fn unknown_keys_are_kept_at_every_level() {
    let field = json!({"tool": "dmpgraph", "nested": {"list": [1, 2.5, null, "x"]}});
    let at = [
        "/x_tool_field",
        "/dmp/x_tool_field",
        "/dmp/contact/x_tool_field",
        "/dmp/contact/contact_id/x_tool_field",
        "/dmp/dmp_id/x_tool_field",
        "/dmp/project/0/x_tool_field",
        "/dmp/project/0/funding/0/x_tool_field",
        "/dmp/project/0/funding/0/funder_id/x_tool_field",
        "/dmp/dataset/0/x_tool_field",
        "/dmp/dataset/2/x_tool_field",
        "/dmp/dataset/2/dataset_id/x_tool_field",
        "/dmp/dataset/2/distribution/0/x_tool_field",
        "/dmp/dataset/2/distribution/0/host/x_tool_field",
        "/dmp/dataset/2/distribution/0/license/0/x_tool_field",
    ];
    let mut original = base_doc();
    for pointer in at {
        set(&mut original, pointer, field.clone());
    }
    // A key needing pointer escapes (RFC 6901: "~" is "~0", "/" is "~1").
    original["dmp"]
        .as_object_mut()
        .unwrap()
        .insert("a/b~c".to_owned(), json!(1));
    for version in [Version::V1_2, Version::V1_3] {
        let (doc, _) = parse(&bytes(&original), Some(version)).unwrap();
        assert_eq!(to_json(&doc, version), original, "{version}");
        assert_eq!(doc.dmp.extra["x_tool_field"], field);
        let mut keys = doc.extension_keys();
        keys.sort();
        let mut expected: Vec<String> = at.iter().map(|p| p.to_string()).collect();
        expected.push("/dmp/a~1b~0c".to_owned());
        expected.sort();
        assert_eq!(keys, expected);
    }
}

#[test]
fn absent_optional_keys_stay_absent() {
    let original = base_doc();
    let (doc, _) = parse(&bytes(&original), None).unwrap();
    let exported = to_json(&doc, Version::V1_3);
    assert_eq!(exported, original);
    // Compare the text too: no key of the output is null.
    assert!(!serde_json::to_string(&exported).unwrap().contains("null"));
}

#[test]
fn numbers_and_strings_are_kept_as_written() {
    let mut original = base_doc();
    set(
        &mut original,
        "/dmp/cost",
        json!([
            {"title": "Storage", "value": 1000, "currency_code": "JPY"},
            {"title": "Curation", "value": 1000.0},
            {"title": "Backup", "value": 0.1}
        ]),
    );
    set(
        &mut original,
        "/dmp/dataset/2/distribution/0/byte_size",
        json!(18446744073709551615u64),
    );
    set(
        &mut original,
        "/dmp/modified",
        json!("2025-04-02T10:30:00.123456789+09:00"),
    );
    let (doc, _) = parse(&bytes(&original), None).unwrap();
    assert_eq!(to_json(&doc, Version::V1_3), original);
}
