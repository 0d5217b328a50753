//! Each class of malformed input gives an error naming the JSON pointer of
//! the offending value and what was expected; a value that only strays from
//! its key's `format` (an annotation in JSON Schema) is read, kept as
//! written, and reported as a warning naming its pointer.

mod common;

use common::{base_doc, bytes, remove, set};
use dmpgraph_madmp::{
    parse, parse_with_warnings, to_json, validate, ImportError, SchemaFormat, Version, Warning,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Parses `doc` as `version` (or detected) and returns the error's message,
/// checking that the error's pointer is `pointer` and the message starts with it.
fn error_at(doc: &Value, version: Option<Version>, pointer: &str) -> String {
    let error = match parse(&bytes(doc), version) {
        Ok(_) => panic!("expected an error at {pointer}"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert_eq!(error.pointer(), Some(pointer), "{message}");
    assert!(
        message.starts_with(&format!("{pointer}: ")),
        "message should start with the pointer: {message}"
    );
    message
}

/// Parses `doc` as `version` (or detected) and returns its only warning,
/// checking that it is at `pointer`, that its message starts with the
/// pointer, that the value is kept as written (the whole document exports
/// unchanged) and that the strict check refuses that value, at that pointer.
fn warning_at(doc: &Value, version: Option<Version>, pointer: &str) -> Warning {
    let parsed = parse_with_warnings(&bytes(doc), version)
        .unwrap_or_else(|e| panic!("expected a warning at {pointer}, got the error {e}"));
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    let warning = parsed.warnings[0].clone();
    let message = warning.to_string();
    assert_eq!(warning.pointer(), pointer, "{message}");
    assert!(
        message.starts_with(&format!("{pointer}: {:?} is not ", warning.value)),
        "message should start with the pointer and the value: {message}"
    );
    assert!(message.ends_with("; kept as written"), "{message}");
    assert_eq!(
        doc.pointer(pointer).and_then(Value::as_str),
        Some(warning.value.as_str())
    );
    assert_eq!(&to_json(&parsed.document, parsed.version), doc);
    let strict = validate(&parsed.document, parsed.version);
    assert_eq!(strict.len(), 1, "{strict:?}");
    assert_eq!(strict[0].pointer(), Some(pointer), "{}", strict[0]);
    warning
}

#[test]
fn base_document_is_valid_in_1_2_and_1_3() {
    for version in [None, Some(Version::V1_2), Some(Version::V1_3)] {
        let result = parse(&bytes(&base_doc()), version);
        assert!(result.is_ok(), "{version:?}: {result:?}");
    }
}

#[test]
fn not_json() {
    let error = parse(br#"{"dmp": {"title": "x",}"#, None).unwrap_err();
    assert!(
        matches!(error, ImportError::NotJson { line: 1, .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("not JSON: "), "{error}");
    assert_eq!(error.pointer(), None);

    let error = parse(b"", None).unwrap_err();
    assert!(error.to_string().contains("EOF"), "{error}");

    let error = parse(b"{\"dmp\": \"\xff\"}", None).unwrap_err();
    assert!(matches!(error, ImportError::NotJson { .. }), "{error:?}");
}

#[test]
fn byte_order_mark_is_skipped() {
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(bytes(&base_doc()));
    assert!(parse(&with_bom, None).is_ok());
}

#[test]
fn wrong_types() {
    let mut doc = base_doc();
    set(&mut doc, "/dmp/dataset/2/title", json!(5));
    let message = error_at(&doc, None, "/dmp/dataset/2/title");
    assert!(message.contains("expected a string"), "{message}");

    let mut doc = base_doc();
    set(&mut doc, "/dmp/contact", json!("Hanako"));
    let message = error_at(&doc, None, "/dmp/contact");
    assert!(message.contains("expected an object"), "{message}");

    let mut doc = base_doc();
    set(&mut doc, "/dmp/dataset", json!({"title": "not a list"}));
    let message = error_at(&doc, None, "/dmp/dataset");
    assert!(
        message.contains("invalid type: object, expected an array"),
        "{message}"
    );

    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/byte_size",
        json!("1 MB"),
    );
    let message = error_at(&doc, None, "/dmp/dataset/2/distribution/0/byte_size");
    assert!(message.contains("expected a JSON number"), "{message}");

    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/contact/contact_id",
        json!("0000-0002-1825-0097"),
    );
    let message = error_at(&doc, None, "/dmp/contact/contact_id");
    assert!(
        message.contains("expected an object or an array of objects"),
        "{message}"
    );

    // The path survives the one-or-many key: the error is inside the array item.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/contact/contact_id",
        json!([{"identifier": "x", "type": 7}]),
    );
    error_at(&doc, None, "/dmp/contact/contact_id/0/type");

    let mut doc = base_doc();
    set(&mut doc, "/dmp/dataset/0/is_reused", json!("yes"));
    let message = error_at(&doc, None, "/dmp/dataset/0/is_reused");
    assert!(message.contains("expected a boolean"), "{message}");

    let error = parse(b"[]", None).unwrap_err();
    assert_eq!(error.pointer(), Some(""));
    assert!(
        error
            .to_string()
            .starts_with("(document): invalid type: array"),
        "{error}"
    );
}

#[test]
fn null_for_an_optional_key_is_a_type_error_not_absence() {
    let mut doc = base_doc();
    set(&mut doc, "/dmp/description", Value::Null);
    let message = error_at(&doc, None, "/dmp/description");
    assert!(
        message.contains("invalid type: null, expected a string"),
        "{message}"
    );
}

#[test]
fn byte_size_must_be_an_integer() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/byte_size",
        json!(1.5),
    );
    let message = error_at(&doc, None, "/dmp/dataset/2/distribution/0/byte_size");
    assert!(message.contains("not an integer"), "{message}");

    // JSON Schema's integer includes numbers with a zero fraction.
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/byte_size",
        json!(1200000.0),
    );
    assert!(parse(&bytes(&doc), None).is_ok());
}

#[test]
fn missing_required_keys() {
    let mut doc = base_doc();
    remove(&mut doc, "/dmp/contact/mbox");
    let message = error_at(&doc, None, "/dmp/contact/mbox");
    assert!(message.contains("missing required key"), "{message}");

    let mut doc = base_doc();
    remove(&mut doc, "/dmp/dataset/1/personal_data");
    error_at(&doc, None, "/dmp/dataset/1/personal_data");

    let mut doc = base_doc();
    remove(&mut doc, "/dmp/dmp_id");
    error_at(&doc, None, "/dmp/dmp_id");

    let error = parse(br#"{"dmp": {}}"#, None).unwrap_err();
    assert!(matches!(error, ImportError::MissingKey { .. }), "{error:?}");
}

#[test]
fn missing_keys_that_only_some_versions_require() {
    // host.url: required up to 1.2, optional in 1.3.
    let mut doc = base_doc();
    remove(&mut doc, "/dmp/dataset/2/distribution/0/host/url");
    let message = error_at(
        &doc,
        Some(Version::V1_2),
        "/dmp/dataset/2/distribution/0/host/url",
    );
    assert_eq!(
        message,
        "/dmp/dataset/2/distribution/0/host/url: missing required key (maDMP 1.2)"
    );
    assert!(parse(&bytes(&doc), Some(Version::V1_3)).is_ok());

    // project.start/end and funding.grant_id: required in 1.0 only.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("fundref"),
    );
    assert!(parse(&bytes(&doc), Some(Version::V1_0)).is_ok());
    remove(&mut doc, "/dmp/project/0/start");
    remove(&mut doc, "/dmp/project/0/funding/0/grant_id");
    error_at(&doc, Some(Version::V1_0), "/dmp/project/0/start");
    assert!(parse(&bytes(&doc), Some(Version::V1_1)).is_ok());
}

#[test]
fn bad_enum_values() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/data_access",
        json!("public"),
    );
    let message = error_at(&doc, None, "/dmp/dataset/2/distribution/0/data_access");
    assert!(
        message.contains("\"public\"") && message.contains("expected one of: open, restricted"),
        "{message}"
    );

    // `language` is an `enum` of ISO 639-3 codes in every schema: another
    // form of the code is a schema violation, not a format one.
    for other_form in ["ja", "en", "EN", "Eng", "eng-US"] {
        let mut doc = base_doc();
        set(&mut doc, "/dmp/language", json!(other_form));
        let message = error_at(&doc, None, "/dmp/language");
        assert!(message.contains("ISO 639-3"), "{message}");
        set(&mut doc, "/dmp/language", json!("jpn"));
        set(&mut doc, "/dmp/dataset/0/language", json!(other_form));
        error_at(&doc, None, "/dmp/dataset/0/language");
    }

    let mut doc = base_doc();
    set(&mut doc, "/dmp/ethical_issues_exist", json!("maybe"));
    error_at(&doc, None, "/dmp/ethical_issues_exist");

    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/host/geo_location",
        json!("Japan"),
    );
    error_at(
        &doc,
        None,
        "/dmp/dataset/2/distribution/0/host/geo_location",
    );
}

#[test]
fn enum_values_that_depend_on_the_version() {
    // "restricted" came with 1.3: a document read as 1.2 may not use it.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/data_access",
        json!("restricted"),
    );
    let message = error_at(
        &doc,
        Some(Version::V1_2),
        "/dmp/dataset/2/distribution/0/data_access",
    );
    assert!(message.contains("not allowed in maDMP 1.2"), "{message}");

    // 1.0 and 1.1 close the identifier-type lists that 1.2 opened.
    let doc = base_doc(); // funder_id type "ror"
    let message = error_at(
        &doc,
        Some(Version::V1_1),
        "/dmp/project/0/funding/0/funder_id/type",
    );
    assert!(message.contains("fundref, url, other"), "{message}");
}

#[test]
fn array_identifiers_need_1_2() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("fundref"),
    );
    set(
        &mut doc,
        "/dmp/contact/contact_id",
        json!([{"identifier": "0000-0002-1825-0097", "type": "orcid"}]),
    );
    assert!(parse(&bytes(&doc), Some(Version::V1_2)).is_ok());
    let message = error_at(&doc, Some(Version::V1_1), "/dmp/contact/contact_id");
    assert!(message.contains("single object"), "{message}");

    set(&mut doc, "/dmp/contact/contact_id", json!([]));
    let message = error_at(&doc, Some(Version::V1_3), "/dmp/contact/contact_id");
    assert!(message.contains("at least one"), "{message}");
}

#[test]
fn bad_dates_are_warnings() {
    for bad in [
        "2027-6-30",
        "2027-06-31",
        "30/06/2027",
        "2027-06-30T00:00:00Z",
        "+2027-06-30",
    ] {
        let mut doc = base_doc();
        set(&mut doc, "/dmp/dataset/1/issued", json!(bad));
        let warning = warning_at(&doc, None, "/dmp/dataset/1/issued");
        assert_eq!(warning.format, SchemaFormat::Date, "{bad}");
        assert_eq!(
            warning.to_string(),
            format!(
                "/dmp/dataset/1/issued: {bad:?} is not a calendar date YYYY-MM-DD (format date); kept as written"
            )
        );
        let strict = validate(&parse(&bytes(&doc), None).unwrap().0, Version::V1_2);
        assert!(
            matches!(&strict[0], ImportError::BadDate { value, .. } if value == bad),
            "{strict:?}"
        );
        assert!(
            strict[0].to_string().contains("not a date"),
            "{}",
            strict[0]
        );
    }
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/license/0/start_date",
        json!("April 2028"),
    );
    warning_at(
        &doc,
        None,
        "/dmp/dataset/2/distribution/0/license/0/start_date",
    );
}

#[test]
fn bad_date_times_are_warnings() {
    for bad in [
        "2025-04-01",
        "2025-04-01T09:00:00",
        "2025-04-01T25:00:00Z",
        "yesterday",
    ] {
        let mut doc = base_doc();
        set(&mut doc, "/dmp/created", json!(bad));
        let warning = warning_at(&doc, None, "/dmp/created");
        assert_eq!(warning.format, SchemaFormat::DateTime, "{bad}");
        let message = warning.to_string();
        assert!(
            message.contains("is not an RFC 3339 date-time with a time zone")
                && message.contains("(format date-time)"),
            "{bad}: {message}"
        );
        let strict = validate(&parse(&bytes(&doc), None).unwrap().0, Version::V1_2);
        assert!(
            strict[0].to_string().contains("not a date-time"),
            "{bad}: {}",
            strict[0]
        );
    }
}

#[test]
fn bad_uris_are_warnings() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/host/url",
        json!("humandbs.dbcls.jp"),
    );
    let warning = warning_at(&doc, None, "/dmp/dataset/2/distribution/0/host/url");
    // 1.2 and 1.3 name the format `url`, 1.0 and 1.1 `uri`.
    assert_eq!(warning.format, SchemaFormat::Url);
    assert_eq!(
        warning.to_string(),
        "/dmp/dataset/2/distribution/0/host/url: \"humandbs.dbcls.jp\" is not an absolute URI (format url; No scheme found in an absolute IRI); kept as written"
    );
    let strict = validate(&parse(&bytes(&doc), None).unwrap().0, Version::V1_2);
    assert!(
        strict[0]
            .to_string()
            .starts_with("/dmp/dataset/2/distribution/0/host/url: not a URI"),
        "{}",
        strict[0]
    );

    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/license/0/license_ref",
        json!("https://example.org/a b"),
    );
    let warning = warning_at(
        &doc,
        None,
        "/dmp/dataset/2/distribution/0/license/0/license_ref",
    );
    assert!(
        warning.reason.as_deref().is_some_and(|r| r.contains("' '")),
        "{warning:?}"
    );

    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/related_identifier",
        json!([{
            "identifier": "https://doi.org/10.1234/x",
            "relation_type": "Cites",
            "type": "doi",
            "scheme_uri": "DataCite schema"
        }]),
    );
    let warning = warning_at(&doc, None, "/dmp/related_identifier/0/scheme_uri");
    assert_eq!(warning.format, SchemaFormat::Uri);

    // IRIs with non-ASCII characters are accepted, without a warning.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/host/url",
        json!("https://例え.jp/データ"),
    );
    let parsed = parse_with_warnings(&bytes(&doc), None).unwrap();
    assert_eq!(parsed.warnings, Vec::new());
    assert_eq!(validate(&parsed.document, parsed.version), Vec::new());

    // access_url has no format in any version: anything goes, silently.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/access_url",
        json!("ask the data manager"),
    );
    for version in Version::ALL {
        let mut doc = doc.clone();
        if version <= Version::V1_1 {
            set(
                &mut doc,
                "/dmp/project/0/funding/0/funder_id/type",
                json!("fundref"),
            );
        }
        let parsed = parse_with_warnings(&bytes(&doc), Some(version)).unwrap();
        assert_eq!(parsed.warnings, Vec::new(), "{version}");
        assert_eq!(validate(&parsed.document, version), Vec::new(), "{version}");
    }

    // ethical_issues_report is a URI in 1.0 and 1.1, free text from 1.2 on.
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("fundref"),
    );
    set(
        &mut doc,
        "/dmp/ethical_issues_report",
        json!("see the committee's minutes"),
    );
    let parsed = parse_with_warnings(&bytes(&doc), Some(Version::V1_2)).unwrap();
    assert_eq!(parsed.warnings, Vec::new());
    let warning = warning_at(&doc, Some(Version::V1_1), "/dmp/ethical_issues_report");
    assert_eq!(warning.format, SchemaFormat::Uri);
    assert!(warning.to_string().contains("(format uri;"), "{warning}");
}

#[test]
fn every_stray_format_is_one_warning_in_document_order() {
    let mut doc = base_doc();
    set(&mut doc, "/dmp/modified", json!("2025-04-02"));
    set(&mut doc, "/dmp/created", json!("2025-04-01T09:00:00"));
    set(
        &mut doc,
        "/dmp/dataset/2/distribution/0/host/url",
        json!("10.25504/FAIRsharing.abc123"),
    );
    set(
        &mut doc,
        "/dmp/dataset/1/issued",
        json!("2027-06-30T00:00:00Z"),
    );
    let parsed = parse_with_warnings(&bytes(&doc), None).unwrap();
    let pointers: Vec<&str> = parsed.warnings.iter().map(Warning::pointer).collect();
    assert_eq!(
        pointers,
        [
            "/dmp/created",
            "/dmp/dataset/1/issued",
            "/dmp/dataset/2/distribution/0/host/url",
            "/dmp/modified",
        ]
    );
    assert_eq!(to_json(&parsed.document, parsed.version), doc);
    // `parse` reads it too, and the strict check refuses every value.
    let (read, _) = parse(&bytes(&doc), None).unwrap();
    assert_eq!(read, parsed.document);
    let strict: Vec<String> = validate(&read, Version::V1_2)
        .iter()
        .map(|e| e.pointer().expect("a pointer").to_owned())
        .collect();
    assert_eq!(strict, pointers);

    // A schema error still refuses the document, whatever the warnings.
    set(&mut doc, "/dmp/language", json!("en"));
    let error = parse_with_warnings(&bytes(&doc), None).unwrap_err();
    assert_eq!(error.pointer(), Some("/dmp/language"), "{error}");
}

#[test]
fn repeated_roles() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/contributor",
        json!([{
            "name": "Taro",
            "contributor_id": {"identifier": "x", "type": "other"},
            "role": ["DataManager", "DataManager"]
        }]),
    );
    let message = error_at(&doc, None, "/dmp/contributor/0/role/1");
    assert!(message.contains("unique"), "{message}");
}

#[test]
fn root_keys_in_1_1() {
    let mut doc = base_doc();
    set(
        &mut doc,
        "/dmp/project/0/funding/0/funder_id/type",
        json!("fundref"),
    );
    set(
        &mut doc,
        "/$schema",
        json!("./JSON-schema/1.1/maDMP-schema-1.1.json"),
    );
    assert_eq!(parse(&bytes(&doc), None).unwrap().1, Version::V1_1);
    set(&mut doc, "/x_tool", json!(1));
    error_at(&doc, None, "/x_tool");
}

/// Builds the deepest nesting the brief asks for (25 million `[`, 25 MB; the
/// brief's 50 MB is the same shape) and checks that it is a clean error.
#[test]
fn absurd_nesting_is_a_clean_error() {
    let started = Instant::now();
    let mut deep = vec![b'['; 25_000_000];
    deep.extend(std::iter::repeat_n(b']', 25_000_000));
    let error = parse(&deep, None).unwrap_err();
    assert!(matches!(error, ImportError::TooDeep { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("nested too deeply"), "{message}");
    assert!(message.contains("recursion limit"), "{message}");

    // The same inside an otherwise valid document, in an extension key.
    let mut doc = bytes(&base_doc());
    doc.pop(); // the root's closing brace: the extension key goes at the root
    doc.extend(b",\"x_deep\":");
    for _ in 0..1_000_000 {
        doc.extend(b"{\"a\":");
    }
    let error = parse(&doc, None).unwrap_err();
    assert!(matches!(error, ImportError::TooDeep { .. }), "{error:?}");

    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}
