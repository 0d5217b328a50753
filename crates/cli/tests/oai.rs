//! OAI-PMH over real HTTP on `dmpgraph serve`: every response validated
//! against the OAI-PMH 2.0 XSD and every oai_dc record against oai_dc.xsd
//! with `xmllint` (offline, through the shared XML catalog); a whole harvest
//! through resumption tokens; each error code provoked; deletes persistent;
//! no private value of the examples in any response.

mod common;

use common::http::*;
use common::*;
use std::path::Path;

const PAGE: usize = 2;

fn oai(server: &Server, query: &str) -> String {
    let r = get(server, &format!("/oai?{query}"), "text/xml");
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    assert!(r.content_type.starts_with("text/xml"), "{}", r.content_type);
    r.body
}

/// Validates `xml` against `schema` (a path under the standards folder).
fn valid(standards: &Path, schema: &str, xml: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(standards.join(schema))
        .arg(&file)
        .env("XML_CATALOG_FILES", standards.join("xml/catalog.xml"))
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{what} does not validate against {schema}:\n{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `<oai_dc:dc>` element of a response, as a document of its own.
fn oai_dc_records(xml: &str) -> Vec<String> {
    xml.split("<oai_dc:dc ")
        .skip(1)
        .map(|rest| {
            let end = rest.find("</oai_dc:dc>").expect("closed") + "</oai_dc:dc>".len();
            format!(
                "<oai_dc:dc xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" {}",
                &rest[..end]
            )
        })
        .collect()
}

fn between<'a>(xml: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = xml.find(open)? + open.len();
    let end = xml[start..].find(close)? + start;
    Some(&xml[start..end])
}

/// The resumption token of a list page: `None` when the element is absent,
/// `Some("")` when empty.
fn token(xml: &str) -> Option<String> {
    let start = xml.find("<resumptionToken")?;
    let rest = &xml[start..];
    let gt = rest.find('>')?;
    if rest[..gt].ends_with('/') {
        return Some(String::new());
    }
    let end = rest.find("</resumptionToken>")?;
    Some(rest[gt + 1..end].to_string())
}

fn error_code(xml: &str) -> Option<String> {
    between(xml, "<error code=\"", "\"").map(str::to_owned)
}

/// Every page of a list, following its resumption tokens to the end.
fn pages(server: &Server, verb: &str, args: &str) -> Vec<String> {
    let mut pages = Vec::new();
    let mut query = format!("verb={verb}&{args}");
    loop {
        let xml = oai(server, &query);
        let next = token(&xml);
        pages.push(xml);
        match next {
            Some(t) if !t.is_empty() => query = format!("verb={verb}&resumptionToken={}", enc(&t)),
            _ => break,
        }
        assert!(pages.len() < 1000, "the harvest does not end");
    }
    pages
}

/// Harvests a whole list through its tokens; every page validated. Returns
/// the identifiers.
fn harvest(server: &Server, standards: &Path, verb: &str, args: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for xml in pages(server, verb, args) {
        valid(
            standards,
            "oai-pmh/OAI-PMH.xsd",
            &xml,
            &format!("{verb} {args}"),
        );
        for record in oai_dc_records(&xml) {
            valid(standards, "oai-pmh/oai_dc.xsd", &record, "an oai_dc record");
        }
        ids.extend(
            xml.split("<identifier>")
                .skip(1)
                .map(|s| s[..s.find("</identifier>").unwrap()].to_string()),
        );
    }
    ids
}

#[test]
fn a_harvester_takes_every_plan_and_every_error_is_an_oai_pmh_document() {
    let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
        return;
    };
    if !dmpgraph_dev::testing::tool_ready("xmllint") {
        return;
    }
    let store = ingested_examples();
    let (_, _, entries) = dump(store.path());
    let plans = plans(&entries);
    assert!(plans.len() > PAGE, "the examples fill several pages");
    let server = Server::start(
        store.path(),
        &[
            "--oai-page-size",
            &PAGE.to_string(),
            "--oai-repository-identifier",
            "dmp.example.org",
        ],
    );

    for query in ["verb=Identify", "verb=ListSets", "verb=ListMetadataFormats"] {
        let xml = oai(&server, query);
        valid(&standards, "oai-pmh/OAI-PMH.xsd", &xml, query);
        assert_eq!(error_code(&xml), None, "{xml}");
    }
    let identify = oai(&server, "verb=Identify");
    assert!(identify.contains("<deletedRecord>persistent</deletedRecord>"));
    assert!(identify.contains("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>"));
    assert!(identify.contains("<repositoryIdentifier>dmp.example.org</repositoryIdentifier>"));

    // A whole harvest, both list verbs, also over POST for the first page.
    let ids = harvest(&server, &standards, "ListRecords", "metadataPrefix=oai_dc");
    let mut expected: Vec<String> = plans
        .iter()
        .map(|e| format!("oai:dmp.example.org:{}", e.key))
        .collect();
    expected.sort();
    let mut got = ids.clone();
    got.sort();
    assert_eq!(got, expected, "every plan once");
    let headers = harvest(
        &server,
        &standards,
        "ListIdentifiers",
        "metadataPrefix=oai_dc",
    );
    assert_eq!(headers, ids, "the same order both ways");
    let posted = post(
        &server,
        "/oai",
        "application/x-www-form-urlencoded",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=dmp%3Aamed",
        "text/xml",
    );
    assert_eq!(posted.status, 200);
    valid(&standards, "oai-pmh/OAI-PMH.xsd", &posted.body, "POST");
    assert!(posted.body.contains("<setSpec>dmp:amed</setSpec>"));

    let first = &ids[0];
    let record = oai(
        &server,
        &format!(
            "verb=GetRecord&metadataPrefix=oai_dc&identifier={}",
            enc(first)
        ),
    );
    valid(&standards, "oai-pmh/OAI-PMH.xsd", &record, "GetRecord");
    assert_eq!(error_code(&record), None, "{record}");

    // Every error code the examples can provoke, each in a valid document.
    let cases = [
        ("", "badVerb"),
        ("verb=Harvest", "badVerb"),
        ("verb=Identify&verb=Identify", "badVerb"),
        ("verb=Identify&set=dmp", "badArgument"),
        ("verb=ListRecords", "badArgument"),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&set=a&set=b",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-01&until=2030-01-01T00:00:00Z",
            "badArgument",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2020-02-30",
            "badArgument",
        ),
        (
            "verb=ListRecords&resumptionToken=forged.token",
            "badResumptionToken",
        ),
        (
            "verb=ListRecords&metadataPrefix=datacite_99",
            "cannotDisseminateFormat",
        ),
        (
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:dmp.example.org:dmp:none",
            "idDoesNotExist",
        ),
        (
            "verb=ListMetadataFormats&identifier=oai:elsewhere:dmp:x",
            "idDoesNotExist",
        ),
        (
            "verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01",
            "noRecordsMatch",
        ),
        (
            "verb=ListIdentifiers&metadataPrefix=oai_dc&set=nothing",
            "noRecordsMatch",
        ),
    ];
    for (query, code) in cases {
        let xml = oai(&server, query);
        valid(&standards, "oai-pmh/OAI-PMH.xsd", &xml, query);
        assert_eq!(error_code(&xml).as_deref(), Some(code), "{query}: {xml}");
    }
    // A token altered by one character is refused.
    let page = oai(&server, "verb=ListIdentifiers&metadataPrefix=oai_dc");
    let t = token(&page).expect("a first page has a token");
    let mut altered = t.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let xml = oai(
        &server,
        &format!("verb=ListIdentifiers&resumptionToken={}", enc(&altered)),
    );
    assert_eq!(
        error_code(&xml).as_deref(),
        Some("badResumptionToken"),
        "{xml}"
    );
    // A token of one verb is refused by the other.
    let xml = oai(
        &server,
        &format!("verb=ListRecords&resumptionToken={}", enc(&t)),
    );
    assert_eq!(
        error_code(&xml).as_deref(),
        Some("badResumptionToken"),
        "{xml}"
    );

    // No private value of the examples in any response.
    let mut everything = oai(&server, "verb=Identify") + &oai(&server, "verb=ListSets");
    everything.extend(pages(&server, "ListRecords", "metadataPrefix=oai_dc"));
    for value in example_private_values() {
        assert!(
            !everything.contains(&value),
            "private value {value:?} in an OAI-PMH response"
        );
    }

    // Deletes are persistent: the deleted plan keeps a header with
    // status="deleted", in GetRecord and in the lists; a token issued
    // before the delete still works.
    let early = oai(&server, "verb=ListIdentifiers&metadataPrefix=oai_dc");
    let early_token = token(&early).unwrap();
    let id = plans[0].key.to_string();
    let out = run(&["delete", "--store", s(store.path()), &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let item = format!("oai:dmp.example.org:{id}");
    let record = oai(
        &server,
        &format!(
            "verb=GetRecord&metadataPrefix=oai_dc&identifier={}",
            enc(&item)
        ),
    );
    valid(
        &standards,
        "oai-pmh/OAI-PMH.xsd",
        &record,
        "a deleted record",
    );
    assert!(record.contains("<header status=\"deleted\">"), "{record}");
    assert!(!record.contains("<metadata>"), "{record}");
    let after = harvest(
        &server,
        &standards,
        "ListIdentifiers",
        "metadataPrefix=oai_dc",
    );
    assert_eq!(after.len(), ids.len(), "the tombstone is still listed");
    let resumed = oai(
        &server,
        &format!("verb=ListIdentifiers&resumptionToken={}", enc(&early_token)),
    );
    assert_eq!(error_code(&resumed), None, "{resumed}");
    println!(
        "harvested {} plans in pages of {PAGE}, {} error cases, every response valid",
        ids.len(),
        cases.len()
    );
}

#[test]
fn sickle_harvests_every_set_and_format_to_the_end_and_incrementally() {
    if !python_ready("sickle") {
        return;
    }
    let store = ingested_examples();
    let (_, _, entries) = dump(store.path());
    let plans = plans(&entries);
    let server = Server::start(store.path(), &["--oai-page-size", "3"]);
    // A change after every stored datestamp: the incremental harvest from
    // then takes it alone (a deletion, as a deleted header).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let from = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let deleted = plans[0].key.to_string();
    let out = run(&["delete", "--store", s(store.path()), &deleted]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let in_set = |set: &str| {
        plans
            .iter()
            .filter(|e| e.sets.iter().any(|s| s == set))
            .count()
    };
    let mut expected = serde_json::Map::new();
    expected.insert(String::new(), plans.len().into());
    for set in ["dmp", "dmp:amed", "dmp:madmp"] {
        if in_set(set) > 0 {
            expected.insert(set.into(), in_set(set).into());
        }
    }
    let task = serde_json::json!({
        "endpoint": server.url("/oai"),
        "expected": expected,
        "from": from,
        "changed": [format!("oai:localhost:{deleted}")],
    });
    let script = repo_root().join("crates/cli/tests/python/oai_harvest.py");
    let report = run_python(&script, &task);
    println!("{report}");
    assert!(report.contains(" 0 problems"), "{report}");
}
