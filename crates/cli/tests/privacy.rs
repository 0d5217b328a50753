//! The privacy round trip (issue 15), end to end over the real binary: an
//! AMED plan with a unique marker in every private field of the form (every
//! blue cell, and every field of a staff row marked 否) is ingested, exported
//! with `--include-private`, and that maDMP JSON ingested into a fresh store
//! under another `--base-iri`, beside hand-made maDMP 1.3 documents with
//! markers in every private part the standard allows (`mbox` of the contact
//! and of contributors, persons marked `dmpg:mayBePublished: false` and the
//! places that name them again, extension keys at several depths). No marker
//! may appear in any public output of either store — `/sparql` (every quad of
//! every graph), `/record/{id}` (HTML and Turtle), `/store`, `export madmp`
//! (1.3 and 1.2), `export rdf`, `show --public-only` — and every marker must
//! be in a private output, so that the test cannot pass by losing data.
//! Both stores are also replicated to oxigraph server and to Virtuoso 7 (a
//! `[backend]`): no private marker in anything either engine holds.

mod common;

use common::engines::{engine_ready, EngineProcess};
use common::http::*;
use common::*;
use dmpgraph_dev::{write_xlsx, Style};
use dmpgraph_model::{Contact, DataSubject, Dataset, Dmp, Person, SharingMethod, StaffMember};
use serde_json::{json, Value};
use std::path::Path;

/// The base IRI of the second dmpgraph, which ingests the first one's export.
const OTHER_BASE: &str = "https://dmp.example.org/";
const GRANT: &str = "24ck0199001h0001";
/// The staff No. of the row marked 否: a number (the reader takes up to
/// 10⁹), unique in every output.
const HIDDEN_STAFF_NUMBER: u32 = 987_654_321;

/// A value planted in one field, private or public.
#[derive(Clone)]
struct Marker {
    value: String,
    /// Where it was planted: the form's field key, or a maDMP pointer.
    field: String,
    /// Whether a maDMP export with private values carries it (phones,
    /// addresses, postal codes and extensions have no maDMP key: they stay in
    /// the first store's private RDF).
    in_madmp: bool,
}

/// The markers of one run, private and public.
#[derive(Default)]
struct Markers {
    private: Vec<Marker>,
    public: Vec<Marker>,
}

impl Markers {
    fn private(&mut self, field: &str) -> String {
        self.add(field, true, true)
    }
    fn private_rdf_only(&mut self, field: &str) -> String {
        self.add(field, true, false)
    }
    fn public(&mut self, field: &str) -> String {
        self.add(field, false, true)
    }
    fn add(&mut self, field: &str, private: bool, in_madmp: bool) -> String {
        // "-Q" ends every marker, so that none is part of another.
        let value = format!("{}-{field}-Q", if private { "PRIV" } else { "PUB" });
        let marker = Marker {
            value: value.clone(),
            field: field.to_owned(),
            in_madmp,
        };
        if private {
            self.private.push(marker);
        } else {
            self.public.push(marker);
        }
        value
    }
    fn mail(&mut self, field: &str) -> String {
        format!("{}@example.jp", self.private(field))
    }
}

/// A person of the form with markers in every field: public ones in the
/// green cells, private ones in the blue cells (`prefix` is `pi` or `manager.N`).
fn person(m: &mut Markers, prefix: &str) -> Person {
    Person {
        institution: Some(m.public(&format!("{prefix}.institution"))),
        affiliation: Some(m.public(&format!("{prefix}.affiliation"))),
        position: Some(m.public(&format!("{prefix}.position"))),
        name: Some(m.public(&format!("{prefix}.name"))),
        contact: Contact {
            postal_code: Some(m.private_rdf_only(&format!("{prefix}.postal_code"))),
            address: Some(m.private_rdf_only(&format!("{prefix}.address"))),
            phone: Some(m.private_rdf_only(&format!("{prefix}.phone"))),
            extension: Some(m.private_rdf_only(&format!("{prefix}.extension"))),
            email: Some(m.mail(&format!("{prefix}.email"))),
        },
    }
}

/// The AMED plan: a marker in every field whose visibility is Private, and in
/// every field of the staff row marked 否.
fn amed_plan(m: &mut Markers) -> Dmp {
    let mut dmp = Dmp::new(GRANT, m.public("project.title"));
    dmp.created = chrono::NaiveDate::from_ymd_opt(2024, 5, 1);
    dmp.pi = person(m, "pi");
    for number in [1, 2] {
        dmp.datasets.push(Dataset {
            number,
            name: Some(m.public(&format!("dataset.{number}.name"))),
            subject: Some(DataSubject::HumanIndividual),
            description: Some(m.public(&format!("dataset.{number}.description"))),
            sharing: Some(SharingMethod::RestrictedSharingExternal),
            external_parties: Some(m.public(&format!("dataset.{number}.external_parties"))),
            restriction_reason: Some(m.public(&format!("dataset.{number}.restriction_reason"))),
            consent: Some(true),
            consent_documents: Some(m.public(&format!("dataset.{number}.consent_documents"))),
            manager: person(m, &format!("manager.{number}")),
            ..Dataset::default()
        });
    }
    dmp.staff = vec![
        StaffMember {
            number: Some(1),
            institution: Some(m.public("staff.1.institution")),
            affiliation: Some(m.public("staff.1.affiliation")),
            position: Some(m.public("staff.1.position")),
            name: Some(m.public("staff.1.name")),
            publishable: Some(true),
        },
        StaffMember {
            number: Some(HIDDEN_STAFF_NUMBER),
            institution: Some(m.private("staff.2(否).institution")),
            affiliation: Some(m.private("staff.2(否).affiliation")),
            position: Some(m.private("staff.2(否).position")),
            name: Some(m.private("staff.2(否).name")),
            publishable: Some(false),
        },
    ];
    dmp
}

/// A hand-made maDMP 1.3 document with markers in every private part the
/// standard allows, and public markers beside them.
fn madmp_plan(m: &mut Markers) -> Value {
    let hidden_id = format!(
        "https://example.org/people/{}",
        m.private("madmp.hidden.contributor_id")
    );
    let person = |name: String, mbox: String, id: String| {
        json!({"name": name, "mbox": mbox, "role": ["DataCurator"],
               "contributor_id": [{"identifier": id, "type": "other"}]})
    };
    let mut shown = person(
        m.public("madmp.contributor.0.name"),
        m.mail("madmp.contributor.0.mbox"),
        "https://orcid.org/0000-0002-1825-0097".into(),
    );
    shown["dmpg:position"] = json!(m.public("madmp.contributor.0.dmpg:position"));
    shown["dmpg:mayBePublished"] = json!(true);
    shown["dmpg:telephoneExtension"] =
        json!(m.private("madmp.contributor.0.dmpg:telephoneExtension"));
    shown["x_other:note"] = json!(m.private("madmp.contributor.0.x_other:note"));
    let mut hidden = person(
        m.private("madmp.hidden.name"),
        m.mail("madmp.hidden.mbox"),
        hidden_id.clone(),
    );
    hidden["dmpg:mayBePublished"] = json!(false);
    hidden["dmpg:position"] = json!(m.private("madmp.hidden.dmpg:position"));
    hidden["affiliation"] = json!([{"name": m.private("madmp.hidden.affiliation.name"),
        "affiliation_id": {"identifier": m.private("madmp.hidden.affiliation_id"), "type": "other"}}]);
    // After the hidden one: its IRI must not become the hidden one's.
    let last = person(
        m.public("madmp.contributor.2.name"),
        m.mail("madmp.contributor.2.mbox"),
        "https://orcid.org/0000-0001-5109-3700".into(),
    );
    json!({
        "$schema": "https://github.com/RDA-DMP-Common/RDA-DMP-Common-Standard/tree/master/examples/JSON/JSON-schema/1.3",
        "x-tool:root": m.private("madmp./x-tool:root"),
        "dmp": {
            "title": m.public("madmp.title"),
            "created": "2025-04-01T09:00:00+09:00",
            "modified": "2025-06-01T09:00:00+09:00",
            "language": "jpn",
            "ethical_issues_exist": "yes",
            "dmp_id": {"identifier": "https://doi.org/10.48321/D1PRIVACY", "type": "doi"},
            "contact": {
                "name": m.public("madmp.contact.name"),
                "mbox": m.mail("madmp.contact.mbox"),
                "contact_id": {"identifier": "https://orcid.org/0000-0002-1825-0097", "type": "orcid"}
            },
            "contributor": [shown, hidden, last],
            "x-tool:dmp": {"nested": [m.private("madmp./dmp/x-tool:dmp")]},
            "dataset": [{
                "title": m.public("madmp.dataset.title"),
                "personal_data": "yes",
                "sensitive_data": "yes",
                "dataset_id": {"identifier": "https://example.org/ds/privacy-1", "type": "url"},
                "dmpg:dataManager": hidden_id,
                "dmpg:position": m.private("madmp./dmp/dataset/0/dmpg:position"),
                "x-tool:dataset": m.private("madmp./dmp/dataset/0/x-tool:dataset"),
                // The hidden person again, as a creator: the same identifier.
                "creator": [{"name": m.private("madmp.hidden-as-creator.name"),
                             "creator_id": [{"identifier": hidden_id, "type": "other"}]}],
                "distribution": [{
                    "title": m.public("madmp.distribution.title"),
                    "data_access": "restricted",
                    "access_url": "https://example.org/data/privacy-1",
                    "x-tool:distribution": m.private("madmp./dmp/dataset/0/distribution/0/x-tool:distribution"),
                    "host": {
                        "title": m.public("madmp.host.title"),
                        "url": "https://example.org/repository/",
                        "x-tool:host": {"deep": m.private("madmp./dmp/dataset/0/distribution/0/host/x-tool:host")}
                    }
                }]
            }]
        }
    })
}

/// A maDMP 1.2 document whose contact is a person not to be published: its
/// public form names the catalog's published contact.
fn madmp_hidden_contact(m: &mut Markers) -> Value {
    let id = format!(
        "https://example.org/people/{}",
        m.private("madmp2.contact.contact_id")
    );
    json!({
        "dmp": {
            "title": m.public("madmp2.title"),
            "created": "2025-04-01T09:00:00Z",
            "modified": "2025-04-01T09:00:00Z",
            "language": "eng",
            "ethical_issues_exist": "no",
            "dmp_id": {"identifier": "https://example.org/dmp/privacy-2", "type": "url"},
            "contact": {"name": m.private("madmp2.contact.name"), "mbox": m.mail("madmp2.contact.mbox"),
                        "contact_id": {"identifier": id, "type": "other"},
                        "dmpg:mayBePublished": false},
            "dataset": [{"title": m.public("madmp2.dataset.title"), "personal_data": "no",
                         "sensitive_data": "no",
                         "dataset_id": {"identifier": "https://example.org/ds/privacy-2", "type": "url"},
                         "distribution": [{"title": "Files", "data_access": "open",
                             "host": {"title": "Zenodo", "url": "https://zenodo.org/"}}]}]
        }
    })
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// The ids of the records an ingest stored.
fn ingest_ids(store: &Path, args: &[&str], path: &Path) -> Vec<String> {
    let out = ingest_ok(store, &[&["--json"][..], args].concat(), path);
    json(&out)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every value of a SPARQL JSON result, decoded (literals verbatim).
fn binding_values(results: &str) -> String {
    let results: Value = serde_json::from_str(results)
        .unwrap_or_else(|e| panic!("not SPARQL JSON ({e}): {results}"));
    let mut out = String::new();
    for row in results["results"]["bindings"].as_array().unwrap() {
        for (_, term) in row.as_object().unwrap() {
            out.push_str(term["value"].as_str().unwrap());
            out.push('\n');
        }
    }
    out
}

/// Every public output of a store: (name, text), and what SPARQL found of
/// a person marked not to be published (as a leak message).
fn public_outputs(store: &Path, ids: &[String]) -> (Vec<(String, String)>, Vec<String>) {
    let st = s(store);
    let mut outputs = vec![
        (
            "export madmp --all".to_owned(),
            ok(&["export", "madmp", "--all", "--store", st]),
        ),
        (
            "export madmp --all --version 1.2".to_owned(),
            ok(&[
                "export",
                "madmp",
                "--all",
                "--version",
                "1.2",
                "--store",
                st,
            ]),
        ),
        (
            "export rdf --all --format nquads".to_owned(),
            ok(&[
                "export", "rdf", "--all", "--format", "nquads", "--store", st,
            ]),
        ),
    ];
    for id in ids {
        outputs.push((
            format!("show --public-only --json {id}"),
            ok(&["show", "--public-only", "--json", "--store", st, id]),
        ));
    }
    let server = Server::start(store, &[]);
    let all = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }";
    let r = query_get(&server, all, "application/sparql-results+json");
    assert_eq!(r.status, 200, "{}", r.body);
    let values = binding_values(&r.body);
    assert!(values.lines().count() > 1000, "{values}");
    outputs.push(("/sparql (every quad of every graph)".to_owned(), values));
    let ask = "ASK { GRAPH ?g { ?s <https://w3id.org/dmpgraph/ns#mayBePublished> false } }";
    let r = query_get(&server, ask, "application/sparql-results+json");
    let answer: Value = serde_json::from_str(&r.body).unwrap();
    let mut found = Vec::new();
    if answer["boolean"] != json!(false) {
        found.push(format!("/sparql: {ask} is {}", answer["boolean"]));
    }
    for id in ids {
        for accept in ["text/html", "text/turtle"] {
            let r = get(&server, &format!("/record/{}", enc(id)), accept);
            assert_eq!(r.status, 200, "/record/{id} {accept}: {}", r.body);
            outputs.push((format!("/record/{id} ({accept})"), r.body));
        }
    }
    let r = get(&server, "/store?default", "application/n-triples");
    assert_eq!(r.status, 200);
    outputs.push(("/store?default".to_owned(), r.body));
    (outputs, found)
}

/// Asserts that no private marker is in any public output, and that the
/// public markers are (the outputs hold the plans at all).
fn assert_no_marker_leaks(
    markers: &Markers,
    (outputs, found): &(Vec<(String, String)>, Vec<String>),
    store: &str,
) {
    let mut leaks: Vec<String> = found.iter().map(|f| format!("{store}: {f}")).collect();
    for (name, text) in outputs {
        for marker in &markers.private {
            if common::reveals(text, &marker.value) {
                leaks.push(format!(
                    "{store}: private marker {} (field {}) is in {name}",
                    marker.value, marker.field
                ));
            }
        }
        if text.contains(&HIDDEN_STAFF_NUMBER.to_string()) {
            leaks.push(format!(
                "{store}: the No. {HIDDEN_STAFF_NUMBER} of the staff row marked 否 (field staff.2(否).number) is in {name}"
            ));
        }
        // A person so marked, in JSON (also inside rdf:JSON literals, hence
        // without JSON's escapes) or N-Quads; the stored RDF is asked by
        // SPARQL too (the vocabulary's comments name the mark in prose).
        let compact: String = text
            .split_whitespace()
            .collect::<String>()
            .replace('\\', "");
        if ["\"dmpg:mayBePublished\":false", "mayBePublished>\"false\""]
            .iter()
            .any(|p| compact.contains(p))
        {
            leaks.push(format!(
                "{store}: a person marked dmpg:mayBePublished false is in {name}"
            ));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
    let all: String = outputs.iter().map(|(_, t)| t.as_str()).collect();
    for marker in &markers.public {
        assert!(
            all.contains(&marker.value),
            "{store}: public marker {} (field {}) is in no public output",
            marker.value,
            marker.field
        );
    }
}

/// The two stores of the round trip, with their markers.
struct Marked {
    markers: Markers,
    work: tempfile::TempDir,
    /// The AMED plan.
    first: tempfile::TempDir,
    first_ids: Vec<String>,
    /// The first one's export and the hand-made maDMP documents.
    second: tempfile::TempDir,
    second_ids: Vec<String>,
    /// `export madmp --include-private` of the first store.
    exported: std::path::PathBuf,
}

impl Markers {
    /// The markers of the AMED form only (the first store's).
    fn of_the_form(&self) -> Markers {
        let only = |list: &[Marker]| -> Vec<Marker> {
            list.iter()
                .filter(|m| !m.field.starts_with("madmp"))
                .cloned()
                .collect()
        };
        Markers {
            private: only(&self.private),
            public: only(&self.public),
        }
    }
}

/// The AMED plan ingested into a first store and exported with its private
/// values; that export and the hand-made maDMP documents ingested into a
/// second store under another base IRI.
fn marked_stores() -> Marked {
    let mut markers = Markers::default();
    let dmp = amed_plan(&mut markers);
    let work = tempfile::tempdir().unwrap();
    let forms = work.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    write_xlsx(
        &dmp,
        &Style::default(),
        &forms.join(format!("{GRANT}.xlsx")),
    )
    .unwrap();

    // The first dmpgraph: the AMED plan.
    let first = tempfile::tempdir().unwrap();
    let first_ids = ingest_ids(first.path(), &[], &forms);
    assert_eq!(first_ids, [GRANT]);
    let exported = work.path().join("exported");
    ok(&[
        "export",
        "madmp",
        "--all",
        "--include-private",
        "--out",
        s(&exported),
        "--store",
        s(first.path()),
    ]);

    // The second dmpgraph, under another base IRI: the first one's export
    // and hand-made maDMP documents.
    let inputs = work.path().join("madmp");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(
        exported.join(format!("{GRANT}.json")),
        inputs.join("from-the-first-dmpgraph.json"),
    )
    .unwrap();
    for (name, doc) in [
        ("hand-made-1.3.json", madmp_plan(&mut markers)),
        (
            "hidden-contact-1.2.json",
            madmp_hidden_contact(&mut markers),
        ),
    ] {
        std::fs::write(inputs.join(name), serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    }
    let second = tempfile::tempdir().unwrap();
    let mut second_ids = ingest_ids(second.path(), &["--base-iri", OTHER_BASE], &inputs);
    second_ids.sort();
    assert_eq!(second_ids.len(), 3, "{second_ids:?}");
    assert!(second_ids.contains(&format!("http://localhost:8080/record/{GRANT}")));
    Marked {
        markers,
        work,
        first,
        first_ids,
        second,
        second_ids,
        exported,
    }
}

#[test]
fn private_values_stay_private_through_export_and_ingest_into_another_dmpgraph() {
    let Marked {
        markers,
        work: _work,
        first,
        first_ids,
        second,
        second_ids,
        exported,
    } = marked_stores();
    let private_export = std::fs::read_to_string(exported.join(format!("{GRANT}.json"))).unwrap();
    let first_private_rdf = ok(&[
        "export",
        "rdf",
        "--all",
        "--include-private",
        "--format",
        "nquads",
        "--store",
        s(first.path()),
    ]);
    let second_private = ok(&[
        "export",
        "madmp",
        "--all",
        "--include-private",
        "--store",
        s(second.path()),
    ]);

    // Every private marker is kept privately: the maDMP ones in the second
    // store's private export, the others in the first store's private RDF.
    for marker in &markers.private {
        let (text, output) = if marker.in_madmp {
            (
                &second_private,
                "the second store's export madmp --include-private",
            )
        } else {
            (
                &first_private_rdf,
                "the first store's export rdf --include-private",
            )
        };
        assert!(
            text.contains(&marker.value),
            "private marker {} (field {}) is missing from {output}: data lost",
            marker.value,
            marker.field
        );
        if marker.in_madmp && !marker.field.starts_with("madmp") {
            assert!(
                private_export.contains(&marker.value),
                "private marker {} (field {}) is missing from the first store's export madmp --include-private",
                marker.value,
                marker.field
            );
        }
    }
    assert!(private_export.contains(&HIDDEN_STAFF_NUMBER.to_string()));
    assert!(second_private.contains(&HIDDEN_STAFF_NUMBER.to_string()));
    assert!(second_private.contains("\"dmpg:mayBePublished\":false"));

    // No private marker in any public output of either store.
    let outputs = public_outputs(second.path(), &second_ids);
    assert_no_marker_leaks(&markers, &outputs, "the second store");
    let amed_only = markers.of_the_form();
    let outputs = public_outputs(first.path(), &first_ids);
    assert_no_marker_leaks(&amed_only, &outputs, "the first store");

    // A withheld contact is the catalog's published one in a public export,
    // which still reads as maDMP.
    let doc: Value = serde_json::from_str(&ok(&[
        "export",
        "madmp",
        "--dmp",
        "https://example.org/dmp/privacy-2",
        "--store",
        s(second.path()),
    ]))
    .unwrap();
    let desk = &dmpgraph_model::CatalogConfig::builtin().contact;
    assert_eq!(doc["dmp"]["contact"]["name"], json!(desk.name));
    assert_eq!(doc["dmp"]["contact"]["mbox"], json!(desk.mbox));
    // Strictly: not even a value that strays from its format.
    let parsed = dmpgraph_madmp::from_value_with_warnings(&doc, None).unwrap();
    assert_eq!(parsed.warnings, Vec::new());
    assert_eq!(
        dmpgraph_madmp::validate(&parsed.document, parsed.version),
        Vec::new()
    );
}

/// Both stores replicated to an engine (`dmpgraph replicate --once`, as a
/// deployment with a `[backend]` does): everything the engine then holds,
/// searched for every private marker, and for every public one (so that
/// the test cannot pass by replicating nothing).
fn no_marker_reaches(start: fn() -> EngineProcess) {
    let marked = marked_stores();
    let amed_only = marked.markers.of_the_form();
    for (store, markers, what) in [
        (&marked.first, &amed_only, "the first store"),
        (&marked.second, &marked.markers, "the second store"),
    ] {
        let engine = start();
        let mut args = vec!["replicate", "--once", "--store", s(store.path())];
        let backend = engine.serve_args(marked.work.path());
        args.extend(backend.iter().map(String::as_str));
        ok(&args);
        let dump = engine.dump();
        assert_no_marker_leaks(
            markers,
            &(
                vec![(
                    format!("{:?}, every quad of every graph", engine.kind),
                    dump,
                )],
                Vec::new(),
            ),
            what,
        );
    }
    assert!(!marked.first_ids.is_empty() && !marked.second_ids.is_empty());
}

#[test]
fn no_private_marker_reaches_oxigraph_server_as_a_backend() {
    if engine_ready("oxigraph") {
        no_marker_reaches(EngineProcess::oxigraph);
    }
}

#[test]
fn no_private_marker_reaches_virtuoso_as_a_backend() {
    if engine_ready("virtuoso-t") {
        no_marker_reaches(EngineProcess::virtuoso);
    }
}

#[test]
fn a_short_private_value_counts_apart_not_inside_a_random_token() {
    // A phone extension leaked into a page or a feed is found …
    for text in ["03-1234-4533", "内線4533", "ext. 4533.", "4533"] {
        assert!(reveals(text, "4533"), "{text}");
    }
    // … not inside a blank-node label, a token or a nanosecond version.
    for text in ["_:a30d4533e", "1796312345332#9f", "eyJ4533abc"] {
        assert!(!reveals(text, "4533"), "{text}");
    }
    // Any other value counts wherever it occurs.
    assert!(reveals(
        "mailto:ren.nakajima@example.ac.jp",
        "ren.nakajima@example.ac.jp"
    ));
    assert!(reveals("中島 蓮さん", "中島 蓮"));
}
