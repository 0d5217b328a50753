//! OAI-PMH over real HTTP on `dmpgraph serve`: every response validated
//! against the OAI-PMH 2.0 XSD and every record against its format's XSD
//! (`oai_dc.xsd`, JPCOAR 2.0's `jpcoar_scm.xsd`, DataCite kernel-4's
//! `metadata.xsd`; the `rdf` format parsed as RDF/XML) with `xmllint`,
//! offline through the shared XML catalog; every JPCOAR record checked
//! against IRDB's rules; whole harvests through resumption tokens, in every
//! format and set; each error code provoked; deletes persistent; tokens
//! surviving adds and deletes; embargoes lifting with `--today`; no private
//! value of the examples in any response.

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
    if let Err(e) = dmpgraph_dev::testing::xmllint(standards, schema, xml) {
        panic!("{what} does not validate against {schema}:\n{e}\n{xml}");
    }
}

/// The formats served: (prefix, the record's root element, its XSD under
/// the standards folder; `None`: RDF/XML, parsed instead).
const FORMATS: &[(&str, &str, Option<&str>)] = &[
    ("oai_dc", "oai_dc:dc", Some("oai-pmh/oai_dc.xsd")),
    (
        "jpcoar_2.0",
        "jpcoar:jpcoar",
        Some("jpcoar/2.0/jpcoar_scm.xsd"),
    ),
    (
        "oai_datacite",
        "resource",
        Some("datacite/kernel-4/metadata.xsd"),
    ),
    ("rdf", "rdf:RDF", None),
];

/// Every record's metadata (the one element inside `<metadata>`) of a
/// response, as a document of its own (with the xsi prefix the response
/// declared).
fn records_of(xml: &str) -> Vec<String> {
    xml.split("<metadata>")
        .skip(1)
        .map(|rest| {
            let end = rest.find("</metadata>").expect("closed");
            let body = rest[..end].trim();
            // The root element's name, then the xsi declaration after it.
            let name_end = body.find([' ', '>']).expect("an element");
            format!(
                "{} xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"{}",
                &body[..name_end],
                &body[name_end..]
            )
        })
        .collect()
}

/// Checks one record of `prefix`: its XSD, or (rdf) that it parses as
/// RDF/XML into triples about the item.
fn check_record(standards: &Path, prefix: &str, record: &str) {
    let (_, root, schema) = FORMATS.iter().find(|f| f.0 == prefix).expect("a format");
    assert!(
        record.starts_with(&format!("<{root}")),
        "{prefix}: {record}"
    );
    match schema {
        Some(schema) => valid(standards, schema, record, &format!("a {prefix} record")),
        None => {
            let triples: Vec<_> =
                oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::RdfXml)
                    .for_slice(record.as_bytes())
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap_or_else(|e| panic!("not RDF/XML ({e}): {record}"));
            assert!(triples.len() > 3, "{record}");
        }
    }
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

/// Harvests a whole list through its tokens; every page validated, every
/// record checked, `completeListSize` and `cursor` checked on every page.
/// Returns the identifiers and the records.
fn harvest(
    server: &Server,
    standards: &Path,
    verb: &str,
    args: &str,
) -> (Vec<String>, Vec<String>) {
    let prefix = between(&format!("{args}&"), "metadataPrefix=", "&")
        .unwrap_or("oai_dc")
        .to_string();
    let mut ids = Vec::new();
    let mut records = Vec::new();
    let all = pages(server, verb, args);
    let mut sizes = Vec::new();
    for (i, xml) in all.iter().enumerate() {
        valid(
            standards,
            "oai-pmh/OAI-PMH.xsd",
            xml,
            &format!("{verb} {args}"),
        );
        assert_eq!(error_code(xml), None, "{verb} {args}: {xml}");
        let page_ids: Vec<String> = xml
            .split("<identifier>")
            .skip(1)
            .map(|s| s[..s.find("</identifier>").unwrap()].to_string())
            .collect();
        assert!(!page_ids.is_empty(), "page {i} of {verb} {args} is empty");
        if all.len() > 1 {
            let cursor = between(xml, "cursor=\"", "\"").expect("a cursor");
            assert_eq!(
                cursor.parse::<usize>().unwrap(),
                ids.len(),
                "cursor of page {i}"
            );
            sizes.push(
                between(xml, "completeListSize=\"", "\"")
                    .expect("a size")
                    .to_string(),
            );
        }
        if verb == "ListRecords" {
            for record in records_of(xml) {
                check_record(standards, &prefix, &record);
                records.push(record);
            }
        }
        ids.extend(page_ids);
    }
    for size in sizes {
        assert_eq!(
            size.parse::<usize>().unwrap(),
            ids.len(),
            "completeListSize of {verb} {args}"
        );
    }
    (ids, records)
}

/// The OAI identifiers of every item of the stored plans (tombstones too).
fn items(entries: &[dmpgraph_store::RecordEntry], repo: &str) -> Vec<String> {
    let mut out: Vec<String> = plans(entries)
        .iter()
        .flat_map(|e| {
            e.items
                .iter()
                .map(|i| {
                    format!(
                        "oai:{repo}:{}",
                        dmpgraph_store::items::item_key(&e.key, i.n)
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_harvester_takes_every_item_in_every_format_and_every_error_is_an_oai_pmh_document() {
    let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
        return;
    };
    if !dmpgraph_dev::testing::tool_ready("xmllint") {
        return;
    }
    let store = ingested_examples();
    let (_, _, entries) = dump(store.path());
    let repo = "dmp.example.org";
    let expected = items(&entries, repo);
    assert!(
        expected.iter().any(|i| i.contains(":dataset:")),
        "datasets are items"
    );
    assert!(expected.len() > 4 * PAGE, "the examples fill several pages");
    let server = Server::start(
        store.path(),
        &[
            "--oai-page-size",
            &PAGE.to_string(),
            "--oai-repository-identifier",
            repo,
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
    assert!(identify.contains(&format!(
        "<repositoryIdentifier>{repo}</repositoryIdentifier>"
    )));
    let formats = oai(&server, "verb=ListMetadataFormats");
    for (prefix, _, _) in FORMATS {
        assert!(
            formats.contains(&format!("<metadataPrefix>{prefix}</metadataPrefix>")),
            "{formats}"
        );
    }

    // A whole harvest in every format, both list verbs; every record valid.
    let mut everything = identify.clone() + &oai(&server, "verb=ListSets");
    let mut first_ids = Vec::new();
    for (prefix, _, _) in FORMATS {
        let args = format!("metadataPrefix={prefix}");
        let (ids, records) = harvest(&server, &standards, "ListRecords", &args);
        let mut got = ids.clone();
        got.sort();
        assert_eq!(got, expected, "every item once ({prefix})");
        assert_eq!(
            records.len(),
            expected.len(),
            "a record per item ({prefix})"
        );
        let (headers, _) = harvest(&server, &standards, "ListIdentifiers", &args);
        assert_eq!(headers, ids, "the same order both ways ({prefix})");
        if *prefix == "jpcoar_2.0" {
            for record in &records {
                let problems = common::irdb::irdb_problems(record);
                assert!(
                    problems.is_empty(),
                    "IRDB would refuse {problems:?}:\n{record}"
                );
            }
        }
        everything.extend(records);
        first_ids = ids;
    }
    // Every set, to the end: each page full but the last, the last page of
    // a list whose size is a multiple of the page size included.
    let sets = oai(&server, "verb=ListSets");
    let specs: Vec<String> = sets
        .split("<setSpec>")
        .skip(1)
        .map(|s| s[..s.find("</setSpec>").unwrap()].to_string())
        .collect();
    for wanted in [
        "type",
        "type:dmp",
        "type:dataset",
        "source:amed",
        "source:madmp",
        "programme",
        "sharing:unrestricted-publication",
        "subject:human-individual",
    ] {
        assert!(
            specs.iter().any(|s| s == wanted),
            "set {wanted} in {specs:?}"
        );
    }
    let mut multiple = 0;
    for spec in &specs {
        let in_set: Vec<String> = plans(&entries)
            .iter()
            .flat_map(|e| {
                e.items
                    .iter()
                    .filter(|i| i.sets.contains(spec))
                    .map(|i| {
                        format!(
                            "oai:{repo}:{}",
                            dmpgraph_store::items::item_key(&e.key, i.n)
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let (mut ids, _) = harvest(
            &server,
            &standards,
            "ListIdentifiers",
            &format!("metadataPrefix=oai_dc&set={}", enc(spec)),
        );
        ids.sort();
        let mut want = in_set.clone();
        want.sort();
        assert_eq!(ids, want, "set {spec}");
        if want.len().is_multiple_of(PAGE) && want.len() > PAGE {
            multiple += 1;
        }
    }
    assert!(
        multiple > 0,
        "a set whose size is a multiple of the page size was harvested"
    );
    let posted = post(
        &server,
        "/oai",
        "application/x-www-form-urlencoded",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=source%3Aamed",
        "text/xml",
    );
    assert_eq!(posted.status, 200);
    valid(&standards, "oai-pmh/OAI-PMH.xsd", &posted.body, "POST");
    assert!(posted.body.contains("<setSpec>source:amed</setSpec>"));

    let first = &first_ids[0];
    for (prefix, _, _) in FORMATS {
        let record = oai(
            &server,
            &format!(
                "verb=GetRecord&metadataPrefix={prefix}&identifier={}",
                enc(first)
            ),
        );
        valid(&standards, "oai-pmh/OAI-PMH.xsd", &record, "GetRecord");
        assert_eq!(error_code(&record), None, "{record}");
    }

    // Every error code, each in a valid document.
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
            "verb=ListSets&resumptionToken=forged.token",
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
            "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:dmp.example.org:dataset:23ck0106789h0001:99",
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
    for value in example_private_values() {
        assert!(
            !common::reveals(&everything, &value),
            "private value {value:?} in an OAI-PMH response"
        );
    }

    // A token issued before records are added and deleted still works and
    // skips nothing that existed when it was issued; deletes are
    // persistent: the deleted plan and each of its datasets keep a header
    // with status="deleted", in GetRecord and in the lists.
    let early = oai(&server, "verb=ListIdentifiers&metadataPrefix=oai_dc");
    let early_token = token(&early).unwrap();
    let plan = plans(&entries)
        .into_iter()
        .find(|e| e.items.len() > 1)
        .expect("a plan with datasets");
    let id = plan.key.to_string();
    let out = run(&["delete", "--store", s(store.path()), &id]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let extra = tempfile::tempdir().unwrap();
    let doc =
        std::fs::read_to_string(examples().join("madmp/kakenhi-pancreatic-organoid-1.3.json"))
            .unwrap()
            .replace("10.48321/D1KAKEN0001", "10.48321/D1KAKEN0002");
    std::fs::write(extra.path().join("new.json"), doc).unwrap();
    ingest_ok(store.path(), &[], extra.path());
    let mut resumed: Vec<String> = early
        .split("<identifier>")
        .skip(1)
        .map(|s| s[..s.find("</identifier>").unwrap()].to_string())
        .collect();
    let mut query = format!("verb=ListIdentifiers&resumptionToken={}", enc(&early_token));
    loop {
        let xml = oai(&server, &query);
        assert_eq!(error_code(&xml), None, "{xml}");
        resumed.extend(
            xml.split("<identifier>")
                .skip(1)
                .map(|s| s[..s.find("</identifier>").unwrap()].to_string()),
        );
        match token(&xml) {
            Some(t) if !t.is_empty() => {
                query = format!("verb=ListIdentifiers&resumptionToken={}", enc(&t))
            }
            _ => break,
        }
    }
    for item in &expected {
        assert!(
            resumed.contains(item),
            "{item} skipped by a token issued before the changes"
        );
    }
    assert!(
        resumed.iter().any(|i| i.contains("d1kaken0002")),
        "the record added since is listed too"
    );
    for item in plan.items.iter().map(|i| {
        format!(
            "oai:{repo}:{}",
            dmpgraph_store::items::item_key(&plan.key, i.n)
        )
    }) {
        let record = oai(
            &server,
            &format!(
                "verb=GetRecord&metadataPrefix=jpcoar_2.0&identifier={}",
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
    }
    // A deleted item has a header but no metadata in any format.
    let gone = format!("oai:{repo}:{id}");
    let xml = oai(
        &server,
        &format!("verb=ListMetadataFormats&identifier={}", enc(&gone)),
    );
    valid(&standards, "oai-pmh/OAI-PMH.xsd", &xml, "noMetadataFormats");
    assert_eq!(
        error_code(&xml).as_deref(),
        Some("noMetadataFormats"),
        "{xml}"
    );
    let (after, _) = harvest(
        &server,
        &standards,
        "ListIdentifiers",
        "metadataPrefix=oai_dc",
    );
    assert_eq!(
        after.len(),
        expected.len() + 3,
        "the tombstones are still listed, with the new plan's three items"
    );
    let earliest = between(&oai(&server, "verb=Identify"), "<earliestDatestamp>", "<")
        .unwrap()
        .to_string();
    let first_listed = between(
        &oai(&server, "verb=ListIdentifiers&metadataPrefix=oai_dc"),
        "<datestamp>",
        "<",
    )
    .unwrap()
    .to_string();
    assert_eq!(
        earliest, first_listed,
        "earliestDatestamp is the first item's, tombstones counted"
    );
    println!(
        "harvested {} items in {} formats in pages of {PAGE}, {} sets, {} error cases, every response and record valid",
        expected.len(),
        FORMATS.len(),
        specs.len(),
        cases.len() + 1
    );
}

#[test]
fn an_empty_repository_has_no_sets() {
    let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
        return;
    };
    if !dmpgraph_dev::testing::tool_ready("xmllint") {
        return;
    }
    let store = tempfile::tempdir().unwrap();
    let nothing = tempfile::tempdir().unwrap();
    let out = run(&["ingest", "--store", s(store.path()), s(nothing.path())]);
    assert!(store.path().join("public").is_dir(), "{}", stderr(&out));
    let server = Server::start(store.path(), &[]);
    for query in [
        "verb=ListSets",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&set=type:dmp",
    ] {
        let xml = oai(&server, query);
        valid(&standards, "oai-pmh/OAI-PMH.xsd", &xml, query);
        assert_eq!(error_code(&xml).as_deref(), Some("noSetHierarchy"), "{xml}");
    }
    let xml = oai(&server, "verb=ListRecords&metadataPrefix=oai_dc");
    assert_eq!(error_code(&xml).as_deref(), Some("noRecordsMatch"), "{xml}");
}

#[test]
fn a_dataset_opens_when_its_planned_publication_date_passes() {
    let Some(standards) = dmpgraph_dev::testing::standards_dir() else {
        return;
    };
    if !dmpgraph_dev::testing::tool_ready("xmllint") {
        return;
    }
    // cancer-genome's dataset 3 is shared openly (非制限公開) from 2026-06-30.
    let store = tempfile::tempdir().unwrap();
    ingest_ok(
        store.path(),
        &["--today", "2026-01-01"],
        &examples().join("amed/cancer-genome.xlsx"),
    );
    let item = "oai:localhost:dataset:23ck0106789h0001:3";
    let query = format!(
        "verb=GetRecord&metadataPrefix=jpcoar_2.0&identifier={}",
        enc(item)
    );
    let (before, stamp_before) = {
        let server = Server::start(store.path(), &["--today", "2026-01-01"]);
        let xml = oai(&server, &query);
        valid(&standards, "oai-pmh/OAI-PMH.xsd", &xml, "embargoed");
        let stamp = between(&xml, "<datestamp>", "<").unwrap().to_string();
        (xml, stamp)
    };
    assert!(
        before.contains("http://purl.org/coar/access_right/c_f1cf"),
        "{before}"
    );
    assert!(before.contains("embargoed access"), "{before}");
    assert!(
        before.contains("dateType=\"Available\">2026-06-30<"),
        "{before}"
    );
    for record in records_of(&before) {
        check_record(&standards, "jpcoar_2.0", &record);
        assert!(common::irdb::irdb_problems(&record).is_empty(), "{record}");
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let server = Server::start(store.path(), &["--today", "2026-07-01"]);
    let after = oai(&server, &query);
    let stamp_after = between(&after, "<datestamp>", "<").unwrap().to_string();
    assert!(
        stamp_after > stamp_before,
        "{stamp_before} then {stamp_after}"
    );
    assert!(
        after.contains("http://purl.org/coar/access_right/c_abf2"),
        "{after}"
    );
    assert!(after.contains(">open access<"), "{after}");
    assert!(!after.contains("dateType=\"Available\""), "{after}");
    // An incremental harvest from the first datestamp's next second takes it.
    let next =
        chrono::DateTime::parse_from_rfc3339(&stamp_before).unwrap() + chrono::Duration::seconds(1);
    let changed = oai(
        &server,
        &format!(
            "verb=ListIdentifiers&metadataPrefix=jpcoar_2.0&from={}",
            enc(&next.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        ),
    );
    let ids: Vec<&str> = changed
        .split("<identifier>")
        .skip(1)
        .map(|s| &s[..s.find("</identifier>").unwrap()])
        .collect();
    assert_eq!(
        ids,
        [item],
        "only the dataset whose embargo lifted: {changed}"
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
    let server = Server::start(store.path(), &["--oai-page-size", "7"]);
    // A change after every stored datestamp: the incremental harvest from
    // then takes it alone (a deleted plan and its datasets, as deleted
    // headers).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let from = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let deleted = plans
        .iter()
        .find(|e| e.items.len() > 1)
        .expect("a plan with datasets");
    let out = run(&[
        "delete",
        "--store",
        s(store.path()),
        &deleted.key.to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut expected = serde_json::Map::new();
    let all: Vec<&dmpgraph_store::items::Item> = plans.iter().flat_map(|e| &e.items).collect();
    expected.insert(String::new(), all.len().into());
    let mut sets: Vec<&String> = all.iter().flat_map(|i| &i.sets).collect();
    sets.sort();
    sets.dedup();
    for set in sets {
        let n = all.iter().filter(|i| i.sets.contains(set)).count();
        expected.insert(set.clone(), n.into());
    }
    let changed: Vec<String> = deleted
        .items
        .iter()
        .map(|i| {
            format!(
                "oai:localhost:{}",
                dmpgraph_store::items::item_key(&deleted.key, i.n)
            )
        })
        .collect();
    let task = serde_json::json!({
        "endpoint": server.url("/oai"),
        "expected": expected,
        "from": from,
        "changed": changed,
    });
    let script = repo_root().join("crates/cli/tests/python/oai_harvest.py");
    let report = run_python(&script, &task);
    println!("{report}");
    assert!(report.contains(" 0 problems"), "{report}");
}

/// Every page of a list from the provider in-process, `responseDate` cut.
fn provider_pages(p: &dmpgraph_oai::Provider, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = vec![
        ("verb".to_string(), "ListRecords".to_string()),
        ("metadataPrefix".to_string(), prefix.to_string()),
    ];
    loop {
        let xml = String::from_utf8(p.respond(&args, "http://x/oai").unwrap()).unwrap();
        let next = token(&xml);
        let cut = xml.find("</responseDate>").unwrap();
        out.push(xml[cut..].to_string());
        match next {
            Some(t) if !t.is_empty() => {
                args = vec![
                    ("verb".to_string(), "ListRecords".to_string()),
                    ("resumptionToken".to_string(), t),
                ]
            }
            _ => return out,
        }
    }
}

#[test]
fn kept_records_are_the_records() {
    let store = ingested_examples();
    let stores = dmpgraph_store::Stores::open(store.path()).unwrap();
    let provider = dmpgraph_oai::Provider::new(
        stores.public(),
        dmpgraph_oai::OaiConfig {
            page_size: 5,
            ..dmpgraph_oai::OaiConfig::default()
        },
    )
    .unwrap();
    let formats = ["oai_dc", "jpcoar_2.0", "oai_datacite", "rdf"];
    let rendered: Vec<Vec<String>> = formats
        .iter()
        .map(|f| provider_pages(&provider, f))
        .collect();
    let warmed = provider.warm(None).unwrap();
    // The examples hold no deleted item yet: every item in every format.
    assert_eq!(warmed.rendered, warmed.items * formats.len(), "{warmed:?}");
    let kept: Vec<Vec<String>> = formats
        .iter()
        .map(|f| provider_pages(&provider, f))
        .collect();
    assert_eq!(rendered, kept, "a kept record is the record");
    assert_eq!(
        provider.warm(None).unwrap().rendered,
        0,
        "nothing to render twice"
    );
}
